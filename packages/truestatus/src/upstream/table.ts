/**
 * The upstream failure table, as data: every error a Node service meets when it calls another,
 * with the failure it becomes (502 bad_gateway, 503 unavailable, 504 gateway_timeout), the
 * RFC 9209 Proxy-Status error type, and why. classify.ts reads it; docs/upstream.md shows it
 * (a test keeps the two in step).
 *
 * Sources: RFC 9209 §2.3 (the status each error type recommends), nginx and Envoy (what they
 * answer, shared/reference/proxies.md), Node's net/dns/tls/http errors, undici lib/core/errors.js.
 */
import type { Unavailable } from "../semantics/failure.js";
import type { ProxyErrorType, ProxyStatusParam } from "../semantics/headers/proxy-status.js";
import { Token } from "../semantics/headers/structured-fields.js";

/** Where the exchange with the upstream was when it failed. */
export type UpstreamPhase =
  /** resolving the upstream's name */
  | "dns"
  /** opening the TCP connection (and, for undici, the TLS handshake) */
  | "connect"
  /** the TLS handshake */
  | "tls"
  /** sending the request (head or body) */
  | "request"
  /** waiting for the response's status line and header section */
  | "headers"
  /** reading the response content, after the header section arrived */
  | "body";

export const UPSTREAM_PHASES: readonly UpstreamPhase[] = [
  "dns",
  "connect",
  "tls",
  "request",
  "headers",
  "body",
];

/** The failure kinds an upstream failure can become, with their status. */
export type UpstreamKind = "bad_gateway" | "gateway_timeout" | "unavailable";

export const UPSTREAM_KIND_STATUS = {
  bad_gateway: 502,
  gateway_timeout: 504,
  unavailable: 503,
} as const satisfies Record<UpstreamKind, number>;

/** What a row decides: the failure kind and the Proxy-Status error type. */
export interface UpstreamOutcome {
  readonly kind: UpstreamKind;
  readonly error: ProxyErrorType;
  /** For `unavailable`: whose trouble it is (dependency: the upstream; overload/maintenance: ours). */
  readonly reason?: Unavailable["reason"];
  /** Extra Proxy-Status parameters of the error type (e.g. `rcode` for dns_error). */
  readonly params?: Readonly<Record<string, ProxyStatusParam>>;
}

/** One row of the table. */
export interface UpstreamRule extends UpstreamOutcome {
  /** Why this row decides what it decides. */
  readonly why: string;
  /** Where nginx, Envoy or the Node proxies answer otherwise, and which one this table follows. */
  readonly peers?: string;
  /** A different outcome when the failure happened in one of these phases. */
  readonly phases?: Readonly<Partial<Record<UpstreamPhase, UpstreamOutcome>>>;
}

const terminated = (why: string, peers?: string): UpstreamRule => ({
  kind: "bad_gateway",
  error: "connection_terminated",
  why,
  ...(peers === undefined ? {} : { peers }),
  // RFC 9209 §2.3.8: connection_terminated is "before any part of the response" arrived.
  phases: { body: { kind: "bad_gateway", error: "http_response_incomplete" } },
});

const certificate: UpstreamRule = {
  kind: "bad_gateway",
  error: "tls_certificate_error",
  why: "The upstream's certificate failed verification (RFC 9209 §2.3.14). The upstream (or the trust store) is misconfigured; retrying will not help until it is fixed.",
};

const unroutable: UpstreamRule = {
  kind: "bad_gateway",
  error: "destination_ip_unroutable",
  why: "No route to the upstream's address (RFC 9209 §2.3.6): a network fault between us and it.",
};

const overloadedHere: UpstreamRule = {
  kind: "unavailable",
  reason: "overload",
  error: "connection_limit_reached",
  why: "This process ran out of sockets, file descriptors or local ports: we are overloaded, not the upstream. 503 tells the client to come back later (RFC 9209 §2.3.12).",
};

const dnsError = (why: string, rcode?: string): UpstreamRule => ({
  kind: "bad_gateway",
  error: "dns_error",
  why,
  ...(rcode === undefined ? {} : { params: { rcode } }),
});

