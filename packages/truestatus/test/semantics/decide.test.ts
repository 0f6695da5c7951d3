import { describe, expect, it } from "vitest";
import {
  badGateway,
  conflict,
  DEFAULT_POLICY,
  type DecideContext,
  decide,
  definePolicy,
  FAILURE_KINDS,
  type Failure,
  type FailureClass,
  forbidden,
  gatewayTimeout,
  HttpFailure,
  internal,
  invalid,
  malformed,
  methodNotAllowed,
  notAcceptable,
  notFound,
  type Policy,
  parseProxyStatus,
  parseWwwAuthenticate,
  payloadTooLarge,
  rateLimited,
  serializeProblem,
  unauthenticated,
  unavailable,
  unprocessable,
  unsupportedMediaType,
} from "../../src/index.js";

const BASE = "https://github.com/truestatus/truestatus/blob/main/docs/problems.md#";
const v422 = definePolicy({ validationStatus: 422 });
const d409 = definePolicy({ duplicateStatus: 409 });
const hide = definePolicy({ hideForbidden: true });
const expose = definePolicy({ exposeInternals: true });
const realm = definePolicy({ realm: "api" });

interface Row {
  readonly name: string;
  readonly failure: Failure | HttpFailure;
  readonly policy?: Policy;
  readonly context?: DecideContext;
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly type: string;
  readonly class: FailureClass;
  readonly fault: "client" | "server" | "upstream";
  readonly detail?: string;
  readonly extensions?: Record<string, unknown>;
}

