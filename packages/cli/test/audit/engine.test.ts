import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Analysis, analyzeExchanges, feed, ruleMap } from "../../src/audit/engine.js";
import type { Capability, Exchange } from "../../src/audit/exchange.js";
import { RULES } from "../../src/audit/rules/index.js";
import type { SourceRecord } from "../../src/audit/source.js";
import {
  emptySummary,
  findingsAtLeast,
  mergeSummaries,
  type Summary,
  shiftLines,
} from "../../src/audit/summary.js";
import { ALL_CAPABILITIES, exchange, json } from "./helpers.js";

const LOG_CAPS: ReadonlySet<Capability> = new Set<Capability>(["time", "response.size"]);
const RULES_BY_ID = ruleMap();

describe("Analysis", () => {
  it("counts statuses, classes and endpoint templates", () => {
    const s = analyzeExchanges(
      [
        exchange({ target: "/users/1", status: 200, line: 1 }),
        exchange({ target: "/users/2?x=1", status: 404, line: 2 }),
        exchange({ target: "/users/3f2504e0-4f89-11d3-9a0c-0305e82c3301", status: 401, line: 3 }),
        exchange({ method: "POST", target: "/orders", status: 500, line: 4 }),
        exchange({ target: "/slow", status: 499, line: 5 }),
        exchange({ target: "/x", status: 502, line: 6 }),
        exchange({ target: "/x", noResponse: true, networkError: "net::ERR_FAILED", line: 7 }),
        exchange({ target: "/x", status: 429, line: 8 }),
        exchange({ target: "/x", status: 503, line: 9 }),
        exchange({
          target: "/x",
          status: 500,
          upstream: { attempts: [{ status: 504 }] },
          line: 10,
        }),
      ],
      { file: "a.log", format: "combined", capabilities: LOG_CAPS },
    );
    expect(s.exchanges).toBe(10);
    expect(s.statuses).toEqual({
      "200": 1,
      "401": 1,
      "404": 1,
      "429": 1,
      "499": 1,
      "500": 2,
      "502": 1,
      "503": 1,
      none: 1,
    });
    expect(s.classes).toEqual({
      auth: 1,
      client_abort: 1,
      dependency: 2,
      network_error: 1,
      not_found: 1,
      overload: 1,
      server_bug: 1,
      throttling: 1,
    });
    expect(Object.keys(s.endpoints)).toEqual([
      "GET /slow",
      "GET /users/{id}",
      "GET /users/{uuid}",
      "GET /x",
      "POST /orders",
    ]);
    expect(s.endpoints["GET /users/{id}"]).toEqual({
      count: 2,
      statuses: { "200": 1, "404": 1 },
      classes: { not_found: 1 },
    });
    expect(s.endpoints["GET /x"]!.statuses.none).toBe(1);
  });

  it("client aborts are never server errors", () => {
    const s = analyzeExchanges(
      [
        exchange({ status: 499 }),
        exchange({ status: 200, clientAborted: true }),
        exchange({ status: 502, upstream: { flags: ["DC"] } }),
        exchange({ status: 503, upstream: { termination: "CD--" } }),
      ],
      { file: "a", format: "envoy", capabilities: LOG_CAPS },
    );
    expect(s.classes).toEqual({ client_abort: 4 });
  });

  it("reports honestly which rules a source could not feed", () => {
    const s = analyzeExchanges([exchange({ status: 401, line: 1, size: 0 })], {
      file: "access.log",
      format: "combined",
      capabilities: LOG_CAPS,
    });
    expect(s.coverage["401-needs-www-authenticate"]).toEqual({
      checked: 0,
      notChecked: { "access.log": ["response.headers"] },
    });
    expect(s.coverage["no-content-with-body"]).toEqual({ checked: 1, notChecked: {} });
    expect(s.findings).toEqual({});
    expect(Object.keys(s.coverage)).toEqual(RULES.map((r) => r.id));
  });

  it("counts findings exactly and lists the first maxFindings by location", () => {
    const exs = Array.from({ length: 10 }, (_, i) =>
      exchange({ status: 401, line: 10 - i, target: `/a/${i}` }),
    );
    const s = analyzeExchanges(
      exs,
      { file: "x.har", format: "har", capabilities: ALL_CAPABILITIES },
      { maxFindings: 3 },
    );
    expect(s.maxFindings).toBe(3);
    const f = s.findings["401-needs-www-authenticate"]!;
    expect(f.count).toBe(10);
    expect(f.bySeverity).toEqual({ error: 10 });
    expect(f.samples.map((x) => x.location.line)).toEqual([1, 2, 3]);
    // By default every one of them is listed.
    const all = analyzeExchanges(exs, {
      file: "x.har",
      format: "har",
      capabilities: ALL_CAPABILITIES,
    });
    expect(all.maxFindings).toBe(10_000);
    expect(all.findings["401-needs-www-authenticate"]!.samples.map((x) => x.location.line)).toEqual(
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    expect(f.samples[0]!.evidence).toEqual({ request: "GET /a/9", status: 401 });
    expect(findingsAtLeast(s, "error")).toBe(10);
  });

  it("counts malformed records by reason with the first line numbers", () => {
    const a = new Analysis();
    const add = a.source("b.log", "combined", LOG_CAPS);
    for (let i = 1; i <= 8; i++)
      add({ malformed: true, reason: i % 2 ? "bad status" : "no time", file: "b.log", line: i });
    add(exchange({ status: 200, file: "b.log", line: 9 }));
    const s = a.summary();
    expect(s.malformed).toEqual({
      count: 8,
      reasons: {
        "bad status": { count: 4, first: [1, 3, 5, 7].map((line) => ({ file: "b.log", line })) },
        "no time": { count: 4, first: [2, 4, 6, 8].map((line) => ({ file: "b.log", line })) },
      },
    });
    expect(s.sources["b.log"]).toEqual({
      format: "combined",
      exchanges: 1,
      malformed: 8,
      capabilities: ["response.size", "time"],
      partial: false,
    });
  });

  it("folds templates past the limit into other, keeping the first ones in sort order", () => {
    const exs = ["/d", "/a", "/c", "/b", "/a"].map((t, i) => exchange({ target: t, line: i + 1 }));
    const s = analyzeExchanges(
      exs,
      { file: "f", format: "har", capabilities: ALL_CAPABILITIES },
      { templateLimit: 2 },
    );
    expect(Object.keys(s.endpoints)).toEqual(["GET /a", "GET /b"]);
    expect(s.endpoints["GET /a"]!.count).toBe(2);
    expect(s.otherEndpoints.count).toBe(2);
  });

  it("a truncated source keeps what was read and marks the summary partial", async () => {
    const a = new Analysis();
    const err = Object.assign(new Error("x.log.gz: truncated gzip after line 2"), {
      code: "TRUESTATUS_INPUT_TRUNCATED",
    });
    const e = await feed(a, {
      file: "x.log.gz",
      format: "combined",
      capabilities: LOG_CAPS,
      async *records() {
        yield exchange({ file: "x.log.gz", line: 1 });
        yield exchange({ file: "x.log.gz", line: 2, status: 500 });
        throw err;
      },
    });
    expect(e).toBe(err);
    const s = a.summary();
    expect(s.partial).toBe(true);
    expect(s.exchanges).toBe(2);
    expect(s.sources["x.log.gz"]).toMatchObject({
      partial: true,
      error: "x.log.gz: truncated gzip after line 2",
    });
  });

  it("other errors are thrown", async () => {
    const a = new Analysis();
    await expect(
      feed(a, {
        file: "y",
        format: "clf",
        capabilities: LOG_CAPS,
        // biome-ignore lint/correctness/useYield: the source fails before its first record
        async *records() {
          throw Object.assign(new Error("y: binary"), { code: "TRUESTATUS_INPUT_BINARY" });
        },
      }),
    ).rejects.toThrow("y: binary");
  });

  it("soft errors, partial successes and JSON-RPC errors get their own classes", () => {
    const s = analyzeExchanges(
      [
        json(200, { error: "nope" }),
        json(200, { data: { a: 1 }, errors: [{ message: "x" }] }, { target: "/graphql" }),
        json(200, { jsonrpc: "2.0", error: { code: -32601, message: "no" }, id: 1 }),
        json(207, {}),
        json(200, { ok: true }),
      ],
      { file: "h.har", format: "har", capabilities: ALL_CAPABILITIES },
    );
    expect(s.classes).toEqual({ partial: 2, rpc_error: 1, soft_error: 1 });
    expect(s.findings["soft-error-2xx"]!.count).toBe(1);
  });

  it("shiftLines moves one file's line numbers", () => {
    const s = analyzeExchanges([exchange({ status: 401, file: "f", line: 2 })], {
      file: "f",
      format: "har",
      capabilities: ALL_CAPABILITIES,
    });
    const t = shiftLines(s, "f", 100);
    expect(t.findings["401-needs-www-authenticate"]!.samples[0]!.location).toEqual({
      file: "f",
      line: 102,
    });
  });
});

// ---- merging: analysing any split and merging equals analysing everything at once ---------------

const statusArb = fc.constantFrom(
  200,
  201,
  204,
  301,
  304,
  400,
  401,
  403,
  404,
  405,
  422,
  429,
  499,
  500,
  502,
  503,
  504,
);
const pathArb = fc.oneof(
  fc.constantFrom("/", "/health", "/graphql", "/users", "/orders", "/api/errors"),
  fc.nat(50).map((n) => `/users/${n}`),
  fc.nat(20).map((n) => `/orders/${n}/items/${n % 3}`),
  fc.constantFrom("a", "b", "c", "d", "e", "f", "g").map((s) => `/static/${s}`),
);
const bodyArb = fc.option(
  fc.constantFrom(
    '{"error":"boom"}',
    '{"ok":false}',
    '{"id":1}',
    '{"data":{"a":1},"errors":[{"message":"x"}]}',
    '{"jsonrpc":"2.0","error":{"code":-1,"message":"m"},"id":1}',
    "<html><title>Error 500</title></html>",
    '{"status":500,"title":"Oops","type":"about:blank"}',
    "A user with this email already exists",
    "Traceback (most recent call last):",
  ),
  { nil: undefined },
);
const headerArb = fc.record(
  {
    "content-type": fc.constantFrom("application/json", "text/html", "application/problem+json"),
    "www-authenticate": fc.constant('Bearer error="insufficient_scope"'),
    "retry-after": fc.constant("5"),
    location: fc.constant("/x"),
  },
  { requiredKeys: [] },
);
const specArb = fc.record({
  method: fc.constantFrom("GET", "POST", "HEAD", "PATCH", "BREW"),
  path: pathArb,
  status: statusArb,
  body: bodyArb,
  headers: headerArb,
  token: fc.option(fc.constantFrom("t1", "t2", "t3"), { nil: undefined }),
  // A sanitized export: whether credentials were sent is not recorded.
  sanitized: fc.boolean(),
  // Seconds apart, over about an hour: exercises time buckets and their widening.
  time: fc.nat(400).map((n) => n * 9_973),
  size: fc.option(fc.nat(3), { nil: undefined }),
  malformed: fc.boolean(),
  file: fc.constantFrom("a.har", "b.har"),
  upstream: fc.option(
    fc.constantFrom({ flags: ["UT"] }, { attempts: [{ status: 504 }] }, { termination: "SC--" }),
    { nil: undefined },
  ),
});

type Spec = typeof specArb extends fc.Arbitrary<infer T> ? T : never;

function toRecords(specs: readonly Spec[]): SourceRecord[] {
  return specs.map((s, i) => {
    if (s.malformed && i % 3 === 0)
      return {
        malformed: true as const,
        reason: `reason ${s.status % 3}`,
        file: s.file,
        line: i + 1,
      };
    return exchange({
      method: s.method,
      target: s.path,
      status: s.status,
      ...(s.body !== undefined ? { body: s.body } : {}),
      resHeaders: s.headers,
      ...(s.token
        ? { reqHeaders: { authorization: `Bearer ${s.token}`, accept: "application/json" } }
        : {}),
      credentials: s.token ? "present" : s.sanitized ? "unknown" : "absent",
      ...(s.token ? { credentialId: `id-${s.token}` } : {}),
      time: s.time,
      ...(s.size !== undefined ? { size: s.size } : {}),
      ...(s.upstream ? { upstream: s.upstream } : {}),
      file: s.file,
      line: i + 1,
    });
  });
}

function analyse(
  records: readonly SourceRecord[],
  templateLimit: number,
  timelineLimit = templateLimit,
): Summary {
  // The same small limit for findings listed: merging must cut them exactly too.
  const a = new Analysis({ templateLimit, timelineLimit, maxFindings: templateLimit });
  const adders = new Map<string, (r: SourceRecord) => void>();
  // Declare sources in a fixed order so that a part that saw only one file still declares both.
  for (const f of ["a.har", "b.har"]) adders.set(f, a.source(f, "har", ALL_CAPABILITIES));
  for (const r of records)
    adders.get((r as Exchange).location?.file ?? (r as { file: string }).file)!(r);
  return a.summary();
}

describe("mergeSummaries", () => {
  it("merging the summaries of any split equals the summary of the whole (any order, any grouping)", () => {
    fc.assert(
      fc.property(
        fc.array(specArb, { maxLength: 60 }),
        fc.array(fc.nat(3), { maxLength: 60 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
        (specs, assignment, templateLimit, order) => {
          const records = toRecords(specs);
          const whole = analyse(records, templateLimit);
          const parts: SourceRecord[][] = [[], [], [], []];
          for (const [i, r] of records.entries()) parts[(assignment[i] ?? 0) % 4]!.push(r);
          const summaries = parts.map((p) => analyse(p, templateLimit));
          // merge in an arbitrary order and grouping
          const pool = [...summaries];
          let k = 0;
          while (pool.length > 1) {
            const i = order[k++ % order.length]! % pool.length;
            const a = pool.splice(i, 1)[0]!;
            const j = order[k++ % order.length]! % pool.length;
            const b = pool.splice(j, 1)[0]!;
            pool.push(mergeSummaries(a, b, RULES_BY_ID, templateLimit, templateLimit));
          }
          expect(JSON.stringify(pool[0])).toBe(JSON.stringify(whole));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("has an identity, and is associative and commutative", () => {
    fc.assert(
      fc.property(
        fc.array(specArb, { maxLength: 30 }),
        fc.array(specArb, { maxLength: 30 }),
        fc.array(specArb, { maxLength: 30 }),
        (x, y, z) => {
          const [a, b, c] = [x, y, z].map((s) => analyse(toRecords(s), 3)) as [
            Summary,
            Summary,
            Summary,
          ];
          const m = (p: Summary, q: Summary) => mergeSummaries(p, q, RULES_BY_ID, 3, 3);
          expect(JSON.stringify(m(a, emptySummary()))).toBe(JSON.stringify(m(emptySummary(), a)));
          expect(JSON.stringify(m(m(a, b), c))).toBe(JSON.stringify(m(a, m(b, c))));
          expect(JSON.stringify(m(a, b))).toBe(JSON.stringify(m(b, a)));
        },
      ),
      { numRuns: 100 },
    );
  });

  it("summaries listing findings up to different limits merge to the smaller limit, exactly", () => {
    const limited = (records: readonly SourceRecord[], maxFindings: number): Summary => {
      const a = new Analysis({ maxFindings });
      const adders = new Map<string, (r: SourceRecord) => void>();
      for (const f of ["a.har", "b.har"]) adders.set(f, a.source(f, "har", ALL_CAPABILITIES));
      for (const r of records)
        adders.get((r as Exchange).location?.file ?? (r as { file: string }).file)!(r);
      return a.summary();
    };
    fc.assert(
      fc.property(
        fc.array(specArb, { maxLength: 40 }),
        fc.array(fc.boolean(), { maxLength: 40 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        (specs, side, la, lb) => {
          const records = toRecords(specs);
          const a = records.filter((_, i) => side[i] === true);
          const b = records.filter((_, i) => side[i] !== true);
          const merged = mergeSummaries(limited(a, la), limited(b, lb), RULES_BY_ID);
          expect(merged.maxFindings).toBe(Math.min(la, lb));
          expect(JSON.stringify(merged)).toBe(JSON.stringify(limited(records, Math.min(la, lb))));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("merging never changes its inputs", () => {
    const a = analyse(toRecords([]), 3);
    const s = analyzeExchanges(
      [
        exchange({ status: 401, credentialId: "q", credentials: "present", time: 1 }),
        exchange({ status: 200, credentialId: "q", credentials: "present", time: 2 }),
      ],
      { file: "a.har", format: "har", capabilities: ALL_CAPABILITIES },
    );
    const before = JSON.stringify(s);
    mergeSummaries(s, s, RULES_BY_ID);
    mergeSummaries(a, s, RULES_BY_ID);
    expect(JSON.stringify(s)).toBe(before);
    expect(s.findings["401-for-accepted-token"]!.count).toBe(1);
  });
});
