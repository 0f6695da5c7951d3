/**
 * Common Log Format and Combined (Apache `common` / `combined`, nginx's predefined `combined`):
 *
 *   %h %l %u %t "%r" %>s %b                                  (common)
 *   %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"   (combined; further fields ignored)
 *
 * One pass of indexOf over the line, no regular expression. `%b` is "-" for no body (Apache) or a
 * number (nginx). A user in `%u` means credentials were sent (Basic), "-" tells nothing. `%h` may
 * be a forwarded-for list ("10.0.0.2, 10.0.0.1, 127.0.0.1"), as servers behind load balancers log it.
 */
import type { Capability, Exchange, SourceFormat } from "../exchange.js";
import type { LineFormat, SourceRecord } from "../source.js";
import {
  closingQuote,
  malformed,
  parseClfTimeAt,
  parseRequestLine,
  parseRequestLineAt,
  parseUint,
  unescapeLog,
} from "./fields.js";

type Mutable = { -readonly [K in keyof Exchange]: Exchange[K] };

/** Shape of the common prefix, shared by both formats. Returns the index after %b, or a reason. */
interface Prefix {
  /** True when %u names a user. */
  user: boolean;
  /** Where %u starts (%u ends at timeStart - 2). */
  userStart: number;
  /** Offsets in the line: the time inside the brackets, the request inside its quotes. */
  timeStart: number;
  timeEnd: number;
  requestStart: number;
  requestEnd: number;
  status: number;
  size: number | undefined;
  end: number;
}

const SCRATCH: Prefix = {
  user: false,
  userStart: 0,
  timeStart: 0,
  timeEnd: 0,
  requestStart: 0,
  requestEnd: 0,
  status: 0,
  size: undefined,
  end: 0,
};

/** Parses `%h %l %u [%t] "%r" %>s %b` into SCRATCH; returns a reason when the line is not that. */
function prefix(line: string): string | undefined {
  let a = line.indexOf(" ");
  if (a <= 0) return "not a CLF line: no client address";
  // Behind load balancers %h may be a forwarded-for list ("10.0.0.2, 10.0.0.1, 127.0.0.1"): a
  // comma before the space means the client field goes on (one compare on the usual line).
  while (line.charCodeAt(a - 1) === 0x2c) {
    a = line.indexOf(" ", a + 1);
    if (a === -1) return "not a CLF line: no user field";
  }
  const b = line.indexOf(" ", a + 1);
  if (b === -1) return "not a CLF line: no user field";
  const open = line.indexOf(" [", b);
  if (open === -1) return "not a CLF line: no [time]";
  const close = line.charCodeAt(open + 28) === 0x5d ? open + 28 : line.indexOf("]", open + 2);
  if (close === -1) return "not a CLF line: unterminated [time]";
  if (line.charCodeAt(close + 1) !== 0x20 || line.charCodeAt(close + 2) !== 0x22)
    return 'not a CLF line: no "request" after the time';
  const q = closingQuote(line, close + 3);
  if (q === -1) return 'not a CLF line: unterminated "request"';
  if (line.charCodeAt(q + 1) !== 0x20) return "not a CLF line: no status after the request";
  const s0 = q + 2;
  const s1 = line.indexOf(" ", s0);
  const statusEnd = s1 === -1 ? line.length : s1;
  const status = parseUint(line, s0, statusEnd);
  if (status === undefined || statusEnd - s0 !== 3)
    return `not a CLF line: status "${line.slice(s0, Math.min(statusEnd, s0 + 12))}" is not a 3-digit code`;
  let size: number | undefined;
  let end = statusEnd;
  if (s1 !== -1) {
    const z1 = line.indexOf(" ", s1 + 1);
    end = z1 === -1 ? line.length : z1;
    if (!(end - s1 === 2 && line.charCodeAt(s1 + 1) === 0x2d)) {
      size = parseUint(line, s1 + 1, end);
      if (size === undefined) return "not a CLF line: the size is not a number or -";
    }
  } else return "not a CLF line: no size after the status";
  // "-" and "" say nothing; anything else is a user name, so credentials were sent.
  SCRATCH.user = open - b > 2 || (open - b === 2 && line.charCodeAt(b + 1) !== 0x2d);
  SCRATCH.userStart = b + 1;
  SCRATCH.timeStart = open + 2;
  SCRATCH.timeEnd = close;
  SCRATCH.requestStart = close + 3;
  SCRATCH.requestEnd = q;
  SCRATCH.status = status;
  SCRATCH.size = size;
  SCRATCH.end = end;
  return undefined;
}

