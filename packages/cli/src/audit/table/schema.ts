/**
 * The exchanges table: one row per exchange, one column per Exchange field the rules read
 * (docs/engines.md shows it). The streaming engine reads an exchange through the same projection
 * (`toRow`), so a rule sees the same values whichever engine runs it.
 */
import type { Capability, Exchange } from "../exchange.js";
import { headerField, headerValue } from "../exchange.js";
import { endpointTemplate } from "../template.js";

export type ColumnType = "varchar" | "integer" | "bigint" | "double" | "boolean";

export interface ColumnSpec {
  readonly type: ColumnType;
  /** What the column holds (docs/engines.md is generated from these lines: a test keeps them equal). */
  readonly doc: string;
  /**
   * The capability a table has when the column is there (a column map or a Parquet file without
   * it lacks the capability; see capabilitiesOf).
   */
  readonly capability?: Capability;
  /** For response header columns: the header's lowercase name. */
  readonly header?: string;
  /** For request header columns: the header's lowercase name. */
  readonly requestHeader?: string;
}

const RESPONSE_HEADER_DOC = (name: string) =>
  `The response's ${name} field (all its values joined by ", "), NULL when absent. Only where logged.`;

export const COLUMNS = {
  file: { type: "varchar", doc: "The input file the exchange came from (findings' location)." },
  line: { type: "bigint", doc: "1-based line number in that file (line formats), else NULL." },
  entry: { type: "bigint", doc: "0-based entry index (HAR), else NULL." },
  format: { type: "varchar", doc: "The source format (nginx, alb, har, ...)." },
  time_ms: {
    type: "double",
    doc: "When the request started, epoch milliseconds; NULL when not logged.",
    capability: "time",
  },
  method: { type: "varchar", doc: "The request method as logged." },
  target: {
    type: "varchar",
    doc: "The request target as logged (path and query); shown redacted in evidence.",
  },
  template: {
    type: "varchar",
    doc: "The endpoint template of the path (/users/{id}); computed from `target` when not mapped.",
  },
  status: { type: "integer", doc: "The status the client got; NULL when no response." },
  size: {
    type: "bigint",
    doc: "Bytes of the response body alone as sent (not header bytes); NULL when not recorded.",
    capability: "response.size",
  },
  upstream_status: {
    type: "varchar",
    doc: 'The upstream attempts\' statuses in order, "-" for an attempt without one, joined by ", " (nginx $upstream_status); NULL or "" without attempts.',
    capability: "upstream",
  },
  upstream_flags: {
    type: "varchar",
    doc: "Envoy response flags, comma-separated (UT,URX); NULL when not logged.",
    capability: "upstream",
  },
  upstream_details: {
    type: "varchar",
    doc: "Envoy %RESPONSE_CODE_DETAILS% (via_upstream, upstream_response_timeout, ...).",
    capability: "upstream",
  },
  termination: {
    type: "varchar",
    doc: "HAProxy termination state (sH--, SC--, CD--, ...).",
    capability: "upstream",
  },
  target_status: {
    type: "varchar",
    doc: 'ALB target_status_code: the target\'s status, or "-" when the target never answered; NULL when not logged.',
    capability: "upstream",
  },
  generated_by: {
    type: "varchar",
    doc: '"proxy" or "upstream": who produced the status the client got, when the source says.',
    capability: "upstream",
  },
  client_aborted: {
    type: "boolean",
    doc: "True when the client went away before the answer (nginx 499, Envoy DC, ALB 460).",
  },
  network_error: {
    type: "varchar",
    doc: "A network-level failure with no HTTP response (HAR _error).",
  },
  credentials: {
    type: "varchar",
    doc: '"present", "absent" or "unknown": whether the request carried credentials.',
    capability: "request.credentials",
  },
  credential_id: {
    type: "varchar",
    doc: "A one-way fingerprint of the credentials sent (never the credentials).",
  },
  location: {
    type: "varchar",
    doc: RESPONSE_HEADER_DOC("Location"),
    capability: "response.headers",
    header: "location",
  },
  www_authenticate: {
    type: "varchar",
    doc: RESPONSE_HEADER_DOC("WWW-Authenticate"),
    capability: "response.headers",
    header: "www-authenticate",
  },
  allow: {
    type: "varchar",
    doc: RESPONSE_HEADER_DOC("Allow"),
    capability: "response.headers",
    header: "allow",
  },
  retry_after: {
    type: "varchar",
    doc: RESPONSE_HEADER_DOC("Retry-After"),
    capability: "response.headers",
    header: "retry-after",
  },
  ratelimit: {
    type: "varchar",
    doc: RESPONSE_HEADER_DOC("RateLimit"),
    capability: "response.headers",
    header: "ratelimit",
  },
  ratelimit_reset: {
    type: "varchar",
    doc: RESPONSE_HEADER_DOC("RateLimit-Reset"),
    capability: "response.headers",
    header: "ratelimit-reset",
  },
  x_ratelimit_reset: {
    type: "varchar",
    doc: RESPONSE_HEADER_DOC("X-RateLimit-Reset"),
    capability: "response.headers",
    header: "x-ratelimit-reset",
  },
  x_rate_limit_reset: {
    type: "varchar",
    doc: RESPONSE_HEADER_DOC("X-Rate-Limit-Reset"),
    capability: "response.headers",
    header: "x-rate-limit-reset",
  },
  content_type: {
    type: "varchar",
    doc: "The response's Content-Type (its first value; a HAR's recorded MIME type without the header), NULL when absent. Only where logged.",
    capability: "response.headers",
    header: "content-type",
  },
  accept: {
    type: "varchar",
    doc: "The request's Accept field, NULL when absent. Only where logged.",
    capability: "request.headers",
    requestHeader: "accept",
  },
  body_class: {
    type: "varchar",
    doc: 'What the response body says of a 2xx (soft_error, partial, rpc_error), when bodies were read; when not mapped, "partial" for a 207.',
  },
  body_flagged: {
    type: "boolean",
    doc: "True when a rule that reads bodies (streaming only) found an error or a warning in the exchange.",
  },
} as const satisfies Record<string, ColumnSpec>;

