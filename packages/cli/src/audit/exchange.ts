/**
 * The one record every source produces and every rule reads: what was asked, what was answered,
 * and what the source knows about the layers in between. Fields a source lacks are absent, never guessed.
 */

/** Header fields by lowercase name; a name may repeat, so each holds its values in order. */
export type HeaderBag = Readonly<Record<string, readonly string[]>>;

/** A sample of a body: the first bytes as text (decoded), with what is known about the whole. */
export interface BodySample {
  /** Decoded text, at most the source's sample limit (64 KiB by default). */
  readonly text: string;
  /** True when `text` is shorter than the body. */
  readonly truncated: boolean;
  readonly mimeType?: string;
  /**
   * True when the body was recorded but is binary (a NUL byte once decoded): `text` is then empty.
   * The body is known, so rules that need one count the exchange as checked.
   */
  readonly binary?: boolean;
}

/** One attempt at an upstream, as a proxy logged it (nginx lists each try, in order). */
export interface UpstreamAttempt {
  /** Status the upstream answered, or undefined when it gave none ("-"). */
  readonly status?: number;
  readonly timeMs?: number;
  readonly connectMs?: number;
  readonly headerMs?: number;
  /** The upstream's address as logged. Treated as internal: never shown unredacted in reports. */
  readonly addr?: string;
  /**
   * nginx: which upstream group the attempt belongs to, counted from 0, when the request was
   * passed to several (an internal redirect or error_page logs the groups separated by " : ").
   * Absent when there was one group.
   */
  readonly group?: number;
}

/** What the proxy in front knew, in its own vocabulary. Present only for sources that log it. */
export interface UpstreamFacts {
  readonly attempts?: readonly UpstreamAttempt[];
  /** Envoy response flags (UT, UF, UH, DC, RL, ...). */
  readonly flags?: readonly string[];
  /** Envoy %RESPONSE_CODE_DETAILS% (via_upstream, upstream_response_timeout, ...). */
  readonly details?: string;
  /** HAProxy termination state (first two characters matter: sH, SC, CD, ...). */
  readonly termination?: string;
  /** ALB target_status_code: a number, or null when the target never answered ("-"). */
  readonly targetStatus?: number | null;
  /** Who produced the status the client got, when the source says. */
  readonly generatedBy?: "proxy" | "upstream";
}

export type SourceFormat =
  | "har"
  | "clf"
  | "combined"
  | "nginx"
  | "ingress-nginx"
  | "envoy"
  | "alb"
  | "elb"
  | "s3"
  | "w3c"
  | "haproxy"
  | "traefik"
  | "caddy"
  | "gcp-lb"
  | "cloudflare"
  | "kong"
  | "otel"
  | "ndjson"
  | "probe"
  /** A table of exchanges read by a SQL engine (`analyze --engine`, docs/engines.md). */
  | "table";

export interface Location {
  readonly file: string;
  /** 1-based line number (line formats). */
  readonly line?: number;
  /** 0-based index in log.entries (HAR). */
  readonly entry?: number;
}

/**
 * What a probe (`truestatus probe`) knew when it sent the request: which scenario, what it did,
 * and the statuses that would tell the truth. Only the probe source has them (capability "probe"),
 * so the rules that read them are skipped for recorded traffic.
 */
export interface ProbeFacts {
  /** The scenario that sent the request, e.g. "no-credentials", "wrong-method", "step". */
  readonly scenario: string;
  /** What the request did, one line without secrets: "no credentials", "a garbage Bearer token". */
  readonly did: string;
  /** The statuses that answer this request truthfully; absent when the probe expects nothing. */
  readonly expect?: readonly number[];
  /** The auth-scheme the probe presented (scenarios about credentials). */
  readonly scheme?: string;
  /** The status GET answered on the same target (HEAD consistency). */
  readonly getStatus?: number;
  /** Milliseconds the probe waited, as Retry-After asked, before sending this request. */
  readonly waitedMs?: number;
  /**
   * What a read after this request showed had changed (the state witness; identity A's resource
   * after identity B's write), one line without values.
   */
  readonly changed?: string;
}