/** True when `"…" "…"` (referer, user agent) follows at `at`. */
function quotedPair(line: string, at: number): boolean {
  if (line.charCodeAt(at) !== 0x20 || line.charCodeAt(at + 1) !== 0x22) return false;
  const r = closingQuote(line, at + 2);
  if (r === -1 || line.charCodeAt(r + 1) !== 0x20 || line.charCodeAt(r + 2) !== 0x22) return false;
  return closingQuote(line, r + 3) !== -1;
}

function build(format: SourceFormat, line: string, file: string, lineNumber: number): Exchange {
  const { requestStart: rs, requestEnd: re } = SCRATCH;
  // Read the request in place unless it holds escapes to undo. (indexOf, not lastIndexOf: V8's
  // indexOf is a fast scan, lastIndexOf a runtime call that cost more than the rest of the line.)
  const bs = line.indexOf("\\", rs);
  const rl =
    bs === -1 || bs >= re
      ? parseRequestLineAt(line, rs, re)
      : parseRequestLine(unescapeLog(line.slice(rs, re)));
  const request: {
    method: string;
    target: string;
    path: string;
    host?: string;
    credentials?: "present";
  } = rl as { method: string; target: string; path: string };
  if (SCRATCH.user) request.credentials = "present";
  const location = { file, line: lineNumber };
  const response =
    SCRATCH.size === undefined
      ? { status: SCRATCH.status }
      : { status: SCRATCH.status, size: SCRATCH.size };
  const time = parseClfTimeAt(line, SCRATCH.timeStart, SCRATCH.timeEnd);
  // Made whole in one literal: a property added afterwards (time, on nearly every line) costs a
  // property-store allocation and a shape transition per line.
  const ex: Mutable =
    time === undefined
      ? { format, location, request, response }
      : { format, location, request, response, time };
  if (SCRATCH.status === 499) ex.clientAborted = true;
  return ex;
}

const CAPS: ReadonlySet<Capability> = new Set<Capability>(["time", "response.size"]);

function parseWith(format: "clf" | "combined") {
  return (line: string, file: string, lineNumber: number): SourceRecord | undefined => {
    if (line.length === 0) return undefined;
    const reason = prefix(line);
    if (reason !== undefined) return malformed(reason, file, lineNumber);
    if (format === "combined" && SCRATCH.end < line.length && !quotedPair(line, SCRATCH.end))
      return malformed(
        'not a Combined line: no "referer" "user-agent" after the size',
        file,
        lineNumber,
      );
    return build(format, line, file, lineNumber);
  };
}

/**
 * Detection asks more than parsing: %u is one word (a line of another log that holds a CLF line,
 * such as a container runtime's `<time> stdout F <line>`, would otherwise pass with a "user" of
 * several words).
 */
const oneWordUser = (line: string): boolean =>
  line.indexOf(" ", SCRATCH.userStart) === SCRATCH.timeStart - 2;

export const clf: LineFormat = {
  format: "clf",
  capabilities: CAPS,
  detect: (line) => prefix(line) === undefined && oneWordUser(line) && SCRATCH.end === line.length,
  parse: parseWith("clf"),
};

export const combined: LineFormat = {
  format: "combined",
  capabilities: CAPS,
  detect: (line) =>
    prefix(line) === undefined &&
    oneWordUser(line) &&
    SCRATCH.end < line.length &&
    quotedPair(line, SCRATCH.end),
  parse: parseWith("combined"),
};
