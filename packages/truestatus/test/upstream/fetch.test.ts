/**
 * upstreamFetch against real failing servers on 127.0.0.1: each case asserts the status and the
 * Proxy-Status error type of what it throws, and that no socket or timer is left behind.
 */
import http from "node:http";
import type net from "node:net";
import { Agent } from "undici";
import { describe, expect, it } from "vitest";
import { closedPort, raw, serverPool } from "../../../../test/helpers/faulty-upstream.js";
import { noLeaks } from "../../../../test/helpers/leaks.js";
import { useTestCerts } from "../../../../test/helpers/tls-certs.js";
import {
  DEFAULT_POLICY,
  decide,
  definePolicy,
  HttpFailure,
  isHttpFailure,
  type Policy,
  parseProxyStatus,
  serializeProblem,
} from "../../src/index.js";
import {
  createUpstreamFetch,
  type UpstreamFetch,
  type UpstreamFetchOptions,
  upstreamFetch,
} from "../../src/upstream/fetch.js";

const certs = useTestCerts();
const { serve, silent, closeAll } = serverPool();
const clients: UpstreamFetch[] = [];
async function cleanup(): Promise<void> {
  for (const c of clients.splice(0)) await c.close();
  await upstreamFetch.close();
  await closeAll();
}

/** A test that must leave no socket, server or timer behind. */
const test = (name: string, fn: () => Promise<void>) => it(name, noLeaks(fn, cleanup));

function client(options: UpstreamFetchOptions = {}): UpstreamFetch {
  const c = createUpstreamFetch(options);
  clients.push(c);
  return c;
}

/** The HttpFailure a promise rejects with, decided: status, Proxy-Status entry, headers. */
async function thrown(p: Promise<unknown>, policy: Policy = DEFAULT_POLICY) {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  expect(isHttpFailure(caught), `an HttpFailure, got ${String(caught)}`).toBe(true);
  const d = decide(caught as HttpFailure, policy);
  const ps = parseProxyStatus(d.headers["proxy-status"] ?? "");
  return {
    status: d.status,
    error: ps.ok ? ps.value[0]?.error : undefined,
    entry: ps.ok ? ps.value[0] : undefined,
    decision: d,
    failure: caught as HttpFailure,
  };
}

const ok = (body = "hello") => raw.head(200, { "content-length": body.length }) + body;

describe("upstreamFetch: answers", () => {
  test("returns a good response, its content readable, url kept", async () => {
    const s = await serve((sock) => sock.end(ok()));
    const res = await upstreamFetch(`${s.url}/x?y=1`);
    expect(res.status).toBe(200);
    expect(res.url).toBe(`${s.url}/x?y=1`);
    expect(await res.text()).toBe("hello");
  });

  test("with a total timeout, reading the content to its end clears the deadline", async () => {
    const s = await serve((sock) => sock.end(ok("abc")));
    const f = client({ timeout: 60_000 });
    const res = await f(s.url);
    expect(await res.text()).toBe("abc");
    // afterEach: no ref'd timer may be left (the deadline is also unref'd, but cleared here).
  });

  test("returns a 404 (the caller judges it) and throws for the upstream's 5xx and 429", async () => {
    const s404 = await serve((sock) => sock.end(raw.head(404, { "content-length": 0 })));
    expect((await upstreamFetch(s404.url)).status).toBe(404);

    const s500 = await serve((sock) => sock.end(`${raw.head(500, { "content-length": 2 })}no`));
    const a = await thrown(upstreamFetch(s500.url));
    expect(a.status).toBe(502);
    expect(a.entry?.receivedStatus).toBe(500);

    const s503 = await serve((sock) =>
      sock.end(raw.head(503, { "content-length": 0, "retry-after": 30 })),
    );
    const b = await thrown(upstreamFetch(s503.url));
    expect([b.status, b.decision.headers["retry-after"]]).toEqual([503, "30"]);

    const s429 = await serve((sock) =>
      sock.end(raw.head(429, { "content-length": 0, "retry-after": 5 })),
    );
    const c = await thrown(upstreamFetch(s429.url));
    expect([c.status, c.decision.headers["retry-after"]]).toEqual([503, "5"]);
    expect(c.decision.fault).toBe("upstream");

    const s504 = await serve((sock) => sock.end(raw.head(504, { "content-length": 0 })));
    const d = await thrown(upstreamFetch(s504.url));
    expect([d.status, d.decision.headers["proxy-status"]]).toEqual([
      504,
      "truestatus;received-status=504",
    ]);
  });

  test("takes a Request, and a dispatcher of the caller's (per-call timeouts still apply)", async () => {
    const s = await serve((sock) => sock.end(ok("req")));
    const res = await upstreamFetch(new Request(`${s.url}/r`, { method: "POST", body: "x" }));
    expect(await res.text()).toBe("req");
    const silentOne = await silent();
    const own = new Agent();
    try {
      const a = await thrown(upstreamFetch(silentOne.url, { dispatcher: own, headersTimeout: 50 }));
      expect([a.status, a.error]).toEqual([504, "http_response_timeout"]);
    } finally {
      await own.close();
    }
  });

  test("throwOnStatus: false returns every response; a function picks", async () => {
    const s = await serve((sock) => sock.end(raw.head(500, { "content-length": 0 })));
    expect((await upstreamFetch(s.url, { throwOnStatus: false })).status).toBe(500);
    expect((await upstreamFetch(s.url, { throwOnStatus: (st) => st !== 500 })).status).toBe(500);
    const a = await thrown(upstreamFetch(s.url, { throwOnStatus: (st) => st === 500 }));
    expect(a.status).toBe(502);
  });
});

