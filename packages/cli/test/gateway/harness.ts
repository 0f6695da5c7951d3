/**
 * A gateway for one test: real listener on 127.0.0.1 (port 0), its metrics and health listener
 * (port 0 too), an access log in a temporary file, and helpers to call it (node:http, agent: false: one connection per request, closed
 * after), read its log lines and its /metrics.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "vitest";
import { serverPool } from "../../../../test/helpers/faulty-upstream.js";
import { noLeaks } from "../../../../test/helpers/leaks.js";
import { checkConfig } from "../../src/gateway/config.js";
import { createGateway, type Gateway, type GatewayOptions } from "../../src/gateway/server.js";

export interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** False when the connection ended before the body did. */
  readonly complete: boolean;
}

export interface TestGateway {
  readonly gateway: Gateway;
  readonly port: number;
  readonly url: string;
  /** Where /metrics and /healthz answer (the main url when they share it). */
  readonly adminUrl: string;
  get(path: string, options?: http.RequestOptions & { body?: string }): Promise<Reply>;
  metrics(): Promise<string>;
  /** Closes the gateway (drains) and returns the access log lines. */
  close(): Promise<Record<string, unknown>[]>;
}

/** Config overrides are merged into a one-upstream, one-route config. */
export async function startGateway(
  config: Record<string, unknown>,
  options: GatewayOptions = {},
): Promise<TestGateway> {
  const dir = mkdtempSync(join(tmpdir(), "truestatus-gw-"));
  const log = join(dir, "access.ndjson");
  const gateway = await createGateway(
    checkConfig({
      listen: { host: "127.0.0.1", port: 0 },
      accessLog: log,
      metrics: { listen: "127.0.0.1:0" },
      ...config,
    }),
    options,
  );
  const { port } = await gateway.listen(0, "127.0.0.1");
  const url = `http://127.0.0.1:${port}`;
  const admin = gateway.adminAddress;
  const adminUrl = admin === undefined ? url : `http://127.0.0.1:${admin.port}`;
  let lines: Record<string, unknown>[] | undefined;
  return {
    gateway,
    port,
    url,
    adminUrl,
    get: (path, options = {}) => request(`${url}${path}`, options),
    metrics: async () => (await request(`${adminUrl}/metrics`)).body,
    close: async () => {
      if (lines !== undefined) return lines;
      await gateway.close();
      let text = "";
      try {
        text = readFileSync(log, "utf8");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      lines = text
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      return lines;
    },
  };
}

/** One request on its own connection; resolves with what arrived, complete or not. */
export function request(
  url: string,
  options: http.RequestOptions & { body?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const { body, ...rest } = options;
    const req = http.request(url, { agent: false, ...rest }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      const finish = () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString("utf8"),
          complete: res.complete,
        });
      res.on("end", finish);
      res.on("error", finish);
      res.on("aborted", () => {});
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** The value of one sample of /metrics text (name + every label given), or 0 when absent. */
export function sample(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return 0;
}

/** The sum of every sample of a metric whose labels include all of `labels`. */
export function total(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}

/** Waits (bounded) until `check` holds. */
export async function until(check: () => boolean, what: string, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * The gateways and faulty upstreams of one test file: `start` and `serve` track what they open,
 * and `test` runs a body that must leave nothing open once they are all closed.
 */
export function gatewaySuite() {
  const pool = serverPool();
  const gateways: TestGateway[] = [];
  const cleanup = async () => {
    for (const g of gateways.splice(0)) await g.close();
    await pool.closeAll();
  };
  return {
    serve: pool.serve,
    start: async (config: Record<string, unknown>, options?: GatewayOptions) => {
      const g = await startGateway(config, options);
      gateways.push(g);
      return g;
    },
    test: (name: string, fn: () => Promise<void>) => it(name, noLeaks(fn, cleanup)),
    cleanup,
  };
}
