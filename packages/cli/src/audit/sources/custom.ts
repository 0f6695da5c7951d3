/**
 * Custom formats of HAProxy (`log-format`) and Envoy (access log `format` strings), given with
 * `--log-format` as nginx's are. A format is compiled once into literals and fields; a line is
 * read left to right, each field ending at the next literal (found with indexOf), except fields
 * whose values hold it: HAProxy's quoted fields (`%{+Q}r`), captured headers (`{a|b}`) and
 * dates with a zone (`%T`), read by shape. Linear in the line, nothing backtracks.
 *
 * Which program a format string is for is told by its fields: `%START_TIME%`, `%REQ(:METHOD)%`
 * (Envoy's `%COMMAND%`), or `%ci`, `%ST`, `%{+Q}r` (HAProxy's `%name`); nginx's are `$name`.
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
import { PROXY_FLAGS } from "./envoy.js";
import { InputError } from "./errors.js";
import {
  dash,
  isCredentialHeader,
  loggedHeaderFacts,
  loggedRequest,
  malformed,
  parseClfTime,
  parseInt10,
  parseIsoTime,
  parseRequestLine,
  parseUint,
  requestTarget,
} from "./fields.js";
import { unescapeHaproxy } from "./haproxy.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** How a field's value is found in a line. */
enum Scan {
  /** Up to the next literal. */
  Plain,
  /** A double-quoted value (HAProxy +Q): up to the next '"'. */
  Quoted,
  /** `{…}` (HAProxy captured headers): up to the next '}'. */
  Braces,
  /** A date with a zone, "06/Feb/2009:12:14:14 +0100": 26 characters. */
  Date26,
}

interface Field {
  /** The field's name as written (`ST`, `REQ(:METHOD)`). */
  readonly name: string;
  readonly scan: Scan;
}

interface Template {
  readonly literals: readonly string[];
  readonly fields: readonly Field[];
}

function formatError(message: string): InputError {
  return new InputError("TRUESTATUS_INVALID_LOG_FORMAT", "--log-format", message);
}

/** Which program a --log-format string is for. */
export function logFormatKind(spec: string): "nginx" | "haproxy" | "envoy" {
  if (/%[A-Z][A-Z_0-9]*(\([^)%]*\))?(:\d+)?%/.test(spec)) return "envoy";
  if (/\$[A-Za-z_{]/.test(spec)) return "nginx";
  if (/%(\{[^}]*\})?([A-Za-z]|\[)/.test(spec)) return "haproxy";
  return "nginx";
}

function pushField(t: { literals: string[]; fields: Field[] }, lit: string, f: Field): void {
  if (t.fields.length > 0 && lit.length === 0 && t.fields[t.fields.length - 1]!.scan === Scan.Plain)
    throw formatError(
      `%${t.fields[t.fields.length - 1]!.name} and %${f.name} have nothing between them, so a line cannot be split`,
    );
  t.literals.push(lit);
  t.fields.push(f);
}

/** HAProxy log-format: `%name`, `%{+Q,+X}name`, `%[sample,converter]`; `\ ` is a space. */
export function compileHaproxy(spec: string): Template {
  let format = spec.trim();
  const m = /^log-format\s+(.*)$/s.exec(format);
  if (m !== null) format = m[1]!.trim();
  if (format.length > 1 && format.startsWith('"') && format.endsWith('"'))
    format = format.slice(1, -1);
  const t = { literals: [] as string[], fields: [] as Field[] };
  let lit = "";
  let i = 0;
  while (i < format.length) {
    const c = format[i]!;
    if (c === "\\" && i + 1 < format.length) {
      lit += format[i + 1];
      i += 2;
      continue;
    }
    if (c !== "%") {
      lit += c;
      i++;
      continue;
    }
    let j = i + 1;
    let flags = "";
    if (format[j] === "{") {
      const close = format.indexOf("}", j);
      if (close === -1) throw formatError(`unterminated "%{" at character ${i + 1}`);
      flags = format.slice(j + 1, close);
      j = close + 1;
    }
    let name: string;
    if (format[j] === "[") {
      const close = format.indexOf("]", j);
      if (close === -1) throw formatError(`unterminated "%[" at character ${i + 1}`);
      name = format.slice(j, close + 1);
      j = close + 1;
    } else {
      let k = j;
      while (k < format.length && /[A-Za-z]/.test(format[k]!)) k++;
      if (k === j) {
        if (format[j] === "%") {
          lit += "%";
          i = j + 1;
          continue;
        }
        throw formatError(`"%" without a field name at character ${i + 1}`);
      }
      name = format.slice(j, k);
      j = k;
    }
    const quoted = /(^|,)\+Q(,|$)/.test(flags);
    const scan = quoted
      ? Scan.Quoted
      : name === "hr" || name === "hs"
        ? Scan.Braces
        : name === "T" || name === "Tl"
          ? Scan.Date26
          : Scan.Plain;
    pushField(t, lit, { name, scan });
    lit = "";
    i = j;
  }
  t.literals.push(lit);
  if (t.fields.length === 0) throw formatError("the format has no %field");
  if (!t.fields.some((f) => f.name === "ST"))
    throw formatError("the format has no %ST, so no exchange can be read from it");
  return t;
}

