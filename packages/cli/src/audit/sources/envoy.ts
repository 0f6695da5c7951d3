/**
 * Envoy's default access log format:
 *
 *   [%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE%
 *   %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%
 *   "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%"
 *   "%UPSTREAM_HOST%"
 *
 * and Istio's variant of it, which adds %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS%
 * "%UPSTREAM_TRANSPORT_FAILURE_REASON%" after the flags (recognised by a non-numeric field where
 * %BYTES_RECEIVED% would be). Fields after the upstream host are ignored. Response code 0 means no
 * response began (usually the client went away): the exchange then has no response.
 */
import type { Capability, Exchange, UpstreamAttempt, UpstreamFacts } from "../exchange.js";
import type { LineFormat, SourceRecord } from "../source.js";
import {
  dash,
  detectsBy,
  FieldCursor,
  loggedRequest,
  malformed,
  parseIsoTime,
  parseUint,
} from "./fields.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const cursor = new FieldCursor();

/** Flags Envoy sets when it generated the response itself (no upstream answer was passed on). */
export const PROXY_FLAGS: ReadonlySet<string> = new Set([
  "UH",
  "UF",
  "UO",
  "NR",
  "URX",
  "NC",
  "DT",
  "UT",
  "LR",
  "UR",
  "UC",
  "RL",
  "UAEX",
  "RLSE",
  "IH",
  "SI",
  "DPE",
  "UPE",
  "UMSDR",
  "OM",
  "DF",
  "DO",
  "NFCF",
  "LH",
  "UDO",
  "NoHealthyUpstream",
  "UpstreamConnectionFailure",
  "UpstreamOverflow",
  "NoRouteFound",
  "UpstreamRetryLimitExceeded",
  "NoClusterFound",
  "DurationTimeout",
  "UpstreamRequestTimeout",
  "LocalReset",
  "UpstreamRemoteReset",
  "UpstreamConnectionTermination",
  "RateLimited",
  "UnauthorizedExternalService",
  "RateLimitServiceError",
  "InvalidEnvoyRequestHeaders",
  "StreamIdleTimeout",
  "DownstreamProtocolError",
  "UpstreamProtocolError",
  "UpstreamMaxStreamDurationReached",
  "OverloadManagerTerminated",
  "DnsResolutionFailed",
  "DropOverload",
  "NoFilterConfigFound",
  "FailedLocalHealthCheck",
]);

function parseEnvoy(line: string, file: string, n: number): SourceRecord | undefined {
  if (line.length === 0) return undefined;
  if (line.charCodeAt(0) !== 0x5b) return malformed("not an Envoy line: no [start time]", file, n);
  const close = line.indexOf('] "', 1);
  if (close === -1) return malformed("not an Envoy line: no [start time]", file, n);
  const time = parseIsoTime(line.slice(1, close));
  if (time === undefined)
    return malformed("not an Envoy line: the start time is not ISO 8601", file, n);
  const c = cursor.reset(line, close + 2);
  const requestText = c.next();
  if (requestText === undefined || !c.quoted)
    return malformed('not an Envoy line: no "request"', file, n);
  const code = parseUint(c.next() ?? "");
  if (code === undefined)
    return malformed("not an Envoy line: the response code is not a number", file, n);
  const flagsText = c.next();
  if (flagsText === undefined) return malformed("not an Envoy line: no response flags", file, n);
  let field = c.next();
  let details: string | undefined;
  let failureReason: string | undefined;
  if (field !== undefined && parseUint(field) === undefined && field !== "-") {
    // Istio: %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS% "%UPSTREAM_TRANSPORT_FAILURE_REASON%"
    details = field;
    c.next();
    failureReason = dash(c.next());
    field = c.next();
  }
  const received = field;
  const sent = parseUint(c.next() ?? "");
  const duration = parseUint(c.next() ?? "");
  const serviceTime = parseUint(c.next() ?? "");
  if (received === undefined) return malformed("not an Envoy line: no byte counts", file, n);
  c.next(); // x-forwarded-for
  c.next(); // user-agent
  c.next(); // x-request-id
  const authority = dash(c.next());
  const upstreamHost = dash(c.next());

  const request = loggedRequest(requestText, authority);

  const flags = flagsText === "-" ? [] : flagsText.split(",");
  const upstream: Mutable<UpstreamFacts> = { flags };
  if (details !== undefined) upstream.details = details;
  if (upstreamHost !== undefined || serviceTime !== undefined || failureReason !== undefined) {
    const attempt: Mutable<UpstreamAttempt> = {};
    if (upstreamHost !== undefined) attempt.addr = upstreamHost;
    if (serviceTime !== undefined) attempt.timeMs = serviceTime;
    upstream.attempts = [attempt];
  }
  if (details !== undefined)
    upstream.generatedBy = details === "via_upstream" ? "upstream" : "proxy";
  else if (flags.some((f) => PROXY_FLAGS.has(f))) upstream.generatedBy = "proxy";
  // No flag: Envoy passed on what the upstream it logged answered.
  else if (code !== 0 && upstreamHost !== undefined) upstream.generatedBy = "upstream";
  // The status the upstream answered, when it is the one the client got: an attempt without a
  // status would read as "the upstream gave no answer" (nginx's "-").
  if (upstream.generatedBy === "upstream" && code !== 0 && upstream.attempts !== undefined)
    (upstream.attempts[0] as Mutable<UpstreamAttempt>).status = code;

  const ex: Mutable<Exchange> = {
    format: "envoy",
    location: { file, line: n },
    time,
    request,
    upstream,
  };
  if (code !== 0)
    ex.response = sent === undefined ? { status: code } : { status: code, size: sent };
  if (duration !== undefined) ex.durationMs = duration;
  if (flags.includes("DC") || flags.includes("DownstreamConnectionTermination"))
    ex.clientAborted = true;
  return ex;
}

const parsesAsEnvoy = detectsBy(parseEnvoy);

const CAPS: ReadonlySet<Capability> = new Set<Capability>([
  "time",
  "duration",
  "upstream",
  "response.size",
]);

export const envoy: LineFormat = {
  format: "envoy",
  capabilities: CAPS,
  detect: (line) =>
    line.charCodeAt(0) === 0x5b && line.charCodeAt(11) === 0x54 /* T */ && parsesAsEnvoy(line),
  parse: parseEnvoy,
};
