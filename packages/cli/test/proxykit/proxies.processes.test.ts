/**
 * proxy-check against the real proxies (Debian nginx-light, HAProxy, Caddy), each started twice
 * on a free port in front of the fault upstream: with its stock configuration, and with the
 * config `truestatus proxy-config` generates. The stock ones score what they score (every failed
 * criterion listed below, measured); the generated ones meet every criterion the proxy can meet
 * and fail exactly the ones capabilities.ts says it cannot (so that list neither hides nor
 * invents a limit). The access log each generated config writes is read by `truestatus analyze`
 * without flags. The truestatus gateway runs the same check through the CLI.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import {
  proxyVersion as installedVersion,
  type ProxyName,
  startProxy,
} from "../../../../test/helpers/proxies.js";
import {
  CHECK_DEADLINE_MS,
  GENERATED,
  gatewayCheckConfig,
  STOCK,
} from "../../../../test/helpers/proxy-configs.js";
import { freePort } from "../../../../test/helpers/redis-server.js";
import { unreachable } from "../../src/proxykit/capabilities.js";
import { type CheckResult, runProxyCheck } from "../../src/proxykit/check.js";
import { type FaultUpstream, startFaultUpstream } from "../../src/proxykit/fault-upstream.js";
import type { Criterion, FaultId } from "../../src/proxykit/faults.js";
import { PROXY_VERSIONS, proxyVersion } from "../../src/proxykit/generate/index.js";

const BIN = new URL("../../dist/cli/bin.js", import.meta.url).pathname;

type Fails = Partial<Record<FaultId, readonly Criterion[]>>;

const OWN_NO_PS: readonly Criterion[] = ["proxy-status", "error-type", "problem-body"];

/** What each stock configuration fails, measured on Debian 12 (nginx 1.22, HAProxy 2.6, Caddy 2.6). */
const STOCK_FAILS: Readonly<Record<ProxyName, Fails>> = {
  nginx: {
    refused: OWN_NO_PS,
    "reset-before-status": OWN_NO_PS,
    "stall-before-headers": OWN_NO_PS,
    // HTTP/0.9 passthrough: the client gets the broken bytes.
    "invalid-status-line": ["status", "proxy-status", "error-type", "problem-body", "no-internals"],
    "invalid-header": OWN_NO_PS,
    // proxy_ssl_verify is off by default: the expired, self-signed certificate is accepted.
    "tls-certificate": ["status", ...OWN_NO_PS],
    "upstream-503": ["received-status"],
    "upstream-500": ["received-status"],
  },
  haproxy: {
    // 503 for a refused connection (after retries) and for a failed TLS handshake.
    refused: ["status", ...OWN_NO_PS],
    "reset-before-status": OWN_NO_PS,
    "stall-before-headers": OWN_NO_PS,
    "invalid-status-line": OWN_NO_PS,
    "invalid-header": OWN_NO_PS,
    "tls-certificate": ["status", ...OWN_NO_PS],
    "upstream-503": ["received-status"],
    "upstream-500": ["received-status"],
  },
  caddy: {
    refused: OWN_NO_PS,
    "reset-before-status": OWN_NO_PS,
    "stall-before-headers": OWN_NO_PS,
    "invalid-status-line": OWN_NO_PS,
    // Go 1.19 accepts a field name with a space, drops it, forwards a 200.
    "invalid-header": ["status", ...OWN_NO_PS],
    "tls-certificate": OWN_NO_PS,
    "upstream-503": ["received-status"],
    "upstream-500": ["received-status"],
  },
};

/** The format `truestatus analyze` must detect in each generated config's access log. */
const LOG_FORMAT: Readonly<Record<ProxyName, string>> = {
  nginx: "ndjson",
  haproxy: "haproxy",
  caddy: "caddy",
};

function failed(r: CheckResult): string[] {
  return r.faults
    .flatMap((f) => f.criteria.filter((c) => !c.pass).map((c) => `${f.id}/${c.criterion}`))
    .sort();
}

function listed(fails: Fails): string[] {
  return Object.entries(fails)
    .flatMap(([fault, criteria]) => (criteria ?? []).map((c) => `${fault}/${c}`))
    .sort();
}

function runCli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.stderr.on("data", (d: Buffer) => (err += d));
    child.on("close", (code) => resolve({ code, out, err }));
  });
}

let upstream: FaultUpstream;
beforeAll(async () => {
  upstream = await startFaultUpstream({ stallMs: CHECK_DEADLINE_MS + 2_000 });
});
afterAll(async () => {
  await upstream?.close();
});

