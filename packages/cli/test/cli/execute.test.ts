import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { run } from "./run.js";

describe("truestatus CLI", () => {
  it("demo --table prints the whole decision table computed by the library", async () => {
    const r = await run(["demo", "--table"]);
    expect(r.code).toBe(0);
    for (const line of [
      /credentials missing\s+401/,
      /token lacks a scope\s+403/,
      /body is not valid JSON\s+400/,
      /duplicate resource\s+422/,
      /method not supported\s+405 .*Allow: GET, HEAD, PUT/,
      /quota exceeded\s+429 .*Retry-After: 18/,
      /upstream refused\s+502 .*Proxy-Status: truestatus;error=connection_refused/,
      /upstream timed out\s+504/,
      /bug\s+500/,
    ]) {
      expect(r.out).toMatch(line);
    }
    expect(r.out).toContain(
      'WWW-Authenticate: Bearer error="invalid_token", error_description="The access token expired"',
    );
    // the worked 500 must not leak the planted cause
    expect(r.out).not.toContain('relation "users"');
    expect(r.out).not.toContain("/srv/api");
  });

  it("no colour when not on a TTY", async () => {
    const r = await run(["demo", "--table"]);
    expect(r.out).not.toContain("\u001b[");
  });

  it("status 401 cites the RFC and the MUST", async () => {
    const r = await run(["status", "401"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("401 Unauthorized");
    expect(r.out).toContain("RFC 9110 §15.5.2");
    expect(r.out).toMatch(/MUST\s+WWW-Authenticate/);
    expect(r.out).toContain("unauthenticated");
  });

  it("status without a code lists every registered code", async () => {
    const r = await run(["status"]);
    expect(r.out.split("\n").filter((l) => /^\d{3}\s/.test(l))).toHaveLength(64);
  });

  it.each([
    [["status", "42"], /three-digit status code/],
    [["status", "499"], /499 is not a registered status code/],
    [["nosuch"], /unknown command/],
    [["demo", "--nope"], /unknown option/],
  ])("%j is a usage error: exit 2, one line, no stack", async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it("--help and --version exit 0", async () => {
    expect((await run(["--help"])).code).toBe(0);
    expect((await run(["--help"])).out).toContain("Examples:");
    const v = await run(["--version"]);
    expect(v.code).toBe(0);
    expect(v.out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("the built bin runs and sets the exit code", () => {
    const bin = new URL("../../dist/cli/bin.js", import.meta.url).pathname;
    expect(execFileSync(process.execPath, [bin, "status", "429"], { encoding: "utf8" })).toContain(
      "Too Many Requests",
    );
    const bad = spawnSync(process.execPath, [bin, "status", "x"], { encoding: "utf8" });
    expect(bad.status).toBe(2);
  });

  it("starting the CLI loads no command's heavy dependencies (they load when that command runs)", () => {
    // analyze's fixed cost (bench/RESULTS.md F): undici, yaml, zod, prom-client and the OpenAPI
    // parser belong to probe, demo and gateway. CommonJS packages show up in require.cache.
    // The built bin is the esbuild bundle (npm run build), the file users run.
    const bin = new URL("../../dist/cli/bin.js", import.meta.url);
    expect(readFileSync(bin, "utf8")).not.toMatch(/from "\.\/execute\.js"/);
    const script = `process.argv = [process.argv[0], "bin", "status", "200"];
await import(${JSON.stringify(bin.href)});
const { createRequire } = await import("node:module");
const cache = Object.keys(createRequire(import.meta.url).cache);
console.log(JSON.stringify(cache.filter((f) => /node_modules[\\/](undici|yaml|prom-client|@apidevtools)[\\/]/.test(f))));`;
    const loaded = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
    });
    expect(loaded).toContain("OK");
    expect(JSON.parse(loaded.trim().split("\n").pop()!)).toEqual([]);
    // The same check sees them once the gateway's modules are loaded (the test can fail).
    const gateway = new URL("../../dist/gateway/server.js", import.meta.url).href;
    const after = execFileSync(
      process.execPath,
      ["--input-type=module", "-e", script.replace(bin.href, gateway)],
      { encoding: "utf8" },
    );
    expect(JSON.parse(after.trim().split("\n").pop()!).length).toBeGreaterThan(0);
  });
});
