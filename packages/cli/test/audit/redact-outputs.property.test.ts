/**
 * Secrets planted everywhere a recording can hold them — the request target (query, path
 * parameters, fragment, credentials in a redirect URL, plain or percent-encoded), request and
 * response headers, the response body (JSON keys, connection strings, tokens) — in a HAR file,
 * an NDJSON log and the gateway's own access log; `truestatus analyze` runs on them, and no
 * output format (text, JSON, SARIF, HTML) may show the secret in any spelling. Issue 18 item 6.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { analyzeInputs } from "../../src/audit/analyze.js";
import { REPORTERS } from "../../src/audit/report/index.js";
import { formatAccessLog } from "../../src/gateway/access-log.js";

const dir = mkdtempSync(join(tmpdir(), "truestatus-plant-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A secret that cannot appear by chance, with characters that survive URLs ([A-Za-z0-9]). */
const secret = fc.stringMatching(/^[A-Za-z0-9]{10,24}$/).map((s) => `Zq${s}9x`);

/** Where a secret goes in the request target. */
const TARGETS: readonly ((s: string) => string)[] = [
  (s) => `/api/items?token=${s}&page=2`,
  (s) => `/api/items?api_key=${s}`,
  (s) => `/login?redirect=https://u:${s}@evil.example/`,
  (s) => `/login?redirect=${encodeURIComponent(`https://u:${s}@evil.example/`)}`,
  (s) => `/app;jsessionid=${s}/page`,
  (s) => `/app/page;JSESSIONID=${s}`,
  (s) => `/cb#access_token=${s}&token_type=bearer`,
  (s) => `/cb#state=1&id_token=${s}`,
  (s) => `/a/b?next=${encodeURIComponent(`/c?password=${s}`)}`,
];

/** Where a secret goes in a response body (quoted next to a stack trace, so it is excerpted). */
const BODIES: readonly ((s: string) => string)[] = [
  (s) => `{"privateKey": "${s}", "error": "at handler (/srv/app/x.js:1:2)"}`,
  (s) => `{"private_key":"${s}","trace":"at handler (/srv/app/x.js:1:2)"}`,
  (s) => `db error: postgres://admin:${s}@db.internal:5432/app at handler (/srv/app/x.js:1:2)`,
  (s) => `connect mysql://root:${s}@10.0.0.5/db failed\n    at handler (/srv/app/x.js:1:2)`,
  (s) => `{"password":"${s}"} at handler (/srv/app/x.js:1:2)`,
  (s) => `Authorization: Bearer ${s} at handler (/srv/app/x.js:1:2)`,
  (s) => `{"client_secret": "${s}", "passphrase": "x"} at handler (/srv/app/x.js:1:2)`,
];

/** Where a secret goes in the request headers. */
const REQUEST_HEADERS: readonly ((s: string) => Record<string, string>)[] = [
  (s) => ({ authorization: `Bearer ${s}` }),
  (s) => ({ cookie: `sid=${s}; theme=dark` }),
  (s) => ({ "x-api-key": s }),
  (s) => ({ "x-private-key": s }),
  (s) => ({ referer: `https://u:${s}@app.example/` }),
];

/** Every spelling of the secret a report could carry it in. */
function spellings(s: string): string[] {
  return [s, encodeURIComponent(s), JSON.stringify(s).slice(1, -1)];
}

function ndjson(target: string, body: string, headers: Record<string, string>): string {
  const base = { time: "2026-11-24T10:00:00Z", method: "GET", host: "api.example", duration_ms: 3 };
  return [
    // A 401 without a challenge: a finding that quotes the request line.
    { ...base, url: target, status: 401, size: 0, request_headers: headers, response_headers: {} },
    // A 500 whose body leaks internals: a finding that quotes the body.
    {
      ...base,
      url: "/boom",
      status: 500,
      size: body.length,
      request_headers: headers,
      response_headers: { "content-type": "application/json" },
      response_body: body,
    },
  ]
    .map((o) => JSON.stringify(o))
    .join("\n");
}

