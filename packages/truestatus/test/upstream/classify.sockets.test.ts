/**
 * classifyUpstream on the errors real sockets produce: servers on 127.0.0.1 that refuse, reset,
 * stall, break HTTP or present bad certificates, called with Node's own fetch (undici inside) and
 * with node:http/https. Each case asserts the status, the Proxy-Status error type and that no
 * socket or timer is left behind.
 */
import http from "node:http";
import https from "node:https";
import { describe, expect, it } from "vitest";
import { closedPort, raw, serverPool } from "../../../../test/helpers/faulty-upstream.js";
import { noLeaks } from "../../../../test/helpers/leaks.js";
import { useTestCerts } from "../../../../test/helpers/tls-certs.js";
import { decide, parseProxyStatus } from "../../src/index.js";
import { type ClassifyContext, classifyUpstream } from "../../src/upstream/classify.js";

const certs = useTestCerts();
const { serve, silent, closeAll } = serverPool();
async function cleanup(): Promise<void> {
  await closeAll();
}

/** A test that must leave no socket, server or timer behind. */
const test = (name: string, fn: () => Promise<void>) => it(name, noLeaks(fn, cleanup));

/** The rejection of a promise (fails the test if it resolves). */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}

function answer(e: unknown, ctx?: ClassifyContext) {
  const f = classifyUpstream(e, ctx);
  expect(f, `classified ${String(e)}`).toBeDefined();
  const d = decide(f!);
  const ps = parseProxyStatus(d.headers["proxy-status"] ?? "");
  return { status: d.status, error: ps.ok ? ps.value[0]?.error : undefined, decision: d };
}

/** node:http GET; resolves with the response, rejects with the request's error. */
function httpGet(url: string, options: https.RequestOptions = {}): Promise<http.IncomingMessage> {
  const mod = url.startsWith("https:") ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.get(url, { agent: false, ...options }, resolve);
    req.on("error", reject);
  });
}

describe("Node fetch and node:http against failing upstreams", () => {
  test("connection refused → 502 connection_refused", async () => {
    const port = await closedPort();
    for (const e of [
      await rejection(fetch(`http://127.0.0.1:${port}/`)),
      await rejection(httpGet(`http://127.0.0.1:${port}/`)),
    ]) {
      const a = answer(e);
      expect([a.status, a.error]).toEqual([502, "connection_refused"]);
    }
  });

  test("reset before the response → 502 connection_terminated", async () => {
    const s = await serve((sock) => sock.resetAndDestroy());
    for (const e of [await rejection(fetch(s.url)), await rejection(httpGet(s.url))]) {
      const a = answer(e);
      expect([a.status, a.error]).toEqual([502, "connection_terminated"]);
    }
  });

  test("closed before the response (FIN) → 502 connection_terminated", async () => {
    const s = await serve((sock) => sock.end());
    for (const e of [await rejection(fetch(s.url)), await rejection(httpGet(s.url))]) {
      const a = answer(e);
      expect([a.status, a.error]).toEqual([502, "connection_terminated"]);
    }
  });

  test("reset after the header section, mid-body → 502 http_response_incomplete", async () => {
    const s = await serve((sock) =>
      sock.write(`${raw.head(200, { "content-length": 1000 })}first`),
    );
    const res = await fetch(s.url);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    for (const sock of s.sockets) sock.resetAndDestroy();
    const e = await rejection(reader.read());
    const a = answer(e);
    expect([a.status, a.error]).toEqual([502, "http_response_incomplete"]);

    // node:http: the response emits the error; the caller knows it is in the body phase.
    const s2 = await serve((sock) =>
      sock.write(`${raw.head(200, { "content-length": 1000 })}first`),
    );
    const res2 = await httpGet(s2.url);
    const failed = new Promise((resolve) => res2.on("error", resolve));
    await new Promise((resolve) => res2.once("data", resolve));
    for (const sock of s2.sockets) sock.resetAndDestroy();
    const b = answer(await failed, { phase: "body" });
    expect([b.status, b.error]).toEqual([502, "http_response_incomplete"]);
  });

  test("invalid status line → 502 http_protocol_error", async () => {
    const s = await serve((sock) => sock.end(raw.invalidStatusLine));
    for (const e of [await rejection(fetch(s.url)), await rejection(httpGet(s.url))]) {
      const a = answer(e);
      expect([a.status, a.error]).toEqual([502, "http_protocol_error"]);
    }
  });

  test("invalid header line → 502 http_protocol_error", async () => {
    const s = await serve((sock) => sock.end(raw.invalidHeader));
    for (const e of [await rejection(fetch(s.url)), await rejection(httpGet(s.url))]) {
      const a = answer(e);
      expect([a.status, a.error]).toEqual([502, "http_protocol_error"]);
    }
  });

  test("a header section over the limit → 502 http_response_header_section_size", async () => {
    const s = await serve((sock) => sock.end(raw.hugeHeader(70_000)));
    for (const e of [await rejection(fetch(s.url)), await rejection(httpGet(s.url))]) {
      const a = answer(e);
      expect([a.status, a.error]).toEqual([502, "http_response_header_section_size"]);
    }
  });

  test("broken chunked coding → 502 http_response_transfer_coding", async () => {
    const s = await serve((sock) => sock.end(raw.badChunk));
    const res = await fetch(s.url);
    const a = answer(await rejection(res.text()));
    expect([a.status, a.error]).toEqual([502, "http_response_transfer_coding"]);
  });

  test("a status code that is not one (888) → 502 http_protocol_error with received-status", async () => {
    const s = await serve((sock) => sock.end(raw.head(888, { "content-length": 0 })));
    const res = await fetch(s.url);
    const a = answer(res);
    expect([a.status, a.error]).toEqual([502, "http_protocol_error"]);
    expect(a.decision.headers["proxy-status"]).toContain("received-status=888");
  });

  test("headers that never come, with AbortSignal.timeout → 504 http_response_timeout", async () => {
    const s = await silent();
    const e = await rejection(fetch(s.url, { signal: AbortSignal.timeout(50) }));
    const a = answer(e);
    expect([a.status, a.error]).toEqual([504, "http_response_timeout"]);
  });

  test("upstream answers 503 with Retry-After → 503 keeping it; 429 → 503 keeping it", async () => {
    for (const status of [503, 429]) {
      const s = await serve((sock) =>
        sock.end(raw.head(status, { "retry-after": 17, "content-length": 0 })),
      );
      const res = await fetch(s.url);
      await res.arrayBuffer();
      const a = answer(res);
      expect(a.status).toBe(503);
      expect(a.decision.headers["retry-after"]).toBe("17");
      expect(a.decision.headers["proxy-status"]).toBe(`truestatus;received-status=${status}`);
    }
  });

  test("an unresolvable .invalid host → 502 dns_error", async () => {
    for (const e of [
      await rejection(fetch("http://truestatus-test.invalid/")),
      await rejection(httpGet("http://truestatus-test.invalid/")),
    ]) {
      const a = answer(e);
      expect([a.status, a.error]).toEqual([502, "dns_error"]);
    }
  });
});