for (const name of ["nginx", "haproxy", "caddy"] as const) {
  describe(`${name} (real, Debian)`, () => {
    const installed = installedVersion(name);
    // The generator's version for what is installed (Debian 12: nginx 1.22, HAProxy 2.6, Caddy 2.6).
    const version = proxyVersion(name, installed ?? PROXY_VERSIONS[name][0]);

    it("is installed (scripts/provision.mjs installs it)", () => {
      expect(installed, `${name} is not installed: npm run provision`).toBeDefined();
    });

    it("stock configuration: scores what it scores", { timeout: 60_000 }, async () => {
      const proxy = await startProxy(name, STOCK[name](upstream.layout));
      try {
        const r = await runProxyCheck({
          proxy: proxy.url,
          upstream,
          deadlineMs: CHECK_DEADLINE_MS,
        });
        expect(failed(r), proxy.output().slice(-2000)).toEqual(listed(STOCK_FAILS[name]));
        expect(r.score.all.total).toBe(44);
        expect(r.score.all.passed).toBe(44 - listed(STOCK_FAILS[name]).length);
      } finally {
        await proxy.stop();
      }
    });

    it("generated configuration: 100 % of what it can tell apart, and fails only what it cannot", {
      timeout: 60_000,
    }, async () => {
      const proxy = await startProxy(name, GENERATED[name](upstream.layout, version));
      let log = "";
      try {
        const limits = unreachable(name, version);
        const r = await runProxyCheck({
          proxy: proxy.url,
          upstream,
          deadlineMs: CHECK_DEADLINE_MS,
          unreachable: limits,
        });
        expect(failed(r), proxy.output().slice(-2000)).toEqual([...limits.keys()].sort());
        expect(r.score.reachable.percent).toBe(100);
        expect(r.score.reachable.total).toBe(44 - limits.size);
        expect(r.notes).toEqual([]);
        // Every own answer names this proxy in Proxy-Status.
        for (const f of r.faults)
          if (f.criteria.some((c) => c.criterion === "proxy-status" && c.pass))
            expect(f.got).toContain("Proxy-Status: edge");
        await new Promise((res) => setTimeout(res, 300));
        log = proxy.accessLog();
      } finally {
        await proxy.stop();
      }
      // The access log: analyze reads it without flags, every line, in the right format.
      const dir = mkdtempSync(join(tmpdir(), "truestatus-proxylog-"));
      try {
        const file = join(dir, `${name}-access.log`);
        writeFileSync(file, log);
        const res = await runCli(["analyze", file, "--format", "json"]);
        expect(res.code === 0 || res.code === 1, res.err).toBe(true);
        const summary = JSON.parse(res.out) as {
          exchanges: number;
          malformed: { count: number };
          sources: Record<string, { format: string }>;
          statuses: Record<string, number>;
        };
        expect(Object.values(summary.sources)[0]?.format).toBe(LOG_FORMAT[name]);
        expect(summary.malformed.count).toBe(0);
        expect(summary.exchanges).toBeGreaterThanOrEqual(11);
        expect(summary.statuses["502"]).toBeGreaterThanOrEqual(2);
        expect(summary.statuses["504"]).toBeGreaterThanOrEqual(1);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

describe("truestatus gateway (the reference implementation)", () => {
  it("scores 100 % through the CLI: truestatus gateway + truestatus proxy-check", {
    timeout: 60_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "truestatus-gwcheck-"));
    const port = await freePort();
    const upstreamPort = await freePort();
    const layout = { host: "127.0.0.1", port: upstreamPort, refusedPort: 1 };
    const config = join(dir, "gateway.yaml");
    writeFileSync(
      config,
      stringify({
        listen: { host: "127.0.0.1", port },
        proxyName: "edge-gw",
        ...gatewayCheckConfig(layout),
      }),
    );
    const gateway = spawn(process.execPath, [BIN, "gateway", "--config", config], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      // Wait until it listens.
      const deadline = Date.now() + 10_000;
      for (;;) {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
        if (res !== undefined) break;
        if (Date.now() > deadline) throw new Error("the gateway did not start");
        await new Promise((r) => setTimeout(r, 100));
      }
      const res = await runCli([
        "proxy-check",
        "--proxy",
        `http://127.0.0.1:${port}`,
        "--upstream-port",
        String(upstreamPort),
        "--deadline",
        `${CHECK_DEADLINE_MS}ms`,
        "--kind",
        "gateway",
        "--format",
        "json",
      ]);
      expect(res.code, res.err).toBe(0);
      const report = JSON.parse(res.out) as {
        score: { all: { passed: number; total: number }; reachable: { percent: number } };
        faults: { got: string }[];
      };
      expect(report.score.all).toMatchObject({ passed: 44, total: 44 });
      expect(report.score.reachable.percent).toBe(100);
      expect(report.faults.some((f) => f.got.includes("edge-gw;error=connection_refused"))).toBe(
        true,
      );
    } finally {
      gateway.kill("SIGTERM");
      await new Promise((r) => gateway.once("close", r));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
