/**
 * OpenTelemetry log records of HTTP requests, as JSON lines: either one record per line (SDK
 * console exporters, Vector, Fluent Bit: `{"timeUnixNano", "attributes": …}`) or one OTLP/JSON
 * batch per line (the collector's file exporter: `{"resourceLogs": [{"scopeLogs": [{"logRecords":
 * [...]}]}]}`). Attributes may be a map or OTLP's list of `{key, value: {stringValue|intValue|…}}`.
 *
 * Semantic conventions read, current and older: `http.request.method`/`http.method`,
 * `http.response.status_code`/`http.status_code`, `url.full`/`http.url`, `url.path` +
 * `url.query`/`http.target`, `server.address`/`http.host`, `http.response.body.size`/
 * `http.response_content_length` (the body: `size`), `http.request.header.<name>` and
 * `http.response.header.<name>` (lists of values). Records without a status are other logs of
 * the same application: skipped.
 */
import type { Capability, Exchange, HeaderBag } from "../exchange.js";
import { keepHeaderValue } from "../redact.js";
import type { LineFormat, LoggedHeaders, SourceRecord } from "../source.js";
import { isCredentialHeader, loggedHeaderFacts, malformed, requestTarget } from "./fields.js";
import { isObject, type Json, type JsonObject, numberOf, parseObjectLine } from "./json.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** An OTLP AnyValue ({stringValue}, {intValue: "200"}, {arrayValue: {values}}) or a plain value. */
function plain(v: Json | undefined): Json | undefined {
  if (!isObject(v)) return v;
  if ("stringValue" in v) return v.stringValue;
  if ("intValue" in v) return numberOf(v.intValue) ?? null;
  if ("doubleValue" in v) return v.doubleValue;
  if ("boolValue" in v) return v.boolValue;
  if (isObject(v.arrayValue) && Array.isArray(v.arrayValue.values))
    return v.arrayValue.values.map((x) => plain(x) ?? null);
  return v;
}

/** Attributes as a flat map, from either shape. */
function attributesOf(v: Json | undefined): Record<string, Json> {
  const out: Record<string, Json> = {};
  if (Array.isArray(v)) {
    for (const kv of v)
      if (isObject(kv) && typeof kv.key === "string") {
        const p = plain(kv.value);
        if (p !== undefined) out[kv.key] = p;
      }
  } else if (isObject(v)) for (const [k, x] of Object.entries(v)) out[k] = plain(x) ?? null;
  return out;
}

const first = (a: Record<string, Json>, ...keys: string[]): Json | undefined => {
  for (const k of keys) if (a[k] !== undefined && a[k] !== null) return a[k];
  return undefined;
};
const str = (v: Json | undefined): string | undefined =>
  typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined;

/** The log records of a line: a batch's records, or the line itself. */
function recordsOf(o: JsonObject): JsonObject[] {
  if (!Array.isArray(o.resourceLogs)) return [o];
  const out: JsonObject[] = [];
  for (const rl of o.resourceLogs)
    if (isObject(rl) && Array.isArray(rl.scopeLogs))
      for (const sl of rl.scopeLogs)
        if (isObject(sl) && Array.isArray(sl.logRecords))
          for (const r of sl.logRecords) if (isObject(r)) out.push(r);
  return out;
}

function headersWith(a: Record<string, Json>, prefix: string): HeaderBag | undefined {
  let bag: Record<string, string[]> | undefined;
  for (const [k, v] of Object.entries(a)) {
    if (!k.startsWith(prefix)) continue;
    const name = k.slice(prefix.length).toLowerCase();
    const values = (Array.isArray(v) ? v : [v]).filter(
      (x): x is string | number => typeof x === "string" || typeof x === "number",
    );
    if (values.length === 0) continue;
    bag ??= {};
    bag[name] = values.map((x) => keepHeaderValue(name, String(x)));
  }
  return bag;
}

function statusOf(a: Record<string, Json>): number | undefined {
  const s = numberOf(first(a, "http.response.status_code", "http.status_code"));
  return s !== undefined && Number.isInteger(s) && s >= 0 && s <= 999 ? s : undefined;
}

