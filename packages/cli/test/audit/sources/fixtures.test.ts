/**
 * Every source against the logs the real programs wrote (test/fixtures/make-fixtures.ts): nginx,
 * HAProxy and Caddy in front of the failing upstream, Chromium recording a HAR; Envoy and ALB
 * from hand-written lines in their documented formats. 20 rounds of the request mix each.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyzeInputs } from "../../../src/audit/analyze.js";
import type { Exchange } from "../../../src/audit/exchange.js";
import { openSource } from "../../../src/audit/sources/open.js";
import { NGINX_LOG_FORMAT } from "../../fixtures/make-fixtures.js";
import { drain, exchanges, malformedOf } from "./helpers.js";

const fixture = (name: string) => new URL(`../../fixtures/logs/${name}`, import.meta.url).pathname;
const ROUNDS = 20;

async function read(name: string, options = {}) {
  const src = await openSource(fixture(name), options);
  const records = await drain(src);
  return { src, records, ex: exchanges(records) };
}

const byTarget = (ex: readonly Exchange[], target: string) =>
  ex.filter((e) => e.request.target === target);

/** The same value for every exchange of the group (and the group has the expected size). */
function every<T>(group: readonly Exchange[], size: number, pick: (e: Exchange) => T): T {
  expect(group).toHaveLength(size);
  const values = group.map(pick);
  for (const v of values) expect(v).toEqual(values[0]);
  return values[0]!;
}

describe("nginx (real nginx-light, custom log_format with upstream variables)", () => {
  it("reads every line; the first one field by field", async () => {
    const { src, records, ex } = await read("nginx-upstream.log", { logFormat: NGINX_LOG_FORMAT });
    expect(src.format).toBe("nginx");
    expect(malformedOf(records)).toEqual([]);
    expect(ex).toHaveLength(ROUNDS * 15 + 1);
    const line1 = readFileSync(fixture("nginx-upstream.log"), "utf8").split("\n")[0]!;
    const m =
      /\[(.+?)\] "GET (\S+) HTTP\/1\.1" (\d+) (\d+) .* rt=([\d.]+) us="(\d+)" ut="([\d.]+)" uct="-" uht="-" ua="([^"]+)"/.exec(
        line1,
      )!;
    expect(m[2]).toBe("/refused/ok");
    expect(ex[0]).toEqual({
      format: "nginx",
      location: { file: fixture("nginx-upstream.log"), line: 1 },
      time: Date.parse(m[1]!.replace(/^(\d+)\/(\w+)\/(\d+):/, "$2 $1 $3 ")) - Number(m[5]) * 1000,
      durationMs: Number(m[5]) * 1000,
      request: {
        method: "GET",
        target: "/refused/ok",
        path: "/refused/ok",
        headers: { "user-agent": ["truestatus-fixtures/1"] },
        credentials: "absent",
      },
      response: { status: 502, size: Number(m[4]) },
      upstream: { attempts: [{ status: 502, timeMs: Number(m[7]) * 1000, addr: m[8] }] },
    });
  });

  it("tells each failure by its upstream facts", async () => {
    const { ex } = await read("nginx-upstream.log", { logFormat: NGINX_LOG_FORMAT });
    // Refused: nginx answers 502; the attempt has a status but no connect time.
    every(byTarget(ex, "/refused/ok"), ROUNDS, (e) => [
      e.response?.status,
      e.upstream?.attempts?.[0]?.status,
      e.upstream?.attempts?.[0]?.connectMs,
    ]);
    expect(byTarget(ex, "/refused/ok")[0]?.upstream?.attempts?.[0]?.connectMs).toBeUndefined();
    // Reset before headers: 502 with no header time.
    expect(
      every(byTarget(ex, "/api/reset"), ROUNDS, (e) => [
        e.response?.status,
        e.upstream?.attempts?.[0]?.status,
        e.upstream?.attempts?.[0]?.headerMs,
      ]),
    ).toEqual([502, 502, undefined]);
    // Timeout (proxy_read_timeout 500ms): nginx synthesises 504 into $upstream_status.
    const slow = byTarget(ex, "/api/slow");
    expect(
      every(slow, ROUNDS, (e) => [
        e.response?.status,
        e.upstream?.attempts?.[0]?.status,
        e.upstream?.attempts?.[0]?.headerMs,
      ]),
    ).toEqual([504, 504, undefined]);
    for (const e of slow) expect(e.upstream?.attempts?.[0]?.timeMs).toBeGreaterThanOrEqual(490);
    // The client went away: 499, no upstream status, the proxy produced the status.
    expect(
      every(byTarget(ex, "/api/slow?abort=1"), ROUNDS, (e) => [
        e.response?.status,
        e.clientAborted,
        e.upstream?.generatedBy,
      ]),
    ).toEqual([499, true, "proxy"]);
    // Retry-After logged through $sent_http_retry_after; WWW-Authenticate absent on the 401s.
    expect(every(byTarget(ex, "/api/unavailable"), ROUNDS, (e) => e.response?.headers)).toEqual({
      "retry-after": ["30"],
    });
    expect(
      every(byTarget(ex, "/api/auth"), ROUNDS * 2, (e) => [
        e.response?.status,
        e.response?.headers,
      ]),
    ).toEqual([401, undefined]);
    // Credentials from $http_authorization; the token never kept.
    const auth = byTarget(ex, "/api/auth");
    expect(auth.filter((e) => e.request.credentials === "present")).toHaveLength(ROUNDS);
    expect(auth.filter((e) => e.request.credentials === "absent")).toHaveLength(ROUNDS);
    expect(auth.find((e) => e.request.credentials === "present")?.request.headers).toEqual({
      authorization: ["Bearer [REDACTED]"],
      "user-agent": ["truestatus-fixtures/1"],
    });
    expect(JSON.stringify(ex)).not.toContain("fixture-token");
    // A request line that is not HTTP.
    expect(ex.at(-1)).toMatchObject({
      request: { method: "-", target: "GARBAGE", path: "-" },
      response: { status: 400 },
      upstream: { attempts: [], generatedBy: "proxy" },
    });
    // Successes come from the upstream.
    expect(
      every(byTarget(ex, "/api/ok"), ROUNDS, (e) => [e.response?.status, e.upstream?.generatedBy]),
    ).toEqual([200, "upstream"]);
  });

  it("reads nginx's own combined log by auto-detection", async () => {
    const { src, records, ex } = await read("nginx-combined.log");
    expect(src.format).toBe("combined");
    expect(malformedOf(records)).toEqual([]);
    expect(ex).toHaveLength(ROUNDS * 15 + 1);
    expect(
      every(byTarget(ex, "/api/slow?abort=1"), ROUNDS, (e) => [
        e.response?.status,
        e.clientAborted,
      ]),
    ).toEqual([499, true]);
    expect(
      every(byTarget(ex, "/api/items"), ROUNDS, (e) => [
        e.request.method,
        e.response?.status,
        e.response?.size,
      ]),
    ).toEqual(["POST", 201, 8]);
  });
});

