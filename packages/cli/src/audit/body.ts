/**
 * What a response body says about the outcome of the request, read by structure rather than by
 * words (error words come in every language). Pure; the JSON parse of a body sample is memoised
 * per sample object, so several rules and the engine share one parse.
 *
 * The false-positive traps of shared/reference/traffic.md §3.1 are handled here: resource state is
 * not request outcome, `error: null` / `errors: []` / `success: true` are successes, validation and
 * log-search endpoints return error data legitimately, health endpoints only get a hint, and
 * GraphQL, JSON-RPC and bulk APIs are protocol conventions with their own classes.
 */
import type { BodySample, Exchange } from "./exchange.js";
import { headerValue } from "./exchange.js";

/** Longest sample parsed as JSON (the rest is too big to be an error envelope). */
const MAX_PARSE = 65_536;

const parsed = new WeakMap<BodySample, unknown>();
const NOT_JSON = Symbol("not json");

/** The media type of the response (lowercase, no parameters), from headers or the body sample. */
export function responseMediaType(ex: Exchange): string | undefined {
  const raw = headerValue(ex.response?.headers, "content-type") ?? ex.response?.body?.mimeType;
  if (raw === undefined) return undefined;
  const semi = raw.indexOf(";");
  return (semi === -1 ? raw : raw.slice(0, semi)).trim().toLowerCase();
}

export function isJsonMediaType(type: string | undefined): boolean {
  return type !== undefined && (type === "application/json" || type.endsWith("+json"));
}

export function isHtmlMediaType(type: string | undefined): boolean {
  return type === "text/html" || type === "application/xhtml+xml";
}

/** The parsed JSON of a body sample, or undefined when it is not (complete) JSON. Memoised. */
export function jsonBody(body: BodySample | undefined): unknown {
  if (body === undefined || body.truncated || body.text.length > MAX_PARSE) return undefined;
  let v = parsed.get(body);
  if (v === undefined) {
    const t = body.text;
    let i = 0;
    while (i < t.length && (t.charCodeAt(i) <= 32 || t.charCodeAt(i) === 0xfeff)) i++;
    const c = t.charCodeAt(i);
    if (c !== 123 && c !== 91) v = NOT_JSON;
    else {
      try {
        v = JSON.parse(t) as unknown;
      } catch {
        v = NOT_JSON;
      }
    }
    parsed.set(body, v);
  }
  return v === NOT_JSON ? undefined : v;
}

export type BodyVerdict =
  /** The body says the request failed. */
  | {
      readonly kind: "error";
      readonly signal: string;
      readonly excerpt: string;
      /** A MUST was broken (GraphQL with application/graphql-response+json and no data). */
      readonly violation?: true;
      /**
       * Likely but not structural: text (a stack trace, an error-page title) or the legacy
       * GraphQL convention (errors without data on application/json).
       */
      readonly weak?: true;
    }
  /** Partial success: GraphQL data + errors, bulk `errors: true`, 207. Not a failure. */
  | { readonly kind: "partial"; readonly signal: string }
  /** A JSON-RPC error object: the protocol maps no HTTP status; its own class. */
  | { readonly kind: "rpc_error"; readonly signal: string }
  /** A health endpoint reporting down with 2xx: deliberate for liveness probes; a hint only. */
  | { readonly kind: "hint"; readonly signal: string; readonly excerpt: string }
  | { readonly kind: "none" };

const NONE: BodyVerdict = { kind: "none" };

/** Members an error envelope has besides the error itself; anything else is data. */
const ENVELOPE = new Set([
  "error",
  "errors",
  "message",
  "msg",
  "code",
  "status",
  "statuscode",
  "httpstatus",
  "status_code",
  "detail",
  "details",
  "description",
  "error_description",
  "error_code",
  "errorcode",
  "error_message",
  "errormessage",
  "reason",
  "requestid",
  "request_id",
  "traceid",
  "trace_id",
  "correlationid",
  "timestamp",
  "time",
  "path",
  "title",
  "type",
  "instance",
  "success",
  "ok",
  "documentation_url",
  "help",
  "hint",
]);