export type ColumnName = keyof typeof COLUMNS;

/** What NULL in a column means to the rules (docs/engines.md shows these). */
export const NULL_MEANS: Readonly<Record<ColumnName, string>> = {
  file: "Never NULL (a table without the column is named after itself).",
  line: "Not a line format (HAR, a table).",
  entry: "Not a HAR.",
  format: 'Never NULL ("table" for a table without the column).',
  time_ms: "No timestamp: the exchange is in no timeline bucket.",
  method: 'Not logged: the endpoint is "_OTHER".',
  target: "Not logged: no endpoint template.",
  template: "Computed from target (NULL when target is).",
  status: "No response (a network error, a client gone before the answer).",
  size: "Not recorded: the size rules do not judge the exchange (counted as not recorded).",
  upstream_status: "No upstream attempt logged.",
  upstream_flags: "Not logged (no Envoy flags).",
  upstream_details: "Not logged.",
  termination: "Not logged.",
  target_status: 'Not logged (an ALB always logs it: "-" is the target not answering).',
  generated_by: "Unknown who produced the status.",
  client_aborted: "Not known (the same as false to the rules).",
  network_error: "No network error.",
  credentials: "Not recorded: the credential rules do not judge the exchange.",
  credential_id: "No credentials, or not logged.",
  location: "Header absent (where headers are logged).",
  www_authenticate: "Header absent (where headers are logged).",
  allow: "Header absent (where headers are logged).",
  retry_after: "Header absent (where headers are logged).",
  ratelimit: "Header absent (where headers are logged).",
  ratelimit_reset: "Header absent (where headers are logged).",
  x_ratelimit_reset: "Header absent (where headers are logged).",
  x_rate_limit_reset: "Header absent (where headers are logged).",
  content_type: "Header absent (where headers are logged).",
  accept: "Header absent (where logged).",
  body_class: "Not a 2xx whose body said otherwise, or bodies not read.",
  body_flagged: "Nothing found (or bodies not read).",
};

