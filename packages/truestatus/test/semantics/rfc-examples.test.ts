/**
 * The library against the specifications' OWN examples.
 *
 * Every example below is quoted verbatim from its primary source, as printed there, with only the
 * page indentation of the RFC rendering removed. Sources:
 *   RFC 9209  specs/rfc9209.xml in httpwg/httpwg.github.io (the RFC's prepped XML)
 *   RFC 9110  specs/rfc9110.xml in httpwg/httpwg.github.io
 *   RFC 9457  the published RFC text (rfc-editor.org/rfc/rfc9457)
 *   RFC 6750  the published RFC text (rfc-editor.org/rfc/rfc6750)
 *   draft-ietf-httpapi-ratelimit-headers-11, ietf-wg-httpapi/ratelimit-headers,
 *     draft-ietf-httpapi-ratelimit-headers-11/draft-ietf-httpapi-ratelimit-headers.txt
 *
 * Examples printed across several lines use continuation lines starting with whitespace; they are
 * unfolded the way a recipient unfolds obs-fold, replacing each with one SP (RFC 9112 §5.2).
 * Where a test goes beyond a verbatim example, its comment says so ("derived").
 */
import { describe, expect, it } from "vitest";
import {
  bearerChallenge,
  buildProxyStatus,
  buildRateLimit,
  buildRateLimitPolicy,
  buildRetryAfter,
  buildWwwAuthenticate,
  decide,
  definePolicy,
  findChallenge,
  forbidden,
  formatHttpDate,
  isProxyErrorType,
  isUriReference,
  type ParseResult,
  PROXY_ERROR_TYPES,
  parseHttpDate,
  parseProblem,
  parseProxyStatus,
  parseRateLimit,
  parseRateLimitPolicy,
  parseRetryAfter,
  parseWwwAuthenticate,
  retryAfterSeconds,
  serializeProblem,
  unauthenticated,
} from "../../src/index.js";

/** The value of a parse that must succeed; a failure shows the parser's own error. */
function unwrap<T>(result: ParseResult<T>): T {
  if (!result.ok) throw new Error(`parse failed: ${result.error.code}: ${result.error.message}`);
  return result.value;
}

/**
 * The values of every `name:` field line in an example message, continuation lines unfolded to one
 * SP (RFC 9112 §5.2), field-name matched case-insensitively, surrounding whitespace stripped.
 */
function fieldValues(message: string, name: string): string[] {
  const prefix = `${name.toLowerCase()}:`;
  return message
    .replace(/\r?\n[ \t]+/g, " ")
    .split(/\r?\n/)
    .filter((line) => line.toLowerCase().startsWith(prefix))
    .map((line) => line.slice(prefix.length).trim());
}

/** The one `name:` field line of an example message. */
function fieldValue(message: string, name: string): string {
  const values = fieldValues(message, name);
  if (values.length !== 1) throw new Error(`expected one ${name} line, found ${values.length}`);
  return values[0]!;
}

/** The status code on an example's status line ("HTTP/1.1 504 Gateway Timeout"). */
function statusOf(message: string): number {
  const m = /^HTTP\/\d\.\d (\d{3}) /m.exec(message);
  if (!m) throw new Error("example has no status line");
  return Number(m[1]);
}

/** The JSON content of an example message: everything after the first empty line. */
function bodyOf(message: string): string {
  const at = message.search(/\r?\n\r?\n/);
  if (at === -1) throw new Error("example has no content");
  return message.slice(at).trim();
}

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const base64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "base64"));

// ---------------------------------------------------------------------------------------------
// RFC 9209: The Proxy-Status HTTP Response Header Field
// ---------------------------------------------------------------------------------------------