export interface Exchange {
  readonly format: SourceFormat;
  readonly location: Location;
  /** Epoch milliseconds when the request started, when the source has it. */
  readonly time?: number;
  readonly request: {
    readonly method: string;
    /** The request target as logged (path and query), e.g. "/users/42?x=1". */
    readonly target: string;
    /** The path alone, without query. */
    readonly path: string;
    readonly host?: string;
    readonly headers?: HeaderBag;
    /**
     * Whether credentials were sent (Authorization, Cookie, an API key header), when the source can
     * tell. "unknown" when it could but they were redacted or sanitized away ambiguously.
     */
    readonly credentials?: "present" | "absent" | "unknown";
    /**
     * A one-way fingerprint of the token-like credentials sent (credential-id.ts), when the source
     * saw them before redacting: tells identities apart without holding them.
     */
    readonly credentialId?: string;
    readonly body?: BodySample;
  };
  /** Absent when no response was received (HAR status 0, Envoy code 0): see `networkError`. */
  readonly response?: {
    readonly status: number;
    readonly headers?: HeaderBag;
    /**
     * The body as recorded; absent when the source did not record it (a HAR exported without
     * content). An empty body that was recorded is `{ text: "", truncated: false }`.
     */
    readonly body?: BodySample;
    /**
     * Bytes of the body alone, as the server (or proxy) that logged it put them on the wire.
     * Only a source whose counter is body-only and counts what was sent declares the capability
     * "response.size" (docs/sources.md); a count that includes the header section goes to
     * `totalSize`.
     */
    readonly size?: number;
    /**
     * Bytes sent including the header section (HAProxy %B, ALB sent_bytes, nginx $bytes_sent,
     * Apache %O, Kong, GCP load balancers). Never read as a body size.
     */
    readonly totalSize?: number;
  };
  /** Total time in milliseconds as the source measured it. */
  readonly durationMs?: number;
  readonly upstream?: UpstreamFacts;
  /** The client went away before the answer (nginx 499, Envoy DC, ALB 460, HAProxy C?/c?). */
  readonly clientAborted?: boolean;
  /** A network-level failure with no HTTP response (HAR _error, e.g. net::ERR_CONNECTION_REFUSED). */
  readonly networkError?: string;
  /** Present only for exchanges a probe produced. */
  readonly probe?: ProbeFacts;
}

/**
 * What a source can tell at all, so that the engine can say which rules it could not run and why
 * ("401-needs-www-authenticate: not checked, the log has no response headers").
 */
export type Capability =
  | "response.headers"
  | "response.body"
  | "response.size"
  | "request.headers"
  | "request.credentials"
  | "upstream"
  | "duration"
  | "time"
  | "probe";

export const CAPABILITY_LABELS: Readonly<Record<Capability, string>> = {
  "response.headers": "response headers",
  "response.body": "response bodies",
  "response.size": "body sizes as sent (header bytes not counted)",
  "request.headers": "request headers",
  "request.credentials": "whether credentials were sent",
  upstream: "upstream facts (upstream status, proxy flags or termination state)",
  duration: "durations",
  time: "timestamps",
  probe: "probe facts (what a live probe sent and expected)",
};

/** Reads one header value (first occurrence) from a bag, by any-case name. */
export function headerValue(headers: HeaderBag | undefined, name: string): string | undefined {
  return headers?.[name.toLowerCase()]?.[0];
}

/** All values of a header, joined as one field value (RFC 9110 §5.3), or undefined. */
export function headerField(headers: HeaderBag | undefined, name: string): string | undefined {
  const values = headers?.[name.toLowerCase()];
  return values && values.length > 0 ? values.join(", ") : undefined;
}