export const COLUMN_NAMES = Object.keys(COLUMNS) as ColumnName[];

/** One exchange as a row of the table. */
export type ExchangeRow = {
  -readonly [K in ColumnName]: (typeof COLUMNS)[K]["type"] extends "varchar"
    ? string | null
    : (typeof COLUMNS)[K]["type"] extends "boolean"
      ? boolean | null
      : number | null;
};

/** Text as the engines store it: UTF-8 has no lone surrogates, so neither has the row. */
function text(s: string): string {
  // A lone surrogate becomes U+FFFD, as encoding to UTF-8 makes it.
  return SURROGATE.test(s) ? Buffer.from(s, "utf8").toString("utf8") : s;
}

const SURROGATE = /[\uD800-\uDFFF]/;

function optText(s: string | undefined): string | null {
  return s === undefined ? null : text(s);
}

/** The response header columns: column name → header name. */
export const RESPONSE_HEADER_COLUMNS: readonly (readonly [ColumnName, string])[] = (
  Object.entries(COLUMNS) as [ColumnName, ColumnSpec][]
)
  .filter(([, c]) => c.header !== undefined)
  .map(([n, c]) => [n, c.header!] as const);

let lastExchange: Exchange | undefined;
let lastRow: ExchangeRow | undefined;

/**
 * The row of an exchange for the streaming engine's rules: the engine runs every rule on one
 * exchange before the next, so the last row is kept for the next rule that asks.
 */
export function rowOf(ex: Exchange): ExchangeRow {
  if (ex !== lastExchange || lastRow === undefined) {
    lastRow = toRow(ex);
    lastExchange = ex;
  }
  return lastRow;
}

/**
 * The row of an exchange. `extra` holds what only the loader knows (body verdicts); the streaming
 * engine's rules read none of it.
 */
export function toRow(
  ex: Exchange,
  extra?: { readonly bodyClass?: string; readonly bodyFlagged?: boolean },
): ExchangeRow {
  const res = ex.response;
  const u = ex.upstream;
  const h = res?.headers;
  const attempts = u?.attempts;
  return {
    file: text(ex.location.file),
    line: ex.location.line ?? null,
    entry: ex.location.entry ?? null,
    format: ex.format,
    time_ms: ex.time !== undefined && Number.isFinite(ex.time) ? ex.time : null,
    method: text(ex.request.method),
    target: text(ex.request.target),
    template: text(endpointTemplate(ex.request.path)),
    status: res === undefined ? null : res.status,
    size: res?.size ?? null,
    upstream_status:
      attempts === undefined
        ? null
        : attempts.map((a) => (a.status === undefined ? "-" : String(a.status))).join(", "),
    upstream_flags: u?.flags === undefined ? null : text(u.flags.join(",")),
    upstream_details: optText(u?.details),
    termination: optText(u?.termination),
    target_status:
      u?.targetStatus === undefined ? null : u.targetStatus === null ? "-" : String(u.targetStatus),
    generated_by: u?.generatedBy ?? null,
    client_aborted: ex.clientAborted ?? null,
    network_error: optText(ex.networkError),
    credentials: ex.request.credentials ?? null,
    credential_id: optText(ex.request.credentialId),
    location: optText(headerField(h, "location")),
    www_authenticate: optText(headerField(h, "www-authenticate")),
    allow: optText(headerField(h, "allow")),
    retry_after: optText(headerField(h, "retry-after")),
    ratelimit: optText(headerField(h, "ratelimit")),
    ratelimit_reset: optText(headerField(h, "ratelimit-reset")),
    x_ratelimit_reset: optText(headerField(h, "x-ratelimit-reset")),
    x_rate_limit_reset: optText(headerField(h, "x-rate-limit-reset")),
    // As the rules read them: the first value (and a HAR's recorded MIME type without the header).
    content_type: optText(headerValue(h, "content-type") ?? res?.body?.mimeType),
    accept: optText(headerValue(ex.request.headers, "accept")),
    body_class: extra?.bodyClass ?? null,
    body_flagged: extra?.bodyFlagged ?? null,
  };
}