describe("TLS upstreams", () => {
  const tlsCase = async (server: Parameters<typeof serve>[1], client: https.RequestOptions) => {
    const s = await serve((sock) => sock.end(raw.head(200, { "content-length": 0 })), server);
    return answer(await rejection(httpGet(s.url, client)));
  };

  test("self-signed certificate → 502 tls_certificate_error (fetch and https)", async () => {
    const s = await serve(
      (sock) => sock.end(raw.head(200, { "content-length": 0 })),
      certs().selfSigned,
    );
    const viaFetch = answer(await rejection(fetch(s.url)));
    expect([viaFetch.status, viaFetch.error]).toEqual([502, "tls_certificate_error"]);
    const viaHttps = await tlsCase(certs().selfSigned, {});
    expect([viaHttps.status, viaHttps.error]).toEqual([502, "tls_certificate_error"]);
  });

  test("expired certificate from a trusted CA → 502 tls_certificate_error", async () => {
    const a = await tlsCase(certs().expired, { ca: certs().ca });
    expect([a.status, a.error]).toEqual([502, "tls_certificate_error"]);
  });

  test("certificate for another host name → 502 tls_certificate_error", async () => {
    const a = await tlsCase(certs().otherHost, { ca: certs().ca });
    expect([a.status, a.error]).toEqual([502, "tls_certificate_error"]);
  });

  test("the upstream refuses our TLS version with an alert → 502 tls_alert_received, alert-id 70", async () => {
    const a = await tlsCase(
      { ...certs().good, maxVersion: "TLSv1.2" },
      { ca: certs().ca, minVersion: "TLSv1.3" },
    );
    expect([a.status, a.error]).toEqual([502, "tls_alert_received"]);
    expect(a.decision.headers["proxy-status"]).toContain("alert-id=70");
  });

  test("TLS spoken to a plain-HTTP port → 502", async () => {
    const s = await serve((sock) => sock.end(raw.head(400, { "content-length": 0 })));
    const a = answer(
      await rejection(httpGet(s.url.replace("http:", "https:"), { ca: certs().ca })),
    );
    expect(a.status).toBe(502);
    expect(["tls_protocol_error", "connection_terminated"]).toContain(a.error);
  });
});
