/**
 * Upstreams that fail on purpose, on real sockets on 127.0.0.1 (port 0: parallel-safe). Each
 * behaviour answers every connection the same way; tests reach the live sockets through
 * `sockets` to fail them at a moment of their choosing (e.g. reset after the client has read the
 * first chunk, which no timer can make deterministic).
 */
import net from "node:net";
import tls from "node:tls";

export interface FaultyServer {
  readonly port: number;
  readonly url: string;
  /** Sockets currently open on the server side. */
  readonly sockets: Set<net.Socket>;
  /** Resolves when a connection has arrived and sent its first bytes. */
  nextRequest(): Promise<net.Socket>;
  close(): Promise<void>;
}

export type Behaviour = (socket: net.Socket, firstChunk: Buffer) => void;

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return (server.address() as net.AddressInfo).port;
}

/** A TCP (or, with `tlsOptions`, TLS) server that runs `behaviour` on each request's first bytes. */
export async function faultyServer(
  behaviour: Behaviour,
  tlsOptions?: tls.TlsOptions,
): Promise<FaultyServer> {
  const sockets = new Set<net.Socket>();
  const waiting: ((s: net.Socket) => void)[] = [];
  const onSocket = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
    socket.once("data", (chunk: Buffer) => {
      behaviour(socket, chunk);
      waiting.shift()?.(socket);
    });
  };
  const server = tlsOptions
    ? tls.createServer(tlsOptions, onSocket).on("tlsClientError", () => {})
    : net.createServer(onSocket);
  const port = await listen(server);
  return {
    port,
    url: `${tlsOptions ? "https" : "http"}://127.0.0.1:${port}`,
    sockets,
    nextRequest: () => new Promise((resolve) => waiting.push(resolve)),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A TCP server whose sockets never get a byte back, not even a TLS ServerHello. */
export function silentServer(): Promise<FaultyServer> {
  return faultyServer(() => {});
}

/**
 * A port on 127.0.0.1 that refuses connections and keeps refusing them. Port 1021 is
 * privileged, unused here and not on fetch's list of blocked ports, so no test server can take it
 * while the suites run in parallel, which an ephemeral port closed after use cannot promise.
 * Checked first; else a port bound, then closed.
 */
export async function closedPort(): Promise<number> {
  if (await refuses(1021)) return 1021;
  const server = net.createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function refuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (e: NodeJS.ErrnoException) => resolve(e.code === "ECONNREFUSED"));
  });
}

const CRLF = "\r\n";

/** Raw HTTP/1.1 responses, byte for byte what a broken upstream sends. */
export const raw = {
  head: (status: number, headers: Record<string, string | number> = {}, reason = "X") =>
    `HTTP/1.1 ${status} ${reason}${CRLF}${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}${CRLF}`)
      .join("")}${CRLF}`,
  invalidStatusLine: `HTTP/1.1 abc OK${CRLF}content-length: 0${CRLF}${CRLF}`,
  invalidHeader: `HTTP/1.1 200 OK${CRLF}bad header line${CRLF}content-length: 0${CRLF}${CRLF}`,
  hugeHeader: (bytes: number) =>
    `HTTP/1.1 200 OK${CRLF}x-big: ${"a".repeat(bytes)}${CRLF}content-length: 0${CRLF}${CRLF}`,
  badChunk: `HTTP/1.1 200 OK${CRLF}transfer-encoding: chunked${CRLF}${CRLF}zz${CRLF}`,
};

/** The servers of one test file: `serve` starts one, `closeAll` (in the test's cleanup) stops them. */
export function serverPool() {
  const servers: FaultyServer[] = [];
  const track = (s: FaultyServer) => {
    servers.push(s);
    return s;
  };
  return {
    serve: async (...args: Parameters<typeof faultyServer>) => track(await faultyServer(...args)),
    silent: async () => track(await silentServer()),
    closeAll: async () => {
      for (const s of servers.splice(0)) await s.close();
    },
  };
}
