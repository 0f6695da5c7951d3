/**
 * nginx access logs in any `log_format`. The format string is compiled once into literals and
 * variables; a line is read left to right, each variable ending at the next literal (found with
 * indexOf), so the time is linear in the line and nothing backtracks. Variables whose values hold
 * the next literal are scanned by shape: `$time_local` (one inner space), the upstream lists
 * ("a, b : c"), and quoted values under `escape=json` (`\"` inside).
 *
 * Accepted: a bare format string (`$remote_addr - … "$http_user_agent"`), the name `combined`,
 * or a whole directive copied from nginx.conf (`log_format main escape=json '…' '…';`).
 */
import type {
  Capability,
  Exchange,
  HeaderBag,
  UpstreamAttempt,
  UpstreamFacts,
} from "../exchange.js";
import { keepHeaderValue } from "../redact.js";
import type { LineFormat, LoggedHeaders, SourceRecord } from "../source.js";
import { InputError } from "./errors.js";
import {
  dash,
  isCredentialHeader,
  loggedHeaderFacts,
  malformed,
  parseClfTime,
  parseDecimal,
  parseIsoTime,
  parseRequestLine,
  parseUint,
  requestTarget,
  secondsToMs,
  unescapeLog,
} from "./fields.js";

/** nginx's predefined format (ngx_http_log_module.c). */
export const NGINX_COMBINED =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"';

export type NginxEscape = "default" | "json" | "none";

export interface CompiledLogFormat {
  readonly format: string;
  readonly escape: NginxEscape;
  /** literals[0] before the first variable, literals[i + 1] after variable i. */
  readonly literals: readonly string[];
  readonly variables: readonly string[];
}

const OPTION = "--log-format";

function formatError(message: string): InputError {
  return new InputError("TRUESTATUS_INVALID_LOG_FORMAT", OPTION, message);
}

