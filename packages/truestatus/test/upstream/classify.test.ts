/**
 * classifyUpstream on errors and responses shaped exactly as Node, undici, axios and got build them.
 * The real-socket counterparts (the same errors produced by real servers on 127.0.0.1) are in
 * classify.sockets.test.ts and fetch.test.ts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_POLICY,
  decide,
  definePolicy,
  HttpFailure,
  isProxyErrorType,
  notFound,
  PROXY_ERROR_TYPES,
  parseProxyStatus,
  unavailable,
} from "../../src/index.js";
import { classifyUpstream, type UpstreamFailure } from "../../src/upstream/classify.js";
import {
  UPSTREAM_CODE_PREFIXES,
  UPSTREAM_ERROR_CODES,
  UPSTREAM_KIND_STATUS,
  UPSTREAM_PHASES,
  UPSTREAM_STATUS_RULES,
} from "../../src/upstream/table.js";

const expose = definePolicy({ exposeInternals: true });

function err(code: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`boom ${code}`), { code, ...extra });
}

/** fetch's wrapper: `TypeError("fetch failed", { cause })`. */
function fetchFailed(cause: unknown): TypeError {
  return new TypeError("fetch failed", { cause });
}

/** The Proxy-Status error type, received-status and params decide() sends for a failure. */
function proxyStatus(f: UpstreamFailure, policy = DEFAULT_POLICY) {
  const d = decide(f, policy);
  const header = d.headers["proxy-status"];
  expect(header, "a Proxy-Status field").toBeDefined();
  const parsed = parseProxyStatus(header!);
  if (!parsed.ok) throw new Error(parsed.error.message);
  expect(parsed.value).toHaveLength(1);
  return { status: d.status, entry: parsed.value[0]!, decision: d };
}

function classified(input: unknown, ctx = {}): UpstreamFailure {
  const f = classifyUpstream(input, ctx);
  expect(f, "classified").toBeDefined();
  return f!;
}

describe("classifyUpstream: every row of the code table", () => {
  it.each(Object.entries(UPSTREAM_ERROR_CODES))("%s", (code, rule) => {
    // DNS codes are judged with a DNS syscall, as Node raises them.
    const dns = rule.error === "dns_error" || rule.error === "dns_timeout";
    const e = err(code, dns ? { syscall: "queryA" } : {});
    for (const input of [e, fetchFailed(e)]) {
      const f = classified(input);
      expect(f.kind).toBe(rule.kind);
      const { status, entry } = proxyStatus(f, expose);
      expect(status).toBe(UPSTREAM_KIND_STATUS[rule.kind]);
      expect(entry.error).toBe(rule.error);
      expect(entry.details).toBe(code);
    }
  });

  it("every error type in the tables is registered, and its RFC status agrees with the row unless the row says why", () => {
    for (const rule of [...Object.values(UPSTREAM_ERROR_CODES), ...UPSTREAM_CODE_PREFIXES]) {
      expect(isProxyErrorType(rule.error)).toBe(true);
      const rfc = PROXY_ERROR_TYPES[rule.error].status;
      // Rows that differ from RFC 9209's recommended status are 503s of ours (overload, shutdown).
      if (rfc !== UPSTREAM_KIND_STATUS[rule.kind]) expect(rule.kind).toBe("unavailable");
      for (const phase of Object.values(rule.phases ?? {}))
        expect(PROXY_ERROR_TYPES[phase.error].status).toBe(UPSTREAM_KIND_STATUS[phase.kind]);
    }
  });

  it.each([
    ["HPE_INVALID_STATUS", 502, "http_protocol_error"],
    ["HPE_INVALID_HEADER_TOKEN", 502, "http_protocol_error"],
    ["HPE_INVALID_CONSTANT", 502, "http_protocol_error"],
    ["HPE_UNEXPECTED_CONTENT_LENGTH", 502, "http_protocol_error"],
    ["HPE_CR_EXPECTED", 502, "http_protocol_error"],
    ["ERR_SSL_WRONG_VERSION_NUMBER", 502, "tls_protocol_error"],
    ["ERR_SSL_NO_SHARED_CIPHER", 502, "tls_protocol_error"],
    ["ERR_TLS_INVALID_PROTOCOL_VERSION", 502, "tls_protocol_error"],
    ["ERR_HTTP2_STREAM_ERROR", 502, "http_protocol_error"],
  ])("prefix rule: %s → %i %s", (code, status, error) => {
    const { status: s, entry } = proxyStatus(classified(fetchFailed(err(code))));
    expect(s).toBe(status);
    expect(entry.error).toBe(error);
  });

  it("transfer-coding errors name the coding as a token", () => {
    const { entry } = proxyStatus(classified(err("HPE_INVALID_CHUNK_SIZE")));
    expect(entry.error).toBe("http_response_transfer_coding");
    expect(String(entry.params?.coding)).toBe("chunked");
    expect(decide(classified(err("HPE_INVALID_CHUNK_SIZE"))).headers["proxy-status"]).toBe(
      "truestatus;error=http_response_transfer_coding;coding=chunked",
    );
  });
});