describe("upstreamFetch: network failures", () => {
  test("refused → 502 connection_refused", async () => {
    const port = await closedPort();
    const a = await thrown(upstreamFetch(`http://127.0.0.1:${port}/`));
    expect([a.status, a.error]).toEqual([502, "connection_refused"]);
    expect(a.failure.cause).toBeInstanceOf(Error);
  });

  test("reset before the response → 502 connection_terminated", async () => {
    const s = await serve((sock) => sock.resetAndDestroy());
    const a = await thrown(upstreamFetch(s.url));
    expect([a.status, a.error]).toEqual([502, "connection_terminated"]);
  });

  test("reset mid-body → reading throws 502 http_response_incomplete", async () => {
    const s = await serve((sock) =>
      sock.write(`${raw.head(200, { "content-length": 1000 })}first`),
    );
    const res = await upstreamFetch(s.url, { timeout: 60_000 });
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("first");
    for (const sock of s.sockets) sock.resetAndDestroy();
    const a = await thrown(reader.read());
    expect([a.status, a.error]).toEqual([502, "http_response_incomplete"]);
  });

  test("closed mid-body (FIN before the announced length) → 502 http_response_incomplete", async () => {
    const s = await serve((sock) => sock.end(`${raw.head(200, { "content-length": 1000 })}part`));
    const res = await upstreamFetch(s.url);
    const a = await thrown(res.text());
    expect([a.status, a.error]).toEqual([502, "http_response_incomplete"]);
  });

  test("headers that never come → 504 http_response_timeout (headersTimeout)", async () => {
    const s = await silent();
    const a = await thrown(upstreamFetch(s.url, { headersTimeout: 50 }));
    expect([a.status, a.error]).toEqual([504, "http_response_timeout"]);
  });

  test("content that stalls → reading throws 504 connection_read_timeout (bodyTimeout)", async () => {
    const s = await serve((sock) => sock.write(`${raw.head(200, { "content-length": 10 })}ab`));
    const f = client({ bodyTimeout: 50 });
    const res = await f(s.url);
    const a = await thrown(res.text());
    expect([a.status, a.error]).toEqual([504, "connection_read_timeout"]);
  });

  test("the total timeout: before the head → 504 http_response_timeout; in the content → connection_read_timeout", async () => {
    const s = await silent();
    const a = await thrown(upstreamFetch(s.url, { timeout: 50 }));
    expect([a.status, a.error]).toEqual([504, "http_response_timeout"]);

    const s2 = await serve((sock) => sock.write(`${raw.head(200, { "content-length": 10 })}ab`));
    const res = await upstreamFetch(s2.url, { timeout: 100 });
    const b = await thrown(res.text());
    expect([b.status, b.error]).toEqual([504, "connection_read_timeout"]);
  });

  test("a connection that never completes its handshake → 504 connection_timeout (connectTimeout)", async () => {
    // TCP connects, the TLS ServerHello never comes: undici's connect phase covers both.
    const s = await silent();
    const f = client({ connectTimeout: 50 });
    const a = await thrown(f(s.url.replace("http:", "https:")));
    expect([a.status, a.error]).toEqual([504, "connection_timeout"]);
  });

  test("invalid status line / header → 502 http_protocol_error", async () => {
    for (const response of [raw.invalidStatusLine, raw.invalidHeader]) {
      const s = await serve((sock) => sock.end(response));
      const a = await thrown(upstreamFetch(s.url));
      expect([a.status, a.error]).toEqual([502, "http_protocol_error"]);
    }
  });

  test("a header section over maxHeaderSize → 502 http_response_header_section_size", async () => {
    const s = await serve((sock) => sock.end(raw.hugeHeader(4_000)));
    const f = client({ maxHeaderSize: 1_024 });
    const a = await thrown(f(s.url));
    expect([a.status, a.error]).toEqual([502, "http_response_header_section_size"]);
  });

  test("content over maxResponseSize → 502 http_response_body_size", async () => {
    const big = "x".repeat(5_000);
    const s = await serve((sock) => sock.end(ok(big)));
    const f = client({ maxResponseSize: 1_000 });
    const a = await thrown(f(s.url).then((r) => r.text()));
    expect([a.status, a.error]).toEqual([502, "http_response_body_size"]);
  });

  test("an unresolvable .invalid host → 502 dns_error", async () => {
    const a = await thrown(upstreamFetch("http://truestatus-test.invalid/"));
    expect([a.status, a.error]).toEqual([502, "dns_error"]);
  });

  test("an abort of the caller's is rethrown as is: it is not an upstream failure", async () => {
    const s = await silent();
    const controller = new AbortController();
    const p = upstreamFetch(s.url, { signal: controller.signal, timeout: 60_000 });
    await s.nextRequest();
    controller.abort();
    let caught: unknown;
    try {
      await p;
    } catch (e) {
      caught = e;
    }
    expect(isHttpFailure(caught)).toBe(false);
    expect((caught as Error).name).toBe("AbortError");
  });
});