/**
 * Exact `err.code` values. Codes are matched on the error and then on its `cause` chain (fetch
 * wraps the real error in `TypeError("fetch failed")`), and on each member of an AggregateError.
 */
export const UPSTREAM_ERROR_CODES: Readonly<Record<string, UpstreamRule>> = {
  // ---- connection (node:net) ----
  ECONNREFUSED: {
    kind: "bad_gateway",
    error: "connection_refused",
    why: "The upstream's host answered, but nothing listens on the port (RFC 9209 §2.3.7). It is the upstream's fault, and answering 503 would claim we know it is temporary.",
    peers:
      "nginx, Caddy, Traefik: 502 (followed). Envoy: 503 `UF` by default, 502 with set_recommended_response_code. @fastify/reply-from: 500; http-proxy-middleware: 504 (both wrong: no bug here, no timeout either).",
  },
  ECONNRESET: terminated(
    "The upstream reset the connection before any of the response arrived (RFC 9209 §2.3.8); in the body phase the response is incomplete (§2.3.18).",
    "nginx, Caddy, Traefik: 502 (followed). Envoy: 503 `UC`/`UR`. http-proxy-middleware: 504 (a reset is not a timeout); @fastify/reply-from: 500.",
  ),
  EPIPE: terminated(
    "The upstream closed the connection while the request was being written: it is gone before it answered.",
  ),
  ECONNABORTED: terminated(
    "The connection to the upstream was aborted (by the OS or a library, e.g. axios on its own timeout uses this code and is matched separately).",
  ),
  ETIMEDOUT: {
    kind: "gateway_timeout",
    error: "connection_timeout",
    why: "The OS gave up opening the connection (syscall connect): the upstream did not answer in time (RFC 9209 §2.3.9). On an established socket it is a read timeout (§2.3.10).",
    peers:
      "nginx, Caddy, Traefik: 504 (followed). Envoy: 503 `UF` for a connect timeout. @fastify/reply-from: 500 for undici's connect timeout.",
    phases: {
      dns: { kind: "gateway_timeout", error: "dns_timeout" },
      request: { kind: "gateway_timeout", error: "connection_write_timeout" },
      headers: { kind: "gateway_timeout", error: "connection_read_timeout" },
      body: { kind: "gateway_timeout", error: "connection_read_timeout" },
    },
  },
  ESOCKETTIMEDOUT: {
    kind: "gateway_timeout",
    error: "connection_read_timeout",
    why: "The `request` library's read timeout on an established socket (RFC 9209 §2.3.10).",
  },
  EHOSTUNREACH: unroutable,
  ENETUNREACH: unroutable,
  EHOSTDOWN: unroutable,
  ENETDOWN: unroutable,
  EACCES: {
    kind: "bad_gateway",
    error: "destination_ip_prohibited",
    why: "Connecting was refused locally (a firewall or sandbox rule forbids the address): RFC 9209 §2.3.5.",
  },
  EPERM: {
    kind: "bad_gateway",
    error: "destination_ip_prohibited",
    why: "As EACCES: a local rule forbids connecting to the address (RFC 9209 §2.3.5).",
  },
  EADDRNOTAVAIL: overloadedHere,
  EMFILE: overloadedHere,
  ENFILE: overloadedHere,
  ENOBUFS: overloadedHere,

  // ---- DNS (getaddrinfo via dns.lookup, and c-ares via dns.resolve*) ----
  ENOTFOUND: {
    ...dnsError(
      "The upstream's name does not resolve (RFC 9209 §2.3.2). getaddrinfo folds NXDOMAIN and no-data answers into ENOTFOUND, so `rcode` is sent only for c-ares lookups, where it is known to be NXDOMAIN.",
    ),
    peers:
      "nginx: 502 (followed). @fastify/reply-from: 503 (it would invite the client to retry a name that does not exist).",
  },
  EAI_AGAIN: {
    ...dnsError(
      "A temporary DNS failure (resolver unreachable, SERVFAIL, timeout inside getaddrinfo). It is reported as dns_error, not dns_timeout: only a timer of our own proves a timeout.",
    ),
  },
  EAI_FAIL: dnsError("A non-recoverable DNS failure (RFC 9209 §2.3.2)."),
  EAI_NODATA: dnsError("The name has no address records (RFC 9209 §2.3.2)."),
  EAI_NONAME: dnsError("The name is unknown to the resolver (RFC 9209 §2.3.2)."),
  ESERVFAIL: dnsError("The DNS server answered SERVFAIL.", "SERVFAIL"),
  EREFUSED: dnsError("The DNS server refused the query.", "REFUSED"),
  EFORMERR: dnsError("The DNS server found the query malformed.", "FORMERR"),
  ENOTIMP: dnsError("The DNS server does not implement the query.", "NOTIMP"),
  ENODATA: dnsError("The name exists but has no records of the type asked.", "NOERROR"),
  EBADRESP: dnsError("The DNS answer was malformed."),
  ETIMEOUT: {
    kind: "gateway_timeout",
    error: "dns_timeout",
    why: "The DNS lookup itself timed out (c-ares, RFC 9209 §2.3.1).",
  },

  // ---- TLS (node:tls, OpenSSL X509 verification codes) ----
  CERT_HAS_EXPIRED: certificate,
  CERT_NOT_YET_VALID: certificate,
  DEPTH_ZERO_SELF_SIGNED_CERT: certificate,
  SELF_SIGNED_CERT_IN_CHAIN: certificate,
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: certificate,
  UNABLE_TO_GET_ISSUER_CERT: certificate,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: certificate,
  UNABLE_TO_GET_CRL: certificate,
  UNABLE_TO_DECRYPT_CERT_SIGNATURE: certificate,
  UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: certificate,
  CERT_SIGNATURE_FAILURE: certificate,
  CERT_REVOKED: certificate,
  CERT_UNTRUSTED: certificate,
  CERT_REJECTED: certificate,
  CERT_CHAIN_TOO_LONG: certificate,
  INVALID_CA: certificate,
  INVALID_PURPOSE: certificate,
  PATH_LENGTH_EXCEEDED: certificate,
  HOSTNAME_MISMATCH: certificate,
  ERROR_IN_CERT_NOT_BEFORE_FIELD: certificate,
  ERROR_IN_CERT_NOT_AFTER_FIELD: certificate,
  ERR_TLS_CERT_ALTNAME_INVALID: {
    ...certificate,
    why: "The upstream's certificate does not name the host we asked for (hostname mismatch): RFC 9209 §2.3.14.",
  },
  ERR_TLS_CERT_ALTNAME_FORMAT: certificate,
  EPROTO: {
    kind: "bad_gateway",
    error: "tls_protocol_error",
    why: "A TLS protocol error, most often TLS spoken to a plain-HTTP port (RFC 9209 §2.3.13). When OpenSSL's message says `SSL alert number N` (node:https reports alerts this way), it is tls_alert_received with alert-id N (§2.3.15).",
  },
  ERR_TLS_HANDSHAKE_TIMEOUT: {
    kind: "gateway_timeout",
    error: "connection_timeout",
    why: "The TLS handshake did not finish in time: the connection was never established (RFC 9209 §2.3.9).",
  },

  // ---- undici (lib/core/errors.js) ----
  UND_ERR_CONNECT_TIMEOUT: {
    kind: "gateway_timeout",
    error: "connection_timeout",
    why: "undici's connect timeout (TCP and TLS handshake; default 10 s) fired: RFC 9209 §2.3.9.",
    peers:
      "nginx: 504 (followed). Envoy: 503 `UF`. @fastify/reply-from: 500 (a timeout is not a bug).",
  },
  UND_ERR_HEADERS_TIMEOUT: {
    kind: "gateway_timeout",
    error: "http_response_timeout",
    why: "The request was sent but the response's header section did not arrive in time (RFC 9209 §2.3.26).",
    peers: "nginx `proxy_read_timeout`: 504; Envoy `UT`: 504; reply-from: 504. All agree.",
  },
  UND_ERR_BODY_TIMEOUT: {
    kind: "gateway_timeout",
    error: "connection_read_timeout",
    why: "The response started but its content stalled longer than the body timeout (RFC 9209 §2.3.10). If the head was already forwarded, no status can be sent: the adapter aborts the response.",
  },
  UND_ERR_SOCKET: terminated(
    "undici's socket closed (`other side closed`) before the response arrived (RFC 9209 §2.3.8); `bad response` and `bad upgrade` are protocol errors (§2.3.28); in the body phase the response is incomplete (§2.3.18).",
    "nginx: 502 (followed). Envoy: 503 `UC`. @fastify/reply-from: 500.",
  ),
  UND_ERR_INFO: terminated(
    "undici reset or idled out the connection while a request was in flight.",
  ),
  UND_ERR_HEADERS_OVERFLOW: {
    kind: "bad_gateway",
    error: "http_response_header_section_size",
    why: "The upstream's header section exceeded undici's maxHeaderSize (RFC 9209 §2.3.19).",
    peers: "nginx, Envoy: 502 (followed). http-proxy-middleware, reply-from: 500.",
  },
  UND_ERR_RES_EXCEEDED_MAX_SIZE: {
    kind: "bad_gateway",
    error: "http_response_body_size",
    why: "The upstream's content exceeded the configured maximum size (RFC 9209 §2.3.21).",
  },
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: {
    kind: "bad_gateway",
    error: "http_response_incomplete",
    why: "The content ended before (or after) the length the upstream announced (RFC 9209 §2.3.18).",
  },
  UND_ERR_PRX_TLS: {
    kind: "bad_gateway",
    error: "tls_protocol_error",
    why: "The TLS connection to the egress proxy failed (RFC 9209 §2.3.13).",
  },
  UND_ERR_BPL_MISSING_UPSTREAM: {
    kind: "unavailable",
    reason: "dependency",
    error: "destination_unavailable",
    why: "undici's BalancedPool has no upstream left: no usable destination (RFC 9209 §2.3.4). That is what 503 means.",
    peers: "Envoy `UH`, HAProxy, Caddy, Traefik: 503 (followed). nginx `no live upstreams`: 502.",
  },
  UND_ERR_DESTROYED: {
    kind: "unavailable",
    reason: "maintenance",
    error: "proxy_internal_error",
    why: "The dispatcher was destroyed, almost always because this process is shutting down: the client should retry elsewhere, so 503 (a 500 would call it a bug).",
  },
  UND_ERR_CLOSED: {
    kind: "unavailable",
    reason: "maintenance",
    error: "proxy_internal_error",
    why: "The dispatcher was closed (graceful shutdown): as UND_ERR_DESTROYED.",
  },

  // ---- streams and decoding of the response ----
  ERR_STREAM_PREMATURE_CLOSE: {
    kind: "bad_gateway",
    error: "http_response_incomplete",
    why: "The response stream ended before its end (RFC 9209 §2.3.18).",
  },
  Z_DATA_ERROR: {
    kind: "bad_gateway",
    error: "http_response_content_coding",
    why: "The upstream's gzip/deflate content does not decode (RFC 9209 §2.3.25).",
  },
  Z_BUF_ERROR: {
    kind: "bad_gateway",
    error: "http_response_content_coding",
    why: "The upstream's compressed content ends early (RFC 9209 §2.3.25).",
  },

  // ---- HTTP/1.1 parser (llhttp; Node http and undici set code = "HPE_" + llhttp's code) ----
  HPE_HEADER_OVERFLOW: {
    kind: "bad_gateway",
    error: "http_response_header_section_size",
    why: "The header section is larger than the parser allows (RFC 9209 §2.3.19).",
    peers: "nginx, Envoy: 502 (followed). http-proxy-middleware: 500.",
  },
  HPE_INVALID_CHUNK_SIZE: {
    kind: "bad_gateway",
    error: "http_response_transfer_coding",
    params: { coding: new Token("chunked") },
    why: "The chunked transfer coding is broken (RFC 9209 §2.3.24).",
  },
  HPE_INVALID_TRANSFER_ENCODING: {
    kind: "bad_gateway",
    error: "http_response_transfer_coding",
    why: "The Transfer-Encoding cannot be decoded (RFC 9209 §2.3.24).",
  },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: {
    kind: "bad_gateway",
    error: "http_response_transfer_coding",
    params: { coding: new Token("chunked") },
    why: "Chunk extensions exceed the parser's limit (RFC 9209 §2.3.24).",
  },
  HPE_INVALID_EOF_STATE: {
    kind: "bad_gateway",
    error: "http_response_incomplete",
    why: "The connection closed in the middle of a message (RFC 9209 §2.3.18).",
  },
  HPE_CLOSED_CONNECTION: terminated("The parser saw data after the connection was closed."),
};

