import { describe, expect, it } from "vitest";
import { isInputError } from "../../../src/audit/sources/errors.js";
import { compileLogFormat, NGINX_COMBINED, nginxFormat } from "../../../src/audit/sources/nginx.js";

const UPSTREAM =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent rt=$request_time us="$upstream_status" ut="$upstream_response_time" uc="$upstream_connect_time" uh="$upstream_header_time" ua="$upstream_addr" wa="$sent_http_www_authenticate" ra="$sent_http_retry_after" auth="$http_authorization"';

describe("compileLogFormat", () => {
  // nginx's own "${name}" syntax, not a template placeholder.
  const braced = `$\{remote_addr}x$status "$request" $$`;
  it("splits literals and variables, $name and braced names", () => {
    expect(compileLogFormat(braced)).toEqual({
      format: braced,
      escape: "default",
      literals: ["", "x", ' "', '" $$'],
      variables: ["remote_addr", "status", "request"],
    });
    expect(compileLogFormat("combined").format).toBe(NGINX_COMBINED);
  });

  it("reads a whole log_format directive with escape= and concatenated strings", () => {
    const c = compileLogFormat(
      `log_format  main escape=json '{"s":"$status",'\n   '"r":"$request"}';`,
    );
    expect(c).toMatchObject({ escape: "json", format: '{"s":"$status","r":"$request"}' });
  });

  it("refuses formats it cannot split, with a typed one-line error", () => {
    for (const [f, msg] of [
      ["$status$request", "$status and $request have nothing between them"],
      ["${status", 'unterminated "${"'],
      ["log_format x escape=xml '$status';", 'unknown escape mode "xml"'],
      ["$remote_addr $request", "the format has no $status"],
    ] as const) {
      let err: unknown;
      try {
        nginxFormat(f);
      } catch (e) {
        err = e;
      }
      expect(isInputError(err), f).toBe(true);
      expect((err as Error).message, f).toContain(msg);
      expect((err as { code: string }).code).toBe("TRUESTATUS_INVALID_LOG_FORMAT");
    }
  });
});