/** Last static path segments of endpoints that return error data legitimately. */
const ERROR_DATA_ENDPOINT =
  /\/(validate|validation|validations|validator|verify|check|checks|lint|linter|errors|error-reports|logs|log|events|search|audit|audits|incidents|alerts|failures|diagnostics)(\/|$|\.)/i;
const HEALTH_ENDPOINT =
  /\/(health|healthz|healthcheck|livez|readyz|ready|live|status|ping)(\/|$|\.)/i;

const STACK_TRACE =
  /Traceback \(most recent call last\)|Exception in thread "|\n\s+at [\w$.<>]+ ?\([^()\n]{1,300}:\d+(?::\d+)?\)|\bat [\w$.]+\([\w$]+\.java:\d+\)/;
const ERROR_TITLE =
  /<title>[^<]{0,80}\b(error|not found|404|500|503|forbidden|unauthori[sz]ed|exception|bad request)\b/i;

function isEnvelope(obj: Record<string, unknown>): boolean {
  for (const k of Object.keys(obj)) if (!ENVELOPE.has(k.toLowerCase())) return false;
  return true;
}

function nonEmpty(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === "" || v === 0) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === "object") return Object.keys(v as object).length > 0;
  return true;
}

function errorStatus(v: unknown): boolean {
  if (typeof v === "number") return Number.isInteger(v) && v >= 400 && v <= 599;
  return typeof v === "string" && /^[45]\d\d$/.test(v);
}

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 120 ? `${s.slice(0, 119)}…` : s;
}

function inspectGraphql(
  obj: Record<string, unknown>,
  media: string | undefined,
  graphqlPath: boolean,
): BodyVerdict | undefined {
  const errors = obj.errors;
  const keys = Object.keys(obj);
  const shaped =
    Array.isArray(errors) &&
    keys.every((k) => k === "data" || k === "errors" || k === "extensions") &&
    (graphqlPath || media === "application/graphql-response+json");
  if (!shaped) return undefined;
  if (errors.length === 0) return NONE;
  if (obj.data !== undefined && obj.data !== null)
    return { kind: "partial", signal: "GraphQL data with errors" };
  const strict = media === "application/graphql-response+json";
  const verdict: BodyVerdict = {
    kind: "error",
    signal: strict
      ? "GraphQL response without data (application/graphql-response+json requires 4xx/5xx)"
      : "GraphQL errors without data (the legacy application/json convention)",
    excerpt: `errors: ${short(errors[0])}`,
  };
  return strict ? { ...verdict, violation: true } : { ...verdict, weak: true };
}

