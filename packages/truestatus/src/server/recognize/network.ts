/**
 * Node / undici network errors thrown by a handler that called another service: their `code`,
 * a `TimeoutError` (AbortSignal.timeout), or the same in their `cause` chain (fetch wraps them in
 * a TypeError "fetch failed") or AggregateError members. Recognising them is all this file does:
 * what they become is the upstream classifier's decision (src/upstream/classify.ts).
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
  return (
    code !== undefined &&
    (NODE_CODES.has(code) || code.startsWith("UND_ERR_") || code.startsWith("ERR_TLS_"))
  );
}

/** Whether an error (or its cause chain, or its AggregateError members) is a network failure. */
export function isNetworkError(e: Bag, depth = 0): boolean {
  if (depth > 4) return false;
  if (isNetworkCode(stringProp(e, "code")) || e.name === "TimeoutError") return true;
  if (Array.isArray(e.errors) && e.errors.some((m) => isObject(m) && isNetworkError(m, depth + 1)))
    return true;
  return isObject(e.cause) && isNetworkError(e.cause, depth + 1);
}
