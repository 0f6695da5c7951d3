/**
 * Every status code in the IANA HTTP Status Code Registry, with what the RFCs say goes with it:
 * reason phrase, class, defining section, the header fields required or recommended, whether the
 * response may carry content, whether it is heuristically cacheable, and what a client may retry.
 */

export const STATUS_CODES = [
  100, 101, 102, 103, 104, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303,
  304, 305, 306, 307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413,
  414, 415, 416, 417, 418, 421, 422, 423, 424, 425, 426, 428, 429, 431, 451, 500, 501, 502, 503,
  504, 505, 506, 507, 508, 510, 511,
] as const;

/** A status code registered with IANA. Never a bare `number` in the public API. */
export type StatusCode = (typeof STATUS_CODES)[number];
export type InformationalStatus = Extract<StatusCode, 100 | 101 | 102 | 103 | 104>;
export type ClientErrorStatus = Extract<
  StatusCode,
  | 400
  | 401
  | 402
  | 403
  | 404
  | 405
  | 406
  | 407
  | 408
  | 409
  | 410
  | 411
  | 412
  | 413
  | 414
  | 415
  | 416
  | 417
  | 418
  | 421
  | 422
  | 423
  | 424
  | 425
  | 426
  | 428
  | 429
  | 431
  | 451
>;
export type ServerErrorStatus = Extract<
  StatusCode,
  500 | 501 | 502 | 503 | 504 | 505 | 506 | 507 | 508 | 510 | 511
>;

export type StatusClass =
  | "informational"
  | "successful"
  | "redirection"
  | "client_error"
  | "server_error";

/** RFC 2119 level of a header requirement, as the defining document words it. */
export type RequirementLevel = "MUST" | "SHOULD" | "MAY";

export interface HeaderRequirement {
  /** Canonical field name, e.g. "WWW-Authenticate". */
  readonly field: string;
  readonly level: RequirementLevel;
  /** The condition under which it applies, when there is one. */
  readonly when?: string;
  /** Where the requirement is written, e.g. "RFC 9110 §15.5.2". */
  readonly source: string;
}

/** What a client may do after this status, before changing anything. */
export type RetryHint =
  | "no" // the same request will fail the same way
  | "after_delay" // wait (Retry-After when given), then repeat
  | "after_reauth" // authenticate (again), then repeat
  | "after_change" // change the request or resolve the conflict first
  | "maybe" // transient for some causes: idempotent requests may be repeated with backoff
  | "not_applicable"; // not a failure

export interface Spec {
  readonly document: string;
  readonly section?: string;
}

export interface StatusInfo {
  readonly code: StatusCode;
  readonly reason: string;
  readonly class: StatusClass;
  readonly spec: Spec;
  readonly headers: readonly HeaderRequirement[];
  /** False when the response can never carry content (1xx, 204, 205, 304). HEAD is a property of the request: see {@link contentAllowed}. */
  readonly content: boolean;
  /** Heuristically cacheable by default (RFC 9110 §15.1). */
  readonly cacheable: boolean;
  readonly retry: RetryHint;
  /** Registered but unused or obsolete: a server should not send it. */
  readonly obsolete?: true;
  /** A temporary IANA registration for a specification still in draft. */
  readonly temporary?: true;
}

type Row = readonly [
  code: StatusCode,
  reason: string,
  document: string,
  section: string | undefined,
  retry: RetryHint,
  extra?: { headers?: readonly HeaderRequirement[]; obsolete?: true; temporary?: true },
];

const R9110 = "RFC 9110";
const req = (
  field: string,
  level: RequirementLevel,
  source: string,
  when?: string,
): HeaderRequirement =>
  when === undefined ? { field, level, source } : { field, level, source, when };
const redirect = (section: string) => [
  req("Location", "SHOULD", `RFC 9110 §${section}`, "the redirect target"),
];

