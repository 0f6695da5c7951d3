/**
 * Judging one answer: for each criterion of a fault's expectation, pass or fail with what was
 * expected and what came. Pure: an observation in, results out (the check does the I/O).
 */
import { type ProxyStatusEntry, parseProblem, parseProxyStatus } from "truestatus";
import type { Observation } from "./client.js";
import type { Criterion, Expectation, Fault } from "./faults.js";

export interface CriterionResult {
  readonly criterion: Criterion;
  readonly pass: boolean;
  readonly expected: string;
  readonly got: string;
}

export interface JudgeContext {
  /** Upstream addresses (host:port) that must not appear in what the client sees. */
  readonly internals: readonly string[];
  readonly deadlineMs: number;
}

/**
 * Error texts of proxies and runtimes that name what failed upstream (nginx, Go, Node, OpenSSL):
 * fine in a log, a leak in an answer. Anchored words, no nested quantifiers: linear time.
 */
const INTERNAL_TEXT =
  /\b(?:E(?:CONN(?:REFUSED|RESET|ABORTED)|HOSTUNREACH|NETUNREACH|TIMEDOUT|PIPE)|UND_ERR_[A-Z_]{1,40}|HPE_[A-Z_]{1,40}|dial tcp|connect\(\) failed|recv\(\) failed|upstream prematurely closed|no live upstreams|i\/o timeout|x509:|certificate verify failed|connection refused|connection reset by peer)\b/i;

/** The first field value, or undefined. */
function field(o: Observation, name: string): string | undefined {
  return o.headers[name]?.[0];
}

function printable(s: string, max = 120): string {
  let t = "";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    // Control characters escaped: what a proxy sends never drives the terminal.
    t += c < 0x20 || (c >= 0x7f && c <= 0x9f) ? `\\x${c.toString(16).padStart(2, "0")}` : ch;
    if (t.length > max) return `${t.slice(0, max)}…`;
  }
  return t;
}

/** What came instead of an answer, when nothing usable came. */
function noAnswer(o: Observation, deadlineMs: number): string | undefined {
  if (o.status !== undefined) return undefined;
  if (o.timedOut) return `no answer within ${deadlineMs / 1000} s (timeout)`;
  // llhttp's codes: the proxy sent bytes that are not HTTP (e.g. an upstream's, as they came).
  if (o.error?.startsWith("HPE_")) return `an invalid HTTP response (${o.error})`;
  return `no answer (${o.error ?? "connection closed"})`;
}

interface ParsedPs {
  readonly value: string | undefined;
  readonly entries: readonly ProxyStatusEntry[] | undefined;
  readonly problem: string | undefined;
}

function proxyStatusOf(o: Observation): ParsedPs {
  const lines = o.headers["proxy-status"];
  if (lines === undefined || lines.length === 0)
    return { value: undefined, entries: undefined, problem: "no Proxy-Status" };
  const value = lines.join(", ");
  const parsed = parseProxyStatus(lines);
  if (!parsed.ok)
    return {
      value,
      entries: undefined,
      problem: `unparseable Proxy-Status: ${parsed.error.message}`,
    };
  if (parsed.value.length === 0)
    return { value, entries: undefined, problem: "an empty Proxy-Status" };
  return { value, entries: parsed.value, problem: undefined };
}

function statusText(o: Observation): string {
  return o.status === undefined ? "no status" : String(o.status);
}