describe("classifyUpstream: TLS alerts", () => {
  it.each([
    ["ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION", 70, "protocol_version"],
    ["ERR_SSL_TLSV1_ALERT_UNKNOWN_CA", 48, "unknown_ca"],
    ["ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE", 40, "handshake_failure"],
    ["ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE", 42, "bad_certificate"],
    ["ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED", 116, "certificate_required"],
    ["ERR_SSL_TLSV1_UNRECOGNIZED_NAME", 112, "unrecognized_name"],
  ])("%s → tls_alert_received, alert-id %i", (code, id, message) => {
    const { status, entry } = proxyStatus(classified(fetchFailed(err(code))));
    expect(status).toBe(502);
    expect(entry.error).toBe("tls_alert_received");
    expect(entry.params).toEqual({ "alert-id": id, "alert-message": message });
  });

  it("an alert with a name we do not know keeps the name, without an id", () => {
    const { entry } = proxyStatus(classified(err("ERR_SSL_TLSV1_ALERT_SOMETHING_NEW")));
    expect(entry.error).toBe("tls_alert_received");
    expect(entry.params).toEqual({ "alert-message": "something_new" });
  });

  it("node:https's EPROTO names the alert only in OpenSSL's message: its number is read there", () => {
    const e = err("EPROTO", { syscall: "write" });
    e.message =
      "write EPROTO 809C:error:0A00042E:SSL routines:ssl3_read_bytes:tlsv1 alert protocol version:rec_layer_s3.c:1601:SSL alert number 70\n";
    const { entry } = proxyStatus(classified(e));
    expect(entry.error).toBe("tls_alert_received");
    expect(entry.params).toEqual({ "alert-id": 70, "alert-message": "protocol_version" });
    expect(proxyStatus(classified(err("EPROTO"))).entry.error).toBe("tls_protocol_error");
  });

  it("an OpenSSL code that is not an alert is a protocol error", () => {
    expect(proxyStatus(classified(err("ERR_SSL_TLSV1_SOMETHING"))).entry.error).toBe(
      "tls_protocol_error",
    );
  });
});

describe("classifyUpstream: phases", () => {
  it("a reset before the response is connection_terminated; in the body, http_response_incomplete", () => {
    const reset = err("ECONNRESET", { syscall: "read" });
    expect(proxyStatus(classified(fetchFailed(reset))).entry.error).toBe("connection_terminated");
    // fetch errors the body stream with TypeError("terminated") once the response has started.
    const mid = new TypeError("terminated", { cause: reset });
    const { status, entry } = proxyStatus(classified(mid));
    expect(status).toBe(502);
    expect(entry.error).toBe("http_response_incomplete");
    expect(proxyStatus(classified(reset, { phase: "body" })).entry.error).toBe(
      "http_response_incomplete",
    );
  });

  it("ETIMEDOUT: connect (from the syscall) → connection_timeout; reading → connection_read_timeout", () => {
    expect(proxyStatus(classified(err("ETIMEDOUT", { syscall: "connect" }))).entry.error).toBe(
      "connection_timeout",
    );
    expect(proxyStatus(classified(err("ETIMEDOUT"), { phase: "headers" })).entry.error).toBe(
      "connection_read_timeout",
    );
    expect(proxyStatus(classified(err("ETIMEDOUT", { syscall: "write" }))).entry.error).toBe(
      "connection_write_timeout",
    );
  });

  it("AbortSignal.timeout (DOMException TimeoutError, numeric code 23) → 504 by phase", () => {
    const t = new DOMException("The operation was aborted due to timeout", "TimeoutError");
    expect(t.code).toBe(23);
    const cases: [string | undefined, string][] = [
      [undefined, "http_response_timeout"],
      ["headers", "http_response_timeout"],
      ["connect", "connection_timeout"],
      ["dns", "dns_timeout"],
      ["body", "connection_read_timeout"],
    ];
    for (const [phase, error] of cases) {
      const { status, entry } = proxyStatus(classified(t, phase ? { phase } : {}));
      expect(status).toBe(504);
      expect(entry.error).toBe(error);
    }
  });

  it("every phase of every row decides a registered error type with the row's status", () => {
    for (const [code] of Object.entries(UPSTREAM_ERROR_CODES)) {
      for (const phase of UPSTREAM_PHASES) {
        const f = classified(err(code), { phase });
        expect(isProxyErrorType(f.error!)).toBe(true);
      }
    }
  });
});

