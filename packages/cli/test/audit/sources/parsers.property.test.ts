/**
 * Properties of every line parser: total (any line gives a record, a malformed record or
 * nothing, never a throw), round trips where a generator can write the format, and linear time
 * on long hostile lines (a quadratic parser would not finish 1 MiB lines within the test timeout).
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Exchange } from "../../../src/audit/exchange.js";
import { isMalformed, type LineFormat } from "../../../src/audit/source.js";
import { alb } from "../../../src/audit/sources/alb.js";
import { caddy } from "../../../src/audit/sources/caddy.js";
import { clf, combined } from "../../../src/audit/sources/clf.js";
import { envoy } from "../../../src/audit/sources/envoy.js";
import { haproxy } from "../../../src/audit/sources/haproxy.js";
import { HarSplitter, HarSyntaxError } from "../../../src/audit/sources/har-split.js";
import { ndjsonFormat } from "../../../src/audit/sources/ndjson.js";
import { NGINX_COMBINED, nginxFormat } from "../../../src/audit/sources/nginx.js";
import { NGINX_LOG_FORMAT } from "../../fixtures/make-fixtures.js";
import { LOG_METACHARACTERS, mutated } from "./arbitraries.js";
import { NEW_PARSERS } from "./new-formats.js";

const fixtureLines = (name: string) =>
  readFileSync(new URL(`../../fixtures/logs/${name}`, import.meta.url), "utf8")
    .split("\n")
    .filter(Boolean);

const nginxUpstream = nginxFormat(NGINX_LOG_FORMAT);
const nginxJson = nginxFormat(
  `log_format j escape=json '{"t":"$time_iso8601","r":"$request","s":$status,"us":"$upstream_status","rt":$request_time}';`,
);
const FORMATS: readonly (readonly [LineFormat, readonly string[]])[] = [
  [
    clf,
    fixtureLines("nginx-combined.log").map((l) => l.slice(0, l.indexOf(' "', l.indexOf('" ') + 2))),
  ],
  [combined, fixtureLines("nginx-combined.log")],
  [nginxFormat(NGINX_COMBINED), fixtureLines("nginx-combined.log")],
  [nginxUpstream, fixtureLines("nginx-upstream.log")],
  [
    nginxJson,
    [
      '{"t":"2026-01-01T00:00:00+00:00","r":"GET /a\\"b HTTP/1.1","s":200,"us":"200, 502","rt":0.1}',
    ],
  ],
  [envoy, fixtureLines("envoy.log")],
  [alb, fixtureLines("alb.log")],
  [haproxy, fixtureLines("haproxy.log")],
  [caddy, fixtureLines("caddy.log").slice(0, 30)],
  [ndjsonFormat({}, fixtureLines("caddy.log").slice(0, 5)), fixtureLines("caddy.log").slice(0, 30)],
];

/** A real line with 1–6 edits. */
const mutatedLine = (lines: readonly string[]) => mutated(lines, LOG_METACHARACTERS);

function checkRecord(f: LineFormat, line: string): void {
  const r = f.parse(line, "f.log", 7);
  if (r === undefined) return;
  if (isMalformed(r)) {
    expect(r.file).toBe("f.log");
    expect(r.line).toBe(7);
    expect(typeof r.reason).toBe("string");
    expect(r.reason.length).toBeGreaterThan(0);
  } else {
    expect(r.location).toEqual({ file: "f.log", line: 7 });
    expect(r.format).toBe(f.format);
    expect(typeof r.request.method).toBe("string");
    if (r.response) expect(Number.isInteger(r.response.status)).toBe(true);
    expect(() => JSON.stringify(r)).not.toThrow();
  }
  expect(typeof f.detect(line)).toBe("boolean");
}

