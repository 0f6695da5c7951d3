#!/usr/bin/env node
/**
 * Makes sure the programs the test suites start are on this machine (run by `npm test` before
 * vitest). Tests use real parts: redis-server, nginx, HAProxy, Caddy, Chromium and openssl.
 *
 * - Everything present: silent, exit 0.
 * - Something missing, and this is a Debian/Ubuntu machine where we are root (or have
 *   passwordless sudo): one `apt-get update`, one `apt-get install`, announced in one line.
 * - Otherwise: fails at once with the exact command to run, exit 1.
 *
 * `--check` only reports (exit 1 when something is missing); `--list` prints the packages.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** Program the tests run → the Debian package that ships it, and which suites need it. */
export const NEEDS = [
  { bin: "openssl", pkg: "openssl", why: "TLS certificates for the upstream and gateway tests" },
  { bin: "redis-server", pkg: "redis-server", why: "the Redis rate-limit store" },
  { bin: "nginx", pkg: "nginx-light", why: "real nginx logs and proxy checks" },
  { bin: "haproxy", pkg: "haproxy", why: "real HAProxy logs and proxy checks" },
  { bin: "caddy", pkg: "caddy", why: "real Caddy logs and proxy checks" },
  { bin: "python3", pkg: "python3-minimal", why: "a port that times out" },
  { bin: "chromium", pkg: "chromium", why: "the HTML report in a real browser" },
];

const SBIN = ["/usr/local/sbin", "/usr/sbin", "/sbin"];

function which(bin) {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), ...SBIN];
  for (const d of dirs) {
    if (!d) continue;
    try {
      accessSync(join(d, bin), constants.X_OK);
      return join(d, bin);
    } catch {}
  }
  return undefined;
}

function run(cmd, args) {
  return spawnSync(cmd, args, {
    encoding: "utf8",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    maxBuffer: 64 * 1024 * 1024,
  });
}

function main(argv) {
  if (argv.includes("--list")) {
    console.log(NEEDS.map((n) => n.pkg).join(" "));
    return 0;
  }
  const missing = NEEDS.filter((n) => which(n.bin) === undefined);
  if (missing.length === 0) return 0;
  const pkgs = missing.map((n) => n.pkg);
  const names = missing.map((n) => `${n.bin} (${n.why})`).join(", ");
  const command = `sudo apt-get update && sudo apt-get install -y ${pkgs.join(" ")}`;
  if (argv.includes("--check")) {
    console.error(`truestatus tests: missing ${names}. Install: ${command}`);
    return 1;
  }
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  const sudo =
    !root && which("sudo") !== undefined && run("sudo", ["-n", "true"]).status === 0
      ? ["sudo", "-n"]
      : undefined;
  if (which("apt-get") === undefined || (!root && sudo === undefined)) {
    console.error(
      `truestatus tests need ${names}, which this machine lacks, and cannot install them here (no apt-get, or not root). Install them, then run npm test again: ${command}`,
    );
    return 1;
  }
  const pre = sudo ?? [];
  const exec = (args) =>
    pre.length ? run(pre[0], [...pre.slice(1), ...args]) : run(args[0], args.slice(1));
  console.error(
    `truestatus tests: installing ${pkgs.join(", ")} with apt-get (missing: ${missing.map((n) => n.bin).join(", ")})`,
  );
  for (const args of [
    ["apt-get", "update", "-qq"],
    ["apt-get", "install", "-y", "-qq", ...pkgs],
  ]) {
    const r = exec(args);
    if (r.status !== 0) {
      const out = `${r.stdout ?? ""}${r.stderr ?? ""}`.trim().split("\n").slice(-5).join("\n");
      console.error(
        `truestatus tests: ${args.join(" ")} failed (exit ${r.status}); run it yourself: ${command}\n${out}`,
      );
      return 1;
    }
  }
  const still = missing.filter((n) => which(n.bin) === undefined);
  if (still.length > 0) {
    console.error(
      `truestatus tests: installed ${pkgs.join(", ")}, but ${still.map((n) => n.bin).join(", ")} is still not on PATH`,
    );
    return 1;
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