/** Codes matched by prefix, tried in order when no exact code matched. */
export interface UpstreamPrefixRule extends UpstreamRule {
  readonly prefix: string;
}

export const UPSTREAM_CODE_PREFIXES: readonly UpstreamPrefixRule[] = [
  {
    prefix: "HPE_",
    kind: "bad_gateway",
    error: "http_protocol_error",
    why: "Any other HTTP parser error (invalid status line, header token, version, content length, CR/LF): the upstream broke HTTP (RFC 9209 §2.3.28).",
    peers:
      "nginx, Envoy `UPE`, HAProxy: 502 (followed). @fastify/reply-from: 500 for parser errors.",
  },
  {
    prefix: "ERR_SSL_",
    kind: "bad_gateway",
    error: "tls_protocol_error",
    why: "An OpenSSL error during the handshake (wrong version number, no shared cipher, ...): RFC 9209 §2.3.13. An `..._ALERT_<NAME>` code is a TLS alert the upstream sent: tls_alert_received with alert-id and alert-message (§2.3.15).",
  },
  {
    prefix: "ERR_TLS_",
    kind: "bad_gateway",
    error: "tls_protocol_error",
    why: "Any other Node TLS error (invalid protocol version, renegotiation, ...): RFC 9209 §2.3.13.",
  },
  {
    prefix: "ERR_HTTP2_",
    kind: "bad_gateway",
    error: "http_protocol_error",
    why: "An HTTP/2 session or stream error from the upstream (RFC 9209 §2.3.28).",
  },
];

