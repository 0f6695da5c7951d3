/**
 * The fault upstream: one port on 127.0.0.1 that speaks plain HTTP/1.1 and TLS (told apart by
 * the first byte: 0x16 opens a TLS handshake), with one path per fault under CHECK_PREFIX. It
 * writes raw bytes on real sockets, so that a proxy in front meets the real thing: a reset (RST),
 * a stall, a broken status line, a cut body, a bad certificate. Nothing here is parsed with
 * node:http: the answers must be able to break HTTP.
 */
import net from "node:net";
import tls from "node:tls";
import { FAULT_BY_ID, type FaultId } from "./faults.js";
import { CHECK_PREFIX, type CheckLayout, DEFAULT_REFUSED_PORT } from "./layout.js";
import { FAULT_TLS_CERT, FAULT_TLS_KEY } from "./tls-fixture.js";

export interface FaultUpstreamOptions {
  /** Address to listen on (default 127.0.0.1). */
  readonly host?: string;
  /** Port (default 0: any free port). */
  readonly port?: number;
  /** The port of the refused route, where nothing must listen (default 1). */
  readonly refusedPort?: number;
  /** Longest time a stalled request is held before its socket is closed (default 120 s). */
  readonly stallMs?: number;
}

/** What the fault upstream saw, for the check's notes (a route the proxy sent elsewhere). */
export interface UpstreamSightings {
  /** Requests per fault path, over plain HTTP. */
  readonly plain: ReadonlyMap<string, number>;
  /** Requests that arrived over TLS: the proxy accepted the bad certificate. */
  readonly tlsAccepted: number;
  /** TLS handshakes the proxy started (accepted or not). */
  readonly tlsHandshakes: number;
}

export interface FaultUpstream {
  readonly layout: CheckLayout;
  readonly sightings: () => UpstreamSightings;
  close(): Promise<void>;
}

/** Marks answers the upstream gives when a route reached it the wrong way. */
export const MISROUTED_HEADER = "x-truestatus-misrouted";
/** Marks the answer given over TLS: the proxy accepted the certificate. */
export const TLS_ACCEPTED_HEADER = "x-truestatus-tls-accepted";

const CRLF = "\r\n";
const MAX_HEAD = 65_536;
/** The body the invalid-status-line answer carries: seen passed through, it proves the lie. */
export const GARBAGE_MARKER = "truestatus-fault-garbage";
/** Declared and sent sizes of the cut body. */
export const MID_BODY = { declared: 4096, sent: 1024 } as const;

function head(status: number, reason: string, headers: Readonly<Record<string, string>>): string {
  let s = `HTTP/1.1 ${status} ${reason}${CRLF}`;
  for (const [k, v] of Object.entries(headers)) s += `${k}: ${v}${CRLF}`;
  return s;
}

function answer(
  socket: net.Socket,
  status: number,
  reason: string,
  headers: Readonly<Record<string, string>>,
  body: string,
): void {
  const h = head(status, reason, {
    ...headers,
    "content-length": String(Buffer.byteLength(body)),
    connection: "close",
  });
  socket.end(`${h}${CRLF}${body}`);
}

/** Resets the connection (RST), or destroys it where the socket cannot (a TLS socket). */
function reset(socket: net.Socket): void {
  if (typeof socket.resetAndDestroy === "function" && !(socket instanceof tls.TLSSocket))
    socket.resetAndDestroy();
  else socket.destroy();
}

/** The fault id of a request target, or undefined when it is not a check path. */
export function faultOfTarget(target: string): string | undefined {
  let path = target;
  // absolute-form (a proxy may forward it so)
  const scheme = /^https?:\/\/[^/]*/i.exec(path);
  if (scheme !== null) path = path.slice(scheme[0].length) || "/";
  const q = path.indexOf("?");
  if (q >= 0) path = path.slice(0, q);
  if (!path.startsWith(CHECK_PREFIX)) return undefined;
  return path.slice(CHECK_PREFIX.length).replace(/\/+$/, "");
}

