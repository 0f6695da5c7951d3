/**
 * W3C extended log format (https://www.w3.org/TR/WD-logfile): directives start with `#`, and
 * `#Fields:` names the columns of the lines that follow, until the next `#Fields:` (IIS starts a
 * new block with new directives when its logging settings change, mid-file). Written by IIS and
 * Azure App Service (space-separated, spaces in values written as `+`), CloudFront standard logs
 * (tab-separated), NetScaler web logging and Imperva (Incapsula); every variant is read through
 * the field names, so a column order or a set of fields nobody here has seen is read too.
 *
 * Fields read: `date`, `time` (UTC), `cs-method`, `cs-uri-stem`, `cs-uri-query`, `cs-uri`,
 * `cs(Host)`/`cs-host`/`x-host-header`, `sc-status`, `sc-bytes` (the whole response with its
 * header section, so `response.totalSize`, never `size`), `time-taken` (IIS: milliseconds; a value
 * with a decimal point, and CloudFront's, are seconds, as the W3C draft says), `cs-username`
 * (a user: credentials were sent), `cs(Name)`/`sc(Name)` (a logged request/response header),
 * and CloudFront's `x-edge-result-type`/`x-edge-detailed-result-type` (an `Origin…Error` means the
 * origin never answered: the edge made the status). The time logged is when the response ended:
 * the exchange starts `time-taken` earlier.
 */
import type { Capability, Exchange, HeaderBag, UpstreamFacts } from "../exchange.js";
import { keepHeaderValue } from "../redact.js";
import type { LineFormat, LoggedHeaders, SourceRecord } from "../source.js";
import { isCredentialHeader, malformed, parseDecimal, parseUint, requestTarget } from "./fields.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

enum Kind {
  Ignore,
  Date,
  Time,
  Method,
  UriStem,
  UriQuery,
  Uri,
  Host,
  Status,
  Bytes,
  TimeTaken,
  User,
  RequestHeader,
  ResponseHeader,
  EdgeResult,
  EdgeDetail,
  Win32,
}

const KINDS: Readonly<Record<string, Kind>> = {
  date: Kind.Date,
  time: Kind.Time,
  "cs-method": Kind.Method,
  "cs-uri-stem": Kind.UriStem,
  "cs-uri-query": Kind.UriQuery,
  "cs-uri": Kind.Uri,
  "cs-host": Kind.Host,
  "x-host-header": Kind.Host,
  "sc-status": Kind.Status,
  "sc-bytes": Kind.Bytes,
  "time-taken": Kind.TimeTaken,
  "cs-username": Kind.User,
  "x-edge-result-type": Kind.EdgeResult,
  "x-edge-detailed-result-type": Kind.EdgeDetail,
  "sc-win32-status": Kind.Win32,
};

/** A `#Fields:` directive compiled: the kind of each column, header names for cs(…)/sc(…). */
interface Layout {
  readonly kinds: readonly Kind[];
  readonly headers: readonly string[];
  readonly statusAt: number;
  readonly seconds: boolean;
}

function compileFields(spec: string): Layout | undefined {
  const names = spec.trim().split(/\s+/);
  const kinds: Kind[] = [];
  const headers: string[] = [];
  let seconds = false;
  for (const raw of names) {
    const name = raw.toLowerCase();
    let kind = KINDS[name] ?? Kind.Ignore;
    let header = "";
    const m = /^(cs|sc)\((.+)\)$/.exec(name);
    if (m !== null) {
      header = m[2]!;
      kind =
        header === "host" && m[1] === "cs"
          ? Kind.Host
          : m[1] === "cs"
            ? Kind.RequestHeader
            : Kind.ResponseHeader;
    }
    if (name.startsWith("x-edge-")) seconds = true;
    kinds.push(kind);
    headers.push(header);
  }
  const statusAt = kinds.indexOf(Kind.Status);
  if (statusAt === -1) return undefined;
  return { kinds, headers, statusAt, seconds };
}

/** Capabilities a layout can feed. */
function capabilitiesOf(layouts: readonly Layout[]): {
  caps: Set<Capability>;
  logged?: LoggedHeaders;
} {
  const caps = new Set<Capability>();
  const req = new Set<string>();
  const res = new Set<string>();
  for (const l of layouts)
    l.kinds.forEach((k, i) => {
      if (k === Kind.Date || k === Kind.Time) caps.add("time");
      if (k === Kind.TimeTaken) caps.add("duration");
      if (k === Kind.EdgeDetail || k === Kind.EdgeResult) caps.add("upstream");
      if (k === Kind.RequestHeader) {
        req.add(l.headers[i]!);
        if (isCredentialHeader(l.headers[i]!)) caps.add("request.credentials");
      }
      if (k === Kind.ResponseHeader) res.add(l.headers[i]!);
    });
  if (req.size > 0) caps.add("request.headers");
  if (res.size > 0) caps.add("response.headers");
  if (req.size === 0 && res.size === 0) return { caps };
  return {
    caps,
    logged: {
      ...(req.size > 0 ? { request: req } : {}),
      ...(res.size > 0 ? { response: res } : {}),
    },
  };
}

