/**
 * Copies a reply onto a Node ServerResponse (node:http, and Express's, which extends it). The
 * type is structural, so this file imports nothing of Node.
 */
import { type Reply, STALE_HEADERS, withVary } from "./respond.js";

export interface NodeLikeResponse {
  statusCode: number;
  removeHeader(name: string): void;
  setHeader(name: string, value: string): unknown;
  getHeader(name: string): unknown;
  end(body: string): unknown;
}

export function sendReply(res: NodeLikeResponse, reply: Reply): void {
  res.statusCode = reply.status;
  for (const name of STALE_HEADERS) res.removeHeader(name);
  for (const name in reply.headers) {
    res.setHeader(name, name === "vary" ? withVary(res.getHeader("vary")) : reply.headers[name]!);
  }
  res.end(reply.body);
}