export async function startFaultUpstream(
  options: FaultUpstreamOptions = {},
): Promise<FaultUpstream> {
  const host = options.host ?? "127.0.0.1";
  const stallMs = options.stallMs ?? 120_000;
  const sockets = new Set<net.Socket>();
  const plain = new Map<string, number>();
  let tlsAccepted = 0;
  let tlsHandshakes = 0;
  const secureContext = tls.createSecureContext({ key: FAULT_TLS_KEY, cert: FAULT_TLS_CERT });

  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on("error", () => {});
    s.on("close", () => sockets.delete(s));
  };

  /** Reads one request head, then calls `then` with its target. */
  const readRequest = (socket: net.Socket, then: (target: string) => void) => {
    let buffered = "";
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString("latin1");
      const end = buffered.indexOf("\r\n\r\n");
      if (end < 0) {
        if (buffered.length > MAX_HEAD) {
          socket.off("data", onData);
          answer(socket, 431, "Request Header Fields Too Large", {}, "");
        }
        return;
      }
      socket.off("data", onData);
      const line = buffered.slice(0, buffered.indexOf("\r\n"));
      const target = line.split(" ")[1] ?? "/";
      // Anything after the head (a body) is read and ignored.
      socket.on("data", () => {});
      then(target);
    };
    socket.on("data", onData);
  };

  const servePlain = (socket: net.Socket, target: string) => {
    const id = faultOfTarget(target);
    if (id === undefined) {
      answer(socket, 404, "Not Found", { "content-type": "text/plain" }, "not a check path");
      return;
    }
    plain.set(id, (plain.get(id) ?? 0) + 1);
    const fault = FAULT_BY_ID.get(id as FaultId);
    if (fault === undefined) {
      answer(socket, 404, "Not Found", { "content-type": "text/plain" }, "unknown fault");
      return;
    }
    if (fault.answer !== undefined) {
      const a = fault.answer;
      answer(socket, a.status, a.reason, a.headers, a.body);
      return;
    }
    switch (fault.id) {
      case "refused":
      case "tls-certificate":
        // This route must not reach this port over plain HTTP: tell the check.
        answer(
          socket,
          200,
          "OK",
          { "content-type": "text/plain", [MISROUTED_HEADER]: fault.id },
          `the proxy sent ${target} to the fault upstream over plain HTTP`,
        );
        return;
      case "reset-before-status":
        reset(socket);
        return;
      case "reset-mid-body": {
        socket.write(
          `${head(200, "OK", { "content-type": "application/octet-stream", "content-length": String(MID_BODY.declared) })}${CRLF}`,
        );
        socket.write("x".repeat(MID_BODY.sent));
        // Long enough for the proxy to have forwarded the head and the first bytes.
        const t = setTimeout(() => reset(socket), 150);
        socket.once("close", () => clearTimeout(t));
        return;
      }
      case "stall-before-headers":
        // Held until the proxy gives up (or stallMs, so that nothing lingers).
        socket.setTimeout(stallMs, () => socket.destroy());
        return;
      case "invalid-status-line":
        socket.end(
          `HTTP/1.1 abc OK${CRLF}content-length: ${GARBAGE_MARKER.length}${CRLF}connection: close${CRLF}${CRLF}${GARBAGE_MARKER}`,
        );
        return;
      case "invalid-header":
        // A field name holding a space: not a token (RFC 9110 §5.1), so the message is invalid.
        socket.end(
          `HTTP/1.1 200 OK${CRLF}content-type: text/plain${CRLF}bad header: x${CRLF}content-length: ${GARBAGE_MARKER.length}${CRLF}connection: close${CRLF}${CRLF}${GARBAGE_MARKER}`,
        );
        return;
      default:
        answer(socket, 404, "Not Found", { "content-type": "text/plain" }, "unknown fault");
    }
  };

  const serveTls = (raw: net.Socket) => {
    tlsHandshakes++;
    const socket = new tls.TLSSocket(raw, { isServer: true, secureContext });
    track(socket);
    socket.once("secure", () => {
      readRequest(socket, (target) => {
        tlsAccepted++;
        answer(
          socket,
          200,
          "OK",
          { "content-type": "text/plain", [TLS_ACCEPTED_HEADER]: "1" },
          `the proxy accepted an expired, self-signed certificate for ${target}`,
        );
      });
    });
  };

  const server = net.createServer((socket) => {
    track(socket);
    socket.once("data", (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      if (first[0] === 0x16) serveTls(socket);
      else {
        readRequest(socket, (target) => servePlain(socket, target));
        socket.resume();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    layout: { host, port, refusedPort: options.refusedPort ?? DEFAULT_REFUSED_PORT },
    sightings: () => ({ plain: new Map(plain), tlsAccepted, tlsHandshakes }),
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
