/**
 * The fault matrix: each row a real upstream on 127.0.0.1 that fails in one way, the real gateway
 * in front, a real client. For each: the status, Proxy-Status, the body (problem+json that names
 * no upstream address, or the upstream's own body passed through), the access-log line, the
 * metrics, and nothing left open (sockets, timers, upstream requests) once the gateway closed.
 */
import type net from "node:net";
import { parseProxyStatus } from "truestatus";
import { describe, expect } from "vitest";
import { closedPort, raw } from "../../../../test/helpers/faulty-upstream.js";
import { useTestCerts } from "../../../../test/helpers/tls-certs.js";
import { gatewaySuite, type Reply, request, sample, type TestGateway, until } from "./harness.js";

const certs = useTestCerts();
const { serve, start, test } = gatewaySuite();
let gw: TestGateway | undefined;

const TIMEOUTS = { connect: "1s", headers: "300ms", idle: "300ms" };

function config(targets: string[], extra: Record<string, unknown> = {}) {
  return {
    upstreams: { api: { targets, ...extra } },
    routes: [{ path: "/", upstream: "api", timeouts: TIMEOUTS }],
  };
}

interface Expected {
  readonly status: number;
  /** Proxy-Status error type of this gateway's member, or undefined for none. */
  readonly error: string | undefined;
  readonly receivedStatus?: number;
  readonly failureClass: string;
  readonly errorType: string;
}

/** Asserts the answer, the log line and the metric of one exchange. */
async function check(reply: Reply, e: Expected, upstreamPort?: number): Promise<void> {
  expect(reply.status).toBe(e.status);
  const ps = reply.headers["proxy-status"];
  const parsed = parseProxyStatus(String(ps ?? ""));
  const ours = parsed.ok ? parsed.value.at(-1) : undefined;
  if (e.error === undefined && e.receivedStatus === undefined) expect(ps).toBeUndefined();
  else {
    expect(ours?.proxy).toBe("truestatus");
    expect(ours?.error).toBe(e.error);
    expect(ours?.receivedStatus).toBe(e.receivedStatus);
    // No address, port or details of the upstream in what the client sees.
    expect(String(ps)).not.toMatch(/127\.0\.0\.1|next-hop|details/);
  }
  if (upstreamPort !== undefined) expect(reply.body).not.toContain(String(upstreamPort));
  expect(reply.body).not.toContain("127.0.0.1");
  const metrics = await gw!.metrics();
  expect(
    sample(metrics, "http_server_request_duration_seconds_count", {
      http_response_status_code: String(e.status),
      failure_class: e.failureClass,
      error_type: e.errorType,
    }),
  ).toBe(1);
  const lines = await gw!.close();
  const line = lines.find((l) => l.status === e.status);
  expect(line).toMatchObject({
    status: e.status,
    failure_class: e.failureClass,
    "error.type": e.errorType,
    route: "/",
    upstream: "api",
  });
  if (e.error !== undefined) expect(line?.proxy_status).toBe(ps);
}

function problem(reply: Reply, status: number): void {
  expect(reply.headers["content-type"]).toBe("application/problem+json");
  const body = JSON.parse(reply.body) as Record<string, unknown>;
  expect(body.status).toBe(status);
  expect(Object.keys(body).sort()).toEqual(["detail", "status", "title", "type"]);
}

