/**
 * Proxy-Status (RFC 9209): which intermediary handled the response, and if it failed, how.
 * A Structured Fields List; the first member is the intermediary nearest the origin.
 */
import { HeaderValueError } from "../errors.js";
import { fail, ok, type ParseResult } from "./result.js";
import {
  type BareItem,
  isInnerList,
  isSfToken,
  type Member,
  type Parameters,
  parseList,
  serializeList,
  Token,
} from "./structured-fields.js";

export interface ProxyErrorTypeInfo {
  /** The status RFC 9209 §2.3 recommends for a response this error produced. */
  readonly status: 403 | 500 | 501 | 502 | 503 | 504 | null;
  readonly description: string;
  /** Extra parameters the registry defines for this error type, with their structured-field type. */
  readonly params: Readonly<Record<string, "string" | "integer" | "token" | "token_or_string">>;
  /** Where it is defined, e.g. "RFC 9209 §2.3.7". */
  readonly source: string;
}

/**
 * The IANA HTTP Proxy Error Types registry (RFC 9209 §2.3, plus later registrations).
 * `status: null` where the registry names no single status: `http_request_error` uses the
 * applicable 4xx, and `proxy_internal_response` is whatever the intermediary chose.
 */
export const PROXY_ERROR_TYPES = {
  dns_timeout: {
    status: 504,
    source: "RFC 9209 §2.3.1",
    params: {},
    description: "Timed out looking up the next hop's address.",
  },
  dns_error: {
    status: 502,
    source: "RFC 9209 §2.3.2",
    params: { rcode: "string", "info-code": "integer" },
    description: "A DNS error looking up the next hop's address.",
  },
  destination_not_found: {
    status: 500,
    source: "RFC 9209 §2.3.3",
    params: {},
    description: "The intermediary cannot determine the next hop (not configured).",
  },
  destination_unavailable: {
    status: 503,
    source: "RFC 9209 §2.3.4",
    params: {},
    description:
      "The next hop is considered unavailable (e.g. failed health checks, circuit open).",
  },
  destination_ip_prohibited: {
    status: 502,
    source: "RFC 9209 §2.3.5",
    params: {},
    description: "The intermediary is configured to refuse the next hop's IP address.",
  },
  destination_ip_unroutable: {
    status: 502,
    source: "RFC 9209 §2.3.6",
    params: {},
    description: "The intermediary cannot find a route to the next hop's IP address.",
  },
  connection_refused: {
    status: 502,
    source: "RFC 9209 §2.3.7",
    params: {},
    description: "The next hop refused the connection.",
  },
  connection_terminated: {
    status: 502,
    source: "RFC 9209 §2.3.8",
    params: {},
    description: "The connection to the next hop closed before any part of the response arrived.",
  },
  connection_timeout: {
    status: 504,
    source: "RFC 9209 §2.3.9",
    params: {},
    description: "Connecting to the next hop timed out.",
  },
  connection_read_timeout: {
    status: 504,
    source: "RFC 9209 §2.3.10",
    params: {},
    description: "Timed out waiting to read from the next hop's connection.",
  },
  connection_write_timeout: {
    status: 504,
    source: "RFC 9209 §2.3.11",
    params: {},
    description: "Timed out writing to the next hop's connection.",
  },
  connection_limit_reached: {
    status: 503,
    source: "RFC 9209 §2.3.12",
    params: {},
    description: "The intermediary's limit on connections to the next hop was reached.",
  },
  tls_protocol_error: {
    status: 502,
    source: "RFC 9209 §2.3.13",
    params: {},
    description: "A TLS error talking to the next hop.",
  },
  tls_certificate_error: {
    status: 502,
    source: "RFC 9209 §2.3.14",
    params: {},
    description: "The next hop's TLS certificate could not be verified.",
  },
  tls_alert_received: {
    status: 502,
    source: "RFC 9209 §2.3.15",
    params: { "alert-id": "integer", "alert-message": "token_or_string" },
    description: "The next hop sent a TLS alert.",
  },
  http_request_error: {
    status: null,
    source: "RFC 9209 §2.3.16",
    params: { "status-code": "integer", "status-phrase": "string" },
    description: "The intermediary found an error in the client's request.",
  },
  http_request_denied: {
    status: 403,
    source: "RFC 9209 §2.3.17",
    params: {},
    description: "The intermediary refused to forward the request.",
  },
  http_response_incomplete: {
    status: 502,
    source: "RFC 9209 §2.3.18",
    params: {},
    description: "The next hop's response was incomplete.",
  },
  http_response_header_section_size: {
    status: 502,
    source: "RFC 9209 §2.3.19",
    params: { "header-section-size": "integer" },
    description: "The next hop's header section was too large.",
  },
  http_response_header_size: {
    status: 502,
    source: "RFC 9209 §2.3.20",
    params: { "header-name": "string", "header-size": "integer" },
    description: "A header field from the next hop was too large.",
  },
  http_response_body_size: {
    status: 502,
    source: "RFC 9209 §2.3.21",
    params: { "body-size": "integer" },
    description: "The next hop's response content was too large.",
  },
  http_response_trailer_section_size: {
    status: 502,
    source: "RFC 9209 §2.3.22",
    params: { "trailer-section-size": "integer" },
    description: "The next hop's trailer section was too large.",
  },
  http_response_trailer_size: {
    status: 502,
    source: "RFC 9209 §2.3.23",
    params: { "trailer-name": "string", "trailer-size": "integer" },
    description: "A trailer field from the next hop was too large.",
  },
  http_response_transfer_coding: {
    status: 502,
    source: "RFC 9209 §2.3.24",
    params: { coding: "token" },
    description: "The next hop's transfer coding could not be decoded.",
  },
  http_response_content_coding: {
    status: 502,
    source: "RFC 9209 §2.3.25",
    params: { coding: "token" },
    description: "The next hop's content coding could not be decoded.",
  },
  http_response_timeout: {
    status: 504,
    source: "RFC 9209 §2.3.26",
    params: {},
    description: "Timed out waiting for the next hop's response.",
  },
  http_upgrade_failed: {
    status: 502,
    source: "RFC 9209 §2.3.27",
    params: {},
    description: "The upgrade to another protocol failed.",
  },
  http_protocol_error: {
    status: 502,
    source: "RFC 9209 §2.3.28",
    params: {},
    description: "The next hop broke the HTTP protocol.",
  },
  proxy_internal_response: {
    status: null,
    source: "RFC 9209 §2.3.29",
    params: {},
    description: "The intermediary generated the response itself.",
  },
  proxy_internal_error: {
    status: 500,
    source: "RFC 9209 §2.3.30",
    params: {},
    description: "An error inside the intermediary.",
  },
  proxy_configuration_error: {
    status: 500,
    source: "RFC 9209 §2.3.31",
    params: {},
    description: "The intermediary is misconfigured.",
  },
  incremental_refused: {
    status: 501,
    source: "RFC 10036",
    params: {},
    description: "The intermediary refused to forward the message incrementally.",
  },
  proxy_loop_detected: {
    status: 502,
    source: "RFC 9209 §2.3.32",
    params: {},
    description: "The intermediary found the request looping back to itself.",
  },
} as const satisfies Record<string, ProxyErrorTypeInfo>;