describe("RFC 9209 Proxy-Status examples", () => {
  const roundTrips = (value: string) => {
    const parsed = unwrap(parseProxyStatus(value));
    expect(unwrap(parseProxyStatus(buildProxyStatus(parsed)))).toEqual(parsed);
  };

  // RFC 9209 §2: "For example: ... indicates that this response was handled first by
  // revproxy1.example.net (a reverse proxy adjacent to the origin server) and then ExampleCDN."
  const s2a = `Proxy-Status: revproxy1.example.net, ExampleCDN`;
  it("§2 two intermediaries, nearest the origin first", () => {
    const value = fieldValue(s2a, "Proxy-Status");
    expect(unwrap(parseProxyStatus(value))).toEqual([
      { proxy: "revproxy1.example.net" },
      { proxy: "ExampleCDN" },
    ]);
    roundTrips(value);
  });

  // RFC 9209 §2: a proxy 'ThisProxy' receives the first field, adds its own member (second),
  // which allows it to append the trailer field (third).
  const s2b = `Proxy-Status: SomeOtherProxy`;
  const s2c = `Proxy-Status: SomeOtherProxy, ThisProxy`;
  const s2d = `Proxy-Status: ThisProxy; error=read_timeout`;
  it("§2 header field as received", () => {
    const value = fieldValue(s2b, "Proxy-Status");
    expect(unwrap(parseProxyStatus(value))).toEqual([{ proxy: "SomeOtherProxy" }]);
    roundTrips(value);
  });
  it("§2 header field with ThisProxy appended", () => {
    const value = fieldValue(s2c, "Proxy-Status");
    expect(unwrap(parseProxyStatus(value))).toEqual([
      { proxy: "SomeOtherProxy" },
      { proxy: "ThisProxy" },
    ]);
    roundTrips(value);
  });
  it("§2 trailer field with an (unregistered) error type is kept as sent", () => {
    const value = fieldValue(s2d, "Proxy-Status");
    expect(unwrap(parseProxyStatus(value))).toEqual([
      { proxy: "ThisProxy", error: "read_timeout" },
    ]);
    // read_timeout is not in the §2.3 registry; an unknown type must still survive parsing.
    expect(isProxyErrorType("read_timeout")).toBe(false);
    roundTrips(value);
  });

  // RFC 9209 §2.1.1: "indicates that this 504 response was generated by ExampleCDN due to a
  // connection timeout when going forward."
  const s211a = `HTTP/1.1 504 Gateway Timeout
Proxy-Status: ExampleCDN; error=connection_timeout`;
  it("§2.1.1 connection_timeout on a 504", () => {
    const value = fieldValue(s211a, "Proxy-Status");
    expect(unwrap(parseProxyStatus(value))).toEqual([
      { proxy: "ExampleCDN", error: "connection_timeout" },
    ]);
    // §2.3.9: the recommended status of connection_timeout is the example's 504.
    expect(PROXY_ERROR_TYPES.connection_timeout.status).toBe(statusOf(s211a));
    roundTrips(value);
  });

  // RFC 9209 §2.1.1: "indicates that this 429 (Too Many Requests) response was generated by
  // r34.example.net, not the CDN or the origin."
  const s211b = `HTTP/1.1 429 Too Many Requests
Proxy-Status: r34.example.net; error=http_request_error, ExampleCDN`;
  it("§2.1.1 http_request_error on a 429, then a member with no parameters", () => {
    const value = fieldValue(s211b, "Proxy-Status");
    expect(unwrap(parseProxyStatus(value))).toEqual([
      { proxy: "r34.example.net", error: "http_request_error" },
      { proxy: "ExampleCDN" },
    ]);
    // §2.3.16: http_request_error uses "the applicable 4xx", here 429: no single status.
    expect(statusOf(s211b)).toBe(429);
    expect(PROXY_ERROR_TYPES.http_request_error.status).toBeNull();
    roundTrips(value);
  });

  // RFC 9209 §2.1.2: "indicates that cdn.example.org used backend.example.org:8001 as the next hop".
  const s212 = `Proxy-Status: cdn.example.org; next-hop=backend.example.org:8001`;
  it("§2.1.2 next-hop (a Token containing ':')", () => {
    const value = fieldValue(s212, "Proxy-Status");
    expect(unwrap(parseProxyStatus(value))).toEqual([
      { proxy: "cdn.example.org", nextHop: "backend.example.org:8001" },
    ]);
    roundTrips(value);
  });

  // RFC 9209 §2.1.3: the intermediary named by a String, next-protocol an ALPN id Token.
  const s213 = `Proxy-Status: "proxy.example.org"; next-protocol=h2`;
  it("§2.1.3 next-protocol, intermediary named by a String", () => {
    const value = fieldValue(s213, "Proxy-Status");
    expect(unwrap(parseProxyStatus(value))).toEqual([
      { proxy: "proxy.example.org", nextProtocol: "h2" },
    ]);
    roundTrips(value);
  });

  // RFC 9209 §2.1.4: received-status is an Integer.
  const s214 = `Proxy-Status: ExampleCDN; received-status=200`;
  it("§2.1.4 received-status", () => {
    const value = fieldValue(s214, "Proxy-Status");
    expect(unwrap(parseProxyStatus(value))).toEqual([{ proxy: "ExampleCDN", receivedStatus: 200 }]);
    roundTrips(value);
  });

  // RFC 9209 §2.1.5: details is a String. Note: this example sends `error` as a String
  // ("http_protocol_error" in quotes), though §2.1.1 describes the error value as a Token.
  const s215 = `Proxy-Status: proxy.example.net; error="http_protocol_error";
              details="Malformed response header: space before colon"`;
  it("§2.1.5 details (the RFC's example carries error as a String)", () => {
    const value = fieldValue(s215, "Proxy-Status");
    expect(value).toBe(
      'proxy.example.net; error="http_protocol_error"; details="Malformed response header: space before colon"',
    );
    expect(unwrap(parseProxyStatus(value))).toEqual([
      {
        proxy: "proxy.example.net",
        error: "http_protocol_error",
        details: "Malformed response header: space before colon",
      },
    ]);
    roundTrips(value);
  });

  // Derived: RFC 9209 §2.3 has no Proxy-Status example. §2.3.2 defines dns_error's extra
  // parameters: rcode, "A String conveying the DNS RCODE", and info-code, "An Integer conveying
  // the Extended DNS Error Code INFO-CODE". This value is built from those definitions.
  it("§2.3.2 dns_error extra parameters rcode and info-code (derived, no RFC example)", () => {
    const value = 'ExampleCDN; error=dns_error; rcode="NXDOMAIN"; info-code=3';
    expect(unwrap(parseProxyStatus(value))).toEqual([
      { proxy: "ExampleCDN", error: "dns_error", params: { rcode: "NXDOMAIN", "info-code": 3 } },
    ]);
    expect(PROXY_ERROR_TYPES.dns_error.params).toEqual({ rcode: "string", "info-code": "integer" });
    expect(PROXY_ERROR_TYPES.dns_error.status).toBe(502);
    roundTrips(value);
  });
});

