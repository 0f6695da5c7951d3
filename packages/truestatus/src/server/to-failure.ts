/**
 * Anything thrown → the failure that tells the truth about it. The order matters: the most
 * specific recognisers first (a Fastify or body-parser error also carries a generic status).
 */
import { type Failure, internal, invalid, isHttpFailure } from "../semantics/failure.js";
import { classifyUpstream } from "../upstream/classify.js";
import { ajvFieldErrors, isAjvErrorArray } from "./recognize/ajv.js";
import { fromBodyParser } from "./recognize/body-parser.js";
import { fromFastify } from "./recognize/fastify.js";
import { fromNest } from "./recognize/nestjs.js";
import { isNetworkError } from "./recognize/network.js";
import { isObject } from "./recognize/shape.js";
import { fromStatus, statusFacts } from "./recognize/status.js";
import type { Recognised, Translated } from "./recognize/types.js";
import { isZodError, zodFieldErrors } from "./recognize/zod.js";

export type { OtherStatus, Recognised, ThrownSource, Translated } from "./recognize/types.js";

/** Recognises a thrown value and says what it was recognised as. Never throws. */
export function recognise(thrown: unknown): Recognised {
  try {
    return recogniseUnsafe(thrown) ?? { failure: internal({ cause: thrown }), source: "unknown" };
  } catch {
    // A getter that throws, a Proxy, a header value the constructors refuse: a bug, answered 500.
    return { failure: internal({ cause: thrown }), source: "unknown" };
  }
}

function recogniseUnsafe(thrown: unknown): Recognised | undefined {
  if (isHttpFailure(thrown)) return { failure: thrown.failure, source: "http_failure" };
  if (isAjvErrorArray(thrown))
    return { failure: invalid({ errors: ajvFieldErrors(thrown) }), source: "ajv" };
  if (!isObject(thrown)) return undefined;
  const fastify = fromFastify(thrown);
  if (fastify) return { failure: fastify, source: "fastify" };
  const bodyParser = fromBodyParser(thrown);
  if (bodyParser) return { failure: bodyParser, source: "body_parser" };
  const nest = fromNest(thrown);
  if (nest) return { failure: nest, source: "nestjs" };
  if (isZodError(thrown))
    return { failure: invalid({ errors: zodFieldErrors(thrown) }), source: "zod" };
  // Ajv's ValidationError: { ajv: true, validation: true, errors: [...] }.
  if (thrown.ajv === true && isAjvErrorArray(thrown.errors))
    return { failure: invalid({ errors: ajvFieldErrors(thrown.errors) }), source: "ajv" };
  if (isNetworkError(thrown)) {
    // The upstream classifier decides (502 / 503 / 504 + Proxy-Status); what it does not
    // recognise as an upstream failure (e.g. an abort of our own) stays a 500.
    return {
      failure: classifyUpstream(thrown) ?? internal({ cause: thrown }),
      source: "network",
    };
  }
  const facts = statusFacts(thrown);
  const failure = facts === undefined ? undefined : fromStatus(facts, thrown);
  return failure === undefined ? undefined : { failure, source: "status" };
}

/** Anything thrown → a failure of the taxonomy, or a status outside it that the error carried. */
export function toFailure(thrown: unknown): Translated {
  return recognise(thrown).failure;
}

/** True when the translation is a failure of the taxonomy (decide() can answer it). */
export function isTaxonomyFailure(t: Translated): t is Failure {
  return t.kind !== "other_status";
}