describe("upstreamFetch: TLS", () => {
  const serveTls = (pair: { key: Buffer; cert: Buffer }) => serve((sock) => sock.end(ok()), pair);

  test("a certificate from a CA the client trusts → 200", async () => {
    const s = await serveTls(certs().good);
    const f = client({ tls: { ca: certs().ca } });
    expect(await (await f(s.url)).text()).toBe("hello");
  });

  it.each([
    ["self-signed", () => certs().selfSigned],
    ["expired", () => certs().expired],
    ["issued for another host", () => certs().otherHost],
  ])(
    "a %s certificate → 502 tls_certificate_error",
    noLeaks(async (_name: string, pair: () => { key: Buffer; cert: Buffer }) => {
      const s = await serveTls(pair());
      const f = client({ tls: { ca: certs().ca } });
      const a = await thrown(f(s.url));
      expect([a.status, a.error]).toEqual([502, "tls_certificate_error"]);
    }, cleanup),
  );

  test("a TLS version the upstream refuses → 502 tls_alert_received", async () => {
    const s = await serve((sock) => sock.end(ok()), { ...certs().good, maxVersion: "TLSv1.2" });
    const f = client({ tls: { ca: certs().ca, minVersion: "TLSv1.3" } });
    const a = await thrown(f(s.url));
    expect([a.status, a.error]).toEqual([502, "tls_alert_received"]);
  });
});

describe("upstreamFetch in a handler that lets it throw", () => {
  /** The few lines every emit adapter runs: an HttpFailure becomes decide()'s answer. */
  async function gateway(upstream: string, policy: Policy) {
    const server = http.createServer(async (_req, res) => {
      try {
        const r = await upstreamFetch(upstream, { nextHop: "users-api" });
        res.end(await r.text());
      } catch (e) {
        const d = decide(isHttpFailure(e) ? e : new HttpFailure({ kind: "internal" }), policy);
        res.writeHead(d.status, { ...d.headers, "content-type": "application/problem+json" });
        res.end(serializeProblem(d.problem));
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as net.AddressInfo).port;
    const res = await fetch(`http://127.0.0.1:${port}/`);
    const body = await res.text();
    await new Promise<void>((r) => server.close(() => r()));
    return { status: res.status, proxyStatus: res.headers.get("proxy-status"), body };
  }

  test("answers 502 with Proxy-Status and a body that does not name the upstream", async () => {
    const port = await closedPort();
    const upstream = `http://127.0.0.1:${port}/secret-path`;
    const r = await gateway(upstream, DEFAULT_POLICY);
    expect(r.status).toBe(502);
    expect(r.proxyStatus).toBe("truestatus;error=connection_refused");
    expect(r.body).not.toMatch(new RegExp(`${port}|127\\.0\\.0\\.1|secret-path|users-api|ECONN`));
    expect(JSON.parse(r.body)).toMatchObject({ status: 502, title: "Bad gateway" });
  });

  test("names the upstream in Proxy-Status only when the policy exposes internals", async () => {
    const port = await closedPort();
    const r = await gateway(`http://127.0.0.1:${port}/`, definePolicy({ exposeInternals: true }));
    expect(r.proxyStatus).toBe(
      'truestatus;error=connection_refused;next-hop=users-api;details="ECONNREFUSED"',
    );
  });
});

describe("createUpstreamFetch options", () => {
  it.each([
    ["connectTimeout", 0],
    ["headersTimeout", -1],
    ["timeout", Number.NaN],
    ["bodyTimeout", Number.POSITIVE_INFINITY],
  ])("refuses %s = %s", (name, value) => {
    expect(() => createUpstreamFetch({ [name]: value })).toThrow(RangeError);
  });
});
