/**
 * /metrics and /healthz: GET and HEAD only (405 + Allow otherwise), on their own listener by
 * default (127.0.0.1:9464: not reachable from the proxied port, not rate-limited, never shadowing
 * an upstream's own /metrics), or on the proxied listener when `metrics.listen: main`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { GatewayMetrics } from "./metrics.js";

export interface AdminPaths {
  readonly metrics: string;
  readonly health: string;
}

function plainProblem(res: ServerResponse, status: 404 | 405, detail: string): void {
  const body = JSON.stringify({
    type: "about:blank",
    title: status === 404 ? "Not Found" : "Method Not Allowed",
    status,
    detail,
  });
  res.writeHead(status, {
    "content-type": "application/problem+json",
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
    ...(status === 405 ? { allow: "GET, HEAD" } : {}),
  });
  res.end(body);
}

/**
 * Answers a request when its path is /metrics or /healthz (true), else leaves it (false). The
 * path is compared with the query removed.
 */
export function serveAdmin(
  req: IncomingMessage,
  res: ServerResponse,
  paths: AdminPaths,
  metrics: GatewayMetrics | undefined,
  draining: boolean,
): boolean {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const path = q === -1 ? url : url.slice(0, q);
  const isMetrics = path === paths.metrics && metrics !== undefined;
  if (!isMetrics && path !== paths.health) return false;
  const method = req.method ?? "GET";
  if (method !== "GET" && method !== "HEAD") {
    plainProblem(res, 405, `${path} answers GET and HEAD only.`);
    return true;
  }
  const head = method === "HEAD";
  if (isMetrics) {
    metrics.render().then(
      (text) => {
        res.writeHead(200, {
          "content-type": metrics.registry.contentType,
          "content-length": Buffer.byteLength(text),
          "cache-control": "no-store",
        });
        res.end(head ? undefined : text);
      },
      () => {
        res.writeHead(500, { "content-length": 0 });
        res.end();
      },
    );
    return true;
  }
  const body = JSON.stringify({ status: draining ? "draining" : "ok" });
  res.writeHead(draining ? 503 : 200, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
    ...(draining ? { "retry-after": "5", connection: "close" } : {}),
  });
  res.end(head ? undefined : body);
  return true;
}

/** The admin listener: /metrics and /healthz, 404 for anything else. */
export class AdminServer {
  private readonly server: Server;

  constructor(paths: AdminPaths, metrics: GatewayMetrics | undefined, draining: () => boolean) {
    this.server = createServer({ maxHeaderSize: 8_192, keepAliveTimeout: 5_000 }, (req, res) => {
      if (!serveAdmin(req, res, paths, metrics, draining()))
        plainProblem(res, 404, `This listener serves ${paths.metrics} and ${paths.health} only.`);
    });
    // A scraper's broken request is not worth a log line: Node answers 400 and closes.
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  get address(): AddressInfo | undefined {
    return (this.server.address() as AddressInfo | null) ?? undefined;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) {
        resolve();
        return;
      }
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