function har(target: string, body: string, headers: Record<string, string>): string {
  const h = Object.entries(headers).map(([name, value]) => ({ name, value }));
  const entry = (url: string, status: number, text: string) => ({
    startedDateTime: "2026-11-24T10:00:00.000Z",
    time: 3,
    request: {
      method: "GET",
      url: `https://api.example${url}`,
      httpVersion: "HTTP/1.1",
      cookies: [],
      headers: h,
      queryString: [],
      headersSize: -1,
      bodySize: 0,
    },
    response: {
      status,
      statusText: "",
      httpVersion: "HTTP/1.1",
      cookies: [],
      headers: [{ name: "Content-Type", value: "application/json" }],
      content: { size: text.length, mimeType: "application/json", text },
      redirectURL: "",
      headersSize: -1,
      bodySize: text.length,
    },
    cache: {},
    timings: { send: 0, wait: 3, receive: 0 },
  });
  return JSON.stringify({
    log: {
      version: "1.2",
      creator: { name: "t", version: "1" },
      entries: [entry(target, 401, ""), entry("/boom", 500, body)],
    },
  });
}

/** The gateway's access log line of a request to `target` (what `analyze` reads from it). */
function gatewayLog(target: string): string {
  return formatAccessLog({
    time: Date.UTC(2026, 10, 24),
    method: "GET",
    url: target,
    host: "api.example",
    client: "203.0.113.7",
    status: 401,
    durationMs: 1,
    size: 0,
    route: "/",
    upstream: "app",
    upstreamAddr: "10.0.0.1:80",
    upstreamStatus: 401,
    upstreamTimeMs: 1,
    failureClass: "auth",
    errorType: "",
    proxyStatus: undefined,
    attempts: 1,
    responseHeaders: { "content-type": "application/json" },
  });
}

let n = 0;

describe("no output format shows a planted secret", () => {
  it("HAR, NDJSON and the gateway log → text, JSON, SARIF, HTML", async () => {
    await fc.assert(
      fc.asyncProperty(
        secret,
        fc.nat(TARGETS.length - 1),
        fc.nat(BODIES.length - 1),
        fc.nat(REQUEST_HEADERS.length - 1),
        async (s, t, b, h) => {
          const target = TARGETS[t]!(s);
          const body = BODIES[b]!(s);
          const headers = REQUEST_HEADERS[h]!(s);
          const run = n++;
          const files = [
            join(dir, `p${run}.ndjson`),
            join(dir, `p${run}.har`),
            join(dir, `p${run}-gateway.ndjson`),
          ];
          writeFileSync(files[0]!, ndjson(target, body, headers));
          writeFileSync(files[1]!, har(target, body, headers));
          const line = gatewayLog(target);
          for (const spelling of spellings(s)) expect(line).not.toContain(spelling);
          writeFileSync(files[2]!, line);
          const { summary, errors } = await analyzeInputs(files, { jobs: 1 });
          expect(errors).toEqual([]);
          expect(summary.exchanges).toBe(5);
          for (const [format, report] of Object.entries(REPORTERS)) {
            const out = report(summary, { version: "0.0.0" });
            for (const spelling of spellings(s))
              expect([format, target, body, headers, out.includes(spelling)]).toEqual([
                format,
                target,
                body,
                headers,
                false,
              ]);
          }
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);

  it("the planted cases do reach the reports (the property is not vacuous)", async () => {
    const file = join(dir, "reach.ndjson");
    writeFileSync(file, ndjson(TARGETS[4]!("Zqvisible9x"), BODIES[0]!("Zqvisible9x"), {}));
    const { summary } = await analyzeInputs([file], { jobs: 1 });
    const json = REPORTERS.json(summary);
    expect(json).toContain("/app/page");
    expect(json).toContain("privateKey");
    expect(json).toContain("[REDACTED]");
  });
});