/**
 * TLS alert descriptions (RFC 8446 §6, RFC 5246 §7.2), by the lowercase name OpenSSL gives them in
 * `ERR_SSL_<version>_ALERT_<NAME>` codes.
 */
export const TLS_ALERTS: Readonly<Record<string, number>> = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  decryption_failed: 21,
  record_overflow: 22,
  decompression_failure: 30,
  handshake_failure: 40,
  no_certificate: 41,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_revoked: 44,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
  unknown_ca: 48,
  access_denied: 49,
  decode_error: 50,
  decrypt_error: 51,
  export_restriction: 60,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  inappropriate_fallback: 86,
  user_canceled: 90,
  user_cancelled: 90,
  no_renegotiation: 100,
  missing_extension: 109,
  unsupported_extension: 110,
  certificate_unobtainable: 111,
  unrecognized_name: 112,
  bad_certificate_status_response: 113,
  bad_certificate_hash_value: 114,
  unknown_psk_identity: 115,
  certificate_required: 116,
  no_application_protocol: 120,
};

/** Errors recognised by name (they carry no code). */
export const UPSTREAM_ERROR_NAMES: Readonly<Record<string, UpstreamRule>> = {
  TimeoutError: {
    kind: "gateway_timeout",
    error: "http_response_timeout",
    why: "`AbortSignal.timeout()` fired (a DOMException named TimeoutError, no code): our own deadline, so a 504. Before a connection exists it is a connection timeout; while reading the body, a read timeout.",
    phases: {
      dns: { kind: "gateway_timeout", error: "dns_timeout" },
      connect: { kind: "gateway_timeout", error: "connection_timeout" },
      tls: { kind: "gateway_timeout", error: "connection_timeout" },
      request: { kind: "gateway_timeout", error: "connection_write_timeout" },
      body: { kind: "gateway_timeout", error: "connection_read_timeout" },
    },
  },
};

