/**
 * Generic NDJSON: one JSON object per line, read through a field mapping (exchange field → JSON
 * path). Paths are dotted (`res.statusCode`); a key that itself holds dots (OpenTelemetry's
 * `http.response.status_code`) is found too: at each level the longest key that exists wins.
 * Fields not mapped by the user are looked for under common names (pino-http, OpenTelemetry,
 * nginx-style JSON), and only the ones found in the first lines are kept, so the capabilities
 * say what the file really holds.
 */
import type { Capability, Exchange, UpstreamAttempt } from "../exchange.js";
import type { LineFormat, SourceRecord } from "../source.js";
import { InputError } from "./errors.js";
import { malformed, parseIsoTime, requestTarget } from "./fields.js";
import { headerBag, isCredentialHeader, type Json, numberOf, parseObjectLine } from "./json.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The exchange fields a mapping may name, with the paths tried when it does not. */
export const NDJSON_FIELDS = {
  status: [
    "status",
    "status_code",
    "statusCode",
    "res.statusCode",
    "response.status",
    "response.status_code",
    "http.response.status_code",
    "attributes.http.response.status_code",
    "http.status_code",
  ],
  method: [
    "method",
    "request_method",
    "req.method",
    "request.method",
    "http.request.method",
    "attributes.http.request.method",
    "http.method",
  ],
  target: [
    "request_uri",
    "uri",
    "url",
    "req.url",
    "request.url",
    "request.uri",
    "url.full",
    "http.target",
  ],
  path: ["path", "url.path", "request.path", "attributes.url.path"],
  query: ["query", "url.query", "args", "query_string"],
  host: ["host", "request.host", "req.headers.host", "server.address", "http.host"],
  time: ["time", "timestamp", "@timestamp", "ts", "start_time", "time_iso8601"],
  durationMs: ["duration_ms", "durationMs", "responseTime", "response_time_ms", "elapsed_ms"],
  durationSeconds: ["request_time", "duration_s", "duration_seconds"],
  // Body bytes as sent (nginx $body_bytes_sent and the like). A Content-Length value is no such
  // count (a HEAD or 304 carries the length of the body it does not send): not looked for.
  size: ["body_bytes_sent", "size", "bytes"],
  // Bytes sent including the header section (nginx $bytes_sent, Kong's response.size).
  totalSize: ["bytes_sent", "response.size"],
  requestHeaders: ["req.headers", "request.headers", "request_headers"],
  responseHeaders: ["res.headers", "response.headers", "resp_headers", "response_headers"],
  responseBody: ["response.body", "res.body", "response_body"],
  upstreamStatus: ["upstream_status", "upstream.status"],
  upstreamAddr: ["upstream_addr", "upstream.addr", "upstream.address"],
  upstreamTimeMs: ["upstream_time_ms", "upstream.time_ms"],
  networkError: ["error.type", "network_error"],
} as const;

export type NdjsonField = keyof typeof NDJSON_FIELDS;

const FIELD_NAMES = Object.keys(NDJSON_FIELDS) as NdjsonField[];

/** A compiled path: its segments and, for each span i..j, the joined key. */
interface Path {
  readonly text: string;
  readonly keys: readonly (readonly string[])[];
}

function compilePath(text: string): Path {
  const segs = text.split(".");
  const keys: string[][] = [];
  for (let i = 0; i < segs.length; i++) {
    const row: string[] = [];
    for (let j = i + 1; j <= segs.length; j++) row.push(segs.slice(i, j).join("."));
    keys.push(row);
  }
  return { text, keys };
}