describe("nginx line format", () => {
  const f = nginxFormat(UPSTREAM);

  it("declares what the format can tell, and which headers it logs", () => {
    expect([...f.capabilities].sort()).toEqual([
      "duration",
      "request.credentials",
      "request.headers",
      "response.headers",
      "response.size",
      "time",
      "upstream",
    ]);
    expect(f.loggedHeaders).toEqual({
      request: new Set(["authorization"]),
      response: new Set(["www-authenticate", "retry-after"]),
    });
  });

  it("reads upstream lists of lists, times, headers; never keeps the token", () => {
    const line =
      '127.0.0.1 - - [24/Nov/2026:19:00:00 +0000] "GET /api/x?id=1 HTTP/1.1" 502 157 rt=3.004 us="504, 502 : -" ut="3.001, 0.002 : -" uc="0.001, - : -" uh="-, - : -" ua="127.0.0.1:9001, 127.0.0.1:9002 : backend" wa="-" ra="120" auth="Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"';
    const r = f.parse(line, "n.log", 4);
    expect(r).toEqual({
      format: "nginx",
      location: { file: "n.log", line: 4 },
      time: Date.UTC(2026, 10, 24, 19, 0, 0) - 3004,
      durationMs: 3004,
      request: {
        method: "GET",
        target: "/api/x?id=1",
        path: "/api/x",
        headers: { authorization: ["Bearer [REDACTED]"] },
        credentials: "present",
      },
      response: { status: 502, size: 157, headers: { "retry-after": ["120"] } },
      upstream: {
        attempts: [
          { status: 504, timeMs: 3001, connectMs: 1, addr: "127.0.0.1:9001", group: 0 },
          { status: 502, timeMs: 2, addr: "127.0.0.1:9002", group: 0 },
          { addr: "backend", group: 1 },
        ],
      },
    });
    expect(JSON.stringify(r)).not.toContain("eyJ");
  });

  it("keeps WWW-Authenticate as it was sent (a challenge is not a secret)", () => {
    const line =
      '10.0.0.2 - - [24/Nov/2026:19:00:01 +0100] "GET /me HTTP/1.1" 401 0 rt=0.010 us="401" ut="0.009" uc="0.000" uh="0.008" ua="127.0.0.1:9001" wa="Bearer realm=\\x22api\\x22, error=\\x22invalid_token\\x22" ra="-" auth="Bearer abc"';
    expect(f.parse(line, "n", 1)).toMatchObject({
      response: {
        status: 401,
        headers: { "www-authenticate": ['Bearer realm="api", error="invalid_token"'] },
      },
    });
  });

  it("reads a plain attempt, no credentials, 499 and the generator of the status", () => {
    const line =
      '10.0.0.2 - - [24/Nov/2026:19:00:01 +0100] "POST /login HTTP/1.1" 401 0 rt=0.010 us="401" ut="0.009" uc="0.000" uh="0.008" ua="127.0.0.1:9001" wa="-" ra="-" auth="-"';
    expect(f.parse(line, "n.log", 5)).toMatchObject({
      time: Date.UTC(2026, 10, 24, 18, 0, 1) - 10,
      request: { method: "POST", path: "/login", credentials: "absent" },
      response: { status: 401, size: 0 },
      upstream: {
        attempts: [{ status: 401, timeMs: 9, connectMs: 0, headerMs: 8, addr: "127.0.0.1:9001" }],
        generatedBy: "upstream",
      },
    });
    const aborted = f.parse(
      line.replace(" 401 0 ", " 499 0 ").replace('us="401"', 'us="-"'),
      "n",
      1,
    );
    expect(aborted).toMatchObject({ clientAborted: true, upstream: { generatedBy: "proxy" } });
  });

  it("undoes nginx's \\xXX escaping (UTF-8 bytes too)", () => {
    const c = nginxFormat(NGINX_COMBINED);
    const r = c.parse(
      '::1 - - [24/Nov/2026:19:00:00 +0000] "GET /caf\\xC3\\xA9?q=\\x22a\\x22 HTTP/1.1" 404 0 "-" "UA \\x5C"',
      "f",
      1,
    );
    expect(r).toMatchObject({
      request: { target: '/café?q="a"', path: "/café" },
      response: { status: 404 },
    });
  });

  it("reads escape=json formats, quotes and backslashes inside values", () => {
    const j = nginxFormat(
      `log_format j escape=json '{"t":"$time_iso8601","m":"$request_method","u":"$request_uri","s":$status,"rt":$request_time,"ua":"$http_user_agent"}';`,
    );
    const r = j.parse(
      '{"t":"2026-11-24T19:00:00+00:00","m":"GET","u":"/a?x=\\"1\\"","s":200,"rt":0.5,"ua":"x \\"y\\" \\\\"}',
      "j",
      1,
    );
    expect(r).toEqual({
      format: "nginx",
      location: { file: "j", line: 1 },
      time: Date.UTC(2026, 10, 24, 19) - 500,
      durationMs: 500,
      request: {
        method: "GET",
        target: '/a?x="1"',
        path: "/a",
        headers: { "user-agent": ['x "y" \\'] },
      },
      response: { status: 200 },
    });
  });

  it("returns malformed records, never throws, for lines that do not fit", () => {
    expect(f.parse("garbage", "f", 9)).toEqual({
      malformed: true,
      reason: 'does not fit the log_format: no " - " after $remote_addr',
      file: "f",
      line: 9,
    });
    const c = nginxFormat("combined");
    expect(
      c.parse('1 - - [24/Nov/2026:19:00:00 +0000] "GET / HTTP/1.1" abc 0 "-" "-"', "f", 2),
    ).toEqual({
      malformed: true,
      reason: '$status "abc" is not a number',
      file: "f",
      line: 2,
    });
  });
});