describe("every line parser is total", () => {
  it.each(FORMATS.map(([f, lines], i) => [`${f.format}#${i}`, f, lines] as const))(
    "%s: arbitrary and mutated lines give a record, never a throw",
    (_name, f, lines) => {
      fc.assert(
        fc.property(fc.string({ unit: "binary", maxLength: 300 }), (line) => checkRecord(f, line)),
        { numRuns: 300 },
      );
      fc.assert(
        fc.property(mutatedLine(lines), (line) => checkRecord(f, line)),
        { numRuns: 700 },
      );
      for (const line of lines) {
        const r = f.parse(line, "f.log", 1);
        expect(r === undefined || !isMalformed(r), line).toBe(true);
      }
    },
  );

  it.each(NEW_PARSERS.map(([name, make, lines]) => [name, make, lines] as const))(
    "%s (issue 22): arbitrary and mutated lines give a record, never a throw",
    (_name, make, lines) => {
      const f = make();
      for (const line of lines) {
        const r = f.parse(line, "f.log", 1);
        expect(r === undefined || !isMalformed(r), line).toBe(true);
      }
      fc.assert(
        fc.property(fc.string({ unit: "binary", maxLength: 300 }), (line) => checkRecord(f, line)),
        { numRuns: 200 },
      );
      fc.assert(
        fc.property(mutatedLine(lines), (line) => checkRecord(f, line)),
        { numRuns: 500 },
      );
    },
  );

  it("the HAR splitter only ever throws its syntax error, whatever the bytes", () => {
    const doc = readFileSync(new URL("../../fixtures/logs/chromium.har", import.meta.url), "utf8");
    fc.assert(
      fc.property(
        mutatedLine([doc.slice(0, 3000)]),
        fc.integer({ min: 1, max: 200 }),
        (text, size) => {
          const s = new HarSplitter({ maxString: 50 });
          const bytes = Buffer.from(text);
          try {
            for (let i = 0; i < bytes.length; i += size) s.feed(bytes.subarray(i, i + size));
          } catch (e) {
            expect(e).toBeInstanceOf(HarSyntaxError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------- round trips

/** nginx's default escaping: ", \ and bytes < 32 or > 126 as \xXX (of the UTF-8 bytes). */
function nginxEscape(s: string): string {
  let out = "";
  for (const b of Buffer.from(s, "utf8")) {
    out +=
      b === 0x22 || b === 0x5c || b < 0x20 || b > 0x7e
        ? `\\x${b.toString(16).toUpperCase().padStart(2, "0")}`
        : String.fromCharCode(b);
  }
  return out;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const p2 = (n: number) => String(n).padStart(2, "0");
function clfTime(ms: number): string {
  const d = new Date(ms);
  return `${p2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`;
}

const method = fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");
const pathSeg = fc.string({
  unit: fc.constantFrom(...'abcXYZ019-._~%é"\\€'.split("")),
  minLength: 1,
  maxLength: 8,
});
const path = fc.array(pathSeg, { minLength: 1, maxLength: 4 }).map((s) => `/${s.join("/")}`);
const query = fc.option(
  fc.stringMatching(/^[a-z]{1,5}=[a-z0-9]{0,5}(&[a-z]{1,5}=[a-z0-9]{0,5}){0,2}$/),
  { nil: undefined },
);
const status = fc.integer({ min: 100, max: 599 });
/** Envoy writes paths as they came (no escaping), so a raw '"' cannot be told from the field end. */
const plainPath = path.map((p) => p.replaceAll('"', "%22"));

/** HAProxy's log encoding: bytes < 32 or > 126, '"' and '#' as #XX. */
function haproxyEscape(s: string): string {
  let out = "";
  for (const b of Buffer.from(s, "utf8"))
    out +=
      b === 0x22 || b === 0x23 || b < 0x20 || b > 0x7e
        ? `#${b.toString(16).toUpperCase().padStart(2, "0")}`
        : String.fromCharCode(b);
  return out;
}
const timeSec = fc.integer({ min: 946684800, max: 2000000000 });
const millis = fc.integer({ min: 0, max: 120_000 });
const addr = fc
  .tuple(fc.integer({ min: 1, max: 254 }), fc.integer({ min: 1, max: 65535 }))
  .map(([a, p]) => `10.0.0.${a}:${p}`);
const attempt = fc.record({
  status: fc.option(status, { nil: undefined }),
  timeMs: fc.option(millis, { nil: undefined }),
  addr,
});

const dashOr = (v: number | string | undefined, f: (x: never) => string = String) =>
  v === undefined ? "-" : f(v as never);
const secs = (ms: number) => (ms / 1000).toFixed(3);

describe("round trips: generate → write in the format → parse → same fields", () => {
  it("nginx, with upstream lists of lists, headers and credentials", () => {
    fc.assert(
      fc.property(
        method,
        path,
        query,
        status,
        timeSec,
        millis,
        fc.array(fc.array(attempt, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }),
        fc.option(fc.integer({ min: 0, max: 86400 }), { nil: undefined }),
        fc.boolean(),
        (m, p, q, st, t, rt, groups, retryAfter, auth) => {
          const target = q === undefined ? p : `${p}?${q}`;
          const list = (
            pick: (a: {
              status: number | undefined;
              timeMs: number | undefined;
              addr: string;
            }) => string,
          ) => groups.map((g) => g.map(pick).join(", ")).join(" : ");
          const line = [
            `127.0.0.1 - - [${clfTime(t * 1000)}] "${nginxEscape(`${m} ${target} HTTP/1.1`)}" ${st} 12 "-" "ua x"`,
            `rt=${secs(rt)} us="${list((a) => dashOr(a.status))}" ut="${list((a) => dashOr(a.timeMs, secs))}" uct="-" uht="-"`,
            `ua="${list((a) => a.addr)}" wa="-" ra="${retryAfter ?? "-"}" auth="${auth ? "Bearer s3cret.tok" : "-"}"`,
          ].join(" ");
          const r = nginxUpstream.parse(line, "n", 1) as Exchange;
          expect(isMalformed(r)).toBe(false);
          expect(r.request).toMatchObject({
            method: m,
            target,
            path: p,
            credentials: auth ? "present" : "absent",
          });
          expect(r.response?.status).toBe(st);
          expect(r.durationMs).toBe(rt);
          expect(r.time).toBe(t * 1000 - rt);
          expect(r.response?.headers?.["retry-after"]).toEqual(
            retryAfter === undefined ? undefined : [String(retryAfter)],
          );
          const expected = groups.flatMap((g, gi) =>
            g.map((a) => ({
              ...(a.status === undefined ? {} : { status: a.status }),
              ...(a.timeMs === undefined ? {} : { timeMs: a.timeMs }),
              addr: a.addr,
              ...(groups.length > 1 ? { group: gi } : {}),
            })),
          );
          expect(r.upstream?.attempts).toEqual(expected);
          expect(JSON.stringify(r)).not.toContain("s3cret");
        },
      ),
      { numRuns: 500 },
    );
  });

  it("combined", () => {
    fc.assert(
      fc.property(
        method,
        path,
        query,
        status,
        timeSec,
        fc.option(fc.nat({ max: 1e9 }), { nil: undefined }),
        (m, p, q, st, t, size) => {
          const target = q === undefined ? p : `${p}?${q}`;
          const line = `192.0.2.1 - - [${clfTime(t * 1000)}] "${nginxEscape(`${m} ${target} HTTP/1.1`)}" ${st} ${size ?? "-"} "-" "curl/8"`;
          expect(combined.detect(line)).toBe(true);
          const r = combined.parse(line, "c", 1) as Exchange;
          expect(r).toEqual({
            format: "combined",
            location: { file: "c", line: 1 },
            time: t * 1000,
            request: { method: m, target, path: p },
            // Apache writes 0 bytes as "-".
            response: { status: st, size: size ?? 0 },
            ...(st === 499 ? { clientAborted: true } : {}),
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it("combined with a forwarded-for list as the client field (item 7 of issue 22)", () => {
    const ip = fc.oneof(
      fc
        .tuple(
          fc.nat({ max: 255 }),
          fc.nat({ max: 255 }),
          fc.nat({ max: 255 }),
          fc.nat({ max: 255 }),
        )
        .map((p) => p.join(".")),
      fc.constantFrom("::1", "2001:db8::7", "unknown", "-"),
    );
    const user = fc.constantFrom("-", "frank", "alice@example.test");
    fc.assert(
      fc.property(
        fc.array(ip, { minLength: 1, maxLength: 6 }),
        user,
        method,
        path,
        status,
        timeSec,
        fc.nat({ max: 1e6 }),
        (clients, u, m, p, st, t, size) => {
          const line = `${clients.join(", ")} - ${u} [${clfTime(t * 1000)}] "${nginxEscape(`${m} ${p} HTTP/1.1`)}" ${st} ${size} "-" "curl/8"`;
          expect(combined.detect(line)).toBe(true);
          const r = combined.parse(line, "c", 1) as Exchange;
          expect(r).toEqual({
            format: "combined",
            location: { file: "c", line: 1 },
            time: t * 1000,
            request: {
              method: m,
              target: p,
              path: p,
              ...(u === "-" ? {} : { credentials: "present" }),
            },
            response: { status: st, size },
            ...(st === 499 ? { clientAborted: true } : {}),
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it("envoy", () => {
    const flag = fc.constantFrom("UH", "UF", "UT", "NR", "RL", "DC", "URX", "UC");
    fc.assert(
      fc.property(
        method,
        plainPath,
        fc.integer({ min: 0, max: 599 }),
        fc.array(flag, { maxLength: 3 }),
        millis,
        fc.option(millis, { nil: undefined }),
        fc.option(addr, { nil: undefined }),
        timeSec,
        (m, p, code, flags, dur, svc, host, t) => {
          const start = new Date(t * 1000 + 123).toISOString();
          const line = `[${start}] "${m} ${p} HTTP/1.1" ${code} ${flags.length ? flags.join(",") : "-"} 0 42 ${dur} ${svc ?? "-"} "-" "ua" "id" "api.test" "${host ?? "-"}"`;
          const r = envoy.parse(line, "e", 1) as Exchange;
          expect(isMalformed(r)).toBe(false);
          expect(r.time).toBe(t * 1000 + 123);
          expect(r.request).toMatchObject({ method: m, target: p, host: "api.test" });
          expect(r.response).toEqual(code === 0 ? undefined : { status: code, size: 42 });
          expect(r.upstream?.flags).toEqual(flags);
          expect(r.durationMs).toBe(dur);
          expect(r.clientAborted).toBe(flags.includes("DC") ? true : undefined);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("haproxy", () => {
    const tsc = fc.constantFrom("----", "SH--", "sH--", "SC--", "CD--", "cD--", "PR--", "LR--");
    const timer = fc.oneof(fc.constant(-1), fc.nat({ max: 5000 }));
    fc.assert(
      fc.property(
        method,
        path,
        fc.integer({ min: -1, max: 599 }),
        tsc,
        timer,
        timer,
        timer,
        fc.boolean(),
        (m, p, st, term, tc, tr, ta, prefix) => {
          const line = `${prefix ? "<134>Nov 24 19:00:00 host haproxy[42]: " : ""}10.0.0.1:5000 [24/Nov/2026:19:00:00.250] fe be/app 0/0/${tc}/${tr}/${ta} ${st} 99 - - ${term} 1/1/1/1/0 0/0 "${haproxyEscape(`${m} ${p} HTTP/1.1`)}"`;
          const r = haproxy.parse(line, "h", 1) as Exchange;
          expect(isMalformed(r)).toBe(false);
          expect(r.time).toBe(Date.UTC(2026, 10, 24, 19, 0, 0, 250));
          expect(r.request).toMatchObject({ method: m, target: p });
          // %B counts the header section: a total, never a body size.
          expect(r.response).toEqual(st < 0 ? undefined : { status: st, totalSize: 99 });
          expect(r.upstream?.termination).toBe(term);
          expect(r.durationMs).toBe(ta < 0 ? undefined : ta);
          expect(r.upstream?.attempts?.[0]).toMatchObject({
            addr: "be/app",
            ...(tc >= 0 ? { connectMs: tc } : {}),
            ...(tr >= 0 ? { headerMs: tr } : {}),
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------- linear time

const HOSTILE = [
  '"',
  "\\",
  '\\"',
  " ",
  " [",
  "[01/Jan/2024:00:00:00 +0000] ",
  ", ",
  " : ",
  "{",
  "\\x",
  '" "',
  "a",
  "eyJ",
  "= ",
];

describe("linear time on long hostile lines", () => {
  it.each(FORMATS.map(([f], i) => [`${f.format}#${i}`, f] as const))(
    "%s: 1 MiB lines of one repeated fragment",
    (_n, f) => {
      for (const frag of HOSTILE) {
        const line = frag.repeat(Math.ceil((1 << 20) / frag.length));
        checkRecord(f, line);
        checkRecord(f, `127.0.0.1 - - [01/Jan/2024:00:00:00 +0000] "GET /${line}`);
      }
    },
  );
});