/** Envoy format string: `%COMMAND%`, `%COMMAND(arg)%`, `%COMMAND(arg):N%`. */
export function compileEnvoy(spec: string): Template {
  let format = spec;
  if (format.endsWith("\n")) format = format.slice(0, -1);
  const t = { literals: [] as string[], fields: [] as Field[] };
  let lit = "";
  let i = 0;
  const re = /%([A-Z][A-Z_0-9]*)(\([^)]*\))?(:\d+)?%/y;
  while (i < format.length) {
    if (format[i] !== "%") {
      lit += format[i];
      i++;
      continue;
    }
    re.lastIndex = i;
    const m = re.exec(format);
    if (m === null) {
      lit += "%";
      i++;
      continue;
    }
    pushField(t, lit, { name: `${m[1]}${m[2] ?? ""}`, scan: Scan.Plain });
    lit = "";
    i = re.lastIndex;
  }
  t.literals.push(lit);
  if (t.fields.length === 0) throw formatError("the format has no %COMMAND%");
  if (!t.fields.some((f) => f.name === "RESPONSE_CODE"))
    throw formatError("the format has no %RESPONSE_CODE%, so no exchange can be read from it");
  return t;
}

const blankFrom = (lits: readonly string[], from: number): boolean =>
  lits.slice(from).every((l) => l.trim().length === 0);

/** Splits `line` from `start` into `values`; a reason when it does not fit. */
function split(t: Template, line: string, start: number, values: string[]): string | undefined {
  const lits = t.literals;
  if (!line.startsWith(lits[0]!, start)) return "does not start like the log format";
  let pos = start + lits[0]!.length;
  const n = t.fields.length;
  for (let k = 0; k < n; k++) {
    const f = t.fields[k]!;
    const term = lits[k + 1]!;
    // HAProxy leaves out what it has none of at the end (the captures of a bad request).
    if (pos >= line.length && blankFrom(lits, k + 1)) {
      for (let j = k; j < n; j++) values[j] = "";
      return undefined;
    }
    let vStart = pos;
    let vEnd: number;
    if (f.scan === Scan.Quoted && line.charCodeAt(pos) === 0x22) {
      vStart = pos + 1;
      vEnd = line.indexOf('"', vStart);
      if (vEnd === -1) return `does not fit the log format: unterminated quoted %${f.name}`;
      pos = vEnd + 1;
      if (!line.startsWith(term, pos))
        return `does not fit the log format: no ${JSON.stringify(term)} after %${f.name}`;
    } else if (f.scan === Scan.Braces && line.charCodeAt(pos) === 0x7b) {
      vEnd = line.indexOf("}", pos);
      if (vEnd === -1) return `does not fit the log format: unterminated {…} of %${f.name}`;
      vEnd++;
      pos = vEnd;
      if (!line.startsWith(term, pos))
        return `does not fit the log format: no ${JSON.stringify(term)} after %${f.name}`;
    } else if (f.scan === Scan.Date26 && line.startsWith(term, pos + 26)) {
      vEnd = pos + 26;
      pos = vEnd;
    } else {
      vEnd = term.length === 0 ? line.length : line.indexOf(term, pos);
      if (vEnd === -1)
        return `does not fit the log format: no ${JSON.stringify(term)} after %${f.name}`;
      pos = vEnd;
    }
    values[k] = line.slice(vStart, vEnd);
    pos += term.length;
  }
  if (pos !== line.length && lits[n]!.length > 0)
    return "does not fit the log format: text after the last field";
  return undefined;
}

