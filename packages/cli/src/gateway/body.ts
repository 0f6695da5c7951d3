/**
 * Request bodies and slow senders. A body of at most `buffer` bytes (known length, or a chunked
 * body that ends within it) is received whole before an upstream connection is taken, as nginx's
 * request buffering does: a client dripping bytes holds its own socket, never the pool's. A
 * larger body is streamed (with what was already read in front). Either way, the body must keep
 * pace: it has `timeout` ms of allowance, plus one second per `minRate` bytes received; falling
 * behind that is a 408 (or a cut connection when the response has already started).
 */
import type { IncomingMessage } from "node:http";

export interface UploadLimits {
  /** Bytes buffered before dispatch; 0 streams every body. */
  readonly buffer: number;
  readonly timeout: number;
  /** Bytes per second. */
  readonly minRate: number;
}

/**
 * Watches a body's pace from the socket's byte count (no listener on the stream, which another
 * consumer may be reading): calls `onSlow` once when it falls behind. One timer, re-armed only
 * when it fires. Returns the stop function.
 */
export function watchUpload(
  req: IncomingMessage,
  limits: UploadLimits,
  onSlow: () => void,
): () => void {
  const socket = req.socket;
  const from = socket.bytesRead;
  const start = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const check = () => {
    timer = undefined;
    if (req.complete) return;
    const received = socket.bytesRead - from;
    const due = start + limits.timeout + (received / limits.minRate) * 1000;
    const now = performance.now();
    if (now >= due) onSlow();
    else timer = setTimeout(check, Math.max(10, due - now));
  };
  timer = setTimeout(check, limits.timeout);
  return () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
}

/**
 * A body read whole, the start of one to stream (the rest follows from the request), or one
 * that outgrew `max` while being read.
 */
export type ReadBody =
  | { readonly whole: Buffer }
  | { readonly prefix: readonly Buffer[]; readonly prefixBytes: number }
  | { readonly tooLarge: true };

/**
 * Reads the body into memory when it fits `buffer` (`length`: its Content-Length, undefined when
 * chunked), else returns at once (or as soon as a chunked body outgrows the buffer) with what was
 * read so far. `done` is not called if the request ends early (the client left: the exchange ends
 * through the response's close).
 */
export function readBody(
  req: IncomingMessage,
  length: number | undefined,
  buffer: number,
  max: number,
  done: (body: ReadBody) => void,
): void {
  if (length !== undefined && length > buffer) {
    done({ prefix: [], prefixBytes: 0 });
    return;
  }
  const chunks: Buffer[] = [];
  let bytes = 0;
  const onData = (c: Buffer) => {
    chunks.push(c);
    bytes += c.length;
    if (bytes > max) {
      stop();
      done({ tooLarge: true });
    } else if (bytes > buffer) {
      stop();
      req.pause();
      done({ prefix: chunks, prefixBytes: bytes });
    }
  };
  const onEnd = () => {
    stop();
    done({ whole: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, bytes) });
  };
  const stop = () => {
    req.off("data", onData);
    req.off("end", onEnd);
  };
  req.on("data", onData);
  req.on("end", onEnd);
}