// ---------------------------------------------------------------------------------------------
// RFC 6750: OAuth 2.0 Bearer Token Usage, §3 The WWW-Authenticate Response Header Field
// ---------------------------------------------------------------------------------------------

describe("RFC 6750 Bearer WWW-Authenticate examples", () => {
  // RFC 6750 §3: "For example, in response to a protected resource request without
  // authentication:" (§3.1 repeats it for a request that "lacks any authentication information").
  const noAuth = `HTTP/1.1 401 Unauthorized
WWW-Authenticate: Bearer realm="example"`;

  // RFC 6750 §3: "And in response to a protected resource request with an authentication attempt
  // using an expired access token:"
  const expired = `HTTP/1.1 401 Unauthorized
WWW-Authenticate: Bearer realm="example",
                  error="invalid_token",
                  error_description="The access token expired"`;

  it("§3 realm only", () => {
    expect(unwrap(parseWwwAuthenticate(fieldValue(noAuth, "WWW-Authenticate")))).toEqual([
      { scheme: "Bearer", params: { realm: "example" } },
    ]);
  });

  it("§3 expired token: realm, error invalid_token, error_description", () => {
    expect(unwrap(parseWwwAuthenticate(fieldValue(expired, "WWW-Authenticate")))).toEqual([
      {
        scheme: "Bearer",
        params: {
          realm: "example",
          error: "invalid_token",
          error_description: "The access token expired",
        },
      },
    ]);
  });

  it("§3 bearerChallenge + buildWwwAuthenticate reproduce both examples", () => {
    const built = buildWwwAuthenticate(bearerChallenge({ realm: "example" }));
    expect(built).toBe(fieldValue(noAuth, "WWW-Authenticate"));
    expect(unwrap(parseWwwAuthenticate(built))).toEqual(
      unwrap(parseWwwAuthenticate(fieldValue(noAuth, "WWW-Authenticate"))),
    );

    const builtExpired = buildWwwAuthenticate(
      bearerChallenge({
        realm: "example",
        error: "invalid_token",
        errorDescription: "The access token expired",
      }),
    );
    // The unfolded example is exactly what the builder writes.
    expect(builtExpired).toBe(fieldValue(expired, "WWW-Authenticate"));
    expect(unwrap(parseWwwAuthenticate(builtExpired))).toEqual(
      unwrap(parseWwwAuthenticate(fieldValue(expired, "WWW-Authenticate"))),
    );
  });

  it("§3 decide(unauthenticated expired) under realm 'example' sends the expired-token challenge", () => {
    const d = decide(unauthenticated({ reason: "expired" }), definePolicy({ realm: "example" }));
    expect(d.status).toBe(statusOf(expired));
    const header = d.headers["www-authenticate"];
    expect(header).toBeDefined();
    const bearer = findChallenge(unwrap(parseWwwAuthenticate(header!)), "Bearer");
    expect(bearer?.params.realm).toBe("example");
    expect(bearer?.params.error).toBe("invalid_token");
    expect(bearer?.params).toEqual(
      unwrap(parseWwwAuthenticate(fieldValue(expired, "WWW-Authenticate")))[0]!.params,
    );
  });

  it("§3.1 decide(unauthenticated missing) sends no error code, as in the realm-only example", () => {
    const d = decide(unauthenticated(), definePolicy({ realm: "example" }));
    expect(d.status).toBe(statusOf(noAuth));
    expect(d.headers["www-authenticate"]).toBe(fieldValue(noAuth, "WWW-Authenticate"));
  });

  // RFC 6750 §3: "Two example scope values follow; these are taken from the OpenID Connect
  // [OpenID.Messages] and the Open Authentication Technology Committee (OATC) Online Multimedia
  // Authorization Protocol [OMAP] OAuth 2.0 use cases, respectively:"
  const scopeOpenId = `scope="openid profile email"`;
  const scopeOmap = `scope="urn:example:channel=HBO&urn:example:rating=G,PG-13"`;

  it("§3 scope attribute examples parse inside a Bearer challenge (the 'Bearer ' prefix is ours)", () => {
    expect(unwrap(parseWwwAuthenticate(`Bearer ${scopeOpenId}`))).toEqual([
      { scheme: "Bearer", params: { scope: "openid profile email" } },
    ]);
    // A comma inside the quoted-string must not split the challenge.
    expect(unwrap(parseWwwAuthenticate(`Bearer ${scopeOmap}`))).toEqual([
      { scheme: "Bearer", params: { scope: "urn:example:channel=HBO&urn:example:rating=G,PG-13" } },
    ]);
  });

  it("§3 scope values round-trip through bearerChallenge and buildWwwAuthenticate", () => {
    const openId = buildWwwAuthenticate(bearerChallenge({ scope: ["openid", "profile", "email"] }));
    expect(openId).toBe(`Bearer ${scopeOpenId}`);
    const omap = buildWwwAuthenticate(
      bearerChallenge({ scope: "urn:example:channel=HBO&urn:example:rating=G,PG-13" }),
    );
    expect(omap).toBe(`Bearer ${scopeOmap}`);
  });

  // Derived: §3.1 insufficient_scope "MAY include the "scope" attribute with the scope necessary
  // to access the protected resource"; here with the §3 OpenID Connect scope value.
  it("§3.1 decide(forbidden insufficient_scope) carries error and the §3 scope value (derived)", () => {
    const d = decide(
      forbidden({ scope: ["openid", "profile", "email"] }),
      definePolicy({ realm: "example" }),
    );
    expect(d.status).toBe(403);
    const bearer = findChallenge(
      unwrap(parseWwwAuthenticate(d.headers["www-authenticate"] ?? "")),
      "Bearer",
    );
    expect(bearer?.params).toEqual({
      realm: "example",
      error: "insufficient_scope",
      scope: "openid profile email",
    });
  });
});