export type ProxyErrorType = keyof typeof PROXY_ERROR_TYPES;

export function isProxyErrorType(value: string): value is ProxyErrorType {
  return Object.hasOwn(PROXY_ERROR_TYPES, value);
}

/** A parameter value as Proxy-Status carries it: strings, integers, tokens (and, rarely, other items). */
export type ProxyStatusParam = BareItem;

/** One member of Proxy-Status: one intermediary and what it did. */
export interface ProxyStatusEntry {
  /** The intermediary's name (a token or string on the wire). */
  readonly proxy: string;
  /** A registered error type (or an unregistered one received from elsewhere). */
  readonly error?: ProxyErrorType | (string & {});
  readonly nextHop?: string;
  /** DNS aliases or canonical names used to reach the next hop (RFC 9532). */
  readonly nextHopAliases?: string;
  /** ALPN id of the protocol used to the next hop. */
  readonly nextProtocol?: string;
  readonly receivedStatus?: number;
  readonly details?: string;
  /** Every other parameter (rcode, info-code, alert-id, header-name, ...), in order. */
  readonly params?: Readonly<Record<string, ProxyStatusParam>>;
}

/** The Proxy-Status parameters with their own properties (RFC 9209 §2.1, RFC 9532). */
export const PROXY_STATUS_PARAMS = [
  "error",
  "next-hop",
  "next-hop-aliases",
  "next-protocol",
  "received-status",
  "details",
] as const;
const KNOWN = new Set<string>(PROXY_STATUS_PARAMS);
const FIELD = "Proxy-Status";

function asTokenOrString(v: BareItem | undefined): string | undefined {
  if (typeof v === "string") return v;
  if (v instanceof Token) return v.value;
  return undefined;
}