const ROWS: readonly Row[] = [
  [100, "Continue", R9110, "15.2.1", "not_applicable"],
  [
    101,
    "Switching Protocols",
    R9110,
    "15.2.2",
    "not_applicable",
    { headers: [req("Upgrade", "MUST", "RFC 9110 §15.2.2")] },
  ],
  [102, "Processing", "RFC 2518", "10.1", "not_applicable"],
  [103, "Early Hints", "RFC 8297", "2", "not_applicable"],
  // A temporary registration (2024-11-13, extended to 2026-11-13) for a draft still in progress.
  [
    104,
    "Upload Resumption Supported",
    "draft-ietf-httpbis-resumable-upload-05",
    undefined,
    "not_applicable",
    { temporary: true },
  ],
  [200, "OK", R9110, "15.3.1", "not_applicable"],
  [
    201,
    "Created",
    R9110,
    "15.3.2",
    "not_applicable",
    {
      headers: [
        req(
          "Location",
          "MAY",
          "RFC 9110 §15.3.2",
          "identifies the created resource; without it, the target URI is assumed (no RFC 2119 keyword)",
        ),
      ],
    },
  ],
  [202, "Accepted", R9110, "15.3.3", "not_applicable"],
  [203, "Non-Authoritative Information", R9110, "15.3.4", "not_applicable"],
  [204, "No Content", R9110, "15.3.5", "not_applicable"],
  [205, "Reset Content", R9110, "15.3.6", "not_applicable"],
  [
    206,
    "Partial Content",
    R9110,
    "15.3.7",
    "not_applicable",
    {
      headers: [
        req(
          "Content-Range",
          "MUST",
          "RFC 9110 §15.3.7.1",
          "a single part; multiple parts use multipart/byteranges",
        ),
      ],
    },
  ],
  [207, "Multi-Status", "RFC 4918", "11.1", "not_applicable"],
  [208, "Already Reported", "RFC 5842", "7.1", "not_applicable"],
  [226, "IM Used", "RFC 3229", "10.4.1", "not_applicable"],
  [
    300,
    "Multiple Choices",
    R9110,
    "15.4.1",
    "not_applicable",
    {
      headers: [req("Location", "SHOULD", "RFC 9110 §15.4.1", "the server has a preferred choice")],
    },
  ],
  [301, "Moved Permanently", R9110, "15.4.2", "not_applicable", { headers: redirect("15.4.2") }],
  [302, "Found", R9110, "15.4.3", "not_applicable", { headers: redirect("15.4.3") }],
  [
    303,
    "See Other",
    R9110,
    "15.4.4",
    "not_applicable",
    {
      headers: [
        req(
          "Location",
          "MAY",
          "RFC 9110 §15.4.4",
          "the other resource (no RFC 2119 keyword, but the redirect needs it)",
        ),
      ],
    },
  ],
  [304, "Not Modified", R9110, "15.4.5", "not_applicable"],
  [305, "Use Proxy", R9110, "15.4.6", "not_applicable", { obsolete: true }],
  [306, "(Unused)", R9110, "15.4.7", "not_applicable", { obsolete: true }],
  [307, "Temporary Redirect", R9110, "15.4.8", "not_applicable", { headers: redirect("15.4.8") }],
  [
    308,
    "Permanent Redirect",
    "RFC 9110",
    "15.4.9",
    "not_applicable",
    { headers: redirect("15.4.9") },
  ],
  [400, "Bad Request", R9110, "15.5.1", "after_change"],
  [
    401,
    "Unauthorized",
    R9110,
    "15.5.2",
    "after_reauth",
    {
      headers: [req("WWW-Authenticate", "MUST", "RFC 9110 §15.5.2", "at least one challenge")],
    },
  ],
  [402, "Payment Required", R9110, "15.5.3", "no"],
  [403, "Forbidden", R9110, "15.5.4", "no"],
  [404, "Not Found", R9110, "15.5.5", "no"],
  [
    405,
    "Method Not Allowed",
    R9110,
    "15.5.6",
    "after_change",
    {
      headers: [
        req("Allow", "MUST", "RFC 9110 §15.5.6", "the methods the target resource supports"),
      ],
    },
  ],
  [406, "Not Acceptable", R9110, "15.5.7", "after_change"],
  [
    407,
    "Proxy Authentication Required",
    R9110,
    "15.5.8",
    "after_reauth",
    {
      headers: [req("Proxy-Authenticate", "MUST", "RFC 9110 §15.5.8")],
    },
  ],
  [408, "Request Timeout", R9110, "15.5.9", "maybe"],
  [409, "Conflict", R9110, "15.5.10", "after_change"],
  [410, "Gone", R9110, "15.5.11", "no"],
  [411, "Length Required", R9110, "15.5.12", "after_change"],
  [412, "Precondition Failed", R9110, "15.5.13", "after_change"],
  [
    413,
    "Content Too Large",
    R9110,
    "15.5.14",
    "after_change",
    {
      headers: [req("Retry-After", "SHOULD", "RFC 9110 §15.5.14", "the condition is temporary")],
    },
  ],
  [414, "URI Too Long", R9110, "15.5.15", "after_change"],
  [
    415,
    "Unsupported Media Type",
    R9110,
    "15.5.16",
    "after_change",
    {
      headers: [
        req(
          "Accept-Encoding",
          "MAY",
          "RFC 9110 §15.5.16",
          'the problem is a content coding ("ought to"; §12.5.3: MUST NOT otherwise)',
        ),
        req("Accept-Patch", "SHOULD", "RFC 5789 §2.2", "the request was a PATCH"),
        req(
          "Accept-Post",
          "MAY",
          "W3C LDP §7.1.2",
          "the request was a POST (a convention, not a requirement)",
        ),
      ],
    },
  ],
  [
    416,
    "Range Not Satisfiable",
    R9110,
    "15.5.17",
    "after_change",
    {
      headers: [
        req(
          "Content-Range",
          "SHOULD",
          "RFC 9110 §15.5.17",
          "byte ranges: the current length, as bytes */length",
        ),
      ],
    },
  ],
  [417, "Expectation Failed", R9110, "15.5.18", "after_change"],
  [418, "(Unused)", R9110, "15.5.19", "no", { obsolete: true }],
  [421, "Misdirected Request", R9110, "15.5.20", "maybe"],
  [422, "Unprocessable Content", R9110, "15.5.21", "after_change"],
  [423, "Locked", "RFC 4918", "11.3", "after_delay"],
  [424, "Failed Dependency", "RFC 4918", "11.4", "after_change"],
  [425, "Too Early", "RFC 8470", "5.2", "maybe"],
  [
    426,
    "Upgrade Required",
    R9110,
    "15.5.22",
    "after_change",
    {
      headers: [req("Upgrade", "MUST", "RFC 9110 §15.5.22")],
    },
  ],
  [428, "Precondition Required", "RFC 6585", "3", "after_change"],
  [
    429,
    "Too Many Requests",
    "RFC 6585",
    "4",
    "after_delay",
    {
      headers: [
        req("Retry-After", "MAY", "RFC 6585 §4", "how long to wait; truestatus always sends it"),
        req("RateLimit", "MAY", "draft-ietf-httpapi-ratelimit-headers §4"),
        req("RateLimit-Policy", "MAY", "draft-ietf-httpapi-ratelimit-headers §3"),
      ],
    },
  ],
  [431, "Request Header Fields Too Large", "RFC 6585", "5", "after_change"],
  [
    451,
    "Unavailable For Legal Reasons",
    "RFC 7725",
    "3",
    "no",
    {
      headers: [
        req("Link", "SHOULD", "RFC 7725 §4", 'rel="blocked-by" naming who blocks the resource'),
      ],
    },
  ],
  [500, "Internal Server Error", R9110, "15.6.1", "no"],
  [501, "Not Implemented", R9110, "15.6.2", "no"],
  [
    502,
    "Bad Gateway",
    R9110,
    "15.6.3",
    "maybe",
    {
      headers: [
        req(
          "Proxy-Status",
          "MAY",
          "RFC 9209 §2",
          "an intermediary generated the error; the truestatus guide always sends it",
        ),
      ],
    },
  ],
  [
    503,
    "Service Unavailable",
    R9110,
    "15.6.4",
    "after_delay",
    {
      headers: [req("Retry-After", "MAY", "RFC 9110 §15.6.4", "the delay is known")],
    },
  ],
  [
    504,
    "Gateway Timeout",
    R9110,
    "15.6.5",
    "maybe",
    {
      headers: [
        req(
          "Proxy-Status",
          "MAY",
          "RFC 9209 §2",
          "an intermediary generated the error; the truestatus guide always sends it",
        ),
      ],
    },
  ],
  [505, "HTTP Version Not Supported", R9110, "15.6.6", "after_change"],
  [506, "Variant Also Negotiates", "RFC 2295", "8.1", "no"],
  [507, "Insufficient Storage", "RFC 4918", "11.5", "maybe"],
  [508, "Loop Detected", "RFC 5842", "7.2", "no"],
  [510, "Not Extended (OBSOLETED)", "RFC 2774", "7", "no", { obsolete: true }],
  [511, "Network Authentication Required", "RFC 6585", "6", "after_reauth"],
];

