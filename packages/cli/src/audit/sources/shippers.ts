/**
 * JSON access logs of common services, each with a built-in field map (no --field needed):
 *
 * - `gcp-lb`: Google Cloud Logging entries with an `httpRequest` (HTTP(S) load balancers, and
 *   Cloud Run / App Engine request logs): `httpRequest.{requestMethod, requestUrl, status,
 *   responseSize, latency}`, `jsonPayload.statusDetails`, `timestamp`. `responseSize` counts the
 *   header section too (Google documents it so): `response.totalSize`.
 * - `cloudflare`: Logpush `http_requests` (ClientRequestMethod, ClientRequestHost,
 *   ClientRequestURI, EdgeResponseStatus, EdgeResponseBodyBytes (the body: `size`),
 *   EdgeResponseBytes (with headers: `totalSize`), OriginResponseStatus, OriginIP,
 *   EdgeStartTimestamp, EdgeEndTimestamp, RequestHeaders, ResponseHeaders).
 * - `kong`: the file-log / http-log plugins' JSON (request, response, latencies, tries,
 *   upstream_status, started_at). `response.size` counts headers too: `totalSize`.
 *
 * Lines of other shapes in the same stream are malformed records, never guessed.
 */
import type {
  Capability,
  Exchange,
  HeaderBag,
  UpstreamAttempt,
  UpstreamFacts,
} from "../exchange.js";
import type { LineFormat, LoggedHeaders, SourceRecord } from "../source.js";
import { isCredentialHeader, malformed, parseIsoTime, requestTarget } from "./fields.js";
import {
  headerBag,
  isObject,
  type Json,
  type JsonObject,
  numberOf,
  parseObjectLine,
} from "./json.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const str = (v: Json | undefined): string | undefined =>
  typeof v === "string" && v.length > 0 ? v : undefined;

/** An epoch in s, ms, µs or ns (by magnitude), or an RFC 3339 string → epoch ms. */
function epochMs(v: Json | undefined): number | undefined {
  if (typeof v === "string") {
    const iso = parseIsoTime(v);
    if (iso !== undefined) return iso;
  }
  const n = numberOf(v);
  if (n === undefined || n <= 0) return undefined;
  if (n < 1e11) return Math.round(n * 1000);
  if (n < 1e14) return Math.round(n);
  if (n < 1e17) return Math.round(n / 1000);
  return Math.round(n / 1e6);
}

type Request = Mutable<Exchange["request"]>;
type Ex = Omit<Mutable<Exchange>, "request"> & { request: Request };

/** The request of an absolute URL or an origin-form target. */
function requestOf(method: string | undefined, url: string | undefined): Request {
  return requestTarget(method ?? "-", url ?? "-") as Request;
}

/** A JSON line format from a recogniser and a reader of the parsed object. */
function jsonFormat(
  format: "gcp-lb" | "cloudflare" | "kong",
  capabilities: ReadonlySet<Capability>,
  recognise: (o: JsonObject) => boolean,
  read: (o: JsonObject, ex: Ex) => void,
  what: string,
  loggedHeaders?: LoggedHeaders,
): LineFormat {
  return {
    format,
    capabilities,
    ...(loggedHeaders === undefined ? {} : { loggedHeaders }),
    detect: (line) => {
      const o = parseObjectLine(line);
      return o !== undefined && recognise(o);
    },
    parse: (line, file, n): SourceRecord | undefined => {
      if (line.length === 0) return undefined;
      const o = parseObjectLine(line);
      if (o === undefined) return malformed(`not a ${format} line: not a JSON object`, file, n);
      if (!recognise(o)) return malformed(`not a ${format} line: no ${what}`, file, n);
      const ex = { format, location: { file, line: n } } as Ex;
      read(o, ex);
      return ex;
    },
  };
}

// ---------------------------------------------------------------- Google Cloud

/** statusDetails that mean the backend never answered: the load balancer made the status. */
const GCP_NO_BACKEND = new Set([
  "failed_to_connect_to_backend",
  "failed_to_pick_backend",
  "backend_timeout",
  "backend_connection_closed_before_data_sent_to_client",
  "backend_response_corrupted",
  "backend_503_failed_to_pick_backend",
]);

const gcpRecognise = (o: JsonObject): boolean =>
  isObject(o.httpRequest) &&
  typeof o.httpRequest.requestMethod === "string" &&
  numberOf(o.httpRequest.status) !== undefined;

