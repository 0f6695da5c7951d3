/**
 * The access log: one JSON object per line, in the NDJSON shape `truestatus analyze` reads with no
 * field mapping (status, method, url, host, time, duration_ms, size, upstream_status,
 * upstream_addr, upstream_time_ms, response_headers; 499 marks a client abort, as nginx logs it),
 * plus what only the gateway knows: route, failure_class, error.type and Proxy-Status.
 * The query string is redacted (tokens in URLs), credentials are never logged.
 */
import { createWriteStream, fstatSync } from "node:fs";
import { Socket } from "node:net";
import { redactTarget } from "../audit/redact.js";
import { escapeControlInline, jsonSafe } from "../audit/report/terminal.js";

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
  // On a terminal (accessLog: "-"), no raw C1 or bidi character from a Host or a URL.
  return `${jsonSafe(JSON.stringify(o))}\n`;
}

/**
 * Lines are gathered and written once per turn of the event loop (one write, not one per request).
 *
 * Bounded: when the output is slower than the traffic (a stdout reader that stopped, a full
 * disk), at most `maxBuffer` bytes of lines wait; past that, lines are dropped and counted
 * (`dropped`, and `onDrop` for the metric), never held in memory without end. `close(ms)` gives
 * the output at most `ms` to take what is pending, then lets it go, so that shutdown is bounded
 * whatever the reader does.
 */
export class AccessLog {
  /** Lines dropped because the output did not keep up. */
  dropped = 0;
  private buffer: string[] = [];
  private bufferBytes = 0;
  private scheduled = false;
  private readonly out: NodeJS.WritableStream & { writableLength: number; destroy(): void };
  private readonly owned: boolean;

  constructor(
    target: string,
    private readonly maxBuffer = 8 * 1_048_576,
    private readonly onDrop: () => void = () => {},
  ) {
    const onError = (e: Error) =>
      process.stderr.write(`access log: ${escapeControlInline(e.message)}\n`);
    if (target === "-") {
      const stdout = stdoutStream();
      stdout.on("error", onError);
      this.out = stdout.stream;
      this.owned = stdout.owned;
    } else {
      const file = createWriteStream(target, { flags: "a" });
      file.on("error", onError);
      this.out = file;
      this.owned = true;
    }
  }

  write(e: AccessLogEntry): void {
    if (this.bufferBytes + this.out.writableLength >= this.maxBuffer) {
      this.dropped++;
      this.onDrop();
      return;
    }
    const line = formatAccessLog(e);
    this.buffer.push(line);
    this.bufferBytes += line.length;
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
    this.bufferBytes = 0;
    this.out.write(text);
  }

  /**
   * Writes what is pending and closes the output, waiting at most `ms` for it to take the lines:
   * after that, what it has not taken is given up (and reported on stderr).
   */
  async close(ms = 5_000): Promise<void> {
    this.flush();
    const out = this.out;
    if (!this.owned && out.writableLength === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = await Promise.race([
      new Promise<boolean>((resolve) => {
        // An empty write's callback runs once every earlier write has been taken.
        if (this.owned) out.end(() => resolve(true));
        else out.write("", () => resolve(true));
      }),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), ms);
      }),
    ]);
    clearTimeout(timer);
    if (!done) {
      const pending = out.writableLength;
      out.destroy();
      process.stderr.write(
        `access log: the output did not take ${pending} bytes of log lines within ${ms} ms; they are lost\n`,
      );
    }
  }
}

/**
 * Standard output for the log. A pipe or a socket gets its own stream on fd 1: process.stdout
 * never closes its descriptor, so writes a stalled reader never takes would keep the process
 * alive forever; this one can be destroyed. A file or a terminal is written as Node does.
 */
function stdoutStream(): {
  stream: NodeJS.WritableStream & { writableLength: number; destroy(): void };
  owned: boolean;
  on(event: "error", f: (e: Error) => void): void;
} {
  let st: ReturnType<typeof fstatSync> | undefined;
  try {
    st = fstatSync(1);
  } catch {
    st = undefined;
  }
  if (st?.isFIFO() === true || st?.isSocket() === true) {
    const socket = new Socket({ fd: 1, readable: false, writable: true });
    return { stream: socket, owned: false, on: (event, f) => socket.on(event, f) };
  }
  return {
    stream: process.stdout,
    owned: false,
    on: (event, f) => process.stdout.on(event, f),
  };
}
