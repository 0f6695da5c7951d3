/**
 * What the gateway answers to requests that never reach a route: malformed bytes Node's parser
 * refused (clientError), CONNECT, an unusable Host, transfer codings it cannot decode. Each gets
 * a status line, a problem+json body and `Connection: close` (the byte stream after a framing
 * error cannot be trusted), and is logged and counted like any other answer.
 */
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import { PROBLEM_CONTENT_TYPE } from "truestatus";

/**
 * The status for an error Node's HTTP parser (or its request timers) raised, or undefined when
 * the client went away and there is no one to answer.
 */
export function clientErrorStatus(code: string | undefined, message = ""): number | undefined {
  switch (code) {
    case "ECONNRESET":
    case "EPIPE":
    case "ETIMEDOUT":
    case "ERR_STREAM_DESTROYED":
      return undefined;
    case "HPE_HEADER_OVERFLOW":
      return 431;
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return 408;
    case "HPE_INVALID_VERSION":
      // "HTTP/9.9": a version this server does not speak (as nginx answers); a broken line: 400.
      return message.includes("Invalid HTTP version") ? 505 : 400;
    default:
      // Everything else leaves the request unframed or unreadable, Transfer-Encoding without a
      // final chunked included (RFC 9112 §6.3: 400). A readable message that names a coding the
      // gateway cannot decode gets 501 from the request handler instead (§6.1).
      return 400;
  }
}

const DETAILS: Readonly<Record<number, string>> = {
  400: "The request could not be parsed.",
  405: "The method is not allowed here.",
  505: "This gateway speaks HTTP/1.0 and HTTP/1.1.",
  408: "The request was not received in time.",
  413: "The request content is larger than the limit.",
  417: "The expectation in the Expect field cannot be met; only 100-continue is supported.",
  431: "The request's header section is too large.",
  501: "This gateway does not implement what the request needs.",
};

/** A problem+json body for a status the gateway decides by protocol (RFC 9457 about:blank). */
export function protocolProblem(status: number, detail = DETAILS[status]): string {
  return JSON.stringify({
    type: "about:blank",
    title: STATUS_CODES[status] ?? "Error",
    status,
    detail: detail ?? STATUS_CODES[status] ?? "Error",
  });
}

/**
 * Writes a whole response on a socket Node's HTTP server no longer writes to (after a parser
 * error, or a CONNECT), then closes it. Returns the body's size.
 */
export function rawAnswer(socket: Socket, status: number, via: string, method: string): number {
  const body = method === "HEAD" ? "" : protocolProblem(status);
  const head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}\r\ncontent-type: ${PROBLEM_CONTENT_TYPE}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nvia: ${via}\r\ndate: ${new Date().toUTCString()}\r\nconnection: close\r\n\r\n`;
  if (socket.writable) socket.end(head + body);
  socket.destroySoon();
  return body.length;
}

/**
 * The method and target of the request line at the start of `packet`, when there is one (for the
 * log line of a request Node refused); "-" otherwise. Bounded: at most 8 KiB are looked at.
 */
export function requestLineOf(packet: Buffer | undefined): { method: string; target: string } {
  if (packet === undefined) return { method: "-", target: "-" };
  const text = packet.subarray(0, 8_192).toString("latin1");
  const m = /^([A-Za-z]{1,20}) ([\x21-\x7e]{1,8000}) HTTP\/\d\.\d\r?\n/.exec(text);
  return m === null ? { method: "-", target: "-" } : { method: m[1]!, target: m[2]! };
}

/** RFC 3986 host (IP-literal, IPv4 or reg-name) and an optional port; no "..". */
const HOST =
  /^(?:\[[0-9A-Fa-f:.]{2,45}(?:%25[A-Za-z0-9._~-]{1,32})?\]|[A-Za-z0-9._~!$&'()*+,;=%-]{0,253})(?::\d{0,5})?$/;

/** True when a Host field value (or an absolute-form authority) is one a server can use. */
export function isValidHost(value: string): boolean {
  return HOST.test(value) && !value.includes("..");
}

/**
 * Host fields and the transfer codings of a raw field list: how many Host fields, the first one,
 * and whether a coding other than chunked is named (the gateway would forward a body it cannot
 * decode: 501, as nginx answers).
 */
export function requestFacts(raw: readonly string[]): {
  hosts: number;
  unknownCoding: boolean;
} {
  let hosts = 0;
  let unknownCoding = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 4 && name.toLowerCase() === "host") hosts++;
    else if (name.length === 17 && name.toLowerCase() === "transfer-encoding") {
      for (const c of raw[i + 1]!.split(",")) {
        const coding = c.split(";", 1)[0]!.trim().toLowerCase();
        if (coding !== "chunked") unknownCoding = true;
      }
    }
  }
  return { hosts, unknownCoding };
}