describe("HAProxy (real haproxy, option httplog, rfc3164 syslog prefix)", () => {
  it("reads every request line, skips HAProxy's own notices, and reads the termination state", async () => {
    const { src, records, ex } = await read("haproxy.log");
    expect(src.format).toBe("haproxy");
    expect(malformedOf(records)).toEqual([]);
    expect(ex).toHaveLength(ROUNDS * 15 + 2);
    expect(
      every(byTarget(ex, "/api/reset"), ROUNDS, (e) => [
        e.response?.status,
        e.upstream?.termination,
        e.upstream?.generatedBy,
      ]),
    ).toEqual([502, "SH--", "proxy"]);
    expect(
      every(byTarget(ex, "/refused/ok"), ROUNDS, (e) => [
        e.response?.status,
        e.upstream?.termination,
        e.upstream?.generatedBy,
        e.upstream?.attempts?.[0]?.addr,
      ]),
    ).toEqual([503, "SC--", "proxy", "be_dead/dead"]);
    expect(
      every(byTarget(ex, "/api/slow"), ROUNDS, (e) => [
        e.response?.status,
        e.upstream?.termination,
      ]),
    ).toEqual([504, "sH--"]);
    expect(
      every(byTarget(ex, "/api/ok"), ROUNDS, (e) => [
        e.response?.status,
        e.upstream?.termination,
        e.upstream?.generatedBy,
        e.upstream?.attempts?.[0]?.status,
      ]),
    ).toEqual([200, "----", "upstream", 200]);
    expect(byTarget(ex, "/nosrv/x")).toEqual([
      expect.objectContaining({
        // %B counts the header section: a total, never a body size.
        response: { status: 503, totalSize: 217 },
        upstream: { termination: "SC--", generatedBy: "proxy" },
      }),
    ]);
    const bad = ex.find((e) => e.request.target === "<BADREQ>");
    expect(bad).toMatchObject({
      request: { method: "-", path: "-" },
      response: { status: 400 },
      upstream: { termination: "PR--", generatedBy: "proxy" },
    });
    for (const e of ex) expect(e.time).toBeGreaterThan(Date.UTC(2026, 0, 1));
  });
});