/** "2019-12-04" + "21:02:31[.fff]" (UTC) → epoch ms. */
function w3cTime(date: string, time: string): number | undefined {
  if (date.length !== 10 || date[4] !== "-" || date[7] !== "-") return undefined;
  if (time.length < 8 || time[2] !== ":" || time[5] !== ":") return undefined;
  const y = parseUint(date, 0, 4);
  const mo = parseUint(date, 5, 7);
  const d = parseUint(date, 8, 10);
  const h = parseUint(time, 0, 2);
  const mi = parseUint(time, 3, 5);
  const s = parseUint(time, 6, 8);
  if (y === undefined || mo === undefined || d === undefined) return undefined;
  if (h === undefined || mi === undefined || s === undefined) return undefined;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  let ms = 0;
  if (time.length > 9 && time[8] === ".") {
    const frac = parseDecimal(`0${time.slice(8)}`);
    if (frac === undefined) return undefined;
    ms = Math.round(frac * 1000);
  } else if (time.length !== 8) return undefined;
  return Date.UTC(y, mo - 1, d, h, mi, s) + ms;
}

/** A W3C value: "-" is none; IIS writes spaces as "+" in free text. */
const none = (v: string): boolean => v === "-" || v === "";

/** Detailed result types of CloudFront that mean the origin never answered. */
const ORIGIN_UNREACHED = /^Origin(Connect|Dns|Comm|Read|Write)Error$|^SlowReaderOriginError$/;
/** … and those where the client went away. */
const CLIENT_GONE = /^(ClientCommError|ClientHungUpRequest)$/;

export class W3cFormat implements LineFormat {
  readonly format = "w3c" as const;
  readonly stateful = true;
  capabilities: ReadonlySet<Capability> = new Set<Capability>(["time"]);
  loggedHeaders?: LoggedHeaders;
  private layout: Layout | undefined;
  private readonly values: string[] = [];

  /**
   * Declares the capabilities of the layouts in the first lines (`#Fields:` may change later:
   * a later layout's extra fields are read, but the rules were chosen from these).
   */
  constructor(sample: readonly string[] = []) {
    const layouts: Layout[] = [];
    for (const l of sample)
      if (l.startsWith("#Fields:")) {
        const layout = compileFields(l.slice(8));
        if (layout !== undefined) layouts.push(layout);
      }
    if (layouts.length > 0) {
      const { caps, logged } = capabilitiesOf(layouts);
      this.capabilities = caps;
      if (logged !== undefined) this.loggedHeaders = logged;
    }
  }

  detect(line: string): boolean {
    if (line.charCodeAt(0) === 0x23) {
      if (line.startsWith("#Fields:")) this.layout = compileFields(line.slice(8));
      return /^#(Fields|Software|Version|Date|Start-Date|End-Date|Remark):/.test(line);
    }
    const r = this.parse(line, "", 0);
    return r !== undefined && !("malformed" in r);
  }

  /** Splits a data line into this.values (tabs when the line has one, else single spaces). */
  private split(line: string): number {
    const values = this.values;
    const sep = line.indexOf("\t") === -1 ? " " : "\t";
    let n = 0;
    let pos = 0;
    while (pos <= line.length) {
      if (line.charCodeAt(pos) === 0x22) {
        // A quoted string ("" is a quote inside it), as the W3C draft allows.
        let end = pos + 1;
        let text = "";
        while (true) {
          const q = line.indexOf('"', end);
          if (q === -1) return -1;
          text += line.slice(end, q);
          if (line.charCodeAt(q + 1) === 0x22) {
            text += '"';
            end = q + 2;
            continue;
          }
          end = q + 1;
          break;
        }
        values[n++] = text;
        if (end < line.length && line[end] !== sep) return -1;
        pos = end + 1;
        continue;
      }
      const next = line.indexOf(sep, pos);
      const end = next === -1 ? line.length : next;
      values[n++] = line.slice(pos, end);
      pos = end + 1;
      if (n > 512) return -1;
    }
    return n;
  }