describe("classifyUpstream: DNS", () => {
  it("getaddrinfo ENOTFOUND → 502 dns_error without an rcode (getaddrinfo folds several answers)", () => {
    const e = err("ENOTFOUND", { syscall: "getaddrinfo", hostname: "nope.invalid" });
    const { status, entry } = proxyStatus(classified(fetchFailed(e)));
    expect(status).toBe(502);
    expect(entry.error).toBe("dns_error");
    expect(entry.params).toBeUndefined();
  });

  it("c-ares ENOTFOUND → rcode NXDOMAIN; ESERVFAIL → rcode SERVFAIL", () => {
    expect(proxyStatus(classified(err("ENOTFOUND", { syscall: "queryA" }))).entry.params).toEqual({
      rcode: "NXDOMAIN",
    });
    expect(
      proxyStatus(classified(err("ESERVFAIL", { syscall: "queryAaaa" }))).entry.params,
    ).toEqual({ rcode: "SERVFAIL" });
  });

  it("a connection error raised by a DNS call is a DNS failure, not a refused upstream", () => {
    const e = err("ECONNREFUSED", { syscall: "queryA" });
    expect(proxyStatus(classified(e)).entry.error).toBe("dns_error");
    const t = err("ETIMEOUT", { syscall: "queryA" });
    const { status, entry } = proxyStatus(classified(t));
    expect([status, entry.error]).toEqual([504, "dns_timeout"]);
  });

  it("EAI_AGAIN → dns_error (only a timer of ours proves a dns_timeout)", () => {
    expect(proxyStatus(classified(err("EAI_AGAIN", { syscall: "getaddrinfo" }))).entry.error).toBe(
      "dns_error",
    );
  });
});