// ---------------------------------------------------------------------------------------------
// RFC 9110: HTTP Semantics
// ---------------------------------------------------------------------------------------------

describe("RFC 9110 examples", () => {
  // RFC 9110 §11.6.1: "This header field contains two challenges, one for the "Basic" scheme with
  // a realm value of "simple" and another for the "Newauth" scheme with a realm value of "apps".
  // It also contains two additional parameters, "type" and "title"."
  const wwwAuth = String.raw`WWW-Authenticate: Basic realm="simple", Newauth realm="apps",
                 type=1, title="Login to \"apps\""`;
  const expectedChallenges = [
    { scheme: "Basic", params: { realm: "simple" } },
    { scheme: "Newauth", params: { realm: "apps", type: "1", title: 'Login to "apps"' } },
  ];

  it("§11.6.1 two challenges on one field line, escaped quotes in title", () => {
    expect(unwrap(parseWwwAuthenticate(fieldValue(wwwAuth, "WWW-Authenticate")))).toEqual(
      expectedChallenges,
    );
  });

  it("§11.6.1 the same challenges on two field lines (derived: 'the header field itself can occur multiple times')", () => {
    expect(
      unwrap(
        parseWwwAuthenticate([
          'Basic realm="simple"',
          String.raw`Newauth realm="apps", type=1, title="Login to \"apps\""`,
        ]),
      ),
    ).toEqual(expectedChallenges);
  });

  it("§11.6.1 buildWwwAuthenticate of the parsed challenges parses back equal", () => {
    const parsed = unwrap(parseWwwAuthenticate(fieldValue(wwwAuth, "WWW-Authenticate")));
    const built = buildWwwAuthenticate(parsed);
    expect(unwrap(parseWwwAuthenticate(built))).toEqual(expectedChallenges);
    expect(findChallenge(parsed, "newauth")?.params.title).toBe('Login to "apps"');
  });

  // RFC 9110 §10.2.3: "Two examples of its use are ... In the latter example, the delay is
  // 2 minutes."
  const retryAfter = `Retry-After: Fri, 31 Dec 1999 23:59:59 GMT
Retry-After: 120`;

  it("§10.2.3 Retry-After as an HTTP-date", () => {
    const [dateValue] = fieldValues(retryAfter, "Retry-After");
    const parsed = unwrap(parseRetryAfter(dateValue!));
    expect(parsed).toEqual({ kind: "date", date: new Date(Date.UTC(1999, 11, 31, 23, 59, 59)) });
    // One minute before that instant, the wait is 60 seconds; after it, nothing.
    expect(retryAfterSeconds(parsed, Date.UTC(1999, 11, 31, 23, 58, 59))).toBe(60);
    expect(retryAfterSeconds(parsed, Date.UTC(2000, 0, 1))).toBe(0);
    // A sender generates IMF-fixdate (§5.6.7): the example's own form.
    expect(buildRetryAfter(new Date(Date.UTC(1999, 11, 31, 23, 59, 59)))).toBe(dateValue);
  });

  it("§10.2.3 Retry-After: 120 is a delay of 2 minutes", () => {
    const [, delayValue] = fieldValues(retryAfter, "Retry-After");
    const parsed = unwrap(parseRetryAfter(delayValue!));
    expect(parsed).toEqual({ kind: "delay", seconds: 120 });
    expect(retryAfterSeconds(parsed)).toBe(2 * 60);
    expect(buildRetryAfter(120)).toBe(delayValue);
  });

  // RFC 9110 §5.6.7: "An example of the preferred format is" (first) and "Examples of the two
  // obsolete formats are" (second and third). The artwork's trailing "; ..." labels are comments
  // in the RFC's layout, not part of the dates:
  //   Sun, 06 Nov 1994 08:49:37 GMT    ; IMF-fixdate
  //   Sunday, 06-Nov-94 08:49:37 GMT   ; obsolete RFC 850 format
  //   Sun Nov  6 08:49:37 1994         ; ANSI C's asctime() format
  const imfFixdate = "Sun, 06 Nov 1994 08:49:37 GMT";
  const rfc850 = "Sunday, 06-Nov-94 08:49:37 GMT";
  const asctime = "Sun Nov  6 08:49:37 1994";
  const instant = Date.UTC(1994, 10, 6, 8, 49, 37);

  it("§5.6.7 all three HTTP-date formats parse to the same instant", () => {
    expect(parseHttpDate(imfFixdate)).toBe(instant);
    expect(parseHttpDate(rfc850)).toBe(instant);
    expect(parseHttpDate(asctime)).toBe(instant);
  });

  it("§5.6.7 the RFC 850 two-digit year is read as 1994 from any 'now' within 50 years", () => {
    for (const now of [Date.UTC(1995, 0, 1), Date.UTC(2026, 0, 1), Date.UTC(2043, 11, 31)]) {
      expect(parseHttpDate(rfc850, now)).toBe(instant);
    }
  });

  it("§5.6.7 a sender generates IMF-fixdate: formatting the instant gives the preferred example", () => {
    expect(formatHttpDate(instant)).toBe(imfFixdate);
  });
});