/** The whole decision table, with expectations written from the RFCs and the guide, not from the code. */
const TABLE: readonly Row[] = [
  {
    name: "credentials missing → 401, Bearer challenge without error (RFC 6750 §3.1)",
    failure: unauthenticated(),
    status: 401,
    headers: { "www-authenticate": "Bearer" },
    type: "unauthenticated",
    class: "auth",
    fault: "client",
    detail: "This request needs credentials; none were sent.",
  },
  {
    name: "credentials missing with a realm",
    failure: unauthenticated(),
    policy: realm,
    status: 401,
    headers: { "www-authenticate": 'Bearer realm="api"' },
    type: "unauthenticated",
    class: "auth",
    fault: "client",
  },
  {
    name: "invalid token → 401 invalid_token with a description",
    failure: unauthenticated({ reason: "invalid" }),
    policy: realm,
    status: 401,
    headers: {
      "www-authenticate":
        'Bearer realm="api", error="invalid_token", error_description="The access token is invalid"',
    },
    type: "unauthenticated",
    class: "auth",
    fault: "client",
    detail: "The credentials sent are not valid.",
  },
  {
    name: "expired token → 401 invalid_token, custom description",
    failure: unauthenticated({ reason: "expired", description: "Token expired at 10:00Z" }),
    status: 401,
    headers: {
      "www-authenticate":
        'Bearer error="invalid_token", error_description="Token expired at 10:00Z"',
    },
    type: "unauthenticated",
    class: "auth",
    fault: "client",
    detail: "The credentials sent have expired.",
  },
  {
    name: "Basic scheme gets a realm even when the policy has none (RFC 7617 §2)",
    failure: unauthenticated({ scheme: "Basic" }),
    status: 401,
    headers: { "www-authenticate": 'Basic realm="api"' },
    type: "unauthenticated",
    class: "auth",
    fault: "client",
  },
  {
    name: "explicit challenges are sent as given",
    failure: unauthenticated({
      challenges: [
        { scheme: "Bearer", params: { realm: "a" } },
        { scheme: "DPoP", params: { algs: "ES256" } },
      ],
    }),
    status: 401,
    headers: { "www-authenticate": 'Bearer realm="a", DPoP algs="ES256"' },
    type: "unauthenticated",
    class: "auth",
    fault: "client",
  },
  {
    name: "forbidden → 403 without a challenge",
    failure: forbidden(),
    status: 403,
    headers: {},
    type: "forbidden",
    class: "auth",
    fault: "client",
  },
  {
    name: "insufficient scope → 403 with Bearer insufficient_scope and scope",
    failure: forbidden({ scope: ["orders:write", "orders:read"] }),
    status: 403,
    headers: {
      "www-authenticate": 'Bearer error="insufficient_scope", scope="orders:write orders:read"',
    },
    type: "forbidden",
    class: "auth",
    fault: "client",
    detail: "The access token lacks the scope this request needs: orders:write orders:read.",
  },
  {
    name: "forbidden under hideForbidden → 404 that looks like any 404, class stays auth",
    failure: forbidden({
      detail: "secret resource",
      extensions: { owner: "alice" },
    }),
    policy: hide,
    status: 404,
    headers: {},
    type: "not-found",
    class: "auth",
    fault: "client",
    detail: "No resource exists at this address.",
  },
  {
    name: "a missing scope under hideForbidden stays a 403 insufficient_scope (the operation, not the object)",
    failure: forbidden({ scope: ["orders:write"] }),
    policy: hide,
    status: 403,
    headers: {
      "www-authenticate": 'Bearer error="insufficient_scope", scope="orders:write"',
    },
    type: "forbidden",
    class: "auth",
    fault: "client",
  },
  {
    name: "hide: true on the failure hides even a missing scope",
    failure: forbidden({ scope: ["orders:write"], hide: true }),
    status: 404,
    headers: {},
    type: "not-found",
    class: "auth",
    fault: "client",
  },
  {
    name: "per-failure hide overrides the default policy",
    failure: forbidden({ hide: true }),
    status: 404,
    headers: {},
    type: "not-found",
    class: "auth",
    fault: "client",
  },
  {
    name: "per-failure hide: false overrides a hiding policy",
    failure: forbidden({ hide: false }),
    policy: hide,
    status: 403,
    headers: {},
    type: "forbidden",
    class: "auth",
    fault: "client",
  },
  {
    name: "malformed JSON → 400",
    failure: malformed(),
    status: 400,
    headers: {},
    type: "malformed",
    class: "validation",
    fault: "client",
  },
  {
    name: "malformed stays 400 even when validation errors are 422",
    failure: malformed(),
    policy: v422,
    status: 400,
    headers: {},
    type: "malformed",
    class: "validation",
    fault: "client",
  },
  {
    name: "schema error → 400 with field errors",
    failure: invalid({ errors: [{ pointer: "/email", detail: "is required", code: "required" }] }),
    status: 400,
    headers: {},
    type: "invalid",
    class: "validation",
    fault: "client",
    extensions: { errors: [{ pointer: "/email", detail: "is required", code: "required" }] },
  },
  {
    name: "schema error under validationStatus 422",
    failure: invalid(),
    policy: v422,
    status: 422,
    headers: {},
    type: "invalid",
    class: "validation",
    fault: "client",
  },
  {
    name: "business rule → 422",
    failure: unprocessable({ detail: "Orders over 100 items need approval." }),
    status: 422,
    headers: {},
    type: "unprocessable",
    class: "validation",
    fault: "client",
    detail: "Orders over 100 items need approval.",
  },
  {
    name: "invalid state transition → 422 with its own type",
    failure: unprocessable({ reason: "invalid_state" }),
    policy: d409,
    status: 422,
    headers: {},
    type: "invalid-state",
    class: "validation",
    fault: "client",
  },
  {
    name: "duplicate → 422 by default",
    failure: unprocessable({ reason: "duplicate" }),
    status: 422,
    headers: {},
    type: "duplicate",
    class: "validation",
    fault: "client",
  },
  {
    name: "duplicate → 409 under duplicateStatus 409",
    failure: unprocessable({ reason: "duplicate" }),
    policy: d409,
    status: 409,
    headers: {},
    type: "duplicate",
    class: "validation",
    fault: "client",
  },
  {
    name: "edit conflict → 409",
    failure: conflict(),
    status: 409,
    headers: {},
    type: "conflict",
    class: "validation",
    fault: "client",
  },
  {
    name: "unknown resource → 404",
    failure: notFound(),
    status: 404,
    headers: {},
    type: "not-found",
    class: "not_found",
    fault: "client",
  },
  {
    name: "wrong method → 405 with Allow",
    failure: methodNotAllowed({ allow: ["GET", "HEAD", "GET"] }),
    context: { method: "DELETE" },
    status: 405,
    headers: { allow: "GET, HEAD" },
    type: "method-not-allowed",
    class: "validation",
    fault: "client",
    detail: "The method DELETE is not allowed here; allowed: GET, HEAD.",
  },
  {
    name: "a resource that allows nothing → 405 with an empty Allow",
    failure: methodNotAllowed({ allow: [] }),
    status: 405,
    headers: { allow: "" },
    type: "method-not-allowed",
    class: "validation",
    fault: "client",
  },
  {
    name: "unsupported media type on POST → 415 with Accept-Post",
    failure: unsupportedMediaType({ accept: ["application/json", "application/merge-patch+json"] }),
    context: { method: "POST" },
    status: 415,
    headers: { "accept-post": "application/json, application/merge-patch+json" },
    type: "unsupported-media-type",
    class: "validation",
    fault: "client",
    extensions: { accept: ["application/json", "application/merge-patch+json"] },
  },
  {
    name: "unsupported media type on PATCH → 415 with Accept-Patch (RFC 5789 §2.2)",
    failure: unsupportedMediaType({ accept: ["application/merge-patch+json"] }),
    context: { method: "PATCH" },
    status: 415,
    headers: { "accept-patch": "application/merge-patch+json" },
    type: "unsupported-media-type",
    class: "validation",
    fault: "client",
  },
  {
    name: "unsupported content coding → 415 with Accept-Encoding",
    failure: unsupportedMediaType({ acceptEncoding: ["gzip", "identity"] }),
    status: 415,
    headers: { "accept-encoding": "gzip, identity" },
    type: "unsupported-media-type",
    class: "validation",
    fault: "client",
  },
  {
    name: "not acceptable → 406 listing what is available",
    failure: notAcceptable({ available: ["application/json"] }),
    status: 406,
    headers: {},
    type: "not-acceptable",
    class: "validation",
    fault: "client",
    extensions: { available: ["application/json"] },
  },
  {
    name: "body too large → 413 with the limit",
    failure: payloadTooLarge({ limit: 1024 }),
    status: 413,
    headers: {},
    type: "payload-too-large",
    class: "validation",
    fault: "client",
    extensions: { limit: 1024 },
  },
  {
    name: "temporarily too large → 413 with Retry-After (RFC 9110 §15.5.14)",
    failure: payloadTooLarge({ retryAfter: 2.5 }),
    status: 413,
    headers: { "retry-after": "3" },
    type: "payload-too-large",
    class: "validation",
    fault: "client",
  },
  {
    name: "quota exceeded → 429 with Retry-After and RateLimit",
    failure: rateLimited({ retryAfter: 30 }),
    status: 429,
    headers: { "retry-after": "30", ratelimit: '"default";r=0;t=30' },
    type: "rate-limited",
    class: "throttling",
    fault: "client",
  },
  {
    name: "quota exceeded with a policy → RateLimit-Policy too; fractions round up",
    failure: rateLimited({
      retryAfter: 0.2,
      quota: { name: "burst", quota: 100, window: 60, unit: "requests" },
    }),
    status: 429,
    headers: {
      "retry-after": "1",
      ratelimit: '"burst";r=0;t=1',
      "ratelimit-policy": '"burst";q=100;qu="requests";w=60',
    },
    type: "rate-limited",
    class: "throttling",
    fault: "client",
  },
  {
    name: "a 429 never says Retry-After: 0",
    failure: rateLimited({ retryAfter: 0 }),
    status: 429,
    headers: { "retry-after": "1", ratelimit: '"default";r=0;t=1' },
    type: "rate-limited",
    class: "throttling",
    fault: "client",
  },
  {
    name: "overload → 503 with Retry-After, class overload, fault server",
    failure: unavailable({ retryAfter: 120 }),
    status: 503,
    headers: { "retry-after": "120" },
    type: "unavailable",
    class: "overload",
    fault: "server",
  },
  {
    name: "maintenance until a date → 503 with an HTTP-date",
    failure: unavailable({ reason: "maintenance", retryAfter: new Date("2026-12-01T06:00:00Z") }),
    status: 503,
    headers: { "retry-after": "Tue, 01 Dec 2026 06:00:00 GMT" },
    type: "unavailable",
    class: "overload",
    fault: "server",
  },
  {
    name: "delay unknown → 503 without Retry-After",
    failure: unavailable({ reason: "dependency", error: "destination_unavailable" }),
    status: 503,
    headers: { "proxy-status": "truestatus;error=destination_unavailable" },
    type: "unavailable",
    class: "dependency",
    fault: "upstream",
  },
  {
    name: "upstream throttled us → 503 (not 429: the client did nothing wrong)",
    failure: unavailable({ reason: "upstream_throttled", retryAfter: 10, receivedStatus: 429 }),
    status: 503,
    headers: { "retry-after": "10", "proxy-status": "truestatus;received-status=429" },
    type: "unavailable",
    class: "dependency",
    fault: "upstream",
  },
  {
    name: "upstream refused → 502 with Proxy-Status, no next-hop by default",
    failure: badGateway({
      error: "connection_refused",
      nextHop: "10.0.0.5:5432",
      details: "connect ECONNREFUSED",
    }),
    status: 502,
    headers: { "proxy-status": "truestatus;error=connection_refused" },
    type: "bad-gateway",
    class: "dependency",
    fault: "upstream",
  },
  {
    name: "upstream refused with exposeInternals → next-hop and details",
    failure: badGateway({
      error: "connection_refused",
      nextHop: "10.0.0.5:5432",
      details: "connect ECONNREFUSED",
    }),
    policy: expose,
    status: 502,
    headers: {
      "proxy-status":
        'truestatus;error=connection_refused;next-hop="10.0.0.5:5432";details="connect ECONNREFUSED"',
    },
    type: "bad-gateway",
    class: "dependency",
    fault: "upstream",
  },
  {
    name: "upstream 500 → 502 with received-status",
    failure: badGateway({ receivedStatus: 500 }),
    status: 502,
    headers: { "proxy-status": "truestatus;received-status=500" },
    type: "bad-gateway",
    class: "dependency",
    fault: "upstream",
  },
  {
    name: "DNS error keeps its rcode parameter",
    failure: badGateway({ error: "dns_error", params: { rcode: "NXDOMAIN" } }),
    status: 502,
    headers: { "proxy-status": 'truestatus;error=dns_error;rcode="NXDOMAIN"' },
    type: "bad-gateway",
    class: "dependency",
    fault: "upstream",
  },
  {
    name: "timeout without a type → 504 http_response_timeout",
    failure: gatewayTimeout(),
    status: 504,
    headers: { "proxy-status": "truestatus;error=http_response_timeout" },
    type: "gateway-timeout",
    class: "dependency",
    fault: "upstream",
  },
  {
    name: "connect timeout → 504 connection_timeout, with the policy's proxy name",
    failure: gatewayTimeout({ error: "connection_timeout" }),
    policy: definePolicy({ proxyName: "orders-api" }),
    status: 504,
    headers: { "proxy-status": "orders-api;error=connection_timeout" },
    type: "gateway-timeout",
    class: "dependency",
    fault: "upstream",
  },
  {
    name: "upstream 504 passed on → 504 with received-status and no timeout of ours",
    failure: gatewayTimeout({ receivedStatus: 504 }),
    status: 504,
    headers: { "proxy-status": "truestatus;received-status=504" },
    type: "gateway-timeout",
    class: "dependency",
    fault: "upstream",
  },
  {
    name: "a proxy name that is not a token is sent as a string",
    failure: gatewayTimeout(),
    policy: definePolicy({ proxyName: "orders api" }),
    status: 504,
    headers: { "proxy-status": '"orders api";error=http_response_timeout' },
    type: "gateway-timeout",
    class: "dependency",
    fault: "upstream",
  },
  {
    name: "bug → 500 with a generic detail",
    failure: internal({
      cause: new Error("password=hunter2 in /srv/app/db.js: SELECT * FROM users"),
    }),
    status: 500,
    headers: {},
    type: "internal",
    class: "server_bug",
    fault: "server",
    detail: "An unexpected error occurred.",
  },
  {
    name: "a thrown HttpFailure decides like its failure",
    failure: new HttpFailure(rateLimited({ retryAfter: 5 })),
    status: 429,
    headers: { "retry-after": "5", ratelimit: '"default";r=0;t=5' },
    type: "rate-limited",
    class: "throttling",
    fault: "client",
  },
];

