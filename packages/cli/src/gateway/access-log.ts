/**
 * The access log: one JSON object per line, in the NDJSON shape `truestatus analyze` reads with no
 * field mapping (status, method, url, host, time, duration_ms, size, upstream_status,
 * upstream_addr, upstream_time_ms, response_headers; 499 marks a client abort, as nginx logs it),
 * plus what only the gateway knows: route, failure_class, error.type and Proxy-Status.
 * The query string is redacted (tokens in URLs), credentials are never logged.
 */
import { createWriteStream, type WriteStream } from "node:fs";
import { redactTarget } from "../audit/redact.js";

/** Response fields worth keeping for analyze's rules (all others are left out). */
export const LOGGED_RESPONSE_HEADERS: ReadonlySet<string> = new Set([
  "content-type",
  "proxy-status",
  "retry-after",
  "ratelimit",
  "ratelimit-policy",
  "www-authenticate",
  "allow",
]);

export interface AccessLogEntry {
  readonly time: number;
  readonly method: string;
  readonly url: string;
  readonly host: string | undefined;
  readonly client: string;
  /** 499 when the client went away before the answer was complete. */
  readonly status: number;
  readonly durationMs: number;
  /** Body bytes sent to the client. */
  readonly size: number;
  readonly route: string;
  readonly upstream: string | undefined;
  readonly upstreamAddr: string | undefined;
  readonly upstreamStatus: number | undefined;
  readonly upstreamTimeMs: number | undefined;
  readonly failureClass: string;
  /** Proxy-Status error type, or another error name (client_abort, incomplete, ...). */
  readonly errorType: string;
  readonly proxyStatus: string | undefined;
  readonly attempts: number;
  readonly responseHeaders: Readonly<Record<string, string>> | undefined;
}

/** One line (with its newline). Pure. */
export function formatAccessLog(e: AccessLogEntry): string {
  const o: Record<string, unknown> = {
    time: new Date(e.time).toISOString(),
    method: e.method,
    url: redactTarget(e.url),
    host: e.host,
    client: e.client,
    status: e.status,
    duration_ms: Math.round(e.durationMs * 1000) / 1000,
    size: e.size,
    route: e.route,
    upstream: e.upstream,
    upstream_addr: e.upstreamAddr,
    upstream_status: e.upstreamStatus,
    upstream_time_ms:
      e.upstreamTimeMs === undefined ? undefined : Math.round(e.upstreamTimeMs * 1000) / 1000,
    attempts: e.attempts,
    failure_class: e.failureClass === "" ? undefined : e.failureClass,
    "error.type": e.errorType === "" ? undefined : e.errorType,
    proxy_status: e.proxyStatus,
    response_headers: e.responseHeaders,
  };
  return `${JSON.stringify(o)}\n`;
}

/** Lines are gathered and written once per turn of the event loop (one write, not one per request). */
export class AccessLog {
  private buffer: string[] = [];
  private scheduled = false;
  private readonly out: NodeJS.WritableStream | WriteStream;
  private readonly owned: boolean;

  constructor(target: string) {
    if (target === "-") {
      this.out = process.stdout;
      this.owned = false;
    } else {
      const file = createWriteStream(target, { flags: "a" });
      file.on("error", (e: Error) => process.stderr.write(`access log: ${e.message}\n`));
      this.out = file;
      this.owned = true;
    }
  }

  write(e: AccessLogEntry): void {
    this.buffer.push(formatAccessLog(e));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.scheduled = false;
    if (this.buffer.length === 0) return;
    const text = this.buffer.join("");
    this.buffer = [];
    this.out.write(text);
  }

  /** Writes what is pending and closes the file. */
  async close(): Promise<void> {
    this.flush();
    if (!this.owned) return;
    await new Promise<void>((resolve) => (this.out as WriteStream).end(() => resolve()));
  }
}
