/**
 * Errors that carry an HTTP status: http-errors (`status`/`statusCode`, `expose`, `headers`),
 * @hapi/boom (`isBoom`, `output.statusCode`, `output.headers`, `output.payload.message`) and Hono's
 * HTTPException (`status`, `res.headers`). They keep their status; the kind comes from it.
 */
import {
  badGateway,
  conflict,
  forbidden,
  gatewayTimeout,
  internal,
  malformed,
  methodNotAllowed,
  notAcceptable,
  notFound,
  payloadTooLarge,
  rateLimited,
  unauthenticated,
  unavailable,
  unprocessable,
  unsupportedMediaType,
} from "../../semantics/failure.js";
import { parseAllow } from "../../semantics/headers/allow.js";
import { parseRetryAfter, retryAfterSeconds } from "../../semantics/headers/retry-after.js";
import { findChallenge, parseWwwAuthenticate } from "../../semantics/headers/www-authenticate.js";
import { reasonPhrase } from "../../semantics/status.js";
import { type Bag, headerOf, isObject, numberProp, stringProp } from "./shape.js";
import type { Translated } from "./types.js";

export interface StatusFacts {
  readonly status: number;
  readonly message: string | undefined;
  /** The message may be shown to the client. */
  readonly expose: boolean;
  readonly headers: unknown;
}

/** The status facts of a thrown error, or undefined when it carries no usable status. */
export function statusFacts(e: Bag): StatusFacts | undefined {
  if (e.isBoom === true && isObject(e.output)) {
    const output = e.output;
    const status = numberProp(output, "statusCode");
    if (status === undefined) return undefined;
    const payload = isObject(output.payload) ? output.payload : {};
    return {
      status,
      message: stringProp(payload, "message"),
      expose: status < 500,
      headers: output.headers,
    };
  }
  const status = numberProp(e, "status") ?? numberProp(e, "statusCode");
  if (status === undefined || !Number.isInteger(status)) return undefined;
  const expose = typeof e.expose === "boolean" ? e.expose : status < 500;
  const headers = e.headers ?? (isObject(e.res) ? e.res.headers : undefined);
  return { status, message: stringProp(e, "message"), expose, headers };
}

function retryAfter(headers: unknown): number | undefined {
  const v = headerOf(headers, "retry-after");
  if (v === undefined) return undefined;
  const r = parseRetryAfter(v);
  return r.ok ? retryAfterSeconds(r.value) : undefined;
}

/** The failure of a status; undefined for a status below 400 or above 599 (not a failure). */
export function fromStatus(facts: StatusFacts, cause: unknown): Translated | undefined {
  const { status, headers } = facts;
  if (status < 400 || status > 599) return undefined;
  // A message that only repeats the reason phrase ("Not Found") adds nothing to the title.
  const message = facts.message?.trim();
  const detail =
    facts.expose && status < 500 && message && message !== reasonPhrase(status)
      ? message.slice(0, 500)
      : undefined;
  const common = detail === undefined ? {} : { detail };
  switch (status) {
    case 400:
      return malformed(common);
    case 401: {
      const parsed = headerOf(headers, "www-authenticate");
      const r = parsed === undefined ? undefined : parseWwwAuthenticate(parsed);
      if (r?.ok && r.value.length > 0) {
        const bearer = findChallenge(r.value, "bearer");
        const refused = bearer?.params.error === "invalid_token";
        return unauthenticated({
          ...common,
          reason: refused ? "invalid" : "missing",
          challenges: r.value,
        });
      }
      return unauthenticated(common);
    }
    case 403:
      return forbidden(common);
    case 404:
      return notFound(common);
    case 405: {
      const allow = headerOf(headers, "allow");
      const r = allow === undefined ? undefined : parseAllow(allow);
      return methodNotAllowed({ ...common, allow: r?.ok ? r.value : [] });
    }
    case 406:
      return notAcceptable(common);
    case 409:
      return conflict(common);
    case 413:
      return payloadTooLarge(common);
    case 415:
      return unsupportedMediaType(common);
    case 422:
      return unprocessable(common);
    case 429:
      // A 429 must say how long to wait; without the error's own Retry-After, the minimum.
      return rateLimited({ ...common, retryAfter: retryAfter(headers) ?? 1 });
    case 500:
      return internal({ cause });
    case 502:
      // RFC 9209 §2.3.15: http_protocol_error is the type for an upstream failure no more
      // specific type describes, which is all a bare thrown 502 says.
      return badGateway({ error: "http_protocol_error" });
    case 503: {
      const seconds = retryAfter(headers);
      return unavailable(seconds === undefined ? {} : { retryAfter: seconds });
    }
    case 504:
      return gatewayTimeout();
    default:
      return detail === undefined
        ? { kind: "other_status", status, cause }
        : { kind: "other_status", status, detail, cause };
  }
}
