/**
 * Problem Details for HTTP APIs (RFC 9457): build, serialize, parse and validate.
 */
import { fail, ok, type ParseResult } from "./headers/result.js";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** An RFC 9457 problem object: the standard members plus any extension members. */
export interface Problem {
  /** URI reference identifying the problem type; "about:blank" when absent. */
  readonly type?: string | undefined;
  /** Short summary of the problem type; the same for every occurrence. */
  readonly title?: string | undefined;
  /** The HTTP status code; MUST equal the status of the response (§3.1.2). */
  readonly status?: number | undefined;
  /** Explanation specific to this occurrence, meant for the client to act on. */
  readonly detail?: string | undefined;
  /** URI reference identifying this occurrence. */
  readonly instance?: string | undefined;
  readonly [extension: string]: unknown;
}

export const RESERVED_MEMBERS = ["type", "title", "status", "detail", "instance"] as const;

/** 1-based rank of a standard member in RESERVED_MEMBERS; 0 for an extension member. */
function reservedRank(key: string): number {
  switch (key) {
    case "type":
      return 1;
    case "title":
      return 2;
    case "status":
      return 3;
    case "detail":
      return 4;
    case "instance":
      return 5;
    default:
      return 0;
  }
}

/**
 * Whether JSON.stringify(problem) already writes what serializeProblem must: the defined standard
 * members are own, enumerable, in RESERVED_MEMBERS order and before every defined extension member,
 * and there is no own toJSON. True for every problem decide() builds; it saves the reordering copy
 * (a dictionary-mode object) that costs more than the stringify itself.
 */
function inSerializationOrder(problem: Problem): boolean {
  const proto: unknown = Object.getPrototypeOf(problem);
  if (proto !== Object.prototype && proto !== null) return false;
  const keys = Object.keys(problem);
  let last = 0;
  let seen = 0;
  let extension = false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const rank = reservedRank(key);
    if (rank === 0) {
      if (key === "toJSON") return false;
      if (problem[key] !== undefined) extension = true;
    } else if (problem[key] !== undefined) {
      if (extension || rank < last) return false;
      last = rank;
      seen |= 1 << rank;
    }
  }
  // A defined standard member that is inherited or not enumerable is written only by the copy.
  for (let rank = 1; rank <= RESERVED_MEMBERS.length; rank++) {
    if ((seen & (1 << rank)) === 0 && problem[RESERVED_MEMBERS[rank - 1]!] !== undefined)
      return false;
  }
  return true;
}

/** Serializes a problem as application/problem+json, standard members first. */
export function serializeProblem(problem: Problem): string {
  if (inSerializationOrder(problem)) return JSON.stringify(problem);
  // Null prototype: a "__proto__" extension member stays a member instead of becoming a prototype.
  const ordered: Record<string, unknown> = Object.create(null);
  for (const key of RESERVED_MEMBERS) if (problem[key] !== undefined) ordered[key] = problem[key];
  for (const key of Object.keys(problem)) {
    if (!(RESERVED_MEMBERS as readonly string[]).includes(key) && problem[key] !== undefined)
      ordered[key] = problem[key];
  }
  return JSON.stringify(ordered);
}

const HEX = /^[0-9A-Fa-f]{2}$/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;
// unreserved / reserved / "%" : the characters a URI reference can hold (RFC 3986 §2).
const URI_CHAR = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%") {
  URI_CHAR[c.charCodeAt(0)] = 1;
}