describe("classifyUpstream: wrappers", () => {
  it("walks the cause chain and AggregateError members (autoSelectFamily)", () => {
    const agg = new AggregateError(
      [err("ECONNREFUSED", { syscall: "connect" }), err("ECONNREFUSED", { syscall: "connect" })],
      "all failed",
    );
    expect(proxyStatus(classified(fetchFailed(agg))).entry.error).toBe("connection_refused");
    const deep = new Error("a", { cause: new Error("b", { cause: err("EHOSTUNREACH") }) });
    expect(proxyStatus(classified(deep)).entry.error).toBe("destination_ip_unroutable");
  });

  it("stops on a cause cycle", () => {
    const a = new Error("a") as Error & { cause?: unknown };
    const b = new Error("b", { cause: a });
    a.cause = b;
    expect(classifyUpstream(a)).toBeUndefined();
  });

  it("undici SocketError `bad response` is a protocol error", () => {
    const e = Object.assign(new Error("bad response"), { code: "UND_ERR_SOCKET" });
    e.name = "SocketError";
    expect(proxyStatus(classified(fetchFailed(e))).entry.error).toBe("http_protocol_error");
  });

  it("axios's own timeout (ECONNABORTED) → 504; its response → the response's rule", () => {
    const timeout = Object.assign(new Error("timeout of 100ms exceeded"), {
      code: "ECONNABORTED",
      isAxiosError: true,
    });
    expect(proxyStatus(classified(timeout)).status).toBe(504);
    const withResponse = Object.assign(new Error("Request failed with status code 500"), {
      code: "ERR_BAD_RESPONSE",
      isAxiosError: true,
      response: { status: 500, headers: {} },
    });
    expect(proxyStatus(classified(withResponse)).entry.receivedStatus).toBe(500);
  });

  it("got's TimeoutError names its phase in `event`", () => {
    const cases: [string, string][] = [
      ["lookup", "dns_timeout"],
      ["connect", "connection_timeout"],
      ["secureConnect", "connection_timeout"],
      ["send", "connection_write_timeout"],
      ["response", "http_response_timeout"],
      ["read", "connection_read_timeout"],
    ];
    for (const [event, error] of cases) {
      const e = Object.assign(new Error(`Timeout awaiting '${event}'`), {
        name: "TimeoutError",
        code: "ETIMEDOUT",
        event,
      });
      expect(proxyStatus(classified(e)).entry.error, event).toBe(error);
    }
  });

  it("undici ResponseError / RequestRetryError carry the upstream's status", () => {
    const e = Object.assign(new Error("Response error"), {
      code: "UND_ERR_RESPONSE",
      statusCode: 503,
      headers: { "retry-after": "7" },
    });
    const f = classified(e);
    expect(f.kind).toBe("unavailable");
    expect(decide(f).headers["retry-after"]).toBe("7");
  });

  it("an HttpFailure of an upstream kind is returned as is; others are not upstream failures", () => {
    const f = unavailable({ reason: "dependency", retryAfter: 3 });
    expect(classifyUpstream(new HttpFailure(f))).toBe(f);
    expect(classifyUpstream(new HttpFailure(notFound()))).toBeUndefined();
  });

  it.each([
    ["a plain Error", new Error("something")],
    ["a client abort (AbortError)", new DOMException("This operation was aborted", "AbortError")],
    ["undici's own abort", err("UND_ERR_ABORTED")],
    ["a bad argument of ours (a bug → 500)", err("UND_ERR_INVALID_ARG")],
    ["our request body lying about its length", err("UND_ERR_REQ_CONTENT_LENGTH_MISMATCH")],
    ["an invalid URL", new TypeError("Failed to parse URL", { cause: err("ERR_INVALID_URL") })],
    ["a string", "ECONNREFUSED"],
    ["null", null],
    ["undefined", undefined],
    [
      "an http-errors-like 404 (an Error with status)",
      Object.assign(new Error("x"), { status: 404, headers: {} }),
    ],
  ])("not an upstream failure: %s", (_name, input) => {
    expect(classifyUpstream(input)).toBeUndefined();
  });
});

describe("classifyUpstream: upstream responses", () => {
  const now = Date.UTC(2026, 0, 1);

  it.each([
    [500, 502, "bad_gateway"],
    [501, 502, "bad_gateway"],
    [502, 502, "bad_gateway"],
    [505, 502, "bad_gateway"],
    [599, 502, "bad_gateway"],
    [503, 503, "unavailable"],
    [504, 504, "gateway_timeout"],
    [429, 503, "unavailable"],
  ])("upstream %i → %i %s with received-status", (received, status, kind) => {
    const f = classified(new Response(null, { status: received }));
    expect(f.kind).toBe(kind);
    const { status: s, entry } = proxyStatus(f);
    expect(s).toBe(status);
    expect(entry.receivedStatus).toBe(received);
    // The upstream answered: the exchange did not fail, so no error type of ours.
    expect(entry.error).toBeUndefined();
  });

  it.each([200, 201, 204, 301, 304, 400, 401, 403, 404, 409, 422])(
    "upstream %i is not an upstream failure (the caller judges it)",
    (status) => {
      expect(classifyUpstream({ status, headers: {} })).toBeUndefined();
    },
  );

  it("503 keeps the upstream's Retry-After (seconds or HTTP-date)", () => {
    const seconds = classified(
      new Response(null, { status: 503, headers: { "Retry-After": "120" } }),
    );
    expect(decide(seconds).headers["retry-after"]).toBe("120");
    const date = classified(
      { statusCode: 503, headers: { "retry-after": "Thu, 01 Jan 2026 00:01:30 GMT" } },
      { now },
    );
    expect(decide(date).headers["retry-after"]).toBe("90");
  });

  it("429 from the upstream → 503 with its Retry-After (the client did nothing wrong)", () => {
    const f = classified({ status: 429, headers: { "Retry-After": ["30"] } });
    const d = decide(f);
    expect(d.status).toBe(503);
    expect(d.headers["retry-after"]).toBe("30");
    expect(d.headers.ratelimit).toBeUndefined();
    expect(d.fault).toBe("upstream");
    expect(d.class).toBe("dependency");
  });

  it("a Retry-After in the past, invalid, or absent is not passed on; a huge one is capped", () => {
    const past = classified(
      { status: 503, headers: { "retry-after": "Wed, 31 Dec 2025 00:00:00 GMT" } },
      { now },
    );
    expect(decide(past).headers["retry-after"]).toBeUndefined();
    const bad = classified({ status: 503, headers: { "retry-after": "soon" } });
    expect(decide(bad).headers["retry-after"]).toBeUndefined();
    const none = classified({ status: 503, headers: new Headers() });
    expect(decide(none).headers["retry-after"]).toBeUndefined();
    const huge = classified({ status: 429, headers: { "retry-after": "99999999999" } });
    expect(decide(huge).headers["retry-after"]).toBe("86400");
    const capped = classified(
      { status: 429, headers: { "retry-after": "600" } },
      { maxRetryAfter: 60 },
    );
    expect(decide(capped).headers["retry-after"]).toBe("60");
  });

  it("a status that is not an HTTP status → 502 http_protocol_error", () => {
    for (const status of [0, 42, 600, 888, 999]) {
      const { status: s, entry } = proxyStatus(classified({ status, headers: {} }));
      expect(s).toBe(502);
      expect(entry.error).toBe("http_protocol_error");
      if (status >= 100) expect(entry.receivedStatus).toBe(status);
    }
    expect(proxyStatus(classified({ status: 5.5, headers: {} })).entry.error).toBe(
      "http_protocol_error",
    );
  });

  it("every status rule's kind has the status of its row", () => {
    for (const rule of UPSTREAM_STATUS_RULES) expect(rule.from).toBeLessThanOrEqual(rule.to);
  });
});

