/**
 * The one registry of error codes truestatus throws (convention: stable codes, never message text).
 * Every code here is documented in docs/errors.md; a test keeps the two in step.
 */
export const ERROR_CODES = {
  TRUESTATUS_HTTP_FAILURE:
    "An HttpFailure: a failure thrown on purpose to be answered with its status, headers and problem body. Not a bug.",
  TRUESTATUS_INVALID_HEADER_VALUE:
    "A header builder was given a value that cannot be sent in an HTTP field (CR, LF, control characters, or a value outside the field's grammar).",
  TRUESTATUS_INVALID_POLICY:
    "definePolicy() was given an unknown option or a value it does not allow.",
  TRUESTATUS_INVALID_FAILURE:
    "A failure constructor was given options that cannot produce a truthful answer (e.g. a negative Retry-After, a reserved problem member as an extension).",
  TRUESTATUS_RATE_LIMIT_STORE:
    "A rate-limit store could not decide in time (Redis unreachable, slow or erroring); the limiter fails open or closed as configured.",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Base class of every error truestatus throws. Tell them apart by `code`, never by message. */
export class TruestatusError extends Error {
  override readonly name: string = "TruestatusError";
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Thrown by header builders for values that must never reach the wire. */
export class HeaderValueError extends TruestatusError {
  override readonly name = "HeaderValueError";
  /** The header (or part of it) that was refused, e.g. "WWW-Authenticate realm". */
  readonly field: string;

  constructor(field: string, message: string) {
    super("TRUESTATUS_INVALID_HEADER_VALUE", `${field}: ${message}`);
    this.field = field;
  }
}

/** Thrown by definePolicy() for an unknown option or a value it does not allow. */
export class PolicyError extends TruestatusError {
  override readonly name = "PolicyError";
  readonly option: string;

  constructor(option: string, message: string) {
    super("TRUESTATUS_INVALID_POLICY", `policy option "${option}": ${message}`);
    this.option = option;
  }
}

/** Thrown by failure constructors for options that cannot produce a truthful answer. */
export class FailureDefinitionError extends TruestatusError {
  override readonly name = "FailureDefinitionError";
  readonly option: string;

  constructor(option: string, message: string) {
    super("TRUESTATUS_INVALID_FAILURE", `failure option "${option}": ${message}`);
    this.option = option;
  }
}