describe("Caddy (real caddy, JSON access log)", () => {
  it("reads request and response headers, credentials, aborts", async () => {
    const { src, records, ex } = await read("caddy.log");
    expect(src.format).toBe("caddy");
    expect(malformedOf(records)).toEqual([]);
    // Caddy does not log the non-HTTP request line (its server refuses it before the handlers).
    expect(ex).toHaveLength(ROUNDS * 15);
    const auth = byTarget(ex, "/api/auth");
    expect(auth.filter((e) => e.request.credentials === "present")).toHaveLength(ROUNDS);
    expect(auth.filter((e) => e.request.credentials === "absent")).toHaveLength(ROUNDS);
    expect(
      auth.find((e) => e.request.credentials === "present")?.request.headers?.authorization,
    ).toEqual(["[REDACTED]"]);
    expect(
      every(auth, ROUNDS * 2, (e) => [
        e.response?.status,
        e.response?.headers?.["www-authenticate"],
      ]),
    ).toEqual([401, undefined]);
    expect(
      every(byTarget(ex, "/api/unavailable"), ROUNDS, (e) => [
        e.response?.status,
        e.response?.headers?.["retry-after"],
      ]),
    ).toEqual([503, ["30"]]);
    expect(
      every(byTarget(ex, "/api/slow?abort=1"), ROUNDS, (e) => [e.response, e.clientAborted]),
    ).toEqual([undefined, true]);
    expect(every(byTarget(ex, "/api/slow"), ROUNDS, (e) => e.response?.status)).toBe(504);
    expect(every(byTarget(ex, "/refused/ok"), ROUNDS, (e) => e.response?.status)).toBe(502);
    const first = JSON.parse(readFileSync(fixture("caddy.log"), "utf8").split("\n")[0]!);
    expect(ex[0]).toMatchObject({
      durationMs: Math.round(first.duration * 1e6) / 1000,
      time: Math.round(first.ts * 1000 - first.duration * 1000),
      request: {
        method: first.request.method,
        target: first.request.uri,
        host: first.request.host,
      },
      response: { status: first.status },
    });
    // Caddy's size counts what handlers wrote, not the wire: never read as a body size.
    for (const e of ex) expect(e.response?.size).toBeUndefined();
  });
});

describe("HAR (real Chromium through playwright-core)", () => {
  it("reads the entries: bodies, headers, network errors, credentials", async () => {
    const { src, records, ex } = await read("chromium.har");
    expect(src.format).toBe("har");
    expect(malformedOf(records)).toEqual([]);
    expect(
      ex.map(
        (e) => `${e.request.method} ${e.request.path} ${e.response?.status ?? e.networkError}`,
      ),
    ).toEqual([
      "GET /page 200",
      "GET /api/ok 200",
      "GET /api/items/2 200",
      "GET /api/items/42 404",
      "POST /api/items 201",
      "GET /api/soft-error 200",
      "GET /api/fail 500",
      "GET /api/unavailable 503",
      "GET /api/auth 401",
      "GET /api/auth 401",
      "GET /api/throttled 429",
      "GET /api/reset net::ERR_CONNECTION_RESET",
      "GET /api/ok net::ERR_CONNECTION_REFUSED",
    ]);
    const soft = ex[5]!;
    expect(soft.response?.body).toEqual({
      text: '{"error":"database unavailable"}',
      truncated: false,
      mimeType: "application/json",
    });
    expect(ex[4]?.request.body).toEqual({
      text: '{"name":"x"}',
      truncated: false,
      mimeType: "application/json",
    });
    expect(ex[6]?.response?.body?.text).toContain("at handler (/srv/app/server.js:12:5)");
    expect(ex[7]?.response?.headers?.["retry-after"]).toEqual(["30"]);
    expect(ex[8]?.request.credentials).toBe("absent");
    expect(ex[9]?.request).toMatchObject({
      credentials: "present",
      headers: { authorization: ["Bearer [REDACTED]"] },
    });
    // The page's own script holds the token as text (a body, redacted by the reports); the request
    // headers never do.
    expect(JSON.stringify(ex.map((e) => e.request)).includes("fixture-token")).toBe(false);
    for (const e of ex) expect(e.location.entry).toBe(ex.indexOf(e));
  });
});

