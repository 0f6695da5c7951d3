/**
 * HAProxy `option httplog`:
 *
 *   [syslog prefix] %ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc
 *   %ac/%fc/%bc/%sc/%rc %sq/%bq {captured request headers} {captured response headers} %{+Q}r
 *
 * The line is found by its `[dd/Mon/yyyy:HH:MM:SS.mmm]` date, whatever syslog prefix comes before
 * (RFC 3164 "Feb  6 12:14:14 host haproxy[14389]: ", RFC 5424, or none with `log stdout`).
 * Timers are milliseconds, -1 when the phase never happened; `+` prefixes (logasap) are read.
 * The termination state (first two characters: who ended the session, in which phase) says
 * whether HAProxy or the server produced the status. Status -1 means no response was sent.
 * %B (bytes_read) counts the header section too: it is `totalSize`, never a body size, so the
 * body-size rules are not run on HAProxy logs.
 */
import type { Capability, Exchange, UpstreamAttempt, UpstreamFacts } from "../exchange.js";
import type { LineFormat, SourceRecord } from "../source.js";
import {
  detectsBy,
  FieldCursor,
  malformed,
  parseClfTime,
  parseInt10,
  parseRequestLine,
} from "./fields.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const cursor = new FieldCursor();

/** Index of the `[` opening the accept date, or -1. Linear: each '[' is looked at once. */
function dateStart(line: string): number {
  let i = line.indexOf("[");
  while (i !== -1) {
    if (
      line.charCodeAt(i + 3) === 0x2f &&
      line.charCodeAt(i + 7) === 0x2f &&
      line.charCodeAt(i + 12) === 0x3a &&
      line.charCodeAt(i - 1) === 0x20
    )
      return i;
    i = line.indexOf("[", i + 1);
  }
  return -1;
}

const HEX = /#([0-9A-Fa-f]{2})/g;

/**
 * HAProxy writes bytes below 32 or above 126, '"' and '#' of the request line as #XX (the bytes of
 * UTF-8 text): decode them back.
 */
export function unescapeHaproxy(s: string): string {
  if (s.indexOf("#") === -1) return s;
  const bytes = s.replace(HEX, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
  return /[\x80-\xff]/.test(bytes) ? Buffer.from(bytes, "latin1").toString("utf8") : bytes;
}

const ms = (v: number | undefined): number | undefined =>
  v === undefined || v < 0 ? undefined : v;

function parseHaproxy(line: string, file: string, n: number): SourceRecord | undefined {
  if (line.length === 0) return undefined;
  const open = dateStart(line);
  if (open === -1) {
    // HAProxy's own notices ("Proxy fe stopped", "Server x is DOWN") share the stream: not requests.
    if (/\bhaproxy\[\d+\]: /.test(line.slice(0, 200))) return undefined;
    return malformed("not an HAProxy line: no [accept date]", file, n);
  }
  const close = line.indexOf("] ", open);
  if (close === -1) return malformed("not an HAProxy line: unterminated [accept date]", file, n);
  // The client address is the field just before the date.
  const clientStart = line.lastIndexOf(" ", open - 2) + 1;
  if (line.indexOf(":", clientStart) > open)
    return malformed("not an HAProxy line: no client ip:port before the date", file, n);
  const c = cursor.reset(line, close + 2);
  const frontend = c.next();
  const backendServer = c.next();
  const timers = c.next();
  const statusText = c.next();
  const bytesText = c.next();
  c.next(); // captured request cookie
  c.next(); // captured response cookie
  const tsc = c.next();
  const conns = c.next();
  const queues = c.next();
  if (
    frontend === undefined ||
    backendServer === undefined ||
    timers === undefined ||
    statusText === undefined ||
    tsc === undefined ||
    queues === undefined ||
    conns === undefined
  )
    return malformed("not an HAProxy httplog line: fields missing after the date", file, n);
  const t = timers.split("/");
  if (t.length !== 5)
    return malformed(
      `not an HAProxy httplog line: timers "${timers.slice(0, 40)}" are not TR/Tw/Tc/Tr/Ta`,
      file,
      n,
    );
  const status = parseInt10(statusText);
  if (status === undefined || tsc.length !== 4)
    return malformed("not an HAProxy httplog line: no status or termination state", file, n);
  // Skip captured headers ({...}), then the quoted request, the last field.
  let p = c.pos;
  while (line.charCodeAt(p) === 0x20) p++;
  while (line.charCodeAt(p) === 0x7b /* { */) {
    const end = line.indexOf("}", p);
    if (end === -1)
      return malformed("not an HAProxy httplog line: unterminated {captured headers}", file, n);
    p = end + 1;
    while (line.charCodeAt(p) === 0x20) p++;
  }
  if (line.charCodeAt(p) !== 0x22)
    return malformed('not an HAProxy httplog line: no "request"', file, n);
  const q = line.lastIndexOf('"');
  const requestText = q > p ? line.slice(p + 1, q) : line.slice(p + 1);
  const request = parseRequestLine(unescapeHaproxy(requestText)) as Mutable<Exchange["request"]>;

  const slash = backendServer.indexOf("/");
  const server = slash === -1 ? backendServer : backendServer.slice(slash + 1);
  const tc = ms(parseInt10(t[2]));
  const tr = ms(parseInt10(t[3]));
  const ta = ms(parseInt10(t[4]));
  const cause = tsc[0]!;
  const phase = tsc[1]!;
  const upstream: Mutable<UpstreamFacts> = { termination: tsc };
  const noServer = server === "<NOSRV>" || server === "-";
  if (!noServer) {
    const attempt: Mutable<UpstreamAttempt> = { addr: backendServer };
    if (tc !== undefined) attempt.connectMs = tc;
    if (tr !== undefined) attempt.headerMs = tr;
    upstream.attempts = [attempt];
  }
  if (noServer || (cause !== "-" && cause !== "C" && cause !== "c" && "RQCHT".includes(phase)))
    upstream.generatedBy = "proxy";
  else if (tr !== undefined && status > 0) {
    upstream.generatedBy = "upstream";
    (upstream.attempts![0] as Mutable<UpstreamAttempt>).status = status;
  }
  const retries = conns.split("/")[4];
  if (retries?.startsWith("+")) upstream.details = "redispatched";

  const ex: Mutable<Exchange> = {
    format: "haproxy",
    location: { file, line: n },
    request,
    upstream,
  };
  const time = parseClfTime(line.slice(open + 1, close));
  if (time !== undefined) ex.time = time;
  if (status >= 0) {
    const total = parseInt10(bytesText);
    ex.response = total === undefined || total < 0 ? { status } : { status, totalSize: total };
  }
  if (ta !== undefined) ex.durationMs = ta;
  if (cause === "C" || cause === "c") ex.clientAborted = true;
  return ex;
}

const CAPS: ReadonlySet<Capability> = new Set<Capability>(["time", "duration", "upstream"]);

export const haproxy: LineFormat = {
  format: "haproxy",
  capabilities: CAPS,
  detect: detectsBy(parseHaproxy),
  parse: parseHaproxy,
};
