import { describe, expect, it } from "vitest";
import { analyzeInputs } from "../../../src/audit/analyze.js";
import rule from "../../../src/audit/rules/403-without-credentials.js";
import { exchange, testRule } from "../helpers.js";
import { tempDir, write } from "../sources/helpers.js";

describe(rule.id, () => {
  testRule(rule, {
    valid: [
      exchange({ status: 403, credentials: "present" }),
      {
        name: "sanitized HAR: unknown is not a finding",
        exchange: exchange({ status: 403, credentials: "unknown" }),
      },
      exchange({ status: 403 }),
      exchange({ status: 401, credentials: "absent" }),
      {
        name: "a CORS preflight carries no credentials by design",
        exchange: exchange({
          method: "OPTIONS",
          status: 403,
          credentials: "absent",
          reqHeaders: { "access-control-request-method": "PUT", origin: "https://app.test" },
        }),
      },
    ],
    invalid: [
      {
        exchange: exchange({ status: 403, credentials: "absent", target: "/admin" }),
        findings: [{ message: /no credentials.*401/ }],
      },
    ],
  });
});

/** A Chrome DevTools export (a creator whose exports may be sanitized). */
function chromeHar(entries: object[], creator = "WebInspector"): string {
  return JSON.stringify({
    log: { version: "1.2", creator: { name: creator, version: "537.36" }, entries },
  });
}

/** The headers Chrome records when it has the network's view (HTTP/2). */
const wire = (url: string) => [
  { name: ":authority", value: new URL(url).host },
  { name: ":method", value: "GET" },
  { name: "accept", value: "application/json" },
  { name: "accept-encoding", value: "gzip, deflate, br" },
];

function entry(
  url: string,
  status: number,
  headers: { name: string; value: string }[] = [],
  responseHeaders: { name: string; value: string }[] = [],
  requestHeaders = wire(url),
): object {
  return {
    startedDateTime: "2026-11-24T19:00:00.000Z",
    time: 5,
    request: {
      method: "GET",
      url,
      httpVersion: "HTTP/1.1",
      headers: [...requestHeaders, ...headers],
      cookies: [],
      queryString: [],
      headersSize: -1,
      bodySize: 0,
    },
    response: {
      status,
      statusText: "",
      httpVersion: "HTTP/1.1",
      headers: responseHeaders,
      cookies: [],
      content: { size: 0, mimeType: "application/json" },
      redirectURL: "",
      headersSize: -1,
      bodySize: 0,
    },
    cache: {},
    timings: { send: 0, wait: 5, receive: 0 },
  };
}

describe("403-without-credentials on HAR exports that may be sanitized", () => {
  const dir = tempDir();
  const auth = [{ name: "Authorization", value: "Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig" }];

  it("the same file kept Authorization for that origin: the 403's request sent none", async () => {
    const file = write(
      dir,
      "kept.har",
      chromeHar([
        entry("https://api.example.test/me", 403),
        entry("https://api.example.test/orders", 200, auth),
      ]),
    );
    const { summary } = await analyzeInputs([file]);
    const f = summary.findings[rule.id];
    expect(f?.count).toBe(1);
    expect(f?.samples[0]?.location).toEqual({ file, entry: 0 });
    expect(summary.coverage[rule.id]?.checked).toBe(2);
    expect(summary.coverage[rule.id]?.notRecorded).toBeUndefined();
    // The held-back entry is counted once, in its place.
    expect(summary.exchanges).toBe(2);
    expect(summary.statuses).toEqual({ "200": 1, "403": 1 });
  });

  it("a Set-Cookie kept from that origin shows the same", async () => {
    const file = write(
      dir,
      "set-cookie.har",
      chromeHar([
        entry("https://shop.example.test/login", 200, [], [{ name: "Set-Cookie", value: "sid=1" }]),
        entry("https://shop.example.test/account", 403),
      ]),
    );
    const { summary } = await analyzeInputs([file]);
    expect(summary.findings[rule.id]?.count).toBe(1);
  });

  it("credentials kept for another origin, or an API-key header, prove nothing: not checked", async () => {
    const file = write(
      dir,
      "other.har",
      chromeHar([
        entry("https://api.example.test/me", 403),
        entry("https://auth.example.test/token", 200, auth),
        entry("https://api.example.test/orders", 200, [{ name: "X-Api-Key", value: "k-123" }]),
      ]),
    );
    const { summary } = await analyzeInputs([file]);
    expect(summary.findings[rule.id]).toBeUndefined();
    expect(summary.coverage[rule.id]?.notRecorded).toEqual({
      [file]: { "request.credentials": 1 },
    });
  });

  it("provisional headers (no Host, :authority, Accept-Encoding): a missing Cookie says nothing", async () => {
    // As chrome-har exports www.vercel.com's traffic from a log without the extra-info events:
    // the page's headers only, before the network stack added Host, Accept-Encoding, cookies.
    const provisional = [
      { name: "Accept", value: "*/*" },
      { name: "Referer", value: "https://vercel.com/" },
      { name: "User-Agent", value: "Mozilla/5.0 Chrome/95.0.4638.54" },
    ];
    const file = write(
      dir,
      "provisional.har",
      chromeHar(
        [
          entry("https://vercel.com/api/v1/integrations/search-repo", 403, [], [], provisional),
          entry(
            "https://vercel.com/_next/data/x/pricing.json",
            200,
            [],
            [{ name: "set-cookie", value: "a=1" }],
          ),
        ],
        "chrome-har",
      ),
    );
    const { summary } = await analyzeInputs([file]);
    expect(summary.findings[rule.id]).toBeUndefined();
    expect(summary.coverage[rule.id]?.notRecorded).toEqual({
      [file]: { "request.credentials": 1 },
    });
  });

  it("a file truncated after the 403 still hands it out, decided", async () => {
    const whole = chromeHar([
      entry("https://api.example.test/orders", 200, auth),
      entry("https://api.example.test/me", 403),
      entry("https://api.example.test/x", 200),
    ]);
    const file = write(
      dir,
      "cut.har",
      whole.slice(0, whole.lastIndexOf('{"startedDateTime"') + 40),
    );
    const { summary, errors } = await analyzeInputs([file]);
    expect(errors).toHaveLength(1);
    expect(summary.partial).toBe(true);
    expect(summary.findings[rule.id]?.count).toBe(1);
  });
});
