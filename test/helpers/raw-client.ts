/**
 * A client that sends bytes as an attacker would (no normalisation, no framing help) on one
 * connection, and reads what comes back until the server closes, a complete response has
 * arrived, or `ms` pass. Parses just enough of the answer to assert on it.
 */
import net from "node:net";

export interface RawAnswer {
  /** Everything received, latin1. */
  readonly text: string;
  /** 0 when nothing that looks like a status line came back. */
  readonly status: number;
  /** The status line, e.g. "HTTP/1.1 400 Bad Request". */
  readonly statusLine: string;
  /** Lower-case header names → the first value, of the last (final) response. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The server closed the connection (before `ms`). */
  readonly closed: boolean;
  /** Milliseconds from connect to the first byte (or to the end, when none came). */
  readonly firstByteMs: number;
}

function parse(text: string): Pick<RawAnswer, "status" | "statusLine" | "headers" | "body"> {
  // Skip interim (1xx) responses: the last header section is the final one.
  let rest = text;
  for (;;) {
    const end = rest.indexOf("\r\n\r\n");
    const head = end === -1 ? rest : rest.slice(0, end);
    const lines = head.split("\r\n");
    const statusLine = lines[0] ?? "";
    const m = /^HTTP\/\d\.\d (\d{3})/.exec(statusLine);
    const status = m === null ? 0 : Number(m[1]);
    if (status >= 100 && status < 200 && end !== -1 && rest.length > end + 4) {
      rest = rest.slice(end + 4);
      continue;
    }
    const headers: Record<string, string> = {};
    for (const l of lines.slice(1)) {
      const c = l.indexOf(":");
      if (c > 0) headers[l.slice(0, c).trim().toLowerCase()] ??= l.slice(c + 1).trim();
    }
    return { status, statusLine, headers, body: end === -1 ? "" : rest.slice(end + 4) };
  }
}

/** True when `text` holds one complete final response with a Content-Length body. */
function complete(text: string): boolean {
  const p = parse(text);
  if (p.status === 0 || p.status < 200) return false;
  // No body, whatever the fields say (RFC 9110 §6.4.1): complete with the header section.
  if (p.status === 204 || p.status === 304) return text.includes("\r\n\r\n");
  const cl = p.headers["content-length"];
  if (cl !== undefined) return Buffer.byteLength(p.body, "latin1") >= Number(cl);
  if (p.headers["transfer-encoding"]?.includes("chunked")) return p.body.endsWith("0\r\n\r\n");
  return false;
}

export interface RawOptions {
  /** Longest wait (default 2,000 ms). */
  readonly ms?: number;
  /** Return as soon as one complete response has arrived (default true). */
  readonly untilComplete?: boolean;
  /** Bytes sent later, one piece every `dripMs` (a slow sender). */
  readonly drip?: readonly (string | Buffer)[];
  readonly dripMs?: number;
}

export function rawRequest(
  port: number,
  bytes: string | Buffer,
  options: RawOptions = {},
): Promise<RawAnswer> {
  const ms = options.ms ?? 2_000;
  return new Promise((resolve) => {
    const start = performance.now();
    let firstByteMs: number | undefined;
    let text = "";
    let done = false;
    const timers: ReturnType<typeof setTimeout>[] = [];
    const s = net.connect(port, "127.0.0.1", () => {
      s.write(bytes);
      (options.drip ?? []).forEach((piece, i) => {
        timers.push(
          setTimeout(
            () => {
              if (!s.destroyed) s.write(piece);
            },
            (i + 1) * (options.dripMs ?? 100),
          ),
        );
      });
    });
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      for (const t of timers) clearTimeout(t);
      s.destroy();
      resolve({
        text,
        ...parse(text),
        closed,
        firstByteMs: firstByteMs ?? performance.now() - start,
      });
    };
    s.on("data", (d: Buffer) => {
      firstByteMs ??= performance.now() - start;
      text += d.toString("latin1");
      if (options.untilComplete !== false && complete(text)) finish(false);
    });
    s.on("error", () => {});
    s.on("close", () => finish(true));
    timers.push(setTimeout(() => finish(false), ms));
  });
}