/** Whether a string is a URI-reference (RFC 3986 §4.1): a URI or a relative reference. Linear time. */
export function isUriReference(value: string): boolean {
  let hashes = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128 || URI_CHAR[c] !== 1) return false;
    if (c === 0x25 && !HEX.test(value.slice(i + 1, i + 3))) return false;
    if (c === 0x23 && ++hashes > 1) return false;
  }
  const end = value.search(/[/?#]/);
  const head = end === -1 ? value : value.slice(0, end);
  const colon = head.indexOf(":");
  // A colon in the first segment makes it a scheme; the scheme must then be well-formed.
  return colon === -1 || SCHEME.test(head.slice(0, colon));
}

export type ProblemIssueCode =
  | "status_mismatch"
  | "status_invalid"
  | "type_not_uri_reference"
  | "instance_not_uri_reference"
  | "member_wrong_type"
  | "title_not_reason_phrase";

export interface ProblemIssue {
  readonly code: ProblemIssueCode;
  readonly member: string;
  readonly message: string;
  /** "error" breaks a MUST of RFC 9457; "warning" a SHOULD. */
  readonly severity: "error" | "warning";
}

export interface ValidateOptions {
  /** The status of the HTTP response that carried the problem; `status` must equal it. */
  readonly status?: number;
  /** Reason phrase lookup for the about:blank title check. */
  readonly reasonPhrase?: (status: number) => string | undefined;
}

const STRING_MEMBERS = ["type", "title", "detail", "instance"] as const;

/** The issues of a parsed problem object, against RFC 9457 §3. Pure; never throws. */
export function validateProblem(
  value: Readonly<Record<string, unknown>>,
  options: ValidateOptions = {},
): ProblemIssue[] {
  const issues: ProblemIssue[] = [];
  for (const m of STRING_MEMBERS) {
    if (m in value && typeof value[m] !== "string") {
      issues.push({
        code: "member_wrong_type",
        member: m,
        severity: "error",
        message: `"${m}" must be a string; RFC 9457 §3.1 says a recipient ignores it`,
      });
    }
  }
  if ("status" in value) {
    const s = value.status;
    if (typeof s !== "number") {
      issues.push({
        code: "member_wrong_type",
        member: "status",
        severity: "error",
        message: `"status" must be a number, got ${typeof s}`,
      });
    } else if (!Number.isInteger(s) || s < 100 || s > 599) {
      issues.push({
        code: "status_invalid",
        member: "status",
        severity: "error",
        message: `"status" ${s} is not an HTTP status code`,
      });
    } else if (options.status !== undefined && s !== options.status) {
      issues.push({
        code: "status_mismatch",
        member: "status",
        severity: "error",
        message: `"status" is ${s} but the response status is ${options.status} (RFC 9457 §3.1.2: they must match)`,
      });
    }
  }
  if (typeof value.type === "string" && !isUriReference(value.type)) {
    issues.push({
      code: "type_not_uri_reference",
      member: "type",
      severity: "error",
      message: `"type" ${JSON.stringify(value.type)} is not a URI reference`,
    });
  }
  if (typeof value.instance === "string" && !isUriReference(value.instance)) {
    issues.push({
      code: "instance_not_uri_reference",
      member: "instance",
      severity: "error",
      message: `"instance" ${JSON.stringify(value.instance)} is not a URI reference`,
    });
  }
  const type = typeof value.type === "string" ? value.type : "about:blank";
  const status = typeof value.status === "number" ? value.status : options.status;
  if (
    type === "about:blank" &&
    typeof value.title === "string" &&
    status !== undefined &&
    options.reasonPhrase
  ) {
    const phrase = options.reasonPhrase(status);
    if (phrase !== undefined && phrase.toLowerCase() !== value.title.toLowerCase()) {
      issues.push({
        code: "title_not_reason_phrase",
        member: "title",
        severity: "warning",
        message: `with type about:blank the title should be the reason phrase "${phrase}" (RFC 9457 §4.2.1)`,
      });
    }
  }
  return issues;
}

export interface ParsedProblem {
  /** The problem, with wrongly typed standard members dropped, as RFC 9457 §3.1 requires. */
  readonly problem: Problem;
  readonly issues: readonly ProblemIssue[];
}

/** Longest problem body parsed; larger bodies are refused, not buffered. */
export const MAX_PROBLEM_LENGTH = 1_048_576;

/**
 * Parses an application/problem+json body. Fails (without throwing) on non-JSON or non-object
 * input; otherwise returns the problem and its issues (status mismatch, bad URI, wrong types).
 */
export function parseProblem(
  body: string,
  options: ValidateOptions = {},
): ParseResult<ParsedProblem> {
  if (body.length > MAX_PROBLEM_LENGTH) {
    return fail(
      "too_long",
      `problem body is ${body.length} characters, over the ${MAX_PROBLEM_LENGTH} limit`,
      MAX_PROBLEM_LENGTH,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    return fail("invalid_json", `problem body is not JSON: ${(e as Error).message}`, 0);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return fail("not_an_object", "a problem body must be a JSON object", 0);
  }
  const record = value as Record<string, unknown>;
  const issues = validateProblem(record, options);
  const problem: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(record)) {
    if ((STRING_MEMBERS as readonly string[]).includes(k) && typeof v !== "string") continue;
    if (k === "status" && typeof v !== "number") continue;
    problem[k] = v;
  }
  return ok({ problem, issues });
}
