/**
 * One check request through the proxy under test: its own connection (closed after), a deadline
 * for the whole exchange (a proxy that accepts and stalls is a timeout, never a hang), and a cap
 * on the body kept (bounded memory whatever the proxy sends).
 */
import http from "node:http";
import https from "node:https";

export interface Observation {
  /** The deadline passed before the response ended (or before it began, when status is absent). */
  readonly timedOut: boolean;
  /** The connection failed before any response (an error code, e.g. ECONNRESET). */
  readonly error?: string;
  readonly status?: number;
  /** Header fields by lowercase name, every field line kept. */
  readonly headers: Readonly<Record<string, readonly string[]>>;
  /** The body's first BODY_CAP bytes, as UTF-8. */
  readonly body: string;
  /** The body went past BODY_CAP: the rest was not read. */
  readonly bodyCut: boolean;
  /** The response ended with its framing intact (Content-Length reached, last chunk seen). */
  readonly complete: boolean;
  readonly ms: number;
}

export const BODY_CAP = 65_536;

export interface ObserveOptions {
  readonly deadlineMs: number;
  readonly userAgent: string;
}

export function observe(url: URL, options: ObserveOptions): Promise<Observation> {
  const start = performance.now();
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    let status: number | undefined;
    let headers: Record<string, string[]> = {};
    const chunks: Buffer[] = [];
    let kept = 0;
    let bodyCut = false;
    const finish = (o: { timedOut?: boolean; error?: string; complete?: boolean }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve({
        timedOut: o.timedOut === true,
        ...(o.error !== undefined ? { error: o.error } : {}),
        ...(status !== undefined ? { status } : {}),
        headers,
        body: Buffer.concat(chunks).toString("utf8"),
        bodyCut,
        complete: o.complete === true,
        ms: performance.now() - start,
      });
    };
    const req = client.request(
      url,
      {
        method: "GET",
        agent: false,
        headers: {
          accept: "application/json, application/problem+json;q=0.9, */*;q=0.1",
          "user-agent": options.userAgent,
          connection: "close",
        },
      },
      (res) => {
        status = res.statusCode;
        headers = Object.fromEntries(
          Object.entries(res.headersDistinct).map(([k, v]) => [k, v ?? []]),
        );
        res.on("data", (chunk: Buffer) => {
          if (bodyCut) return;
          const room = BODY_CAP - kept;
          if (chunk.length > room) {
            chunks.push(chunk.subarray(0, room));
            kept = BODY_CAP;
            bodyCut = true;
            finish({ complete: false });
            return;
          }
          chunks.push(chunk);
          kept += chunk.length;
        });
        res.on("end", () => finish({ complete: res.complete }));
        res.on("error", () => finish({ complete: false }));
        res.on("aborted", () => finish({ complete: false }));
        res.on("close", () => finish({ complete: res.complete }));
      },
    );
    const timer = setTimeout(() => finish({ timedOut: true }), options.deadlineMs);
    req.on("error", (e: NodeJS.ErrnoException) => {
      // After the head, an error is the body's: the response is incomplete.
      if (status !== undefined) finish({ complete: false });
      else finish({ error: e.code ?? e.message });
    });
    req.end();
  });
}
