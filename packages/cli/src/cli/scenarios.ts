/** The decision table as worked scenarios: each row is "what happened" and the failure a server raises for it. */
import {
  badGateway,
  type DecideContext,
  type Failure,
  forbidden,
  gatewayTimeout,
  internal,
  invalid,
  malformed,
  methodNotAllowed,
  notFound,
  payloadTooLarge,
  rateLimited,
  unauthenticated,
  unavailable,
  unprocessable,
  unsupportedMediaType,
} from "truestatus";

export interface Scenario {
  readonly happened: string;
  readonly failure: Failure;
  readonly context?: DecideContext;
}

export const SCENARIOS: readonly Scenario[] = [
  { happened: "credentials missing", failure: unauthenticated() },
  { happened: "token invalid", failure: unauthenticated({ reason: "invalid" }) },
  { happened: "token expired", failure: unauthenticated({ reason: "expired" }) },
  { happened: "identity known, not permitted", failure: forbidden() },
  { happened: "token lacks a scope", failure: forbidden({ scope: ["orders:write"] }) },
  {
    happened: "body is not valid JSON",
    failure: malformed({ detail: "Unexpected token } in JSON at position 17." }),
  },
  {
    happened: "required field missing",
    failure: invalid({ errors: [{ pointer: "/email", detail: "is required", code: "required" }] }),
  },
  {
    happened: "invalid state transition",
    failure: unprocessable({
      reason: "invalid_state",
      detail: "A delivered order cannot be cancelled.",
    }),
  },
  { happened: "duplicate resource", failure: unprocessable({ reason: "duplicate" }) },
  { happened: "unknown resource", failure: notFound() },
  {
    happened: "method not supported",
    failure: methodNotAllowed({ allow: ["GET", "HEAD", "PUT"] }),
    context: { method: "DELETE" },
  },
  {
    happened: "unsupported content type",
    failure: unsupportedMediaType({ accept: ["application/json"] }),
    context: { method: "POST" },
  },
  { happened: "body too large", failure: payloadTooLarge({ limit: 1_048_576 }) },
  {
    happened: "quota exceeded",
    failure: rateLimited({ retryAfter: 17.2, quota: { quota: 100, window: 60 } }),
  },
  { happened: "overloaded", failure: unavailable({ reason: "overload", retryAfter: 30 }) },
  {
    happened: "upstream refused",
    failure: badGateway({ error: "connection_refused", nextHop: "10.0.3.7:5432" }),
  },
  { happened: "upstream answered 500", failure: badGateway({ receivedStatus: 500 }) },
  { happened: "upstream timed out", failure: gatewayTimeout({ error: "connection_read_timeout" }) },
  {
    happened: "bug",
    failure: internal({ cause: new Error('relation "users" does not exist at /srv/api/db.js:42') }),
  },
];