function toEntry(m: Member, index: number): ParseResult<ProxyStatusEntry> {
  if (isInnerList(m))
    return fail(
      "wrong_type",
      `${FIELD}: member ${index + 1} is an inner list, not an intermediary name`,
      0,
    );
  const proxy = asTokenOrString(m.value);
  if (proxy === undefined)
    return fail(
      "wrong_type",
      `${FIELD}: member ${index + 1} must name the intermediary with a token or string`,
      0,
    );
  const p = m.params;
  const entry: {
    proxy: string;
    error?: string;
    nextHop?: string;
    nextHopAliases?: string;
    nextProtocol?: string;
    receivedStatus?: number;
    details?: string;
    params?: Record<string, ProxyStatusParam>;
  } = { proxy };
  const error = p.get("error");
  if (error !== undefined) {
    // §2.1.1 says Token, but the RFC's own §2.1.5 example sends a String: accept both, send a Token.
    const v = asTokenOrString(error);
    if (v === undefined)
      return fail("wrong_type", `${FIELD}: member ${index + 1}: "error" must be a token`, 0);
    entry.error = v;
  }
  const nextHop = p.get("next-hop");
  if (nextHop !== undefined) {
    const v = asTokenOrString(nextHop);
    if (v === undefined)
      return fail(
        "wrong_type",
        `${FIELD}: member ${index + 1}: "next-hop" must be a token or string`,
        0,
      );
    entry.nextHop = v;
  }
  const aliases = p.get("next-hop-aliases");
  if (aliases !== undefined) {
    if (typeof aliases !== "string")
      return fail(
        "wrong_type",
        `${FIELD}: member ${index + 1}: "next-hop-aliases" must be a string`,
        0,
      );
    entry.nextHopAliases = aliases;
  }
  const nextProtocol = p.get("next-protocol");
  if (nextProtocol !== undefined) {
    // RFC 9209 §2.1.3: a Token, or a Byte Sequence for ids that are not tokens.
    let v: string | undefined;
    if (nextProtocol instanceof Token) v = nextProtocol.value;
    else if (nextProtocol instanceof Uint8Array) v = String.fromCharCode(...nextProtocol);
    if (v === undefined)
      return fail(
        "wrong_type",
        `${FIELD}: member ${index + 1}: "next-protocol" must be a token or byte sequence`,
        0,
      );
    entry.nextProtocol = v;
  }
  const received = p.get("received-status");
  if (received !== undefined) {
    if (typeof received !== "number" || !Number.isInteger(received)) {
      return fail(
        "wrong_type",
        `${FIELD}: member ${index + 1}: "received-status" must be an integer`,
        0,
      );
    }
    entry.receivedStatus = received;
  }
  const details = p.get("details");
  if (details !== undefined) {
    if (typeof details !== "string")
      return fail("wrong_type", `${FIELD}: member ${index + 1}: "details" must be a string`, 0);
    entry.details = details;
  }
  if (p.size > KNOWN.size || [...p.keys()].some((k) => !KNOWN.has(k))) {
    const extra: Record<string, ProxyStatusParam> = Object.create(null);
    for (const [k, v] of p) if (!KNOWN.has(k)) extra[k] = v;
    if (Object.keys(extra).length > 0) entry.params = extra;
  }
  return ok(entry);
}

/** Parses a Proxy-Status field value (one string, or several field lines) into its entries. */
export function parseProxyStatus(
  value: string | readonly string[],
): ParseResult<ProxyStatusEntry[]> {
  const list = parseList(value, FIELD);
  if (!list.ok) return list;
  const entries: ProxyStatusEntry[] = [];
  for (let i = 0; i < list.value.length; i++) {
    const entry = toEntry(list.value[i]!, i);
    if (!entry.ok) return entry;
    entries.push(entry.value);
  }
  return ok(entries);
}

/** Serializes entries as a Proxy-Status field value. Refuses what cannot be sent. */
export function buildProxyStatus(entries: ProxyStatusEntry | readonly ProxyStatusEntry[]): string {
  const list = Array.isArray(entries)
    ? (entries as readonly ProxyStatusEntry[])
    : [entries as ProxyStatusEntry];
  if (list.length === 0) throw new HeaderValueError(FIELD, "needs at least one entry");
  return serializeList(
    list.map((e) => {
      const params: Parameters = new Map();
      if (e.error !== undefined) {
        if (!isSfToken(e.error))
          throw new HeaderValueError(`${FIELD} error`, `${JSON.stringify(e.error)} is not a token`);
        params.set("error", new Token(e.error));
      }
      if (e.nextHop !== undefined)
        params.set("next-hop", isSfToken(e.nextHop) ? new Token(e.nextHop) : e.nextHop);
      if (e.nextHopAliases !== undefined) params.set("next-hop-aliases", e.nextHopAliases);
      if (e.nextProtocol !== undefined) {
        if (/[\u0100-\uffff]/.test(e.nextProtocol))
          throw new HeaderValueError(
            `${FIELD} next-protocol`,
            "an ALPN id is bytes: one character per byte, U+0000 to U+00FF",
          );
        params.set(
          "next-protocol",
          isSfToken(e.nextProtocol)
            ? new Token(e.nextProtocol)
            : Uint8Array.from(e.nextProtocol, (ch) => ch.charCodeAt(0) & 0xff),
        );
      }
      if (e.receivedStatus !== undefined) {
        if (
          !Number.isInteger(e.receivedStatus) ||
          e.receivedStatus < 100 ||
          e.receivedStatus > 999
        ) {
          throw new HeaderValueError(
            `${FIELD} received-status`,
            `${e.receivedStatus} is not an HTTP status code`,
          );
        }
        params.set("received-status", e.receivedStatus);
      }
      if (e.details !== undefined) params.set("details", e.details);
      if (e.params) {
        for (const [k, v] of Object.entries(e.params)) {
          if (KNOWN.has(k))
            throw new HeaderValueError(
              `${FIELD} ${k}`,
              "set it with its own property, not in params",
            );
          params.set(k, v);
        }
      }
      return { value: isSfToken(e.proxy) ? new Token(e.proxy) : e.proxy, params };
    }),
    FIELD,
  );
}
