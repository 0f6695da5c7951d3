/**
 * The contract between sources (HAR, access logs) and the engine. Sources turn bytes into
 * exchanges; malformed records are counted with a reason, never dropped silently.
 */
import type { Capability, Exchange, SourceFormat } from "./exchange.js";

/** A record a source could not read: counted per reason, the first few line numbers reported. */
export interface MalformedRecord {
  readonly malformed: true;
  readonly reason: string;
  readonly file: string;
  readonly line?: number;
  readonly entry?: number;
}

export type SourceRecord = Exchange | MalformedRecord;

export function isMalformed(r: SourceRecord): r is MalformedRecord {
  return (r as MalformedRecord).malformed === true;
}

/** Header names a format logs, by side (lowercase). */
export interface LoggedHeaders {
  readonly request?: ReadonlySet<string>;
  readonly response?: ReadonlySet<string>;
}

/**
 * What the engine reads of a line it need not see whole (LineFormat.readFlat): reused from line to
 * line, so that a line no rule is about costs no allocation but its path.
 */
export interface FlatRecord {
  status: number;
  /** The method as methodLabel gives it (a literal: "GET", "POST", …). */
  method: string;
  /** Bytes of body as sent; -1 when not logged. */
  size: number;
  /** Epoch milliseconds when the request started; NaN when not logged. */
  time: number;
  /**
   * The request target: bytes[pathStart, targetEnd) (no string made). Its path is the part before
   * a "?"; the engine cuts it there as it scans the template, and parses the line whole when that
   * part holds a byte that is not ASCII (flatPath).
   */
  bytes: Uint8Array;
  pathStart: number;
  targetEnd: number;
}

/** A line format: a pure function from one line to a record, so that workers can split files by byte range. */
export interface LineFormat {
  readonly format: SourceFormat;
  /** What this format can tell (may depend on options, e.g. an nginx log_format with $upstream_status). */
  readonly capabilities: ReadonlySet<Capability>;
  /** True when the line looks like this format (used by auto-detection on the first lines). */
  detect(line: string): boolean;
  /**
   * When the format logs only some headers (nginx `$sent_http_*` / `$http_*`), their lowercase
   * names: a rule about another header cannot run on this source even though the capability
   * "response.headers" (or "request.headers") is set. Absent: exchanges carry every header they
   * had (HAR, Caddy) or none (the capability is not set).
   */
  readonly loggedHeaders?: LoggedHeaders;
  parse(line: string, file: string, lineNumber: number): SourceRecord | undefined;
  /**
   * Reads the line bytes[start, end) (no '\n', no trailing '\r') into `out` without decoding it,
   * when it is a line of the plain shape this format knows, and returns true. Then `parse` of the
   * decoded line would give an exchange whose status, method, body size, time and path are
   * these, and nothing else a summary counts: no upstream facts, headers or body. False: decode
   * the line and `parse` it (which also tells a malformed line why). Optional; pure; never throws.
   */
  readFlat?(bytes: Buffer, start: number, end: number, out: FlatRecord): boolean;
  /**
   * True when a line's meaning depends on the lines before it (W3C `#Fields:` directives, a
   * container runtime's partial lines): such a file is read in order by one thread, and each
   * input gets its own instance (see formats.ts lineFormatFor).
   */
  readonly stateful?: boolean;
  /**
   * For formats whose one line may hold several exchanges (an OpenTelemetry batch): every record
   * of the line. Only stateful formats have it (the worker path calls `parse` alone).
   */
  parseAll?(line: string, file: string, lineNumber: number): readonly SourceRecord[];
}
