/**
 * Caddy v2 JSON access logs (logger `http.log.access…`, one JSON object per line):
 * `{"level","ts","logger","msg":"handled request","request":{"remote_ip","proto","method","host",
 * "uri","headers":{Name:[values]}},"bytes_read","user_id","duration","size","status",
 * "resp_headers":{Name:[values]}}`. `ts` and `duration` are seconds by default (strings when
 * configured otherwise: ISO time, Go durations). Caddy writes Authorization, Cookie and
 * Proxy-Authorization values as ["REDACTED"] (Caddy 2.6: as []): the header was sent, so credentials are "present".
 * Lines from other loggers (runtime messages in the same stream) are not exchanges: skipped.
 *
 * `size` is what the handlers wrote, not what went on the wire: Go's net/http drops (and reports
 * as written) a body written for HEAD, and never sends one for 204 or 304. So it is not read as a
 * body size, and the body-on-the-wire rules are not checked on Caddy logs (docs/sources.md).
 */
import type { Capability, Exchange } from "../exchange.js";
import type { LineFormat, SourceRecord } from "../source.js";
import { malformed, parseIsoTime, requestTarget } from "./fields.js";
import { goDurationMs, headerBag, isCredentialHeader, isObject, parseObjectLine } from "./json.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function isAccess(o: Record<string, unknown>): boolean {
  return isObject(o.request) && typeof o.status === "number";
}

function parseCaddy(line: string, file: string, n: number): SourceRecord | undefined {
  if (line.length === 0) return undefined;
  const o = parseObjectLine(line);
  if (o === undefined) return malformed("not a Caddy line: not a JSON object", file, n);
  if (!isAccess(o)) {
    if (typeof o.logger === "string" && !o.logger.startsWith("http.log.access")) return undefined;
    return malformed("not a Caddy access line: no request or status", file, n);
  }
  const req = o.request as Record<string, unknown>;
  const status = o.status as number;
  const method = typeof req.method === "string" ? req.method : "-";
  const uri = typeof req.uri === "string" ? req.uri : "-";
  const request = requestTarget(method, uri) as Mutable<Exchange["request"]>;
  if (typeof req.host === "string" && request.host === undefined) request.host = req.host;
  const headers = headerBag(req.headers as never);
  if (headers !== undefined) {
    request.headers = headers;
    request.credentials = Object.keys(headers).some(isCredentialHeader) ? "present" : "absent";
  }
  const ex: Mutable<Exchange> = { format: "caddy", location: { file, line: n }, request };
  const response: Mutable<NonNullable<Exchange["response"]>> = { status };
  const rh = headerBag(o.resp_headers as never);
  if (rh !== undefined) response.headers = rh;
  // Status 0: no response was written. With reverse_proxy that is a request the client canceled
  // (Caddy 2.6 logs 0; later versions log 499).
  if (status > 0) ex.response = response;
  const duration =
    typeof o.duration === "number"
      ? o.duration * 1000
      : typeof o.duration === "string"
        ? goDurationMs(o.duration)
        : undefined;
  if (duration !== undefined) ex.durationMs = Math.round(duration * 1000) / 1000;
  const ts =
    typeof o.ts === "number"
      ? o.ts * 1000
      : typeof o.ts === "string"
        ? parseIsoTime(o.ts)
        : undefined;
  // ts is when the line was logged, after the response: the request started `duration` earlier.
  if (ts !== undefined) ex.time = Math.round(ts - (duration ?? 0));
  if (status === 499 || status === 0) ex.clientAborted = true;
  return ex;
}

const CAPS: ReadonlySet<Capability> = new Set<Capability>([
  "time",
  "duration",
  "request.headers",
  "request.credentials",
  "response.headers",
]);

export const caddy: LineFormat = {
  format: "caddy",
  capabilities: CAPS,
  detect: (line) => {
    const o = parseObjectLine(line);
    return (
      o !== undefined &&
      isAccess(o) &&
      (typeof o.logger !== "string" || o.logger.startsWith("http.log.access")) &&
      ("resp_headers" in o || o.msg === "handled request")
    );
  },
  parse: parseCaddy,
};