/** Splits a `log_format name [escape=…] 'part' 'part';` directive into escape and format. */
function fromDirective(text: string): { escape: NginxEscape; format: string } {
  let i = "log_format".length;
  const n = text.length;
  const skip = () => {
    while (i < n && /\s/.test(text[i]!)) i++;
  };
  const word = (): string => {
    skip();
    const s = i;
    while (i < n && !/[\s;'"]/.test(text[i]!)) i++;
    return text.slice(s, i);
  };
  const name = word();
  if (name.length === 0) throw formatError("log_format directive without a name");
  let escapeMode: NginxEscape = "default";
  skip();
  if (text.startsWith("escape=", i)) {
    const e = word().slice("escape=".length);
    if (e !== "default" && e !== "json" && e !== "none")
      throw formatError(`unknown escape mode "${e}" (nginx knows default, json, none)`);
    escapeMode = e;
  }
  let format = "";
  while (true) {
    skip();
    if (i >= n || text[i] === ";") break;
    const q = text[i];
    if (q === "'" || q === '"') {
      let j = i + 1;
      let part = "";
      while (j < n && text[j] !== q) {
        if (text[j] === "\\" && j + 1 < n) {
          part += text[j + 1];
          j += 2;
        } else part += text[j++];
      }
      if (j >= n) throw formatError(`unterminated ${q}-quoted string in the log_format directive`);
      format += part;
      i = j + 1;
    } else format += word();
  }
  if (format.length === 0) throw formatError(`log_format ${name} has no format string`);
  return { escape: escapeMode, format };
}

const NAME_CHAR = /[A-Za-z0-9_]/;

/**
 * Compiles a log_format. Throws InputError TRUESTATUS_INVALID_LOG_FORMAT for an unterminated
 * `${`, an unknown escape mode, or two variables with nothing between them.
 */
export function compileLogFormat(spec: string): CompiledLogFormat {
  let escapeMode: NginxEscape = "default";
  let format = spec;
  const trimmed = spec.trim();
  if (trimmed === "combined" || trimmed.length === 0) format = NGINX_COMBINED;
  else if (/^log_format\s/.test(trimmed)) ({ escape: escapeMode, format } = fromDirective(trimmed));
  const literals: string[] = [];
  const variables: string[] = [];
  let lit = "";
  let i = 0;
  while (i < format.length) {
    const c = format[i]!;
    if (c !== "$") {
      lit += c;
      i++;
      continue;
    }
    let name: string;
    if (format[i + 1] === "{") {
      const close = format.indexOf("}", i + 2);
      if (close === -1) throw formatError(`unterminated "\${" at character ${i + 1}`);
      name = format.slice(i + 2, close);
      if (!/^[A-Za-z0-9_]+$/.test(name)) throw formatError(`invalid variable name "\${${name}}"`);
      i = close + 1;
    } else {
      let j = i + 1;
      while (j < format.length && NAME_CHAR.test(format[j]!)) j++;
      if (j === i + 1) {
        lit += "$";
        i++;
        continue;
      }
      name = format.slice(i + 1, j);
      i = j;
    }
    if (variables.length > 0 && lit.length === 0)
      throw formatError(
        `$${variables[variables.length - 1]} and $${name} have nothing between them, so a line cannot be split`,
      );
    literals.push(lit);
    variables.push(name.toLowerCase());
    lit = "";
  }
  literals.push(lit);
  if (variables.length === 0) throw formatError("the format has no variable");
  return { format, escape: escapeMode, literals, variables };
}

// Variable kinds: how a value is scanned and where it goes.
enum Kind {
  Ignore,
  Status,
  Request,
  Method,
  RequestUri,
  Uri,
  Args,
  Host,
  TimeLocal,
  TimeIso,
  Msec,
  RequestTime,
  BodyBytes,
  BytesSent,
  UpstreamStatus,
  UpstreamResponseTime,
  UpstreamConnectTime,
  UpstreamHeaderTime,
  UpstreamAddr,
  UpstreamOther,
  SentHeader,
  RequestHeader,
  RemoteUser,
}

const KINDS: Readonly<Record<string, Kind>> = {
  status: Kind.Status,
  request: Kind.Request,
  request_method: Kind.Method,
  request_uri: Kind.RequestUri,
  uri: Kind.Uri,
  document_uri: Kind.Uri,
  args: Kind.Args,
  query_string: Kind.Args,
  host: Kind.Host,
  time_local: Kind.TimeLocal,
  time_iso8601: Kind.TimeIso,
  msec: Kind.Msec,
  request_time: Kind.RequestTime,
  body_bytes_sent: Kind.BodyBytes,
  bytes_sent: Kind.BytesSent,
  upstream_status: Kind.UpstreamStatus,
  upstream_response_time: Kind.UpstreamResponseTime,
  upstream_connect_time: Kind.UpstreamConnectTime,
  upstream_header_time: Kind.UpstreamHeaderTime,
  upstream_addr: Kind.UpstreamAddr,
  upstream_bytes_received: Kind.UpstreamOther,
  upstream_bytes_sent: Kind.UpstreamOther,
  upstream_response_length: Kind.UpstreamOther,
  upstream_cache_status: Kind.UpstreamOther,
  remote_user: Kind.RemoteUser,
};

function kindOf(name: string): Kind {
  const k = KINDS[name];
  if (k !== undefined) return k;
  if (name.startsWith("sent_http_")) return Kind.SentHeader;
  if (name === "http_host") return Kind.Host;
  if (name.startsWith("http_")) return Kind.RequestHeader;
  return Kind.Ignore;
}

const isList = (k: Kind): boolean => k >= Kind.UpstreamStatus && k <= Kind.UpstreamOther;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

class NginxLineFormat implements LineFormat {
  readonly capabilities: ReadonlySet<Capability>;
  readonly loggedHeaders?: LoggedHeaders;
  private readonly literals: readonly string[];
  private readonly kinds: readonly Kind[];
  /** Header name (lowercase, dashes) for header variables, "" otherwise. */
  private readonly headerNames: readonly string[];
  private readonly json: boolean;
  private readonly escape: NginxEscape;
  /** Reused per line: the raw value of each variable. */
  private readonly values: string[];

  constructor(
    readonly compiled: CompiledLogFormat,
    readonly format: "nginx" | "ingress-nginx" = "nginx",
  ) {
    this.literals = compiled.literals;
    this.escape = compiled.escape;
    this.json = compiled.escape === "json";
    this.kinds = compiled.variables.map(kindOf);
    this.headerNames = compiled.variables.map((v) =>
      v.startsWith("sent_http_")
        ? v.slice(10).replaceAll("_", "-")
        : v.startsWith("http_")
          ? v.slice(5).replaceAll("_", "-")
          : "",
    );
    this.values = compiled.variables.map(() => "");
    const caps = new Set<Capability>();
    const response = new Set<string>();
    const request = new Set<string>();
    this.kinds.forEach((k, i) => {
      if (k === Kind.TimeLocal || k === Kind.TimeIso || k === Kind.Msec) caps.add("time");
      if (k === Kind.RequestTime) caps.add("duration");
      if (k === Kind.BodyBytes) caps.add("response.size");
      if (isList(k)) caps.add("upstream");
      if (k === Kind.SentHeader) response.add(this.headerNames[i]!);
      if (k === Kind.RequestHeader) request.add(this.headerNames[i]!);
    });
    const logged = loggedHeaderFacts(request, response, caps);
    this.capabilities = caps;
    if (logged !== undefined) this.loggedHeaders = logged;
    if (!this.kinds.includes(Kind.Status))
      throw formatError("the format has no $status, so no exchange can be read from it");
  }

  /** End of the value of variable `k` starting at `pos`, or -1. */
  private scan(line: string, k: number, pos: number): number {
    const term = this.literals[k + 1]!;
    if (term.length === 0) return line.length;
    const kind = this.kinds[k]!;
    if (kind === Kind.TimeLocal && line.startsWith(term, pos + 26)) return pos + 26;
    if (isList(kind)) {
      let from = pos;
      while (true) {
        const t = line.indexOf(term, from);
        if (t === -1) return -1;
        // ", " and " : " separate attempts and groups; a term starting with a space would cut there.
        if (t > pos && line.charCodeAt(t - 1) === 0x2c && term.charCodeAt(0) === 0x20) from = t + 1;
        else if (line.startsWith(" : ", t) && !term.startsWith(" : ")) from = t + 3;
        else return t;
      }
    }
    if (this.json && term.charCodeAt(0) === 0x22) {
      let from = pos;
      while (true) {
        const t = line.indexOf(term, from);
        if (t === -1) return -1;
        let b = t - 1;
        while (b >= pos && line.charCodeAt(b) === 0x5c) b--;
        if ((t - 1 - b) % 2 === 0) return t;
        from = t + 1;
      }
    }
    return line.indexOf(term, pos);
  }

  detect(line: string): boolean {
    return this.split(line) === undefined && parseUint(this.statusValue()) !== undefined;
  }

  private statusValue(): string {
    return this.values[this.kinds.indexOf(Kind.Status)] ?? "";
  }

  /** Splits the line into this.values; returns a reason when it does not fit the format. */
  private split(line: string): string | undefined {
    const lits = this.literals;
    if (!line.startsWith(lits[0]!)) return "does not start like the log_format";
    let pos = lits[0]!.length;
    const n = this.values.length;
    for (let k = 0; k < n; k++) {
      const end = this.scan(line, k, pos);
      if (end === -1)
        return `does not fit the log_format: no ${showLiteral(lits[k + 1]!)} after $${this.compiled.variables[k]}`;
      // Variables nothing reads (remote_addr, …) are scanned but not copied.
      this.values[k] = this.kinds[k] === Kind.Ignore ? "" : line.slice(pos, end);
      pos = end + lits[k + 1]!.length;
    }
    if (pos !== line.length && lits[n]!.length > 0)
      return "does not fit the log_format: text after the last field";
    return undefined;
  }

  private text(raw: string): string {
    if (this.escape === "none") return raw;
    if (this.json) {
      if (raw.indexOf("\\") === -1) return raw;
      try {
        return JSON.parse(`"${raw}"`) as string;
      } catch {
        return raw;
      }
    }
    return unescapeLog(raw);
  }

  parse(line: string, file: string, lineNumber: number): SourceRecord | undefined {
    if (line.length === 0) return undefined;
    const reason = this.split(line);
    if (reason !== undefined) return malformed(reason, file, lineNumber);
    const kinds = this.kinds;
    const values = this.values;
    let status: number | undefined;
    let requestLine: string | undefined;
    let method: string | undefined;
    let requestUri: string | undefined;
    let uri: string | undefined;
    let args: string | undefined;
    let host: string | undefined;
    let time: number | undefined;
    let durationMs: number | undefined;
    let size: number | undefined;
    let bytesSent: number | undefined;
    let upStatus: string | undefined;
    let upTime: string | undefined;
    let upConnect: string | undefined;
    let upHeader: string | undefined;
    let upAddr: string | undefined;
    let responseHeaders: Record<string, string[]> | undefined;
    let requestHeaders: Record<string, string[]> | undefined;
    let credentials: "present" | "absent" | undefined;
    for (let k = 0; k < kinds.length; k++) {
      const v = values[k]!;
      switch (kinds[k]) {
        case Kind.Status:
          status = parseUint(v);
          break;
        case Kind.Request:
          requestLine = v;
          break;
        case Kind.Method:
          if (v !== "-") method = v;
          break;
        case Kind.RequestUri:
          if (v !== "-") requestUri = v;
          break;
        case Kind.Uri:
          if (v !== "-") uri = v;
          break;
        case Kind.Args:
          if (v !== "-" && v !== "") args = v;
          break;
        case Kind.Host:
          if (v !== "-" && v !== "" && host === undefined) host = this.text(v);
          break;
        case Kind.TimeLocal:
          time = parseClfTime(v);
          break;
        case Kind.TimeIso:
          time = parseIsoTime(v);
          break;
        case Kind.Msec: {
          const s = parseDecimal(v);
          if (s !== undefined) time = Math.round(s * 1000);
          break;
        }
        case Kind.RequestTime:
          durationMs = secondsToMs(v);
          break;
        case Kind.BodyBytes:
          size = parseUint(v);
          break;
        case Kind.BytesSent:
          bytesSent = parseUint(v);
          break;
        case Kind.UpstreamStatus:
          upStatus = v;
          break;
        case Kind.UpstreamResponseTime:
          upTime = v;
          break;
        case Kind.UpstreamConnectTime:
          upConnect = v;
          break;
        case Kind.UpstreamHeaderTime:
          upHeader = v;
          break;
        case Kind.UpstreamAddr:
          upAddr = v;
          break;
        case Kind.SentHeader:
          if (v !== "-" && v !== "") {
            responseHeaders ??= {};
            const name = this.headerNames[k]!;
            responseHeaders[name] = [keepHeaderValue(name, this.text(v))];
          }
          break;
        case Kind.RequestHeader: {
          const name = this.headerNames[k]!;
          const present = v !== "-" && v !== "";
          if (isCredentialHeader(name)) {
            if (present) credentials = "present";
            else if (credentials === undefined) credentials = "absent";
          }
          if (present) {
            requestHeaders ??= {};
            requestHeaders[name] = [keepHeaderValue(name, this.text(v))];
          }
          break;
        }
        case Kind.RemoteUser:
          if (v !== "-" && v !== "") credentials = "present";
          break;
        default:
          break;
      }
    }
    if (status === undefined)
      return malformed(
        `$status "${values[kinds.indexOf(Kind.Status)]!.slice(0, 12)}" is not a number`,
        file,
        lineNumber,
      );
    const request = this.request(requestLine, method, requestUri, uri, args);
    if (host !== undefined && request.host === undefined) request.host = host;
    if (requestHeaders !== undefined) request.headers = requestHeaders as HeaderBag;
    if (credentials !== undefined) request.credentials = credentials;
    const response: Mutable<NonNullable<Exchange["response"]>> = { status };
    if (size !== undefined) response.size = size;
    // $bytes_sent counts the header section too: never a body size.
    if (bytesSent !== undefined) response.totalSize = bytesSent;
    if (responseHeaders !== undefined) response.headers = responseHeaders;
    const ex: Mutable<Exchange> = {
      format: this.format,
      location: { file, line: lineNumber },
      request,
      response,
    };
    if (time !== undefined)
      ex.time = durationMs === undefined ? time : Math.round(time - durationMs);
    if (durationMs !== undefined) ex.durationMs = durationMs;
    if (
      upStatus !== undefined ||
      upAddr !== undefined ||
      upTime !== undefined ||
      upConnect !== undefined ||
      upHeader !== undefined
    ) {
      ex.upstream = upstreamFacts(status, upStatus, upTime, upConnect, upHeader, upAddr);
    }
    if (status === 499) ex.clientAborted = true;
    return ex;
  }

  private request(
    requestLine: string | undefined,
    method: string | undefined,
    requestUri: string | undefined,
    uri: string | undefined,
    args: string | undefined,
  ): Mutable<Exchange["request"]> {
    if (requestLine !== undefined) {
      const rl = parseRequestLine(this.text(requestLine));
      if (
        rl.method !== "-" ||
        (method === undefined && requestUri === undefined && uri === undefined)
      )
        return rl as Mutable<Exchange["request"]>;
    }
    const target =
      requestUri !== undefined
        ? this.text(requestUri)
        : uri !== undefined
          ? args !== undefined
            ? `${this.text(uri)}?${this.text(args)}`
            : this.text(uri)
          : "-";
    return requestTarget(method ?? "-", target) as Mutable<Exchange["request"]>;
  }
}

function showLiteral(lit: string): string {
  return JSON.stringify(lit);
}

/** Splits an nginx list ("a, b : c") into groups of items. */
function groups(v: string | undefined): string[][] {
  if (v === undefined || v === "") return [];
  return v.split(" : ").map((g) => g.split(", "));
}

/**
 * The attempts of an nginx request from its upstream variables, zipped by position: the i-th
 * status, times and address of each group. "-" is "none" for that attempt.
 */
export function upstreamFacts(
  status: number,
  upStatus: string | undefined,
  upTime: string | undefined,
  upConnect: string | undefined,
  upHeader: string | undefined,
  upAddr: string | undefined,
): UpstreamFacts {
  const attempts: UpstreamAttempt[] = [];
  if (
    isSingle(upStatus) &&
    isSingle(upTime) &&
    isSingle(upConnect) &&
    isSingle(upHeader) &&
    isSingle(upAddr)
  ) {
    // One attempt (the common case): no lists to split.
    const a = attemptOf(upStatus, upTime, upConnect, upHeader, upAddr, undefined);
    if (a !== undefined) attempts.push(a);
  } else {
    const s = groups(upStatus);
    const t = groups(upTime);
    const c = groups(upConnect);
    const h = groups(upHeader);
    const ad = groups(upAddr);
    const groupCount = Math.max(s.length, t.length, c.length, h.length, ad.length);
    for (let g = 0; g < groupCount; g++) {
      const n = Math.max(
        s[g]?.length ?? 0,
        t[g]?.length ?? 0,
        c[g]?.length ?? 0,
        h[g]?.length ?? 0,
        ad[g]?.length ?? 0,
      );
      for (let i = 0; i < n; i++) {
        const a = attemptOf(
          s[g]?.[i],
          t[g]?.[i],
          c[g]?.[i],
          h[g]?.[i],
          ad[g]?.[i],
          groupCount > 1 ? g : undefined,
        );
        if (a !== undefined) attempts.push(a);
      }
    }
  }
  const facts: Mutable<UpstreamFacts> = { attempts };
  if (upStatus === undefined) return facts;
  const last = attempts[attempts.length - 1];
  let anyStatus = false;
  for (const a of attempts) if (a.status !== undefined) anyStatus = true;
  if (!anyStatus) facts.generatedBy = "proxy";
  else if (last?.status === status && last.headerMs !== undefined) facts.generatedBy = "upstream";
  return facts;
}

const isSingle = (v: string | undefined): boolean =>
  v === undefined || (v.indexOf(", ") === -1 && v.indexOf(" : ") === -1);

/** One attempt from its items ("-" = none); undefined when every item is "-". */
function attemptOf(
  st: string | undefined,
  tm: string | undefined,
  cm: string | undefined,
  hm: string | undefined,
  ad: string | undefined,
  group: number | undefined,
): UpstreamAttempt | undefined {
  const attempt: Mutable<UpstreamAttempt> = {};
  let any = false;
  const status = dash(st) === undefined ? undefined : parseUint(st!);
  if (status !== undefined) {
    attempt.status = status;
    any = true;
  }
  const time = dash(tm) === undefined ? undefined : secondsToMs(tm!);
  if (time !== undefined) {
    attempt.timeMs = time;
    any = true;
  }
  const connect = dash(cm) === undefined ? undefined : secondsToMs(cm!);
  if (connect !== undefined) {
    attempt.connectMs = connect;
    any = true;
  }
  const header = dash(hm) === undefined ? undefined : secondsToMs(hm!);
  if (header !== undefined) {
    attempt.headerMs = header;
    any = true;
  }
  const addr = dash(ad);
  if (addr !== undefined) {
    attempt.addr = addr;
    any = true;
  }
  if (!any) return undefined;
  if (group !== undefined) attempt.group = group;
  return attempt;
}

/**
 * ingress-nginx's default `log-format-upstream` (internal/ingress/controller/config/config.go),
 * and the one before `$proxy_alternative_upstream_name` was added (0.21 and earlier).
 */
export const INGRESS_NGINX_FORMATS: readonly string[] = [
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id',
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time [$proxy_upstream_name] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id',
];

/** The ingress-nginx default formats as line formats (format "ingress-nginx"), newest first. */
export const ingressNginx: readonly LineFormat[] = INGRESS_NGINX_FORMATS.map(
  (f) => new NginxLineFormat(compileLogFormat(f), "ingress-nginx"),
);

const cache = new Map<string, NginxLineFormat>();

/**
 * The line format for an nginx log_format (bare string, "combined", or a whole directive).
 * Throws InputError TRUESTATUS_INVALID_LOG_FORMAT when it cannot be compiled.
 */
export function nginxFormat(logFormat: string = NGINX_COMBINED): LineFormat {
  let f = cache.get(logFormat);
  if (f === undefined) {
    f = new NginxLineFormat(compileLogFormat(logFormat));
    if (cache.size > 32) cache.clear();
    cache.set(logFormat, f);
  }
  return f;
}