describe("decide: the decision table", () => {
  it.each(TABLE)("$name", (row) => {
    const d = decide(row.failure, row.policy, row.context);
    expect(d.status).toBe(row.status);
    expect(d.headers).toEqual(row.headers);
    expect(d.class).toBe(row.class);
    expect(d.fault).toBe(row.fault);
    expect(d.problem.type).toBe(BASE + row.type);
    expect(d.problem.status).toBe(row.status);
    expect(typeof d.problem.title).toBe("string");
    if (row.detail !== undefined) expect(d.problem.detail).toBe(row.detail);
    for (const [k, v] of Object.entries(row.extensions ?? {})) expect(d.problem[k]).toEqual(v);
  });

  it("covers every failure kind at least once", () => {
    const kinds = new Set(
      TABLE.map((r) => ("failure" in r.failure ? r.failure.failure.kind : r.failure.kind)),
    );
    expect([...kinds].sort()).toEqual(Object.keys(FAILURE_KINDS).sort());
  });

  it("never answers a failure with 1xx, 2xx or 3xx, under every policy", () => {
    const policies = [DEFAULT_POLICY, v422, d409, hide, expose];
    for (const row of TABLE) {
      for (const p of policies) {
        const d = decide(row.failure, p, row.context);
        expect(d.status).toBeGreaterThanOrEqual(400);
        expect(d.problem.status).toBe(d.status);
      }
    }
  });

  it("every 401 carries a parseable WWW-Authenticate with at least one challenge", () => {
    for (const row of TABLE.filter((r) => r.status === 401)) {
      const parsed = parseWwwAuthenticate(
        decide(row.failure, row.policy).headers["www-authenticate"]!,
      );
      expect(parsed.ok && parsed.value.length).toBeGreaterThan(0);
    }
  });

  it("every 502/504 carries a parseable Proxy-Status naming this proxy", () => {
    for (const row of TABLE.filter((r) => r.status === 502 || r.status === 504)) {
      const parsed = parseProxyStatus(decide(row.failure, row.policy).headers["proxy-status"]!);
      expect(parsed.ok).toBe(true);
      if (parsed.ok) expect(parsed.value).toHaveLength(1);
    }
  });
});