function toExchange(r: JsonObject, file: string, n: number): Exchange | undefined {
  const a = attributesOf(r.attributes);
  const status = statusOf(a);
  if (status === undefined) return undefined;
  const method = str(first(a, "http.request.method", "http.method")) ?? "-";
  const full = str(first(a, "url.full", "http.url"));
  let target = str(first(a, "http.target"));
  const path = str(first(a, "url.path"));
  if (target === undefined && path !== undefined) {
    const q = str(first(a, "url.query"));
    target = q ? `${path}?${q.replace(/^\?/, "")}` : path;
  }
  const request = requestTarget(method, target ?? full ?? "-") as Mutable<Exchange["request"]>;
  const host = str(first(a, "server.address", "http.host", "net.host.name"));
  if (host !== undefined && request.host === undefined) request.host = host;
  const rh = headersWith(a, "http.request.header.");
  if (rh !== undefined) request.headers = rh;
  const ex: Mutable<Exchange> = { format: "otel", location: { file, line: n }, request };
  if (status > 0) {
    const response: Mutable<NonNullable<Exchange["response"]>> = { status };
    const size = numberOf(first(a, "http.response.body.size", "http.response_content_length"));
    if (size !== undefined && size >= 0) response.size = size;
    const resh = headersWith(a, "http.response.header.");
    if (resh !== undefined) response.headers = resh;
    ex.response = response;
  }
  const ns = numberOf(r.timeUnixNano) ?? numberOf(r.observedTimeUnixNano);
  if (ns !== undefined && ns > 0) ex.time = Math.round(ns / 1e6);
  if (status === 499) ex.clientAborted = true;
  return ex;
}

class OtelFormat implements LineFormat {
  readonly format = "otel" as const;
  readonly stateful = true;
  readonly capabilities: ReadonlySet<Capability>;
  readonly loggedHeaders?: LoggedHeaders;

  constructor(sample: readonly string[]) {
    const caps = new Set<Capability>(["time"]);
    const req = new Set<string>();
    const res = new Set<string>();
    for (const l of sample) {
      const o = parseObjectLine(l);
      if (o === undefined) continue;
      for (const r of recordsOf(o)) {
        const a = attributesOf(r.attributes);
        for (const k of Object.keys(a)) {
          if (k === "http.response.body.size" || k === "http.response_content_length")
            caps.add("response.size");
          if (k.startsWith("http.request.header.")) req.add(k.slice(20).toLowerCase());
          if (k.startsWith("http.response.header.")) res.add(k.slice(21).toLowerCase());
        }
      }
    }
    const logged = loggedHeaderFacts(req, res, caps);
    this.capabilities = caps;
    if (logged !== undefined) this.loggedHeaders = logged;
  }

  detect(line: string): boolean {
    const o = parseObjectLine(line);
    if (o === undefined) return false;
    return recordsOf(o).some((r) => statusOf(attributesOf(r.attributes)) !== undefined);
  }

  parseAll(line: string, file: string, n: number): readonly SourceRecord[] {
    if (line.length === 0) return [];
    const o = parseObjectLine(line);
    if (o === undefined)
      return [malformed("not an OpenTelemetry line: not a JSON object", file, n)];
    const out: SourceRecord[] = [];
    for (const r of recordsOf(o)) {
      const ex = toExchange(r, file, n);
      if (ex !== undefined) out.push(this.withCredentials(ex));
    }
    return out;
  }

  parse(line: string, file: string, n: number): SourceRecord | undefined {
    return this.parseAll(line, file, n)[0];
  }

  /** Credentials are known only when a credential header is among those logged. */
  private withCredentials(ex: Exchange): Exchange {
    if (!this.capabilities.has("request.credentials")) return ex;
    const present = Object.keys(ex.request.headers ?? {}).some(isCredentialHeader);
    return { ...ex, request: { ...ex.request, credentials: present ? "present" : "absent" } };
  }
}

/** The OpenTelemetry format, its capabilities taken from `sample` (the first lines). */
export function otelFormat(sample: readonly string[] = []): LineFormat {
  return new OtelFormat(sample);
}