describe("classifyUpstream: what reaches the client", () => {
  it("the problem body never names the upstream; next-hop and details only when internals are exposed", () => {
    const e = fetchFailed(err("ECONNREFUSED", { syscall: "connect", address: "10.1.2.3" }));
    const f = classified(e, { nextHop: "users-db.internal:5432" });
    const hidden = decide(f);
    expect(hidden.headers["proxy-status"]).toBe("truestatus;error=connection_refused");
    expect(JSON.stringify(hidden.problem)).not.toMatch(/users-db|10\.1\.2\.3|ECONNREFUSED/);
    const shown = decide(f, expose);
    expect(shown.headers["proxy-status"]).toBe(
      'truestatus;error=connection_refused;next-hop=users-db.internal:5432;details="ECONNREFUSED"',
    );
  });

  it("never throws and always yields a sendable Proxy-Status, whatever the input (property)", () => {
    const codes = [
      ...Object.keys(UPSTREAM_ERROR_CODES),
      "HPE_X",
      "ERR_SSL_TLSV1_ALERT_X",
      "ERR_SSL_TLSV13_ALERT_",
    ];
    const errorish = fc.record(
      {
        code: fc.oneof(fc.constantFrom(...codes), fc.string(), fc.integer()),
        syscall: fc.constantFrom("connect", "read", "write", "getaddrinfo", "queryA", "x"),
        name: fc.constantFrom("Error", "TimeoutError", "AbortError", "TypeError"),
        message: fc.string(),
        status: fc.oneof(fc.integer({ min: -5, max: 1200 }), fc.double()),
        statusCode: fc.integer({ min: 0, max: 999 }),
        headers: fc.dictionary(fc.constantFrom("retry-after", "Retry-After", "x"), fc.string()),
        event: fc.string(),
        isAxiosError: fc.boolean(),
      },
      { requiredKeys: [] },
    );
    const input = fc.oneof(
      errorish,
      errorish.map((o) => Object.assign(new Error("e"), o)),
      errorish.map((o) => fetchFailed(Object.assign(new Error("e"), o))),
      fc.anything(),
    );
    const phase = fc.option(fc.constantFrom(...UPSTREAM_PHASES), { nil: undefined });
    fc.assert(
      fc.property(input, phase, (value, p) => {
        const f = classifyUpstream(value, p === undefined ? {} : { phase: p });
        if (f === undefined) return;
        for (const policy of [DEFAULT_POLICY, expose]) {
          const d = decide(f, policy);
          expect([502, 503, 504]).toContain(d.status);
          if (f.kind !== "unavailable" || f.error !== undefined || f.receivedStatus !== undefined)
            expect(parseProxyStatus(d.headers["proxy-status"]!).ok).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