/** Where a syslog header ends ("… haproxy[123]: "), or -1. */
function afterSyslogHeader(line: string): number {
  const i = line.indexOf("]: ");
  return i === -1 || i > 256 ? -1 : i + 3;
}

// ---------------------------------------------------------------- HAProxy

const ms = (v: number | undefined): number | undefined =>
  v === undefined || v < 0 ? undefined : v;

class HaproxyCustom implements LineFormat {
  readonly format = "haproxy" as const;
  readonly capabilities: ReadonlySet<Capability>;
  private readonly t: Template;
  private readonly names: readonly string[];
  private readonly values: string[];

  constructor(spec: string) {
    this.t = compileHaproxy(spec);
    this.names = this.t.fields.map((f) => f.name);
    this.values = this.names.map(() => "");
    const caps = new Set<Capability>();
    const has = (...n: string[]) => n.some((x) => this.names.includes(x));
    if (has("tr", "t", "trg", "trl", "T", "Tl")) caps.add("time");
    if (has("Ta", "Tt")) caps.add("duration");
    if (has("tsc", "ts")) caps.add("upstream");
    this.capabilities = caps;
  }

  private fit(line: string): number {
    if (split(this.t, line, 0, this.values) === undefined) return 0;
    const at = afterSyslogHeader(line);
    if (at !== -1 && split(this.t, line, at, this.values) === undefined) return at;
    return -1;
  }

  detect(line: string): boolean {
    const r = this.parse(line, "", 0);
    return r !== undefined && !("malformed" in r);
  }

  parse(line: string, file: string, n: number): SourceRecord | undefined {
    if (line.length === 0) return undefined;
    if (this.fit(line) === -1) {
      if (/\bhaproxy\[\d+\]: /.test(line.slice(0, 200)) && !line.includes('"')) return undefined; // HAProxy's own notices
      return malformed(
        split(this.t, line, 0, this.values) ?? "does not fit the log format",
        file,
        n,
      );
    }
    const get = (name: string): string | undefined => {
      const i = this.names.indexOf(name);
      return i === -1 ? undefined : this.values[i];
    };
    const status = parseInt10(get("ST"));
    if (status === undefined) return malformed(`%ST "${get("ST")}" is not a number`, file, n);
    let request: Mutable<Exchange["request"]>;
    const r = get("r");
    if (r !== undefined)
      request = parseRequestLine(unescapeHaproxy(r)) as Mutable<Exchange["request"]>;
    else {
      const hu = dash(get("HU"));
      const hp = dash(get("HP"));
      const hq = dash(get("HQ"));
      const target = unescapeHaproxy(hu ?? (hp === undefined ? "-" : `${hp}${hq ?? ""}`));
      const hm = dash(get("HM"));
      // parseRequestLine: "<BADREQ> <BADREQ>" is no request line (method "-", the text kept).
      request = (
        hm === undefined ? requestTarget("-", target) : parseRequestLine(`${hm} ${target}`)
      ) as Mutable<Exchange["request"]>;
    }
    const ex: Mutable<Exchange> = { format: "haproxy", location: { file, line: n }, request };
    const dateText = get("tr") ?? get("t") ?? get("trl") ?? get("T") ?? get("Tl");
    if (dateText !== undefined) {
      const time = parseClfTime(dateText);
      if (time !== undefined) ex.time = time;
    } else {
      const trg = get("trg");
      const time = trg === undefined ? undefined : parseIsoTime(trg);
      if (time !== undefined) ex.time = time;
    }
    if (status >= 0) {
      const response: Mutable<NonNullable<Exchange["response"]>> = { status };
      const bytes = parseInt10(get("B"));
      if (bytes !== undefined && bytes >= 0) response.totalSize = bytes;
      ex.response = response;
    }
    const ta = ms(parseInt10(get("Ta") ?? get("Tt")));
    if (ta !== undefined) ex.durationMs = ta;
    const tsc = get("tsc") ?? get("ts");
    if (tsc !== undefined && tsc.length >= 2) {
      const upstream: Mutable<UpstreamFacts> = { termination: tsc };
      const server = get("s");
      const backend = get("b");
      const noServer = server === "<NOSRV>" || server === "-";
      const tc = ms(parseInt10(get("Tc")));
      const tr = ms(parseInt10(get("Tr")));
      if (server !== undefined && !noServer) {
        const a: Mutable<UpstreamAttempt> = {
          addr: backend === undefined ? server : `${backend}/${server}`,
        };
        if (tc !== undefined) a.connectMs = tc;
        if (tr !== undefined) a.headerMs = tr;
        upstream.attempts = [a];
      }
      const cause = tsc[0]!;
      const phase = tsc[1]!;
      if (noServer || (cause !== "-" && cause !== "C" && cause !== "c" && "RQCHT".includes(phase)))
        upstream.generatedBy = "proxy";
      else if (tr !== undefined && status > 0 && upstream.attempts !== undefined) {
        upstream.generatedBy = "upstream";
        (upstream.attempts[0] as Mutable<UpstreamAttempt>).status = status;
      }
      if (get("rc")?.startsWith("+")) upstream.details = "redispatched";
      ex.upstream = upstream;
      if (cause === "C" || cause === "c") ex.clientAborted = true;
    }
    return ex;
  }
}