/**
 * Any error whose `syscall` is a DNS call (getaddrinfo, getnameinfo, query*) and whose code has no
 * DNS row above (c-ares also uses ECONNREFUSED, ECANCELLED, EOF, ...): a DNS failure, not a failed
 * connection to the upstream.
 */
export const DNS_SYSCALL_RULE: UpstreamRule = dnsError(
  "The failure happened while resolving the upstream's name (the error's syscall is a DNS call), whatever its code: RFC 9209 §2.3.2.",
);

/**
 * got's TimeoutError names the timer that fired in `err.event`; each becomes the phase it times.
 * (`request`, got's total timeout, is a response timeout like AbortSignal.timeout.)
 */
export const GOT_TIMEOUT_EVENTS: Readonly<Record<string, UpstreamOutcome>> = {
  lookup: { kind: "gateway_timeout", error: "dns_timeout" },
  connect: { kind: "gateway_timeout", error: "connection_timeout" },
  secureConnect: { kind: "gateway_timeout", error: "connection_timeout" },
  socket: { kind: "gateway_timeout", error: "connection_read_timeout" },
  send: { kind: "gateway_timeout", error: "connection_write_timeout" },
  response: { kind: "gateway_timeout", error: "http_response_timeout" },
  read: { kind: "gateway_timeout", error: "connection_read_timeout" },
  request: { kind: "gateway_timeout", error: "http_response_timeout" },
};