function gcpRead(o: JsonObject, ex: Ex): void {
  const h = o.httpRequest as JsonObject;
  ex.request = requestOf(str(h.requestMethod), str(h.requestUrl));
  const status = numberOf(h.status) ?? 0;
  if (status > 0) {
    const response: Mutable<NonNullable<Exchange["response"]>> = { status };
    const total = numberOf(h.responseSize);
    if (total !== undefined) response.totalSize = total;
    ex.response = response;
  }
  if (typeof h.latency === "string" && h.latency.endsWith("s")) {
    const s = Number(h.latency.slice(0, -1));
    if (Number.isFinite(s) && s >= 0) ex.durationMs = Math.round(s * 1_000_000) / 1000;
  }
  const t = epochMs(o.timestamp);
  if (t !== undefined) ex.time = t;
  const payload = isObject(o.jsonPayload) ? o.jsonPayload : undefined;
  const details = str(payload?.statusDetails);
  if (details !== undefined) {
    const upstream: Mutable<UpstreamFacts> = { details };
    if (details === "response_sent_by_backend") {
      upstream.generatedBy = "upstream";
      if (status > 0) {
        upstream.targetStatus = status;
        upstream.attempts = [{ status }];
      }
    } else {
      upstream.generatedBy = "proxy";
      if (GCP_NO_BACKEND.has(details)) upstream.targetStatus = null;
    }
    ex.upstream = upstream;
    if (details.startsWith("client_disconnected")) ex.clientAborted = true;
  }
  if (status === 0) ex.clientAborted = true;
}

export const gcpLb: LineFormat = jsonFormat(
  "gcp-lb",
  new Set<Capability>(["time", "duration", "upstream"]),
  gcpRecognise,
  gcpRead,
  "httpRequest with requestMethod and status",
);

// ---------------------------------------------------------------- Cloudflare

const cfRecognise = (o: JsonObject): boolean =>
  typeof o.ClientRequestMethod === "string" && numberOf(o.EdgeResponseStatus) !== undefined;

function cfRead(o: JsonObject, ex: Ex): void {
  const uri = str(o.ClientRequestURI) ?? str(o.ClientRequestPath);
  ex.request = requestOf(str(o.ClientRequestMethod), uri);
  const host = str(o.ClientRequestHost);
  if (host !== undefined && ex.request.host === undefined) ex.request.host = host;
  const rh = isObject(o.RequestHeaders) ? headerBag(o.RequestHeaders) : undefined;
  if (rh !== undefined && Object.keys(rh).length > 0) {
    ex.request.headers = rh;
    if (Object.keys(rh).some(isCredentialHeader)) ex.request.credentials = "present";
  }
  const status = numberOf(o.EdgeResponseStatus) ?? 0;
  if (status > 0) {
    const response: Mutable<NonNullable<Exchange["response"]>> = { status };
    const body = numberOf(o.EdgeResponseBodyBytes);
    if (body !== undefined) response.size = body;
    const total = numberOf(o.EdgeResponseBytes);
    if (total !== undefined) response.totalSize = total;
    const headers = isObject(o.ResponseHeaders) ? headerBag(o.ResponseHeaders) : undefined;
    if (headers !== undefined && Object.keys(headers).length > 0) response.headers = headers;
    ex.response = response;
  }
  const start = epochMs(o.EdgeStartTimestamp);
  const end = epochMs(o.EdgeEndTimestamp);
  if (start !== undefined) ex.time = start;
  if (start !== undefined && end !== undefined && end >= start) ex.durationMs = end - start;
  const origin = numberOf(o.OriginResponseStatus) ?? 0;
  const ip = str(o.OriginIP);
  if (ip !== undefined || origin > 0) {
    const a: Mutable<UpstreamAttempt> = {};
    if (ip !== undefined) a.addr = ip;
    if (origin > 0) a.status = origin;
    const ms = numberOf(o.OriginResponseDurationMs);
    if (ms !== undefined && ms > 0) a.timeMs = ms;
    ex.upstream = {
      attempts: [a],
      targetStatus: origin > 0 ? origin : null,
      generatedBy: origin > 0 && origin === status ? "upstream" : "proxy",
    };
  } else ex.upstream = { generatedBy: "proxy" };
}