// ---------------------------------------------------------------- Envoy

/** `REQ(X?Y):N` → "x" (the header asked first, lowercase). */
function headerArg(name: string, command: "REQ" | "RESP"): string | undefined {
  if (!name.startsWith(`${command}(`)) return undefined;
  const inner = name.slice(command.length + 1, name.indexOf(")"));
  return inner.split("?")[0]!.toLowerCase();
}

class EnvoyCustom implements LineFormat {
  readonly format = "envoy" as const;
  readonly capabilities: ReadonlySet<Capability>;
  readonly loggedHeaders?: LoggedHeaders;
  private readonly t: Template;
  private readonly names: readonly string[];
  private readonly values: string[];

  constructor(spec: string) {
    this.t = compileEnvoy(spec);
    this.names = this.t.fields.map((f) => f.name);
    this.values = this.names.map(() => "");
    const caps = new Set<Capability>();
    const req = new Set<string>();
    const res = new Set<string>();
    for (const n of this.names) {
      if (n.startsWith("START_TIME")) caps.add("time");
      if (n === "DURATION") caps.add("duration");
      if (n === "BYTES_SENT") caps.add("response.size");
      if (n === "RESPONSE_FLAGS" || n === "RESPONSE_FLAGS_LONG" || n === "RESPONSE_CODE_DETAILS")
        caps.add("upstream");
      const rq = headerArg(n, "REQ");
      if (
        rq !== undefined &&
        !rq.startsWith(":") &&
        rq !== "host" &&
        !rq.startsWith("x-envoy-original-path")
      )
        req.add(rq);
      const rs = headerArg(n, "RESP");
      if (rs !== undefined && !rs.startsWith(":")) res.add(rs);
    }
    const logged = loggedHeaderFacts(req, res, caps);
    this.capabilities = caps;
    if (logged !== undefined) this.loggedHeaders = logged;
  }

  detect(line: string): boolean {
    const r = this.parse(line, "", 0);
    return r !== undefined && !("malformed" in r);
  }

