/** Test helpers for the analyze engine: exchanges from a few fields, and the table-driven rule runner. */

import { DEFAULT_POLICY, type Policy } from "truestatus";
import { expect, it } from "vitest";
import { analyzeExchanges } from "../../src/audit/engine.js";
import type {
  Capability,
  Exchange,
  HeaderBag,
  SourceFormat,
  UpstreamFacts,
} from "../../src/audit/exchange.js";
import type { Finding, Rule, Severity } from "../../src/audit/rule.js";

export const ALL_CAPABILITIES: ReadonlySet<Capability> = new Set<Capability>([
  "response.headers",
  "response.body",
  "response.size",
  "request.headers",
  "request.credentials",
  "upstream",
  "duration",
  "time",
]);

export interface ExchangeSpec {
  readonly method?: string;
  readonly target?: string;
  readonly status?: number;
  readonly noResponse?: boolean;
  readonly reqHeaders?: Readonly<Record<string, string | readonly string[]>>;
  readonly resHeaders?: Readonly<Record<string, string | readonly string[]>>;
  readonly body?: string;
  readonly truncated?: boolean;
  readonly size?: number;
  readonly credentials?: "present" | "absent" | "unknown";
  /** A fingerprint as a source would compute it (credential-id.ts). */
  readonly credentialId?: string;
  readonly upstream?: UpstreamFacts;
  readonly time?: number;
  readonly durationMs?: number;
  readonly file?: string;
  readonly line?: number;
  readonly entry?: number;
  readonly format?: SourceFormat;
  readonly clientAborted?: boolean;
  readonly networkError?: string;
}

function bag(h: ExchangeSpec["reqHeaders"]): HeaderBag | undefined {
  if (h === undefined) return undefined;
  const out: Record<string, readonly string[]> = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = typeof v === "string" ? [v] : v;
  return out;
}

/** An exchange with sensible defaults: GET /, 200, no headers, no body. */
export function exchange(s: ExchangeSpec = {}): Exchange {
  const target = s.target ?? "/";
  const q = target.indexOf("?");
  const resHeaders = bag(s.resHeaders);
  const mime = resHeaders?.["content-type"]?.[0];
  const location = {
    file: s.file ?? "test.har",
    ...(s.line !== undefined ? { line: s.line } : {}),
    ...(s.entry !== undefined ? { entry: s.entry } : {}),
  };
  const reqHeaders = bag(s.reqHeaders);
  return {
    format: s.format ?? "har",
    location,
    ...(s.time !== undefined ? { time: s.time } : {}),
    request: {
      method: s.method ?? "GET",
      target,
      path: q === -1 ? target : target.slice(0, q),
      ...(reqHeaders ? { headers: reqHeaders } : {}),
      ...(s.credentials ? { credentials: s.credentials } : {}),
      ...(s.credentialId ? { credentialId: s.credentialId } : {}),
    },
    ...(s.noResponse
      ? {}
      : {
          response: {
            status: s.status ?? 200,
            ...(resHeaders ? { headers: resHeaders } : {}),
            ...(s.body !== undefined
              ? {
                  body: {
                    text: s.body,
                    truncated: s.truncated ?? false,
                    ...(mime ? { mimeType: mime } : {}),
                  },
                }
              : {}),
            ...(s.size !== undefined ? { size: s.size } : {}),
          },
        }),
    ...(s.durationMs !== undefined ? { durationMs: s.durationMs } : {}),
    ...(s.upstream ? { upstream: s.upstream } : {}),
    ...(s.clientAborted ? { clientAborted: true } : {}),
    ...(s.networkError ? { networkError: s.networkError } : {}),
  };
}

export const json = (status: number, body: unknown, extra: ExchangeSpec = {}): Exchange =>
  exchange({
    status,
    body: JSON.stringify(body),
    ...extra,
    resHeaders: { "content-type": "application/json", ...extra.resHeaders },
  });

export interface ExpectedFinding {
  readonly message?: RegExp;
  readonly severity?: Severity;
  readonly excerpt?: RegExp;
}

export interface InvalidCase {
  readonly name?: string;
  /** One exchange, or a session (for rules with an aggregation hook). */
  readonly exchange?: Exchange;
  readonly exchanges?: readonly Exchange[];
  readonly findings: readonly ExpectedFinding[];
  readonly policy?: Policy;
}

export interface ValidCase {
  readonly name?: string;
  readonly exchange?: Exchange;
  readonly exchanges?: readonly Exchange[];
  readonly policy?: Policy;
}

/** Findings of a rule on a list of exchanges: check() for each, or the engine for aggregation rules. */
export function findingsOf(
  rule: Rule,
  exchanges: readonly Exchange[],
  policy: Policy = DEFAULT_POLICY,
): readonly Finding[] {
  if (rule.aggregate === undefined) return exchanges.flatMap((e) => rule.check(e, { policy }));
  const summary = analyzeExchanges(
    exchanges,
    { file: "test.har", format: "har", capabilities: ALL_CAPABILITIES },
    { rules: [rule], policy },
  );
  const rf = summary.findings[rule.id];
  if (rf === undefined) return [];
  expect(rf.samples.length).toBe(Math.min(rf.count, 3));
  return rf.samples.map((s) => ({ ruleId: rule.id, ...s }));
}

/** Table-driven rule test (as eslint's RuleTester): valid cases give no finding, invalid ones exactly these. */
export function testRule(
  rule: Rule,
  cases: { valid: readonly (Exchange | ValidCase)[]; invalid: readonly InvalidCase[] },
): void {
  const list = (c: { exchange?: Exchange; exchanges?: readonly Exchange[] }) =>
    c.exchanges ?? (c.exchange ? [c.exchange] : []);
  for (const [i, v] of cases.valid.entries()) {
    const c: ValidCase = "request" in v ? { exchange: v } : v;
    it(`valid #${i}${c.name ? `: ${c.name}` : ""}`, () => {
      expect(findingsOf(rule, list(c), c.policy)).toEqual([]);
    });
  }
  for (const [i, c] of cases.invalid.entries()) {
    it(`invalid #${i}${c.name ? `: ${c.name}` : ""}`, () => {
      const found = findingsOf(rule, list(c), c.policy);
      expect(found).toHaveLength(c.findings.length);
      for (const [j, want] of c.findings.entries()) {
        const f = found[j]!;
        expect(f.ruleId).toBe(rule.id);
        expect(f.severity).toBe(want.severity ?? rule.meta.severity);
        if (want.message) expect(f.message).toMatch(want.message);
        if (want.excerpt) expect(f.evidence.excerpt ?? "").toMatch(want.excerpt);
        expect(f.evidence.request).toMatch(/^[A-Z_]+ /);
      }
    });
  }
}