/** How an upstream's response status becomes our failure. First matching row wins. */
export interface UpstreamStatusRule {
  readonly kind: UpstreamKind;
  /** For `unavailable`: whose trouble it is. */
  readonly reason?: Unavailable["reason"];
  /**
   * Our Proxy-Status error type. Absent when the upstream did answer: then only `received-status`
   * says what it answered (RFC 9209 §2.1.4), since the exchange itself did not fail.
   */
  readonly error?: ProxyErrorType;
  /** The statuses the row covers, inclusive. */
  readonly from: number;
  readonly to: number;
  /** Pass the upstream's Retry-After on. */
  readonly keepRetryAfter?: boolean;
  readonly why: string;
  readonly peers?: string;
}

export const UPSTREAM_STATUS_RULES: readonly UpstreamStatusRule[] = [
  {
    from: 429,
    to: 429,
    kind: "unavailable",
    reason: "upstream_throttled",
    keepRetryAfter: true,
    why: "The upstream rate-limited us, not our client: the client did nothing wrong, so it gets a 503 with the upstream's Retry-After. Passing the 429 on would tell it to slow down for someone else's quota.",
    peers: "Transparent proxies pass the 429 through; the guide (shared standards §4) says 503.",
  },
  {
    from: 503,
    to: 503,
    kind: "unavailable",
    reason: "dependency",
    keepRetryAfter: true,
    why: "The upstream says it is unavailable: so are we for this request. 503 keeps its meaning (retry later) and its Retry-After.",
  },
  {
    from: 504,
    to: 504,
    kind: "gateway_timeout",
    why: "The upstream's own upstream timed out: still a timeout for our client. Sent with received-status=504 and no error type of ours (we did not time out).",
  },
  {
    from: 500,
    to: 599,
    kind: "bad_gateway",
    why: "The upstream failed (500, 501, 502, 505, ...): our answer is a 502 with `received-status`, so dashboards see a dependency failure, not a bug of ours. No error type: the upstream answered, the exchange did not fail.",
    peers: "Transparent proxies (nginx, Envoy) pass the 5xx through unchanged.",
  },
  {
    from: 0,
    to: 99,
    kind: "bad_gateway",
    error: "http_protocol_error",
    why: "Not an HTTP status code: the upstream broke the protocol (RFC 9209 §2.3.28).",
  },
  {
    from: 600,
    to: 999,
    kind: "bad_gateway",
    error: "http_protocol_error",
    why: "Not an HTTP status code (RFC 9110 §15: three digits, 100 to 599): the upstream broke the protocol (RFC 9209 §2.3.28).",
    peers: "@fastify/reply-from: 502 (followed; it crashed on 888 before fastify-reply-from#374).",
  },
];