  parse(line: string, file: string, n: number): SourceRecord | undefined {
    if (line.length === 0) return undefined;
    const reason = split(this.t, line, 0, this.values);
    if (reason !== undefined) return malformed(reason, file, n);
    let code: number | undefined;
    let method: string | undefined;
    let path: string | undefined;
    let authority: string | undefined;
    let time: number | undefined;
    let duration: number | undefined;
    let sent: number | undefined;
    let flags: string[] | undefined;
    let details: string | undefined;
    let upstreamHost: string | undefined;
    let serviceTime: number | undefined;
    let reqHeaders: Record<string, string[]> | undefined;
    let resHeaders: Record<string, string[]> | undefined;
    let credentials: "present" | "absent" | undefined;
    for (let k = 0; k < this.names.length; k++) {
      const name = this.names[k]!;
      const v = this.values[k]!;
      if (name === "RESPONSE_CODE") code = parseUint(v);
      else if (name.startsWith("START_TIME")) time = parseIsoTime(v);
      else if (name === "DURATION") duration = parseUint(v);
      else if (name === "BYTES_SENT") sent = parseUint(v);
      else if (name === "RESPONSE_FLAGS" || name === "RESPONSE_FLAGS_LONG")
        flags = v === "-" || v === "" ? [] : v.split(",");
      else if (name === "RESPONSE_CODE_DETAILS") details = dash(v);
      else if (name === "UPSTREAM_HOST") upstreamHost = dash(v);
      else {
        const rq = headerArg(name, "REQ");
        if (rq !== undefined) {
          const value = dash(v);
          if (rq === ":method") method = value;
          else if (rq === ":path" || rq.startsWith("x-envoy-original-path")) path ??= value;
          else if (rq === ":authority" || rq === "host") authority ??= value;
          else {
            if (isCredentialHeader(rq)) {
              if (value !== undefined) credentials = "present";
              else credentials ??= "absent";
            }
            if (value !== undefined) {
              reqHeaders ??= {};
              reqHeaders[rq] = [keepHeaderValue(rq, value)];
            }
          }
          continue;
        }
        const rs = headerArg(name, "RESP");
        if (rs !== undefined) {
          const value = dash(v);
          if (rs === "x-envoy-upstream-service-time") serviceTime = parseUint(v);
          if (value !== undefined && !rs.startsWith(":")) {
            resHeaders ??= {};
            resHeaders[rs] = [keepHeaderValue(rs, value)];
          }
        }
      }
    }
    if (code === undefined) return malformed("%RESPONSE_CODE% is not a number", file, n);
    const request = loggedRequest(`${method ?? "-"} ${path ?? "-"} -`, authority) as Mutable<
      Exchange["request"]
    >;
    if (reqHeaders !== undefined) request.headers = reqHeaders as HeaderBag;
    if (credentials !== undefined) request.credentials = credentials;
    const ex: Mutable<Exchange> = { format: "envoy", location: { file, line: n }, request };
    if (time !== undefined) ex.time = time;
    if (code !== 0) {
      const response: Mutable<NonNullable<Exchange["response"]>> = { status: code };
      if (sent !== undefined) response.size = sent;
      if (resHeaders !== undefined) response.headers = resHeaders as HeaderBag;
      ex.response = response;
    }
    if (duration !== undefined) ex.durationMs = duration;
    if (flags !== undefined || details !== undefined) {
      const upstream: Mutable<UpstreamFacts> = { flags: flags ?? [] };
      if (details !== undefined) upstream.details = details;
      if (upstreamHost !== undefined || serviceTime !== undefined) {
        const a: Mutable<UpstreamAttempt> = {};
        if (upstreamHost !== undefined) a.addr = upstreamHost;
        if (serviceTime !== undefined) a.timeMs = serviceTime;
        upstream.attempts = [a];
      }
      if (details !== undefined)
        upstream.generatedBy = details === "via_upstream" ? "upstream" : "proxy";
      else if ((flags ?? []).some((f) => PROXY_FLAGS.has(f))) upstream.generatedBy = "proxy";
      ex.upstream = upstream;
      if (flags?.includes("DC") || flags?.includes("DownstreamConnectionTermination"))
        ex.clientAborted = true;
    }
    return ex;
  }
}

const cache = new Map<string, LineFormat>();

function cached(key: string, make: () => LineFormat): LineFormat {
  let f = cache.get(key);
  if (f === undefined) {
    f = make();
    if (cache.size > 32) cache.clear();
    cache.set(key, f);
  }
  return f;
}

/** The line format of an HAProxy log-format. Throws INVALID_LOG_FORMAT. */
export function haproxyFormat(spec: string): LineFormat {
  return cached(`h${spec}`, () => new HaproxyCustom(spec));
}

/** The line format of an Envoy format string. Throws INVALID_LOG_FORMAT. */
export function envoyFormat(spec: string): LineFormat {
  return cached(`e${spec}`, () => new EnvoyCustom(spec));
}
