/**
 * Node / undici network errors thrown by a handler that called another service: their `code`
 * (or the `code` of their `cause`, as fetch wraps them in a TypeError "fetch failed").
 * Recognising them is all this file does: what they become is the upstream classifier's decision.
 */
import { type Bag, isObject, stringProp } from "./shape.js";

const NODE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EHOSTDOWN",
  "EPIPE",
]);

function isNetworkCode(code: string | undefined): boolean {
  return code !== undefined && (NODE_CODES.has(code) || code.startsWith("UND_ERR_"));
}

/** The error itself or its cause, whichever carries a network error code; undefined if none does. */
export function networkError(e: Bag): Bag | undefined {
  if (isNetworkCode(stringProp(e, "code"))) return e;
  const cause = e.cause;
  if (isObject(cause) && isNetworkCode(stringProp(cause, "code"))) return e;
  return undefined;
}