describe("Envoy (hand-written, documented default format and Istio's)", () => {
  it("reads flags, code 0, details and the upstream host", async () => {
    const { src, records, ex } = await read("envoy.log");
    expect(src.format).toBe("envoy");
    expect(malformedOf(records)).toEqual([]);
    expect(ex[0]).toEqual({
      format: "envoy",
      location: { file: fixture("envoy.log"), line: 1 },
      time: Date.parse("2016-04-15T20:17:00.310Z"),
      durationMs: 226,
      request: {
        method: "POST",
        target: "/api/v1/locations",
        path: "/api/v1/locations",
        host: "locations",
      },
      response: { status: 204, size: 0 },
      upstream: {
        flags: [],
        // No flag: the upstream's own answer, so its status is the one the client got.
        attempts: [{ addr: "tcp://10.0.2.1:80", timeMs: 100, status: 204 }],
        generatedBy: "upstream",
      },
    });
    expect(ex[3]).toMatchObject({
      response: { status: 503 },
      upstream: { flags: ["UF"], generatedBy: "proxy" },
    });
    expect(ex[4]).toMatchObject({
      response: { status: 504 },
      upstream: { flags: ["UT"] },
      durationMs: 15001,
    });
    expect(ex[8]).toMatchObject({ clientAborted: true, upstream: { flags: ["DC"] } });
    expect(ex[8]?.response).toBeUndefined();
    expect(ex[9]?.upstream?.flags).toEqual(["URX", "UF"]);
    expect(ex[13]).toMatchObject({ request: { method: "-", target: "-", path: "-" } });
    expect(ex[14]).toMatchObject({
      response: { status: 200, size: 11 },
      upstream: { details: "via_upstream", generatedBy: "upstream" },
    });
    expect(ex[15]?.upstream).toMatchObject({
      details: "upstream_response_timeout",
      generatedBy: "proxy",
    });
    expect(ex[16]?.upstream).toMatchObject({
      flags: ["UF"],
      details: "upstream_reset_before_response_started{connection_failure}",
    });
    // The upstream answered this 500 itself (Istio's via_upstream): its status is the attempt's.
    expect(ex[17]).toMatchObject({
      response: { status: 500 },
      upstream: {
        details: "via_upstream",
        generatedBy: "upstream",
        attempts: [{ addr: "10.0.2.1:8080", status: 500, timeMs: 11 }],
      },
    });
    // A TCP proxy line: no response because the upstream connection failed, retries exhausted.
    expect(ex[18]).toMatchObject({ upstream: { flags: ["UF", "URX"], generatedBy: "proxy" } });
    expect(ex[18]?.response).toBeUndefined();
    expect(ex[18]?.clientAborted).toBeUndefined();
  });

  it("a 500 the upstream answered is no masking; no response after UF,URX is a dependency failure", async () => {
    const file = fixture("envoy.log");
    const { summary } = await analyzeInputs([file]);
    // Line 18: 500 via_upstream (the upstream's own answer); line 20: 500 URX from Envoy's flags
    // (retries exhausted, the proxy's own 500): only the second is reported.
    const masks = summary.findings["500-masks-upstream-failure"];
    expect(masks?.samples.map((s) => s.location.line)).toEqual([20]);
    expect(masks?.count).toBe(1);
    expect(masks?.bySeverity).toEqual({ error: 1 });
    // Line 19 ("- - -" 0 UF,URX) is a dependency failure; line 14 ("- - -" 0 -, nothing known)
    // and line 9 (0 DC) client aborts.
    expect(summary.classes.client_abort).toBe(2);
    expect(summary.endpoints["_OTHER {other}"]?.classes).toEqual({
      client_abort: 1,
      dependency: 1,
    });
  });
});

describe("AWS ALB (hand-written, documented format)", () => {
  it("reads target_status '-' as null, -1 timings as unknown, trailing fields ignored", async () => {
    const { src, records, ex } = await read("alb.log");
    expect(src.format).toBe("alb");
    expect(malformedOf(records)).toEqual([]);
    expect(ex[1]).toEqual({
      format: "alb",
      location: { file: fixture("alb.log"), line: 2 },
      time: Date.parse("2018-07-02T22:22:48.364Z"),
      durationMs: 171,
      request: {
        method: "GET",
        target: "/api/items?id=1",
        path: "/api/items",
        host: "www.example.com:443",
      },
      // sent_bytes counts the headers: a total, never a body size.
      response: { status: 200, totalSize: 57 },
      upstream: {
        targetStatus: 200,
        attempts: [{ addr: "10.0.0.1:80", status: 200, timeMs: 48 }],
        generatedBy: "upstream",
      },
    });
    expect(ex[3]).toMatchObject({
      response: { status: 504 },
      upstream: { targetStatus: null, details: "TargetResponseTimeout", generatedBy: "proxy" },
    });
    expect(ex[3]?.durationMs).toBeUndefined();
    expect(ex[5]).toMatchObject({ response: { status: 503 }, upstream: { targetStatus: null } });
    expect(ex[5]?.upstream?.attempts).toBeUndefined();
    expect(ex[7]).toMatchObject({ clientAborted: true, response: { status: 460 } });
    expect(ex[8]).toMatchObject({ response: { status: 401 }, upstream: { targetStatus: 401 } });
    expect(ex[10]).toMatchObject({ request: { method: "-" }, response: { status: 400 } });
  });
});