function classOf(code: number): StatusClass {
  if (code < 200) return "informational";
  if (code < 300) return "successful";
  if (code < 400) return "redirection";
  if (code < 500) return "client_error";
  return "server_error";
}

// RFC 9110 §15.1: heuristically cacheable by default.
const CACHEABLE = new Set([200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 451, 501]);
const NO_CONTENT = new Set([204, 205, 304]);

const TABLE = new Map<number, StatusInfo>();
for (const [code, reason, document, section, retry, extra] of ROWS) {
  const info: StatusInfo = {
    code,
    reason,
    class: classOf(code),
    spec: section === undefined ? { document } : { document, section },
    headers: extra?.headers ?? [],
    content: code >= 200 && !NO_CONTENT.has(code),
    cacheable: CACHEABLE.has(code),
    retry,
    ...(extra?.obsolete ? { obsolete: true as const } : {}),
    ...(extra?.temporary ? { temporary: true as const } : {}),
  };
  TABLE.set(code, Object.freeze(info));
}

/** Every registered status, in code order. */
export const STATUSES: readonly StatusInfo[] = Object.freeze([...TABLE.values()]);

export function isStatusCode(value: unknown): value is StatusCode {
  return typeof value === "number" && TABLE.has(value);
}

/** The registry entry for a status, or undefined for an unregistered one. */
export function statusInfo(code: number): StatusInfo | undefined {
  return TABLE.get(code);
}