describe("decide: what a client may learn", () => {
  it("a hidden forbidden answer is byte-identical to a real 404", () => {
    const hidden = decide(
      forbidden({ detail: "you are not the owner", title: "x", type: "urn:x" }),
      hide,
    );
    const real = decide(notFound(), hide);
    expect(hidden.status).toBe(real.status);
    expect(hidden.headers).toEqual(real.headers);
    expect(serializeProblem(hidden.problem)).toBe(serializeProblem(real.problem));
  });

  it("a 500 leaks nothing of its cause: no message, stack, path, SQL or secret", () => {
    const cause = new Error(
      "password=hunter2 at /srv/app/db.js:42: SELECT * FROM users WHERE id = 1",
    );
    const body = serializeProblem(decide(internal({ cause })).problem);
    for (const leak of ["hunter2", "/srv/app", "SELECT", "db.js", "at ", "stack"])
      expect(body).not.toContain(leak);
  });

  it("exposeInternals puts the message and stack in the body (development only)", () => {
    const cause = new Error("boom in handler");
    const d = decide(internal({ cause }), expose);
    expect(d.problem.detail).toBe("boom in handler");
    expect(d.problem.error).toBe("Error");
    expect(Array.isArray(d.problem.stack)).toBe(true);
    expect((d.problem.stack as string[])[0]).toBe("Error: boom in handler");
  });

  it("upstream details with non-ASCII or quotes still produce a valid Proxy-Status", () => {
    const d = decide(
      badGateway({ error: "http_protocol_error", details: 'bad "header" é\r\nX: y' }),
      expose,
    );
    const parsed = parseProxyStatus(d.headers["proxy-status"]!);
    expect(parsed.ok).toBe(true);
    expect(d.headers["proxy-status"]).not.toMatch(/[\r\n]/);
  });

  it("instance comes from the failure, else from the context", () => {
    expect(
      decide(notFound({ instance: "/errors/1" }), undefined, { instance: "/errors/2" }).problem
        .instance,
    ).toBe("/errors/1");
    expect(decide(notFound(), undefined, { instance: "urn:uuid:2" }).problem.instance).toBe(
      "urn:uuid:2",
    );
    expect("instance" in decide(notFound()).problem).toBe(false);
  });

  it("a failure may override type and title and add extensions", () => {
    const d = decide(
      unprocessable({
        type: "https://api.example/problems/credit",
        title: "Not enough credit",
        extensions: { balance: 30 },
      }),
    );
    expect(d.problem).toMatchObject({
      type: "https://api.example/problems/credit",
      title: "Not enough credit",
      balance: 30,
      status: 422,
    });
  });

  it("problemTypeBase points types at the user's docs", () => {
    const d = decide(
      notFound(),
      definePolicy({ problemTypeBase: "https://docs.example.com/errors#" }),
    );
    expect(d.problem.type).toBe("https://docs.example.com/errors#not-found");
  });
});

describe("the README's usage example", () => {
  it("is what the library answers", () => {
    const d = decide(unauthenticated({ reason: "expired" }), definePolicy({ realm: "orders-api" }));
    expect(d.status).toBe(401);
    expect(d.headers).toEqual({
      "www-authenticate":
        'Bearer realm="orders-api", error="invalid_token", error_description="The access token expired"',
    });
    expect(d.problem).toEqual({
      type: "https://github.com/truestatus/truestatus/blob/main/docs/problems.md#unauthenticated",
      title: "Authentication required",
      status: 401,
      detail: "The credentials sent have expired.",
    });
    expect([d.class, d.fault, d.retry]).toEqual(["auth", "client", "after_reauth"]);
    const r = decide(
      new HttpFailure(rateLimited({ retryAfter: 30, quota: { quota: 100, window: 60 } })),
    );
    expect(r.headers).toEqual({
      "retry-after": "30",
      ratelimit: '"default";r=0;t=30',
      "ratelimit-policy": '"default";q=100;w=60',
    });
  });
});