function resolve(o: Json | undefined, p: Path, i = 0): Json | undefined {
  if (i === p.keys.length) return o;
  if (o === null || typeof o !== "object") return undefined;
  const row = p.keys[i]!;
  const obj = o as Record<string, Json>;
  for (let k = row.length - 1; k >= 0; k--) {
    const key = row[k]!;
    if (Object.hasOwn(obj, key)) {
      const r = resolve(obj[key], p, i + k + 1);
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

type Mapping = Partial<Record<NdjsonField, Path>>;

/** Checks a user mapping: known fields, non-empty paths. Throws INVALID_FIELD_MAP. */
export function checkFieldMap(map: Readonly<Record<string, string>>): void {
  for (const [field, path] of Object.entries(map)) {
    if (!(FIELD_NAMES as string[]).includes(field))
      throw new InputError(
        "TRUESTATUS_INVALID_FIELD_MAP",
        "--field",
        `unknown exchange field "${field}" (one of: ${FIELD_NAMES.join(", ")})`,
      );
    if (path.trim().length === 0 || path.split(".").some((s) => s.length === 0))
      throw new InputError(
        "TRUESTATUS_INVALID_FIELD_MAP",
        "--field",
        `empty JSON path for "${field}"`,
      );
  }
}

/** The mapping: the user's paths, then for other fields the first default path found in `sample`. */
function buildMapping(map: Readonly<Record<string, string>>, sample: readonly string[]): Mapping {
  const objects = sample.map(parseObjectLine).filter((o) => o !== undefined);
  const m: Mapping = {};
  for (const f of FIELD_NAMES) {
    const given = map[f];
    if (given !== undefined) {
      m[f] = compilePath(given);
      continue;
    }
    for (const candidate of NDJSON_FIELDS[f]) {
      const p = compilePath(candidate);
      if (objects.some((o) => resolve(o, p) !== undefined)) {
        m[f] = p;
        break;
      }
    }
  }
  return m;
}

function epochMs(v: Json | undefined): number | undefined {
  if (typeof v === "string") {
    const iso = parseIsoTime(v);
    if (iso !== undefined) return iso;
  }
  const n = numberOf(v);
  if (n === undefined) return undefined;
  // Seconds (1.7e9), milliseconds (1.7e12), microseconds (1.7e15), nanoseconds (1.7e18).
  if (n < 1e11) return Math.round(n * 1000);
  if (n < 1e14) return Math.round(n);
  if (n < 1e17) return Math.round(n / 1000);
  return Math.round(n / 1e6);
}

const str = (v: Json | undefined): string | undefined =>
  typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined;

class NdjsonFormat implements LineFormat {
  readonly format = "ndjson" as const;
  readonly capabilities: ReadonlySet<Capability>;

  constructor(private readonly m: Mapping) {
    const caps = new Set<Capability>();
    if (m.time) caps.add("time");
    if (m.durationMs || m.durationSeconds) caps.add("duration");
    if (m.requestHeaders) caps.add("request.headers").add("request.credentials");
    if (m.responseHeaders) caps.add("response.headers");
    if (m.responseBody) caps.add("response.body");
    if (m.size) caps.add("response.size");
    if (m.upstreamStatus || m.upstreamAddr) caps.add("upstream");
    this.capabilities = caps;
  }

  private get(o: Json, f: NdjsonField): Json | undefined {
    const p = this.m[f];
    return p === undefined ? undefined : resolve(o, p);
  }

  detect(line: string): boolean {
    const o = parseObjectLine(line);
    if (o === undefined) return false;
    const status = numberOf(this.get(o, "status"));
    return (
      status !== undefined &&
      Number.isInteger(status) &&
      status >= 0 &&
      status <= 999 &&
      typeof this.get(o, "method") === "string"
    );
  }

  parse(line: string, file: string, n: number): SourceRecord | undefined {
    if (line.length === 0) return undefined;
    const o = parseObjectLine(line);
    if (o === undefined) return malformed("not a JSON object", file, n);
    const statusValue = this.get(o, "status");
    const status = numberOf(statusValue);
    const networkError = str(this.get(o, "networkError"));
    if (
      (status === undefined || !Number.isInteger(status) || status < 0 || status > 999) &&
      networkError === undefined
    )
      return malformed(
        statusValue === undefined
          ? `no status at "${this.m.status?.text ?? "status"}"`
          : `status at "${this.m.status?.text}" is not an integer`,
        file,
        n,
      );
    const method = str(this.get(o, "method")) ?? "-";
    let target = str(this.get(o, "target"));
    if (target === undefined) {
      const path = str(this.get(o, "path"));
      const query = str(this.get(o, "query"));
      target = path === undefined ? "-" : query ? `${path}?${query.replace(/^\?/, "")}` : path;
    }
    const request = requestTarget(method, target) as Mutable<Exchange["request"]>;
    const host = str(this.get(o, "host"));
    if (host !== undefined && request.host === undefined) request.host = host;
    if (this.m.requestHeaders) {
      const h = headerBag(this.get(o, "requestHeaders"));
      if (h !== undefined) {
        request.headers = h;
        request.credentials = Object.keys(h).some(isCredentialHeader) ? "present" : "absent";
      }
    }
    const ex: Mutable<Exchange> = { format: "ndjson", location: { file, line: n }, request };
    if (status !== undefined && status > 0) {
      const response: Mutable<NonNullable<Exchange["response"]>> = { status };
      const size = numberOf(this.get(o, "size"));
      if (size !== undefined) response.size = size;
      const total = numberOf(this.get(o, "totalSize"));
      if (total !== undefined) response.totalSize = total;
      const rh = this.m.responseHeaders ? headerBag(this.get(o, "responseHeaders")) : undefined;
      if (rh !== undefined) response.headers = rh;
      const body = this.get(o, "responseBody");
      if (body !== undefined && body !== null) {
        const text = typeof body === "string" ? body : JSON.stringify(body);
        response.body = { text: text.slice(0, 65_536), truncated: text.length > 65_536 };
      }
      ex.response = response;
    } else if (networkError !== undefined) ex.networkError = networkError;
    const time = epochMs(this.get(o, "time"));
    if (time !== undefined) ex.time = time;
    const ms = numberOf(this.get(o, "durationMs"));
    const s = numberOf(this.get(o, "durationSeconds"));
    if (ms !== undefined && ms >= 0) ex.durationMs = ms;
    else if (s !== undefined && s >= 0) ex.durationMs = Math.round(s * 1_000_000) / 1000;
    const us = numberOf(this.get(o, "upstreamStatus"));
    const ua = str(this.get(o, "upstreamAddr"));
    const ut = numberOf(this.get(o, "upstreamTimeMs"));
    if (us !== undefined || ua !== undefined || ut !== undefined) {
      const a: Mutable<UpstreamAttempt> = {};
      if (us !== undefined) a.status = us;
      if (ua !== undefined) a.addr = ua;
      if (ut !== undefined) a.timeMs = ut;
      ex.upstream = { attempts: [a] };
    }
    if (status === 499) ex.clientAborted = true;
    return ex;
  }
}

/**
 * The NDJSON line format for a user mapping (checked: throws INVALID_FIELD_MAP) completed by the
 * default paths found in `sample` (the first lines of the input).
 */
export function ndjsonFormat(
  fieldMap: Readonly<Record<string, string>> = {},
  sample: readonly string[] = [],
): LineFormat {
  checkFieldMap(fieldMap);
  return new NdjsonFormat(buildMapping(fieldMap, sample));
}

/** The required fields (status, method) that neither `fieldMap` nor a default path finds in `sample`. */
export function unmappedFields(
  fieldMap: Readonly<Record<string, string>>,
  sample: readonly string[],
): ("status" | "method")[] {
  const m = buildMapping(fieldMap, sample);
  return (["status", "method"] as const).filter((f) => m[f] === undefined);
}
