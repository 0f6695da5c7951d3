/**
 * Amazon S3 server access logs: space-separated fields, some bracketed or quoted, in AWS's order
 *
 *   bucket_owner bucket [time] remote_ip requester request_id operation key "request_uri"
 *   http_status error_code bytes_sent object_size total_time turn_around_time "referer"
 *   "user_agent" version_id host_id signature_version cipher_suite authentication_type
 *   host_header tls_version access_point_arn acl_required …
 *
 * Fields AWS adds at the end are ignored. `bytes_sent` counts the response body without the HTTP
 * protocol overhead ("-" for none), so it is the body size. `requester` is "-" for an anonymous
 * request: credentials absent; anything else (an IAM ARN, a canonical id) means they were sent.
 * `total_time` (ms) is the duration. Lines of S3's own operations (lifecycle, batch deletes:
 * status and request "-") record no HTTP exchange: skipped.
 */
import type { Capability, Exchange } from "../exchange.js";
import type { LineFormat, SourceRecord } from "../source.js";
import {
  dash,
  detectsBy,
  FieldCursor,
  loggedRequest,
  malformed,
  parseClfTime,
  parseUint,
} from "./fields.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const cursor = new FieldCursor();

function parseS3(line: string, file: string, n: number): SourceRecord | undefined {
  if (line.length === 0) return undefined;
  const open = line.indexOf(" [");
  const close = open === -1 ? -1 : line.indexOf("] ", open);
  if (open <= 0 || close === -1 || close - open > 40)
    return malformed("not an S3 access log line: no [time] after the bucket", file, n);
  const time = parseClfTime(line.slice(open + 2, close));
  if (time === undefined)
    return malformed(
      "not an S3 access log line: the time is not dd/Mon/yyyy:HH:MM:SS +zone",
      file,
      n,
    );
  const c = cursor.reset(line, close + 2);
  c.next(); // remote_ip
  const requester = c.next();
  c.next(); // request_id
  const operation = c.next();
  c.next(); // key
  const requestText = c.next();
  const requestQuoted = c.quoted;
  const statusText = c.next();
  const errorCode = c.next();
  const bytesSent = c.next();
  c.next(); // object_size
  const totalTime = c.next();
  if (
    requester === undefined ||
    operation === undefined ||
    requestText === undefined ||
    statusText === undefined ||
    errorCode === undefined ||
    bytesSent === undefined
  )
    return malformed("not an S3 access log line: fields missing after the time", file, n);
  if (!/^[A-Z0-9]+\.[A-Z0-9_.]+$/.test(operation))
    return malformed(`not an S3 access log line: operation "${operation.slice(0, 30)}"`, file, n);
  // S3 operations of its own (batch deletes, lifecycle) have no request line of their own.
  if (!requestQuoted && requestText === "-") return undefined;
  const status = parseUint(statusText);
  if (status === undefined || statusText.length !== 3)
    return malformed(`S3 http_status "${statusText.slice(0, 12)}" is not a 3-digit code`, file, n);
  c.next(); // turn_around_time
  c.next(); // referer
  c.next(); // user agent
  c.next(); // version_id
  c.next(); // host_id
  c.next(); // signature_version
  c.next(); // cipher_suite
  c.next(); // authentication_type
  const hostHeader = dash(c.next());
  const request = loggedRequest(requestText, hostHeader) as Mutable<Exchange["request"]>;
  request.credentials = requester === "-" ? "absent" : "present";
  const size = bytesSent === "-" ? 0 : parseUint(bytesSent);
  const ex: Mutable<Exchange> = {
    format: "s3",
    location: { file, line: n },
    time,
    request,
    response: size === undefined ? { status } : { status, size },
  };
  const ms = totalTime === undefined ? undefined : parseUint(totalTime);
  if (ms !== undefined) ex.durationMs = ms;
  return ex;
}

const CAPS: ReadonlySet<Capability> = new Set<Capability>([
  "time",
  "duration",
  "response.size",
  "request.credentials",
]);

const parsesAsS3 = detectsBy(parseS3);

export const s3: LineFormat = {
  format: "s3",
  capabilities: CAPS,
  detect: (line) => {
    // The bucket owner's canonical id (64 hex digits) or "-", then the bucket, then [time].
    const sp = line.indexOf(" ");
    return (sp === 64 || sp === 1) && parsesAsS3(line);
  },
  parse: parseS3,
};
