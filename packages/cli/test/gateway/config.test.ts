/** Config: YAML and flags through one schema; every mistake is one line naming file, line, field. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { execute } from "../../src/cli/execute.js";
import {
  configFromFlags,
  GatewayConfigError,
  loadConfig,
  parseConfig,
} from "../../src/gateway/config.js";

const GOOD = `listen:
  port: 8080
trustedProxies: [10.0.0.0/8, "::1"]
timeouts:
  connect: 2s
  headers: 10s
upstreams:
  users:
    targets: [http://10.0.0.5:3000, http://10.0.0.6:3000]
    maxConcurrent: 200
  orders:
    targets: [https://orders.internal]
routes:
  - path: /users
    upstream: users
    rateLimit: { limit: 100, window: 1m }
  - path: /
    upstream: orders
    timeouts: { headers: 500ms }
`;

function error(text: string): GatewayConfigError {
  try {
    parseConfig(text, "gw.yaml");
  } catch (e) {
    expect(e).toBeInstanceOf(GatewayConfigError);
    expect((e as Error).message).not.toContain("\n");
    return e as GatewayConfigError;
  }
  throw new Error("expected a config error");
}

describe("gateway config", () => {
  it("reads a full config: durations, routes longest first, inherited timeouts", () => {
    const c = parseConfig(GOOD);
    expect(c.routes.map((r) => r.path)).toEqual(["/users", "/"]);
    expect(c.routes[0]!.timeouts).toEqual({
      connect: 2_000,
      queue: 5_000,
      headers: 10_000,
      idle: 30_000,
      total: undefined,
    });
    expect(c.routes[1]!.timeouts.headers).toBe(500);
    expect(c.routes[0]!.rateLimit).toMatchObject({
      limit: 100,
      window: 60,
      key: "ip",
      store: "memory",
    });
    expect(c.upstreams.get("users")!.targets.map(String)).toEqual([
      "http://10.0.0.5:3000/",
      "http://10.0.0.6:3000/",
    ]);
    expect(c.trustedProxies.check("10.1.2.3", "ipv4")).toBe(true);
    expect(c.trustedProxies.check("11.1.2.3", "ipv4")).toBe(false);
  });

  it("defaults that hold against slow senders and scrapers: upload, paths, metrics listener", () => {
    const c = parseConfig(GOOD);
    expect(c.upload).toEqual({ buffer: 65_536, timeout: 10_000, minRate: 1_024 });
    expect(c.paths).toEqual({ mergeSlashes: true });
    expect(c.metricsListen).toEqual({ host: "127.0.0.1", port: 9464 });
    expect(c.accessLogBuffer).toBe(8 * 1_048_576);
    const set = parseConfig(
      `${GOOD}\nupload: { buffer: 0, timeout: 2s, minRate: 10kb }\npaths: { mergeSlashes: false }\nmetrics: { listen: "[::1]:9100" }\naccessLog: { path: "-", buffer: 1mb }\n`,
    );
    expect(set.upload).toEqual({ buffer: 0, timeout: 2_000, minRate: 10_240 });
    expect(set.paths.mergeSlashes).toBe(false);
    expect(set.metricsListen).toEqual({ host: "::1", port: 9100 });
    expect([set.accessLog, set.accessLogBuffer]).toEqual(["-", 1_048_576]);
    expect(parseConfig(`${GOOD}\nmetrics: { listen: main }\n`).metricsListen).toBe("main");
    expect(error(`${GOOD}\nmetrics: { listen: "9464" }\n`).message).toContain(
      'metrics.listen: "9464" is not host:port (e.g. 127.0.0.1:9464) or "main"',
    );
  });

  it.each([
    [
      GOOD.replace("    maxConcurrent: 200", "    maxConcurent: 200"),
      "gw.yaml:10: upstreams.users.maxConcurent: unknown key",
    ],
    [
      GOOD.replace("https://orders.internal", "orders.internal"),
      'gw.yaml:12: upstreams.orders.targets[0]: "orders.internal" is not an http(s) URL',
    ],
    [
      GOOD.replace("connect: 2s", "connect: 2x"),
      'gw.yaml:5: timeouts.connect: "2x" is not a duration (e.g. 250ms, 5s, 1m)',
    ],
    [
      GOOD.replace("upstream: orders", "upstream: order"),
      'gw.yaml:18: routes[1].upstream: no upstream named "order" (defined: users, orders)',
    ],
    [
      GOOD.replace("10.0.0.0/8", "10.0.0.0/33"),
      "gw.yaml:3: trustedProxies[0]: is not an IP address or CIDR range (e.g. 10.0.0.0/8, ::1)",
    ],
    [
      GOOD.replace("store", "x").replace("window: 1m", "window: 1m, store: redis"),
      "gw.yaml:16: routes[0].rateLimit.store: redis store needs a top-level redis: { url } section",
    ],
    ["listen:\n  port: 1\n  port: 2\n", "gw.yaml:3: YAML: Map keys must be unique"],
    ["upstreams: {}\n", "gw.yaml:1: routes: is required"],
    [
      GOOD.replace("timeouts: { headers: 500ms }", 'retries: "two"'),
      "gw.yaml:19: routes[1].retries: expected number, received string",
    ],
  ])("one line naming file, line and field: %#", (text, message) => {
    expect(error(text).message.startsWith(message)).toBe(true);
  });

  it("flags: the one-line case, with flag names in errors", () => {
    const c = configFromFlags({ upstream: "http://127.0.0.1:3000", port: 0 });
    expect(c.routes).toHaveLength(1);
    expect(() => configFromFlags({ upstream: "ftp://x" })).toThrow(
      'flags: --upstream: "ftp://x" is not an http(s) URL',
    );
  });

  const dir = mkdtempSync(join(tmpdir(), "truestatus-gwcfg-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("a missing file is one line", () => {
    expect(() => loadConfig(join(dir, "none.yaml"))).toThrow(/none\.yaml: no such file$/);
  });

  function io() {
    const out: string[] = [];
    const err: string[] = [];
    return {
      io: {
        stdout: { write: (s: string) => out.push(s), isTTY: false },
        stderr: { write: (s: string) => err.push(s), isTTY: false },
        env: { NO_COLOR: "1" },
      } as unknown as Parameters<typeof execute>[1],
      out,
      err,
    };
  }

  it("truestatus gateway: exit 2 and one line for a bad config, a bad flag, a bad URL", async () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, GOOD.replace("headers: 10s", "headers: soon"));
    for (const argv of [
      ["gateway", "--config", bad],
      ["gateway", "--upstream", "not a url"],
      ["gateway", "--upstream", "http://127.0.0.1:1", "--port", "99999"],
      ["gateway"],
    ]) {
      const t = io();
      expect(await execute(argv, t.io)).toBe(2);
      const text = t.err.join("");
      expect(text.trim().split("\n")).toHaveLength(1);
      expect(text).not.toMatch(/\bat .*\.(ts|js):\d+/);
    }
    const t = io();
    await execute(["gateway", "--config", bad], t.io);
    expect(t.err.join("")).toContain(`${bad}:6: timeouts.headers: "soon" is not a duration`);
  });

  it("truestatus gateway --check: exit 0 for a good config", async () => {
    const good = join(dir, "good.yaml");
    writeFileSync(good, GOOD);
    const t = io();
    expect(await execute(["gateway", "--config", good, "--check"], t.io)).toBe(0);
    expect(t.out.join("")).toBe("config ok: 2 route(s), 2 upstream(s)\n");
  });
});
