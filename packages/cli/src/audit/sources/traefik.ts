/**
 * Traefik access logs (pkg/middlewares/accesslog), in both of its formats:
 *
 * - `common` (the default): combined, then `RequestCount "RouterName" "ServiceURL" <Duration>ms`:
 *   `192.0.2.1 - - [02/Oct/2017:20:22:07 +0000] "GET /a HTTP/1.1" 304 0 "-" "UA" 262 "r@docker" "http://172.19.0.3:5601" 2ms`.
 *   The size is DownstreamContentSize (the body). The line does not say which status the backend
 *   gave, so it feeds no upstream rule.
 * - `json`: one object per line with Traefik's field names (RequestMethod, RequestPath,
 *   DownstreamStatus, DownstreamContentSize, OriginStatus, Duration in ns, StartUTC, ServiceURL,
 *   ClientUsername, and the headers kept by `fields.headers`: `request_<Name>`,
 *   `downstream_<Name>`). OriginStatus 0 means no backend answered: when a backend was chosen,
 *   the status is Traefik's own (targetStatus null).
 */
import type {
  Capability,
  Exchange,
  HeaderBag,
  UpstreamAttempt,
  UpstreamFacts,
} from "../exchange.js";
import type { LineFormat, LoggedHeaders, SourceRecord } from "../source.js";
import { combined } from "./clf.js";
import {
  isCredentialHeader,
  loggedHeaderFacts,
  malformed,
  parseIsoTime,
  parseUint,
  requestTarget,
} from "./fields.js";
import { headerBag, type JsonObject, numberOf, parseObjectLine } from "./json.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Where the Traefik tail `N "router" "service" Dms` starts in a line, or -1. Read backwards with
 * indexOf/lastIndexOf only (linear).
 */
function tailStart(line: string): { start: number; durationMs: number } | undefined {
  const end = line.length;
  if (end < 12 || line.charCodeAt(end - 1) !== 0x73 || line.charCodeAt(end - 2) !== 0x6d)
    return undefined;
  const sp = line.lastIndexOf(" ", end - 3);
  const durationMs = parseUint(line, sp + 1, end - 2);
  if (sp < 0 || durationMs === undefined || line.charCodeAt(sp - 1) !== 0x22) return undefined;
  // "service": its opening quote is the last ' "' before the closing one.
  const svc = line.lastIndexOf(' "', sp - 2);
  if (svc < 0 || line.charCodeAt(svc - 1) !== 0x22) return undefined;
  const router = line.lastIndexOf(' "', svc - 2);
  if (router < 0) return undefined;
  const count = line.lastIndexOf(" ", router - 1);
  if (count < 0 || parseUint(line, count + 1, router) === undefined) return undefined;
  return { start: count, durationMs };
}

function parseCommon(line: string, file: string, n: number): SourceRecord | undefined {
  if (line.length === 0) return undefined;
  const tail = tailStart(line);
  if (tail === undefined)
    return malformed(
      'not a Traefik line: no RequestCount "router" "service" <n>ms at the end',
      file,
      n,
    );
  // combined reads the line up to the user agent and ignores what follows (no copy of the line).
  const r = combined.parse(line, file, n);
  if (r === undefined || "malformed" in r)
    return malformed(
      r === undefined ? "not a Traefik line" : r.reason.replace("Combined", "Traefik"),
      file,
      n,
    );
  const ex = r as Mutable<Exchange>;
  ex.format = "traefik";
  ex.durationMs = tail.durationMs;
  return ex;
}

const COMMON_CAPS: ReadonlySet<Capability> = new Set<Capability>([
  "time",
  "duration",
  "response.size",
]);

export const traefik: LineFormat = {
  format: "traefik",
  capabilities: COMMON_CAPS,
  detect: (line) => {
    const r = tailStart(line) === undefined ? undefined : parseCommon(line, "", 0);
    return r !== undefined && !("malformed" in r);
  },
  parse: parseCommon,
};

// ---------------------------------------------------------------- JSON

const isTraefikObject = (o: JsonObject): boolean =>
  typeof o.RequestMethod === "string" && typeof o.DownstreamStatus === "number";

/** Headers of one prefix ("request_", "downstream_") as a bag, names lowercased. */
function prefixed(o: JsonObject, prefix: string): HeaderBag | undefined {
  let picked: Record<string, string> | undefined;
  for (const k of Object.keys(o))
    if (k.startsWith(prefix)) {
      const v = o[k];
      if (typeof v === "string") {
        picked ??= {};
        picked[k.slice(prefix.length)] = v;
      }
    }
  return picked === undefined ? undefined : headerBag(picked);
}

