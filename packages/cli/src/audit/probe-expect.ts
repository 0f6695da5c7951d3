/**
 * The one judgement the probe rules share: a probe request (Exchange.probe) was answered with a
 * status outside the statuses its scenario expects. Each probe rule picks its scenarios and says
 * why the answer matters; the comparison lives here once.
 */
import { reasonPhrase } from "truestatus";
import type { Exchange, ProbeFacts } from "./exchange.js";
import { finding } from "./finding.js";
import { type Finding, NO_FINDINGS, type Rule, type Severity } from "./rule.js";

/** The probe facts of an exchange when its scenario is one of `scenarios`. */
export function probeOf(ex: Exchange, scenarios: readonly string[]): ProbeFacts | undefined {
  const p = ex.probe;
  return p !== undefined && scenarios.includes(p.scenario) ? p : undefined;
}

/** "401", "400 or 422", "403, 404 or 410" */
export function statusList(codes: readonly number[]): string {
  if (codes.length <= 1) return codes.join("");
  return `${codes.slice(0, -1).join(", ")} or ${codes[codes.length - 1]}`;
}

export interface Unexpected {
  readonly facts: ProbeFacts;
  readonly status: number;
}

/** The answer, when it is outside what the scenario expects (and there was an answer). */
export function unexpected(ex: Exchange, scenarios: readonly string[]): Unexpected | undefined {
  const facts = probeOf(ex, scenarios);
  const status = ex.response?.status;
  if (facts?.expect === undefined || status === undefined) return undefined;
  return facts.expect.includes(status) ? undefined : { facts, status };
}

/**
 * The finding for an unexpected status: "<what the probe did>: expected 401, got 403 Forbidden
 * (<why>)". `why` explains the status received; `severity` may depend on it.
 */
export function unexpectedStatus(
  rule: { readonly id: string; readonly meta: Rule["meta"] },
  ex: Exchange,
  scenarios: readonly string[],
  why: (status: number, facts: ProbeFacts) => string | undefined,
  severity?: (status: number, facts: ProbeFacts) => Severity,
): readonly Finding[] {
  const u = unexpected(ex, scenarios);
  if (u === undefined) return NO_FINDINGS;
  const because = why(u.status, u.facts);
  const phrase = reasonPhrase(u.status);
  const got = phrase === "" ? String(u.status) : `${u.status} ${phrase}`;
  const message = `${u.facts.did}: expected ${statusList(u.facts.expect ?? [])}, got ${got}${because === undefined ? "" : ` (${because})`}`;
  return [finding(rule, ex, message, undefined, severity?.(u.status, u.facts))];
}

/** The usual reading of a wrong answer, shared by the rules' `why`. */
export function commonWhy(status: number): string | undefined {
  if (status >= 500) return "a server error for a client's mistake: it counts as an outage";
  if (status >= 200 && status < 300)
    return "a success: the request was not refused, and monitoring counts it as fine";
  return undefined;
}

/** Errors for 2xx and 5xx (the worst readings), the rule's own severity otherwise. */
export function worstIsError(base: Severity): (status: number) => Severity {
  return (status) => (status >= 500 || (status >= 200 && status < 300) ? "error" : base);
}