// ---------------------------------------------------------------------------------------------
// RFC 9457: Problem Details for HTTP APIs, §3 The Problem Details JSON Object
// ---------------------------------------------------------------------------------------------

describe("RFC 9457 problem details examples", () => {
  // RFC 9457 §3: "Here, the out-of-credit problem (identified by its type) indicates the reason for
  // the 403 in "title", identifies the specific problem occurrence with "instance", gives
  // occurrence-specific details in "detail", and adds two extensions: "balance" conveys the
  // account's balance, and "accounts" lists links where the account can be topped up."
  const outOfCredit = `HTTP/1.1 403 Forbidden
Content-Type: application/problem+json
Content-Language: en

{
 "type": "https://example.com/probs/out-of-credit",
 "title": "You do not have enough credit.",
 "detail": "Your current balance is 30, but that costs 50.",
 "instance": "/account/12345/msgs/abc",
 "balance": 30,
 "accounts": ["/account/12345",
              "/account/67890"]
}`;

  // RFC 9457 §3: "The fictional problem type here defines the "errors" extension, an array that
  // describes the details of each validation error."
  const validation = `HTTP/1.1 422 Unprocessable Content
Content-Type: application/problem+json
Content-Language: en

{
 "type": "https://example.net/validation-error",
 "title": "Your request is not valid.",
 "errors": [
             {
               "detail": "must be a positive integer",
               "pointer": "#/age"
             },
             {
               "detail": "must be 'green', 'red' or 'blue'",
               "pointer": "#/profile/color"
             }
          ]
}`;

  it("§3 out-of-credit: parses with no issues, extension members balance and accounts kept", () => {
    const { problem, issues } = unwrap(
      parseProblem(bodyOf(outOfCredit), { status: statusOf(outOfCredit) }),
    );
    expect(issues).toEqual([]);
    expect(problem).toEqual({
      type: "https://example.com/probs/out-of-credit",
      title: "You do not have enough credit.",
      detail: "Your current balance is 30, but that costs 50.",
      instance: "/account/12345/msgs/abc",
      balance: 30,
      accounts: ["/account/12345", "/account/67890"],
    });
    // serializeProblem keeps every member: the JSON reads back to the same object.
    expect(JSON.parse(serializeProblem(problem))).toEqual(JSON.parse(bodyOf(outOfCredit)));
  });

  it("§3 out-of-credit has no 'status' member, so another response status is no mismatch", () => {
    // §3.1.2 compares the "status" member, when present, with the response; this example has none.
    expect(JSON.parse(bodyOf(outOfCredit))).not.toHaveProperty("status");
    expect(unwrap(parseProblem(bodyOf(outOfCredit), { status: 500 })).issues).toEqual([]);
  });

  // Derived: the example with the "status" member a generator would send (§3.1.2: "Generators MUST
  // use the same status code in the actual HTTP response").
  it("§3.1.2 out-of-credit with status 403: no issue on a 403, status_mismatch on a 500 (derived)", () => {
    const withStatus = JSON.stringify({ ...JSON.parse(bodyOf(outOfCredit)), status: 403 });
    expect(unwrap(parseProblem(withStatus, { status: statusOf(outOfCredit) })).issues).toEqual([]);
    const { problem, issues } = unwrap(parseProblem(withStatus, { status: 500 }));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      code: "status_mismatch",
      member: "status",
      severity: "error",
    });
    // The mismatch is reported, not repaired: members (and extensions) are all still there.
    expect(problem).toMatchObject({ status: 403, balance: 30 });
  });

  it("§3 validation error: parses with no issues, the errors extension kept as sent", () => {
    const { problem, issues } = unwrap(
      parseProblem(bodyOf(validation), { status: statusOf(validation) }),
    );
    expect(statusOf(validation)).toBe(422);
    expect(issues).toEqual([]);
    expect(problem.type).toBe("https://example.net/validation-error");
    expect(problem.title).toBe("Your request is not valid.");
    expect(problem.errors).toEqual([
      { detail: "must be a positive integer", pointer: "#/age" },
      { detail: "must be 'green', 'red' or 'blue'", pointer: "#/profile/color" },
    ]);
    expect(JSON.parse(serializeProblem(problem))).toEqual(JSON.parse(bodyOf(validation)));
  });

  // RFC 9457 §3.1.1: "the tag URI scheme [TAG] can be used to uniquely identify problem types:"
  const tagUri = `tag:example@example.org,2021-09-17:OutOfLuck`;
  it("§3.1.1 type URI examples are URI references: tag URI, relative references", () => {
    expect(isUriReference(tagUri)).toBe(true);
    // §3.1.1: "the relative URI reference "example-problem"", and "the full path (e.g., "/types/123")".
    expect(isUriReference("example-problem")).toBe(true);
    expect(isUriReference("/types/123")).toBe(true);
    expect(
      unwrap(parseProblem(JSON.stringify({ type: tagUri, title: "Out of luck" }))).issues,
    ).toEqual([]);
  });

  // Derived: §3.1.1 "The "type" member is a JSON string containing a URI reference"; the type
  // here is the example's problem name written as prose, which is not one.
  it("§3.1.1 a type that is not a URI reference is reported (derived)", () => {
    const body = JSON.stringify({ ...JSON.parse(bodyOf(outOfCredit)), type: "out of credit" });
    const { problem, issues } = unwrap(parseProblem(body, { status: 403 }));
    expect(issues.map((i) => i.code)).toEqual(["type_not_uri_reference"]);
    expect(issues[0]).toMatchObject({ member: "type", severity: "error" });
    expect(problem.balance).toBe(30);
  });
});