function inspectObject(
  obj: Record<string, unknown>,
  ex: Exchange,
  media: string | undefined,
): BodyVerdict {
  const path = ex.request.path;
  if (obj.jsonrpc === "2.0" && typeof obj.error === "object" && obj.error !== null)
    return {
      kind: "rpc_error",
      signal: `JSON-RPC error ${short((obj.error as { code?: unknown }).code)}`,
    };
  const gql = inspectGraphql(obj, media, /graphql/i.test(path));
  if (gql !== undefined) return gql;
  if (obj.errors === true && Array.isArray(obj.items))
    return { kind: "partial", signal: "bulk errors: true" };
  if (ERROR_DATA_ENDPOINT.test(path) || "valid" in obj) return NONE;
  if (HEALTH_ENDPOINT.test(path)) {
    const s = obj.status ?? obj.state;
    if (
      typeof s === "string" &&
      /^(down|unhealthy|fail|failed|error|critical|out_of_service)$/i.test(s)
    )
      return {
        kind: "hint",
        signal: "health endpoint reports down",
        excerpt: `status: ${short(s)}`,
      };
    return NONE;
  }
  if (
    media === "application/problem+json" ||
    ("title" in obj && errorStatus(obj.status) && isEnvelope(obj))
  )
    return {
      kind: "error",
      signal: "a problem document",
      excerpt: `status: ${short(obj.status)}, title: ${short(obj.title)}`,
    };
  if (obj.ok === false)
    return {
      kind: "error",
      signal: '"ok": false',
      excerpt: `ok: false${"error" in obj ? `, error: ${short(obj.error)}` : ""}`,
    };
  if (obj.success === false)
    return {
      kind: "error",
      signal: '"success": false',
      excerpt: `success: false${"message" in obj ? `, message: ${short(obj.message)}` : ""}`,
    };
  // JSend: {"status": "fail"|"error", "data"|"message"}; other keys mean a resource with a state.
  if (
    (obj.status === "fail" || obj.status === "error") &&
    Object.keys(obj).every((k) => k === "status" || k === "data" || k === "message" || k === "code")
  )
    return {
      kind: "error",
      signal: `JSend "status": "${obj.status}"`,
      excerpt: `status: ${short(obj.status)}`,
    };
  if (!isEnvelope(obj)) return NONE;
  if (nonEmpty(obj.error) && typeof obj.error !== "boolean")
    return { kind: "error", signal: '"error" with no data', excerpt: `error: ${short(obj.error)}` };
  if (Array.isArray(obj.errors) && obj.errors.length > 0)
    return {
      kind: "error",
      signal: '"errors" with no data',
      excerpt: `errors: ${short(obj.errors[0])}`,
    };
  for (const k of ["status", "statusCode", "httpStatus", "status_code"]) {
    if (errorStatus(obj[k]))
      return {
        kind: "error",
        signal: `in-band "${k}": ${short(obj[k])}`,
        excerpt: `${k}: ${short(obj[k])}`,
      };
  }
  const code = obj.code;
  if (
    code !== undefined &&
    code !== 0 &&
    code !== 200 &&
    code !== "0" &&
    code !== "200" &&
    !(typeof code === "string" && /^(ok|success)$/i.test(code)) &&
    (typeof obj.message === "string" || typeof obj.msg === "string")
  )
    return {
      kind: "error",
      signal: '"code" with a message and no data',
      excerpt: `code: ${short(code)}, message: ${short(obj.message ?? obj.msg)}`,
    };
  return NONE;
}

/** What the response body says, for a response that claims success. */
export function inspectSuccessBody(ex: Exchange): BodyVerdict {
  const res = ex.response;
  if (res === undefined) return NONE;
  if (res.status === 207) return { kind: "partial", signal: "207 Multi-Status" };
  const body = res.body;
  if (body === undefined || body.text.length === 0) return NONE;
  const media = responseMediaType(ex);
  const json = jsonBody(body);
  if (json !== undefined) {
    if (Array.isArray(json)) {
      const rpc = json.some(
        (m) =>
          typeof m === "object" &&
          m !== null &&
          (m as { jsonrpc?: unknown }).jsonrpc === "2.0" &&
          "error" in m,
      );
      return rpc ? { kind: "rpc_error", signal: "JSON-RPC batch with errors" } : NONE;
    }
    if (typeof json === "object" && json !== null)
      return inspectObject(json as Record<string, unknown>, ex, media);
    return NONE;
  }
  if (isJsonMediaType(media)) return NONE;
  // HTML or text: a stack trace or an error page title in a 2xx (a soft 404/500).
  const text = body.text;
  const stack = STACK_TRACE.exec(text);
  if (stack)
    return {
      kind: "error",
      signal: "a stack trace",
      excerpt: stack[0].trim().slice(0, 120),
      weak: true,
    };
  const title = ERROR_TITLE.exec(text);
  if (title)
    return {
      kind: "error",
      signal: "an error page title",
      excerpt: title[0].slice(0, 120),
      weak: true,
    };
  return NONE;
}