/** Judges an observation against a fault's expectation. */
export function judge(
  fault: Fault,
  e: Expectation,
  o: Observation,
  ctx: JudgeContext,
): CriterionResult[] {
  const missing = noAnswer(o, ctx.deadlineMs);
  const ps = proxyStatusOf(o);
  const ours = ps.entries?.at(-1);
  const out: CriterionResult[] = [];
  const add = (criterion: Criterion, pass: boolean, expected: string, got: string) =>
    out.push({ criterion, pass, expected, got });

  for (const c of e.criteria) {
    switch (c) {
      case "status":
        add(c, o.status === e.status, String(e.status), missing ?? statusText(o));
        break;
      case "proxy-status":
        add(
          c,
          missing === undefined && ours !== undefined,
          "a valid Proxy-Status",
          missing ?? ps.problem ?? printable(ps.value ?? ""),
        );
        break;
      case "error-type":
        add(
          c,
          missing === undefined && ours?.error === e.error,
          `error=${e.error}`,
          missing ??
            (ours === undefined
              ? (ps.problem ?? "no Proxy-Status")
              : ours.error === undefined
                ? "no error parameter"
                : `error=${printable(ours.error)}`),
        );
        break;
      case "received-status":
        add(
          c,
          missing === undefined && ours?.receivedStatus === e.receivedStatus,
          `received-status=${e.receivedStatus}`,
          missing ??
            (ours === undefined
              ? (ps.problem ?? "no Proxy-Status")
              : ours.receivedStatus === undefined
                ? "no received-status"
                : `received-status=${ours.receivedStatus}`),
        );
        break;
      case "retry-after": {
        const got = field(o, "retry-after");
        add(
          c,
          missing === undefined && got === e.retryAfter,
          `Retry-After: ${e.retryAfter}`,
          missing ?? (got === undefined ? "no Retry-After" : `Retry-After: ${printable(got)}`),
        );
        break;
      }
      case "problem-body": {
        const type = field(o, "content-type") ?? "";
        const isProblem = /^application\/problem\+json\s*(?:;|$)/i.test(type);
        let got = missing ?? (type === "" ? "no Content-Type" : printable(type, 60));
        let pass = false;
        if (missing === undefined && isProblem) {
          const p = parseProblem(o.body);
          if (!p.ok) got = `${type}, ${p.error.message}`;
          else if (p.value.problem.status !== o.status)
            got = `${type}, status member ${String(p.value.problem.status)}`;
          else pass = true;
        }
        add(c, pass, `application/problem+json, "status": ${e.status}`, got);
        break;
      }
      case "no-internals": {
        let leak: string | undefined;
        for (const addr of ctx.internals) {
          if (o.body.includes(addr) || (ps.value ?? "").includes(addr)) leak = addr;
        }
        const text = INTERNAL_TEXT.exec(o.body);
        if (leak === undefined && text !== null) leak = `"${text[0]}"`;
        add(
          c,
          missing === undefined && leak === undefined,
          "no upstream address or error text",
          missing ?? (leak === undefined ? "none" : `shows ${leak}`),
        );
        break;
      }
      case "body-intact": {
        const want = fault.answer?.body ?? "";
        const pass = missing === undefined && o.complete && o.body === want;
        add(
          c,
          pass,
          `the upstream's ${Buffer.byteLength(want)}-byte body`,
          missing ??
            (pass
              ? "intact"
              : !o.complete
                ? `incomplete after ${Buffer.byteLength(o.body)} bytes`
                : `a different ${Buffer.byteLength(o.body)}-byte body`),
        );
        break;
      }
      case "incomplete": {
        // Not a lie: a cut response, no response at all, or the proxy's own 5xx (it buffered).
        // The lie: a complete 2xx-4xx whose body is shorter than what the upstream declared.
        const lie = o.status !== undefined && o.status < 500 && o.complete;
        add(
          c,
          !lie,
          "an incomplete response (or a 5xx)",
          o.status === undefined
            ? (missing ?? "no answer")
            : o.complete
              ? `${o.status}, complete with ${Buffer.byteLength(o.body)} bytes`
              : `${o.status}, cut after ${Buffer.byteLength(o.body)} bytes`,
        );
        break;
      }
      case "no-error-type": {
        const withError = ps.entries?.find((m) => m.error !== undefined);
        const unparseable = ps.value !== undefined && ps.entries === undefined;
        add(
          c,
          missing === undefined && !unparseable && withError === undefined,
          "no Proxy-Status error",
          missing ??
            (unparseable
              ? (ps.problem ?? "unparseable Proxy-Status")
              : withError !== undefined
                ? `error=${printable(withError.error ?? "")}`
                : "none"),
        );
        break;
      }
    }
  }
  return out;
}

/** One line of what a truthful proxy answers. */
export function describeExpected(fault: Fault, e: Expectation): string {
  if (fault.midBody) return "an incomplete response (the status is already sent)";
  const parts = [String(e.status)];
  if (e.retryAfter !== undefined) parts.push(`Retry-After: ${e.retryAfter}`);
  if (e.error !== undefined) parts.push(`Proxy-Status error=${e.error}`);
  if (e.receivedStatus !== undefined) parts.push(`received-status=${e.receivedStatus}`);
  parts.push(fault.answer !== undefined ? "the upstream's body" : "problem+json");
  return parts.join(" · ");
}

/** One line of what came. */
export function describeGot(o: Observation, deadlineMs: number): string {
  const missing = noAnswer(o, deadlineMs);
  if (missing !== undefined) return missing;
  const parts = [String(o.status)];
  const ra = field(o, "retry-after");
  if (ra !== undefined) parts.push(`Retry-After: ${printable(ra, 30)}`);
  const ps = o.headers["proxy-status"];
  parts.push(
    ps === undefined ? "no Proxy-Status" : `Proxy-Status: ${printable(ps.join(", "), 80)}`,
  );
  const type = field(o, "content-type");
  parts.push(type === undefined ? "no Content-Type" : printable(type.split(";")[0]!.trim(), 40));
  if (!o.complete) parts.push(o.timedOut ? "body stalled" : "body cut");
  return parts.join(" · ");
}