// ---------------------------------------------------------------------------------------------
// draft-ietf-httpapi-ratelimit-headers-11: RateLimit header fields for HTTP
// ---------------------------------------------------------------------------------------------

describe("RateLimit header fields draft-11 examples", () => {
  const policyRoundTrips = (value: string | string[]) => {
    const parsed = unwrap(parseRateLimitPolicy(value));
    expect(unwrap(parseRateLimitPolicy(buildRateLimitPolicy(parsed)))).toEqual(parsed);
  };
  const limitRoundTrips = (value: string) => {
    const parsed = unwrap(parseRateLimit(value));
    expect(unwrap(parseRateLimit(buildRateLimit(parsed)))).toEqual(parsed);
  };

  // draft-11 §3: the field's introductory example.
  const s3 = `RateLimit-Policy: "burst";q=100;w=60,"daily";q=1000;w=86400`;
  it("§3 two policies, burst and daily", () => {
    const value = fieldValue(s3, "RateLimit-Policy");
    expect(unwrap(parseRateLimitPolicy(value))).toEqual([
      { name: "burst", quota: 100, window: 60 },
      { name: "daily", quota: 1000, window: 86400 },
    ]);
    policyRoundTrips(value);
  });

  // draft-11 §3.2: "This field MAY convey the time window associated with the quota, as shown in
  // this example:"
  const s32a = `RateLimit-Policy: "default";q=100;w=10`;
  it("§3.2 a policy with a time window", () => {
    const value = fieldValue(s32a, "RateLimit-Policy");
    expect(unwrap(parseRateLimitPolicy(value))).toEqual([
      { name: "default", quota: 100, window: 10 },
    ]);
    policyRoundTrips(value);
  });

  // draft-11 §3.2: "These examples show multiple policies being returned:"
  const s32b = `RateLimit-Policy: "permin";q=50;w=60,"perhr";q=1000;w=3600`;
  it("§3.2 multiple policies", () => {
    const value = fieldValue(s32b, "RateLimit-Policy");
    expect(unwrap(parseRateLimitPolicy(value))).toEqual([
      { name: "permin", quota: 50, window: 60 },
      { name: "perhr", quota: 1000, window: 3600 },
    ]);
    policyRoundTrips(value);
  });

  // draft-11 §3.2: "The following example shows a policy with a partition key:"
  const s32c = `RateLimit-Policy: "peruser";q=100;w=60;pk=:cHsdsRa894==:`;
  it("§3.2 a policy with a partition key (Byte Sequence)", () => {
    const value = fieldValue(s32c, "RateLimit-Policy");
    expect(unwrap(parseRateLimitPolicy(value))).toEqual([
      { name: "peruser", quota: 100, window: 60, partitionKey: base64("cHsdsRa894==") },
    ]);
    policyRoundTrips(value);
  });

  // draft-11 §3.2: "The following example shows a policy with a partition key and a quota unit:"
  const s32d = `RateLimit-Policy: "peruser";q=65535;qu="content-bytes";w=10;pk=:sdfjLJUOUH==:`;
  it("§3.2 a policy with a partition key and a quota unit (qu)", () => {
    const value = fieldValue(s32d, "RateLimit-Policy");
    expect(unwrap(parseRateLimitPolicy(value))).toEqual([
      {
        name: "peruser",
        quota: 65535,
        unit: "content-bytes",
        window: 10,
        partitionKey: base64("sdfjLJUOUH=="),
      },
    ]);
    policyRoundTrips(value);
  });

  // draft-11 §4: the field's introductory example; §4.2 repeats it: "This example shows a
  // RateLimit field with an available quota of 50 units and an effective window of 30 seconds:"
  const s42a = `RateLimit: "default";r=50;t=30`;
  it("§4 / §4.2 available quota 50, effective window 30 s", () => {
    const value = fieldValue(s42a, "RateLimit");
    expect(unwrap(parseRateLimit(value))).toEqual([{ name: "default", remaining: 50, reset: 30 }]);
    limitRoundTrips(value);
  });

  // draft-11 §4.2: "This example shows an available quota of 999 requests for a partition key that
  // has no time window:"
  const s42b = `RateLimit: "default";r=999;pk=:dHJpYWwxMjEzMjM=:`;
  it("§4.2 a partition key and no time window", () => {
    const value = fieldValue(s42b, "RateLimit");
    const parsed = unwrap(parseRateLimit(value));
    expect(parsed).toEqual([
      { name: "default", remaining: 999, partitionKey: ascii("trial121323") },
    ]);
    expect(parsed[0]).not.toHaveProperty("reset");
    limitRoundTrips(value);
  });

  // draft-11 §4.2: "This example shows a 300MB available quota for an application in the next
  // 60 seconds:"
  const s42c = `RateLimit: "default";r=300000000;t=60;pk=:QXBwLTk5OQ==:`;
  it("§4.2 300MB for an application in the next 60 seconds", () => {
    const value = fieldValue(s42c, "RateLimit");
    expect(unwrap(parseRateLimit(value))).toEqual([
      { name: "default", remaining: 300000000, reset: 60, partitionKey: ascii("App-999") },
    ]);
    limitRoundTrips(value);
  });

  // draft-11 §6: "given the RateLimit header fields below, a client could decide to wait 10
  // seconds before following the "Location" header field ..., because the available quota is 0."
  const s6 = `HTTP/1.1 301 Moved Permanently
Location: /foo/123
RateLimit: "problemPolicy";r=0;t=10`;
  it("§6 available quota 0 on a redirect", () => {
    expect(unwrap(parseRateLimit(fieldValue(s6, "RateLimit")))).toEqual([
      { name: "problemPolicy", remaining: 0, reset: 10 },
    ]);
  });

  // draft-11 §8.5: "The following example describes a service with an unconsumed quota policy of
  // 10000 quota units per 1000 seconds."
  const s85 = `RateLimit-Policy: "somepolicy";q=10000;w=1000
RateLimit: "somepolicy";r=10000;t=10`;
  it("§8.5 a policy and its current service limit", () => {
    expect(unwrap(parseRateLimitPolicy(fieldValue(s85, "RateLimit-Policy")))).toEqual([
      { name: "somepolicy", quota: 10000, window: 1000 },
    ]);
    expect(unwrap(parseRateLimit(fieldValue(s85, "RateLimit")))).toEqual([
      { name: "somepolicy", remaining: 10000, reset: 10 },
    ]);
  });

  // draft-11 Appendix B.3.1 "Use with multiple windows" (note the SP after the comma).
  const b31 = `RateLimit-Policy: "hour";q=1000;w=3600, "day";q=5000;w=86400
RateLimit: "day";r=100;t=36000`;
  it("Appendix B.3.1 multiple windows", () => {
    expect(unwrap(parseRateLimitPolicy(fieldValue(b31, "RateLimit-Policy")))).toEqual([
      { name: "hour", quota: 1000, window: 3600 },
      { name: "day", quota: 5000, window: 86400 },
    ]);
    expect(unwrap(parseRateLimit(fieldValue(b31, "RateLimit")))).toEqual([
      { name: "day", remaining: 100, reset: 36000 },
    ]);
  });

  // draft-11 FAQ 8: two RateLimit-Policy field lines (a List split over several fields, §3) with a
  // parameter this draft does not define ("Other parameters are allowed", §3.1).
  const faq8 = `RateLimit-Policy: "sliding";q=100;w=60;burst=1000
RateLimit-Policy: "fixed";q=5000;w=3600;burst=0
RateLimit: "sliding";r=50;t=44`;
  it("FAQ: a List split over two field lines, with an extra parameter kept", () => {
    const lines = fieldValues(faq8, "RateLimit-Policy");
    expect(unwrap(parseRateLimitPolicy(lines))).toEqual([
      { name: "sliding", quota: 100, window: 60, params: { burst: 1000 } },
      { name: "fixed", quota: 5000, window: 3600, params: { burst: 0 } },
    ]);
    policyRoundTrips(lines);
    expect(unwrap(parseRateLimit(fieldValue(faq8, "RateLimit")))).toEqual([
      { name: "sliding", remaining: 50, reset: 44 },
    ]);
  });

  // draft-11 §5.1: the quota-exceeded problem type with its "violated-policies" extension.
  const s51 = `HTTP/1.1 429 Bad Request
Content-Type: application/problem+json

{
  "type": "https://iana.org/assignments/http-problem-types#quota-exceeded",
  "title": "Request cannot be satisfied as assigned quota has been exceeded",
  "violated-policies": ["daily","bandwidth"]
}`;
  it("§5.1 quota-exceeded problem: parses with its violated-policies extension", () => {
    const { problem, issues } = unwrap(parseProblem(bodyOf(s51), { status: statusOf(s51) }));
    expect(issues).toEqual([]);
    expect(problem["violated-policies"]).toEqual(["daily", "bandwidth"]);
  });

  // draft-11 Appendix B.1.4: this example's content lacks a comma after the "type" member, so it
  // is not JSON. A consumer must report that, not throw.
  const b14 = `HTTP/1.1 429 Too Many Requests
Content-Type: application/problem+json
Date: Mon, 05 Aug 2019 09:27:00 GMT
Retry-After: Mon, 05 Aug 2019 09:27:05 GMT
RateLimit: "default";r=0;t=5

{
"type": "https://iana.org/assignments/http-problem-types#quota-exceeded"
"title": "Too Many Requests",
"status": 429,
"violated-policies": ["default"]
}`;
  it("Appendix B.1.4 throttled response: fields parse; the malformed JSON is reported, not thrown", () => {
    const date = parseHttpDate(fieldValue(b14, "Date"));
    expect(date).toBe(Date.UTC(2019, 7, 5, 9, 27, 0));
    const retry = unwrap(parseRetryAfter(fieldValue(b14, "Retry-After")));
    expect(retryAfterSeconds(retry, date!)).toBe(5);
    expect(unwrap(parseRateLimit(fieldValue(b14, "RateLimit")))).toEqual([
      { name: "default", remaining: 0, reset: 5 },
    ]);
    const result = parseProblem(bodyOf(b14), { status: statusOf(b14) });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe("invalid_json");
  });
});
