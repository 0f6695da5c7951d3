import type { Failure } from "../../semantics/failure.js";

/**
 * A status the taxonomy has no kind for (410, 418, 451, 501, ...), carried by a thrown
 * http-errors / Boom / HTTPException error. It keeps its status and is answered with an
 * `about:blank` problem whose title is the reason phrase (RFC 9457 §4.2.1).
 */
export interface OtherStatus {
  readonly kind: "other_status";
  readonly status: number;
  /** The error's message, when it may be shown (a 4xx whose error says so). */
  readonly detail?: string;
  readonly cause: unknown;
}

/** What a thrown value becomes: a failure of the taxonomy, or a status outside it. */
export type Translated = Failure | OtherStatus;

/** What the thrown value was recognised as (for logs and tests). */
export type ThrownSource =
  | "http_failure"
  | "fastify"
  | "body_parser"
  | "nestjs"
  | "zod"
  | "ajv"
  | "network"
  | "status"
  | "unknown";

export interface Recognised {
  readonly failure: Translated;
  readonly source: ThrownSource;
}