/** Cloudflare, its logged request/response headers taken from the first lines. */
export function cloudflareFormat(sample: readonly string[] = []): LineFormat {
  const req = new Set<string>();
  const res = new Set<string>();
  let bodySize = false;
  for (const l of sample) {
    const o = parseObjectLine(l);
    if (o === undefined) continue;
    if (isObject(o.RequestHeaders))
      for (const k of Object.keys(o.RequestHeaders)) req.add(k.toLowerCase());
    if (isObject(o.ResponseHeaders))
      for (const k of Object.keys(o.ResponseHeaders)) res.add(k.toLowerCase());
    if (numberOf(o.EdgeResponseBodyBytes) !== undefined) bodySize = true;
  }
  const caps = new Set<Capability>(["time", "duration", "upstream"]);
  if (bodySize) caps.add("response.size");
  if (req.size > 0) caps.add("request.headers");
  if (res.size > 0) caps.add("response.headers");
  const logged =
    req.size > 0 || res.size > 0
      ? { ...(req.size > 0 ? { request: req } : {}), ...(res.size > 0 ? { response: res } : {}) }
      : undefined;
  return jsonFormat(
    "cloudflare",
    caps,
    cfRecognise,
    cfRead,
    "ClientRequestMethod and EdgeResponseStatus",
    logged,
  );
}

// ---------------------------------------------------------------- Kong

const kongRecognise = (o: JsonObject): boolean =>
  isObject(o.request) &&
  isObject(o.response) &&
  isObject(o.latencies) &&
  typeof o.request.method === "string" &&
  numberOf(o.response.status) !== undefined;

function kongRead(o: JsonObject, ex: Ex): void {
  const req = o.request as JsonObject;
  const res = o.response as JsonObject;
  ex.request = requestOf(str(req.method), str(req.uri) ?? str(req.url));
  const rh = headerBag(req.headers);
  if (rh !== undefined) {
    ex.request.headers = rh;
    if (rh.host?.[0] !== undefined && ex.request.host === undefined) ex.request.host = rh.host[0];
  }
  // Kong logs every request header; a consumer means a credential was accepted.
  ex.request.credentials =
    (rh !== undefined && Object.keys(rh).some(isCredentialHeader)) ||
    isObject(o.authenticated_entity) ||
    isObject(o.consumer)
      ? "present"
      : "absent";
  const status = numberOf(res.status) ?? 0;
  if (status > 0) {
    const response: Mutable<NonNullable<Exchange["response"]>> = { status };
    const total = numberOf(res.size);
    if (total !== undefined) response.totalSize = total;
    const headers = headerBag(res.headers);
    if (headers !== undefined) response.headers = headers;
    ex.response = response;
  }
  const lat = o.latencies as JsonObject;
  const duration = numberOf(lat.request);
  if (duration !== undefined && duration >= 0) ex.durationMs = duration;
  const t = epochMs(o.started_at);
  if (t !== undefined) ex.time = t;
  const tries = Array.isArray(o.tries) ? o.tries.filter(isObject) : [];
  const upStatus = numberOf(o.upstream_status as Json);
  const attempts: UpstreamAttempt[] = [];
  tries.forEach((t, i) => {
    const a: Mutable<UpstreamAttempt> = {};
    const ip = str(t.ip);
    if (ip !== undefined) a.addr = t.port === undefined ? ip : `${ip}:${String(t.port)}`;
    const code = numberOf(t.code);
    if (code !== undefined) a.status = code;
    else if (i === tries.length - 1 && upStatus !== undefined) a.status = upStatus;
    // Without a status, the last try tells nothing about who answered: left out.
    if (a.status !== undefined) attempts.push(a);
  });
  const upstream: Mutable<UpstreamFacts> = {};
  // Only when the last try's status is known: an earlier failed try says nothing about the answer.
  if (attempts.length === tries.length && attempts.length > 0) upstream.attempts = attempts;
  if (tries.length === 0) upstream.generatedBy = "proxy";
  else if (upStatus !== undefined)
    upstream.generatedBy = upStatus === status ? "upstream" : "proxy";
  ex.upstream = upstream;
  if (status === 499) ex.clientAborted = true;
}

export const kong: LineFormat = jsonFormat(
  "kong",
  new Set<Capability>([
    "time",
    "duration",
    "upstream",
    "request.headers",
    "request.credentials",
    "response.headers",
  ]),
  kongRecognise,
  kongRead,
  "request, response and latencies",
);

export type { HeaderBag };