describe("gateway fault matrix", () => {
  test("upstream refuses (nothing listens) → 502 connection_refused", async () => {
    const port = await closedPort();
    gw = await start(config([`http://127.0.0.1:${port}`]));
    const r = await gw.get("/a");
    problem(r, 502);
    await check(
      r,
      {
        status: 502,
        error: "connection_refused",
        failureClass: "dependency",
        errorType: "connection_refused",
      },
      port,
    );
  });

  test("upstream down (every target ejected) → 503 destination_unavailable + Retry-After", async () => {
    const port = await closedPort();
    gw = await start(
      config([`http://127.0.0.1:${port}`], { ejection: { failures: 1, duration: "30s" } }),
    );
    expect((await gw.get("/a")).status).toBe(502);
    const r = await gw.get("/a");
    problem(r, 503);
    expect(Number(r.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    await check(r, {
      status: 503,
      error: "destination_unavailable",
      failureClass: "dependency",
      errorType: "destination_unavailable",
    });
  });

  test("upstream resets before headers → 502 connection_terminated", async () => {
    const up = await serve((s) => s.resetAndDestroy());
    gw = await start(config([up.url]));
    const r = await gw.get("/a");
    problem(r, 502);
    await check(
      r,
      {
        status: 502,
        error: "connection_terminated",
        failureClass: "dependency",
        errorType: "connection_terminated",
      },
      up.port,
    );
  });

  test("upstream resets mid-body → the client's body is cut, logged as http_response_incomplete", async () => {
    let upstream: net.Socket | undefined;
    const up = await serve((s) => {
      upstream = s;
      s.write(
        `${raw.head(200, { "content-length": 100, "content-type": "text/plain" })}0123456789`,
      );
    });
    gw = await start(config([up.url]));
    const reply = new Promise<Reply>((resolve, reject) => {
      const req = (request as typeof request)(`${gw!.url}/a`);
      req.then(resolve, reject);
    });
    await until(
      () => upstream !== undefined && gw!.gateway.activeRequests === 1,
      "upstream answered",
    );
    await until(() => (upstream?.bytesWritten ?? 0) > 0, "first chunk sent");
    // Let the first chunk reach the client before the reset.
    await new Promise((r) => setImmediate(r));
    upstream!.resetAndDestroy();
    const r = await reply;
    expect(r.status).toBe(200);
    expect(r.complete).toBe(false);
    expect(r.body.length).toBeLessThan(100);
    const metrics = await gw.metrics();
    expect(
      sample(metrics, "truestatus_gateway_incomplete_responses_total", {
        error_type: "http_response_incomplete",
      }),
    ).toBe(1);
    await check(r, {
      status: 200,
      error: undefined,
      failureClass: "dependency",
      errorType: "http_response_incomplete",
    });
  });

  test("upstream stalls before headers → 504 http_response_timeout", async () => {
    const up = await serve(() => {});
    gw = await start(config([up.url]));
    const r = await gw.get("/a");
    problem(r, 504);
    await check(
      r,
      {
        status: 504,
        error: "http_response_timeout",
        failureClass: "dependency",
        errorType: "http_response_timeout",
      },
      up.port,
    );
    await until(() => up.sockets.size === 0, "upstream connection closed");
  });

  test("upstream stalls mid-body → cut after the idle timeout, logged as connection_read_timeout", async () => {
    const up = await serve((s) => s.write(`${raw.head(200, { "content-length": 100 })}0123456789`));
    gw = await start(config([up.url]));
    const r = await gw.get("/a");
    expect(r.status).toBe(200);
    expect(r.complete).toBe(false);
    expect(r.body).toBe("0123456789");
    await check(r, {
      status: 200,
      error: undefined,
      failureClass: "dependency",
      errorType: "connection_read_timeout",
    });
    await until(() => up.sockets.size === 0, "upstream connection closed");
  });

  test("upstream sends an invalid status line → 502 http_protocol_error", async () => {
    const up = await serve((s) => s.end(raw.invalidStatusLine));
    gw = await start(config([up.url]));
    const r = await gw.get("/a");
    problem(r, 502);
    await check(
      r,
      {
        status: 502,
        error: "http_protocol_error",
        failureClass: "dependency",
        errorType: "http_protocol_error",
      },
      up.port,
    );
  });

  test("upstream sends oversized headers → 502 http_response_header_section_size", async () => {
    const up = await serve((s) => s.end(raw.hugeHeader(100_000)));
    gw = await start(config([up.url]));
    const r = await gw.get("/a");
    problem(r, 502);
    await check(
      r,
      {
        status: 502,
        error: "http_response_header_section_size",
        failureClass: "dependency",
        errorType: "http_response_header_section_size",
      },
      up.port,
    );
  });

  test("upstream TLS with a self-signed certificate → 502 tls_certificate_error", async () => {
    const up = await serve(() => {}, certs().selfSigned);
    gw = await start(config([up.url]));
    const r = await gw.get("/a");
    problem(r, 502);
    await check(
      r,
      {
        status: 502,
        error: "tls_certificate_error",
        failureClass: "dependency",
        errorType: "tls_certificate_error",
      },
      up.port,
    );
  });

  test("upstream host does not resolve → 502 dns_error", async () => {
    gw = await start(config(["http://upstream.invalid:8080"]));
    const r = await gw.get("/a");
    problem(r, 502);
    expect(r.body).not.toContain("upstream.invalid");
    await check(r, {
      status: 502,
      error: "dns_error",
      failureClass: "dependency",
      errorType: "dns_error",
    });
  });

  for (const [status, extra, failureClass] of [
    [500, {}, "server_bug"],
    [502, {}, "dependency"],
    [503, { "retry-after": "7" }, "dependency"],
    [504, {}, "dependency"],
  ] as const) {
    test(`upstream answers ${status} → passed through unchanged, Proxy-Status received-status=${status}`, async () => {
      const body = `{"upstream":"says ${status}"}`;
      const up = await serve((s) =>
        s.end(
          raw.head(status, {
            "content-type": "application/json",
            "content-length": body.length,
            ...extra,
          }) + body,
        ),
      );
      gw = await start(config([up.url]));
      const r = await gw.get("/a");
      expect(r.body).toBe(body);
      expect(r.headers["content-type"]).toBe("application/json");
      if (status === 503) expect(r.headers["retry-after"]).toBe("7");
      await check(r, {
        status,
        error: undefined,
        receivedStatus: status,
        failureClass,
        errorType: String(status),
      });
    });
  }

  test("upstream hangs while the client aborts → upstream request aborted, logged 499 client_abort", async () => {
    const up = await serve(() => {});
    gw = await start(config([up.url]));
    const http = await import("node:http");
    const arrived = up.nextRequest();
    const req = http.get(`${gw.url}/slow`, { agent: false });
    req.on("error", () => {});
    const upstreamSocket = await arrived;
    let upstreamClosed = false;
    upstreamSocket.once("close", () => {
      upstreamClosed = true;
    });
    req.destroy();
    // The upstream connection of that request is closed at once (no upstream work left running).
    await until(() => upstreamClosed, "upstream request aborted");
    await until(() => gw!.gateway.activeRequests === 0, "exchange over");
    const metrics = await gw.metrics();
    expect(
      sample(metrics, "http_server_request_duration_seconds_count", {
        http_response_status_code: "499",
        failure_class: "client_abort",
      }),
    ).toBe(1);
    const lines = await gw.close();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      status: 499,
      failure_class: "client_abort",
      "error.type": "client_abort",
      url: "/slow",
    });
  });
});
