/**
 * AWS Application Load Balancer access logs: space-separated fields, some double-quoted, in the
 * documented order
 *
 *   type time elb client:port target:port request_processing_time target_processing_time
 *   response_processing_time elb_status_code target_status_code received_bytes sent_bytes
 *   "request" "user_agent" ssl_cipher ssl_protocol target_group_arn "trace_id" "domain_name"
 *   "chosen_cert_arn" matched_rule_priority request_creation_time "actions_executed"
 *   "redirect_url" "error_reason" "target:port_list" "target_status_code_list" "classification"
 *   "classification_reason" conn_trace_id …
 *
 * Fields added by AWS at the end are ignored, as AWS asks. target_status_code "-" means the target
 * never answered (targetStatus null); the processing times are -1 when the LB could not dispatch
 * or the target closed or timed out. 460 = the client closed the connection. sent_bytes counts
 * the header section too (AWS: "for HTTP requests, this includes the headers"): it is `totalSize`,
 * never a body size.
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

const TYPES = new Set(["http", "https", "h2", "grpcs", "ws", "wss"]);
const cursor = new FieldCursor();
const fields: (string | undefined)[] = new Array(30);

function seconds(s: string | undefined): number | undefined {
  const v = s === undefined ? undefined : parseDecimal(s);
  return v === undefined || v < 0 ? undefined : v;
}

function parseAlb(line: string, file: string, n: number): SourceRecord | undefined {
  if (line.length === 0) return undefined;
  const c = cursor.reset(line);
  let count = 0;
  for (; count < fields.length; count++) {
    const f = c.next();
    if (f === undefined) break;
    fields[count] = f;
  }
  for (let i = count; i < fields.length; i++) fields[i] = undefined;
  if (count < 14)
    return malformed(`not an ALB line: ${count} fields, at least 14 expected`, file, n);
  if (!TYPES.has(fields[0]!))
    return malformed(`not an ALB line: unknown type "${fields[0]!.slice(0, 10)}"`, file, n);
  const logTime = parseIsoTime(fields[1]!);
  if (logTime === undefined) return malformed("not an ALB line: the time is not ISO 8601", file, n);
  const elbStatusText = fields[8]!;
  const elbStatus = parseUint(elbStatusText);
  if (elbStatus === undefined && elbStatusText !== "-")
    return malformed("not an ALB line: elb_status_code is not a number", file, n);
  const targetStatusText = fields[9]!;
  const targetStatus = targetStatusText === "-" ? null : parseUint(targetStatusText);
  if (targetStatus === undefined)
    return malformed("not an ALB line: target_status_code is not a number or -", file, n);

  const request = loggedRequest(fields[12]!, dash(fields[18]));

  const upstream: Mutable<UpstreamFacts> = { targetStatus };
  const attempts: UpstreamAttempt[] = [];
  const targets = dash(fields[25])?.split(" ");
  const statuses = dash(fields[26])?.split(" ");
  if (targets !== undefined && targets.length > 0) {
    for (let i = 0; i < targets.length; i++) {
      const a: Mutable<UpstreamAttempt> = { addr: targets[i]! };
      const st = parseUint(statuses?.[i] ?? "");
      if (st !== undefined) a.status = st;
      attempts.push(a);
    }
  } else {
    const target = dash(fields[4]);
    if (target !== undefined) {
      const a: Mutable<UpstreamAttempt> = { addr: target };
      if (targetStatus !== null) a.status = targetStatus;
      attempts.push(a);
    }
  }
  const tpt = seconds(fields[6]);
  const last = attempts[attempts.length - 1] as Mutable<UpstreamAttempt> | undefined;
  if (last !== undefined && tpt !== undefined) last.timeMs = Math.round(tpt * 1_000_000) / 1000;
  if (attempts.length > 0) upstream.attempts = attempts;
  const reason = dash(fields[24]);
  if (reason !== undefined) upstream.details = reason;
  if (elbStatus !== undefined)
    upstream.generatedBy =
      targetStatus !== null && targetStatus === elbStatus ? "upstream" : "proxy";

  const creation = fields[21] === undefined ? undefined : parseIsoTime(fields[21]);
  const ex: Mutable<Exchange> = {
    format: "alb",
    location: { file, line: n },
    time: creation ?? logTime,
    request,
    upstream,
  };
  const rpt = seconds(fields[5]);
  const rspt = seconds(fields[7]);
  if (rpt !== undefined && tpt !== undefined && rspt !== undefined)
    ex.durationMs = Math.round((rpt + tpt + rspt) * 1_000_000) / 1000;
  if (elbStatus !== undefined) {
    const sent = parseUint(fields[11]!);
    ex.response =
      sent === undefined ? { status: elbStatus } : { status: elbStatus, totalSize: sent };
  }
  if (elbStatus === 460) ex.clientAborted = true;
  return ex;
}

const parsesAsAlb = detectsBy(parseAlb);

const CAPS: ReadonlySet<Capability> = new Set<Capability>(["time", "duration", "upstream"]);

export const alb: LineFormat = {
  format: "alb",
  capabilities: CAPS,
  detect: (line) => {
    const sp = line.indexOf(" ");
    return sp >= 2 && sp <= 5 && TYPES.has(line.slice(0, sp)) && parsesAsAlb(line);
  },
  parse: parseAlb,
};