  parse(line: string, file: string, n: number): SourceRecord | undefined {
    if (line.length === 0) return undefined;
    if (line.charCodeAt(0) === 0x23) {
      if (line.startsWith("#Fields:")) {
        this.layout = compileFields(line.slice(8));
        if (this.layout === undefined)
          return malformed("W3C #Fields: directive without sc-status", file, n);
      }
      return undefined;
    }
    const layout = this.layout;
    if (layout === undefined) return malformed("W3C line before any #Fields: directive", file, n);
    const count = this.split(line);
    if (count === -1) return malformed("not a W3C line: unterminated quoted value", file, n);
    if (count !== layout.kinds.length)
      return malformed(
        `not a W3C line: ${count} fields where #Fields: names ${layout.kinds.length}`,
        file,
        n,
      );
    const values = this.values;
    const statusText = values[layout.statusAt]!;
    const status = parseUint(statusText);
    if (status === undefined || statusText.length !== 3)
      return malformed(`W3C sc-status "${statusText.slice(0, 12)}" is not a 3-digit code`, file, n);
    let date: string | undefined;
    let time: string | undefined;
    let method = "-";
    let stem: string | undefined;
    let query: string | undefined;
    let uri: string | undefined;
    let host: string | undefined;
    let bytes: number | undefined;
    let taken: string | undefined;
    let user = false;
    let reqHeaders: Record<string, string[]> | undefined;
    let resHeaders: Record<string, string[]> | undefined;
    let credentials: "present" | "absent" | undefined;
    let edgeResult: string | undefined;
    let edgeDetail: string | undefined;
    let gone = false;
    const kinds = layout.kinds;
    for (let i = 0; i < kinds.length; i++) {
      const v = values[i]!;
      switch (kinds[i]) {
        case Kind.Date:
          date = v;
          break;
        case Kind.Time:
          time = v;
          break;
        case Kind.Method:
          if (!none(v)) method = v;
          break;
        case Kind.UriStem:
          if (!none(v)) stem = v;
          break;
        case Kind.UriQuery:
          if (!none(v)) query = v;
          break;
        case Kind.Uri:
          if (!none(v)) uri = v;
          break;
        case Kind.Host:
          if (!none(v)) host = v;
          break;
        case Kind.Bytes:
          bytes = parseUint(v);
          break;
        case Kind.TimeTaken:
          if (!none(v)) taken = v;
          break;
        case Kind.User:
          if (!none(v)) user = true;
          break;
        case Kind.RequestHeader: {
          const name = layout.headers[i]!;
          const present = !none(v);
          if (isCredentialHeader(name)) {
            if (present) credentials = "present";
            else credentials ??= "absent";
          }
          if (present) {
            reqHeaders ??= {};
            reqHeaders[name] = [keepHeaderValue(name, v.replaceAll("+", " "))];
          }
          break;
        }
        case Kind.ResponseHeader:
          if (!none(v)) {
            const name = layout.headers[i]!;
            resHeaders ??= {};
            resHeaders[name] = [keepHeaderValue(name, v.replaceAll("+", " "))];
          }
          break;
        case Kind.EdgeResult:
          if (!none(v)) edgeResult = v;
          break;
        case Kind.EdgeDetail:
          if (!none(v)) edgeDetail = v;
          break;
        case Kind.Win32:
          // ERROR_NETNAME_DELETED, ERROR_OPERATION_ABORTED: the client closed the connection.
          if (v === "64" || v === "1236") gone = true;
          break;
        default:
          break;
      }
    }
    const target =
      uri ?? (stem === undefined ? "-" : query === undefined ? stem : `${stem}?${query}`);
    const request = (
      target === "-" ? { method, target, path: "-" } : requestTarget(method, target)
    ) as Mutable<Exchange["request"]>;
    if (host !== undefined && request.host === undefined) request.host = host;
    if (reqHeaders !== undefined) request.headers = reqHeaders as HeaderBag;
    if (user) credentials = "present";
    if (credentials !== undefined) request.credentials = credentials;
    const ex: Mutable<Exchange> = { format: "w3c", location: { file, line: n }, request };
    // CloudFront logs 000 when the client went away before any response.
    if (status > 0) {
      const response: Mutable<NonNullable<Exchange["response"]>> = { status };
      if (bytes !== undefined) response.totalSize = bytes;
      if (resHeaders !== undefined) response.headers = resHeaders as HeaderBag;
      ex.response = response;
    } else gone = true;
    if (gone) ex.clientAborted = true;
    let durationMs: number | undefined;
    if (taken !== undefined) {
      const t = parseDecimal(taken);
      if (t !== undefined && t >= 0)
        durationMs =
          layout.seconds || taken.indexOf(".") !== -1 ? Math.round(t * 1_000_000) / 1000 : t;
    }
    if (durationMs !== undefined) ex.durationMs = durationMs;
    if (date !== undefined && time !== undefined) {
      const end = w3cTime(date, time);
      if (end !== undefined) ex.time = Math.round(end - (durationMs ?? 0));
    }
    const detail = edgeDetail ?? edgeResult;
    if (detail !== undefined) {
      const upstream: Mutable<UpstreamFacts> = { details: detail };
      if (ORIGIN_UNREACHED.test(detail)) {
        upstream.targetStatus = null;
        upstream.generatedBy = "proxy";
      } else if (/^Origin/.test(detail) || edgeResult === "Error") upstream.generatedBy = "proxy";
      ex.upstream = upstream;
      if (CLIENT_GONE.test(detail)) ex.clientAborted = true;
    }
    return ex;
  }
}

/** A fresh W3C reader (each input needs its own: the layout is state). */
export function w3cFormat(sample: readonly string[] = []): W3cFormat {
  return new W3cFormat(sample);
}