/** The reason phrase, or a generic phrase for the class of an unregistered code ("Client Error" for 499). */
export function reasonPhrase(code: number): string {
  const info = TABLE.get(code);
  if (info) return info.reason;
  if (code >= 100 && code < 600) {
    return ["Informational", "Success", "Redirection", "Client Error", "Server Error"][
      Math.floor(code / 100) - 1
    ]!;
  }
  return "Unknown Status";
}

/** The class of any three-digit code (registered or not), or undefined outside 100–599. */
export function statusClass(code: number): StatusClass | undefined {
  return Number.isInteger(code) && code >= 100 && code <= 599 ? classOf(code) : undefined;
}

/** An address where the section can be read. */
export function specUrl(spec: Spec): string | undefined {
  const rfc = /^RFC (\d+)$/.exec(spec.document);
  if (rfc) {
    return `https://www.rfc-editor.org/rfc/rfc${rfc[1]}${spec.section ? `#section-${spec.section}` : ""}`;
  }
  if (spec.document.startsWith("draft-"))
    return `https://datatracker.ietf.org/doc/${spec.document}/`;
  return undefined;
}

/**
 * Whether a response may carry content: never for 1xx, 204, 205 and 304, never in answer to HEAD
 * (RFC 9110 §9.3.2), and never in a 2xx answer to CONNECT (§9.3.6).
 */
export function contentAllowed(status: number, method?: string): boolean {
  if (status < 200 || NO_CONTENT.has(status)) return false;
  if (method === "HEAD") return false;
  if (method === "CONNECT" && status >= 200 && status < 300) return false;
  return true;
}

/** Header requirements of a status at or above a level (MUST only, or MUST and SHOULD, ...). */
export function requiredHeaders(
  code: number,
  atLeast: RequirementLevel = "MUST",
): readonly HeaderRequirement[] {
  const info = TABLE.get(code);
  if (!info) return [];
  const rank = { MUST: 0, SHOULD: 1, MAY: 2 } as const;
  return info.headers.filter((h) => rank[h.level] <= rank[atLeast]);
}
