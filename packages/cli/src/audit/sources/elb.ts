/**
 * AWS Classic Load Balancer access logs:
 *
 *   timestamp elb client:port backend:port request_processing_time backend_processing_time
 *   response_processing_time elb_status_code backend_status_code received_bytes sent_bytes
 *   "request" "user_agent" ssl_cipher ssl_protocol
 *
 * For HTTP listeners `sent_bytes` counts the response body, not its headers (AWS documents it so),
 * hence the body size. backend_status_code "-" means the backend never answered (targetStatus
 * null); processing times of -1 mean the request was not dispatched or the backend timed out or
 * closed. Lines of TCP listeners (status "-", request "- - - ") record no HTTP exchange: skipped.
 */
import type { Capability, Exchange, UpstreamAttempt, UpstreamFacts } from "../exchange.js";
import type { LineFormat, SourceRecord } from "../source.js";
import {
  dash,
  detectsBy,
  FieldCursor,
  loggedRequest,
  malformed,
  parseDecimal,
  parseIsoTime,
  parseUint,
} from "./fields.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const cursor = new FieldCursor();

function seconds(s: string | undefined): number | undefined {
  const v = s === undefined ? undefined : parseDecimal(s);
  return v === undefined || v < 0 ? undefined : v;
}

function parseElb(line: string, file: string, n: number): SourceRecord | undefined {
  if (line.length === 0) return undefined;
  const c = cursor.reset(line);
  const ts = c.next();
  c.next(); // elb name
  c.next(); // client:port
  const backend = dash(c.next());
  const rpt = c.next();
  const bpt = c.next();
  const rspt = c.next();
  const elbStatusText = c.next();
  const backendStatusText = c.next();
  c.next(); // received_bytes
  const sentText = c.next();
  const requestText = c.next();
  if (requestText === undefined || !c.quoted)
    return malformed("not a Classic ELB line: fewer than 12 fields", file, n);
  const time = ts === undefined ? undefined : parseIsoTime(ts);
  if (time === undefined)
    return malformed("not a Classic ELB line: the timestamp is not ISO 8601", file, n);
  if (elbStatusText === "-") return undefined; // a TCP listener's connection
  const status = parseUint(elbStatusText ?? "");
  if (status === undefined || elbStatusText!.length !== 3)
    return malformed("not a Classic ELB line: elb_status_code is not a 3-digit code", file, n);
  const parsed = backendStatusText === "-" ? null : parseUint(backendStatusText ?? "");
  // "-" or 0: no backend answered (0 when there was no registered instance at all).
  const backendStatus = parsed === 0 ? null : parsed;
  if (backendStatus === undefined)
    return malformed("not a Classic ELB line: backend_status_code is not a number or -", file, n);
  const request = loggedRequest(requestText, undefined);
  const upstream: Mutable<UpstreamFacts> = { targetStatus: backendStatus };
  if (backend !== undefined) {
    const a: Mutable<UpstreamAttempt> = { addr: backend };
    if (backendStatus !== null) a.status = backendStatus;
    const b = seconds(bpt);
    if (b !== undefined) a.timeMs = Math.round(b * 1_000_000) / 1000;
    upstream.attempts = [a];
  }
  upstream.generatedBy = backendStatus !== null && backendStatus === status ? "upstream" : "proxy";
  const sent = parseUint(sentText ?? "");
  const ex: Mutable<Exchange> = {
    format: "elb",
    location: { file, line: n },
    time,
    request,
    response: sent === undefined ? { status } : { status, size: sent },
    upstream,
  };
  const r = seconds(rpt);
  const b = seconds(bpt);
  const s = seconds(rspt);
  if (r !== undefined && b !== undefined && s !== undefined)
    ex.durationMs = Math.round((r + b + s) * 1_000_000) / 1000;
  return ex;
}

const CAPS: ReadonlySet<Capability> = new Set<Capability>([
  "time",
  "duration",
  "upstream",
  "response.size",
]);

const parsesAsElb = detectsBy(parseElb);

export const elb: LineFormat = {
  format: "elb",
  capabilities: CAPS,
  detect: (line) =>
    line.charCodeAt(4) === 0x2d && line.charCodeAt(10) === 0x54 /* T */ && parsesAsElb(line),
  parse: parseElb,
};
