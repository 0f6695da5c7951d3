/**
 * The rows of docs/proxies/<proxy>.md that proxy-check's faults do not reach, run on the real
 * proxies with the generated configs: a connect timeout (a port whose accept queue is full) is
 * a 504 connection_timeout, not a 502 or a 503; no usable upstream is a 503
 * destination_unavailable with Retry-After (nginx: every server of the group down; HAProxy: the
 * server in maintenance).
 */
import http from "node:http";
import { parseProblem, parseProxyStatus } from "truestatus";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Blackhole, blackhole } from "../../../../test/helpers/blackhole.js";
import { closedPort } from "../../../../test/helpers/faulty-upstream.js";
import { nginxPrelude, type ProxyName, startProxy } from "../../../../test/helpers/proxies.js";
import { generateConfig } from "../../src/proxykit/generate/index.js";
import type { GenerateOptions } from "../../src/proxykit/generate/model.js";

interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

function get(url: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.setTimeout(15_000, () => req.destroy(new Error("no answer in 15 s")));
    req.on("error", reject);
  });
}

function options(upstream: string, port: number): GenerateOptions {
  return {
    upstream: new URL(upstream),
    name: "edge",
    listen: { host: "127.0.0.1", port },
    version: "",
    connectTimeoutMs: 700,
    headersTimeoutMs: 2_000,
    retryAfter: 7,
    fragment: true,
    command: "test",
  };
}

/** Starts `kind` with the generated config for `upstream`; `edit` may change its text. */
function start(kind: ProxyName, version: string, upstream: string, edit = (t: string) => t) {
  return startProxy(kind, (c) => {
    const o = { ...options(upstream, c.port), version };
    if (kind === "haproxy") return edit(generateConfig(kind, { ...o, fragment: false }));
    if (kind === "caddy")
      return `{\n\tadmin off\n\tauto_https off\n}\nhttp://127.0.0.1:${c.port} {\n${generateConfig(kind, { ...o, accessLog: c.accessLog })}\n}\n`;
    const pre = nginxPrelude(c.dir);
    const [, httpPart, server] = edit(generateConfig(kind, { ...o, accessLog: c.accessLog })).split(
      /# ---- (?:http|server) \{\} ----/,
    );
    return `${pre.main}\nhttp {\n${pre.http}\n${httpPart}\nserver {\n    listen 127.0.0.1:${c.port};\n${server}\n}\n}\n`;
  });
}

function expectAnswer(r: Reply, status: number, error: string): void {
  expect(r.status, r.body).toBe(status);
  const ps = parseProxyStatus(String(r.headers["proxy-status"] ?? ""));
  expect(ps.ok && ps.value.at(-1)?.error).toBe(error);
  expect(r.headers["content-type"]).toBe("application/problem+json");
  const p = parseProblem(r.body);
  expect(p.ok && p.value.problem.status).toBe(status);
}

let hole: Blackhole;
beforeAll(async () => {
  hole = await blackhole();
});
afterAll(async () => {
  await hole?.close();
});

describe("a connect timeout is a 504 connection_timeout", () => {
  for (const [kind, version] of [
    ["nginx", "1.22"],
    ["haproxy", "2.6"],
    ["caddy", "2.6"],
  ] as const) {
    it(kind, { timeout: 30_000 }, async () => {
      const proxy = await start(kind, version, `http://127.0.0.1:${hole.port}`);
      try {
        const r = await get(`${proxy.url}/x`);
        expectAnswer(r, 504, "connection_timeout");
      } finally {
        await proxy.stop();
      }
    });
  }

  it("and HAProxy still tells a refused connection (502) from it", {
    timeout: 30_000,
  }, async () => {
    const port = await closedPort();
    const proxy = await start("haproxy", "2.6", `http://127.0.0.1:${port}`);
    try {
      expectAnswer(await get(`${proxy.url}/x`), 502, "connection_refused");
    } finally {
      await proxy.stop();
    }
  });
});

describe("no usable upstream is a 503 destination_unavailable with Retry-After", () => {
  it("nginx: every server of the group down (no live upstreams)", { timeout: 30_000 }, async () => {
    const [a, b] = [await closedPort(), await closedPort()];
    const proxy = await start("nginx", "1.22", `http://127.0.0.1:${a}`, (t) =>
      t.replace(`server 127.0.0.1:${a};`, `server 127.0.0.1:${a};\n    server 127.0.0.1:${b};`),
    );
    try {
      // The first request marks both servers down (refused), the next finds none live.
      expectAnswer(await get(`${proxy.url}/x`), 502, "connection_refused");
      const r = await get(`${proxy.url}/x`);
      expectAnswer(r, 503, "destination_unavailable");
      expect(r.headers["retry-after"]).toBe("7");
    } finally {
      await proxy.stop();
    }
  });

  it("HAProxy: the server in maintenance (nbsrv 0)", { timeout: 30_000 }, async () => {
    const port = await closedPort();
    const proxy = await start("haproxy", "2.6", `http://127.0.0.1:${port}`, (t) =>
      t.replace(`server app 127.0.0.1:${port}`, `server app 127.0.0.1:${port} disabled`),
    );
    try {
      const r = await get(`${proxy.url}/x`);
      expectAnswer(r, 503, "destination_unavailable");
      expect(r.headers["retry-after"]).toBe("7");
    } finally {
      await proxy.stop();
    }
  });
});