const text = (v: unknown): string | undefined =>
  typeof v === "string" && v !== "" && v !== "-" ? v : undefined;

class TraefikJson implements LineFormat {
  readonly format = "traefik" as const;
  readonly capabilities: ReadonlySet<Capability>;
  readonly loggedHeaders?: LoggedHeaders;

  /**
   * Traefik logs a header only when `fields.headers` keeps it and the request had it: the headers
   * seen in the first lines are taken as the ones logged (a rule about another header is not run).
   */
  constructor(sample: readonly string[]) {
    const caps = new Set<Capability>(["time", "duration", "response.size", "upstream"]);
    const req = new Set<string>();
    const res = new Set<string>();
    for (const l of sample) {
      const o = parseObjectLine(l);
      if (o === undefined) continue;
      for (const k of Object.keys(o)) {
        if (k.startsWith("request_")) req.add(k.slice(8).toLowerCase());
        else if (k.startsWith("downstream_")) res.add(k.slice(11).toLowerCase());
      }
    }
    const logged = loggedHeaderFacts(req, res, caps);
    this.capabilities = caps;
    if (logged !== undefined) this.loggedHeaders = logged;
  }

  detect(line: string): boolean {
    const o = parseObjectLine(line);
    return o !== undefined && isTraefikObject(o);
  }

  parse(line: string, file: string, n: number): SourceRecord | undefined {
    if (line.length === 0) return undefined;
    const o = parseObjectLine(line);
    if (o === undefined) return malformed("not a Traefik JSON line: not a JSON object", file, n);
    if (!isTraefikObject(o)) {
      // Traefik's own messages share the stream when both logs go to stdout.
      if (typeof o.msg === "string" && !("RequestPath" in o)) return undefined;
      return malformed(
        "not a Traefik access line: no RequestMethod or numeric DownstreamStatus",
        file,
        n,
      );
    }
    const status = o.DownstreamStatus as number;
    const request = requestTarget(o.RequestMethod as string, text(o.RequestPath) ?? "-") as Mutable<
      Exchange["request"]
    >;
    const host = text(o.RequestHost);
    if (host !== undefined && request.host === undefined) request.host = host;
    const reqHeaders = prefixed(o, "request_");
    const logged = this.loggedHeaders?.request;
    if (reqHeaders !== undefined) request.headers = reqHeaders;
    if (text(o.ClientUsername) !== undefined) request.credentials = "present";
    else if (logged !== undefined && [...logged].some(isCredentialHeader))
      request.credentials = Object.keys(reqHeaders ?? {}).some(isCredentialHeader)
        ? "present"
        : "absent";
    const ex: Mutable<Exchange> = { format: "traefik", location: { file, line: n }, request };
    if (status > 0) {
      const response: Mutable<NonNullable<Exchange["response"]>> = { status };
      const size = numberOf(o.DownstreamContentSize);
      if (size !== undefined) response.size = size;
      const resHeaders = prefixed(o, "downstream_");
      if (resHeaders !== undefined) response.headers = resHeaders;
      ex.response = response;
    }
    const duration = numberOf(o.Duration);
    if (duration !== undefined && duration >= 0) ex.durationMs = Math.round(duration / 1000) / 1000;
    const start = typeof o.StartUTC === "string" ? parseIsoTime(o.StartUTC) : undefined;
    if (start !== undefined) ex.time = start;
    const service = text(o.ServiceURL) ?? text(o.ServiceAddr);
    const origin = numberOf(o.OriginStatus);
    const upstream: Mutable<UpstreamFacts> = {};
    if (service !== undefined) {
      const a: Mutable<UpstreamAttempt> = { addr: service };
      if (origin !== undefined && origin > 0) a.status = origin;
      const od = numberOf(o.OriginDuration);
      if (od !== undefined && od > 0) a.timeMs = Math.round(od / 1000) / 1000;
      upstream.attempts = [a];
      upstream.targetStatus = origin !== undefined && origin > 0 ? origin : null;
      upstream.generatedBy = origin === status ? "upstream" : "proxy";
    } else upstream.generatedBy = "proxy";
    const retries = numberOf(o.RetryAttempts);
    if (retries !== undefined && retries > 0) upstream.details = `${retries} retries`;
    ex.upstream = upstream;
    if (status === 499) ex.clientAborted = true;
    return ex;
  }
}

/** The Traefik JSON format, its logged headers taken from `sample` (the first lines). */
export function traefikJson(sample: readonly string[] = []): LineFormat {
  return new TraefikJson(sample);
}
