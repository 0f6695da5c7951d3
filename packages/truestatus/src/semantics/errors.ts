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
  TRUESTATUS_MISSING_PEER:
    "A feature needs an optional peer dependency that is not installed (undici for truestatus/upstream's fetch); the message names the package to install.",
  TRUESTATUS_RATE_LIMIT_STORE:
    "A rate-limit store could not decide in time (Redis unreachable, slow or erroring); the limiter fails open or closed as configured.",
  TRUESTATUS_INVALID_GATEWAY_CONFIG:
    "The gateway's configuration (YAML file or flags) has an unknown key, a missing or mistyped field, a bad URL, duration or size; the message names the file, line and field.",
  TRUESTATUS_INPUT_NOT_FOUND: "An input given to analyze does not exist.",
  TRUESTATUS_INPUT_UNREADABLE:
    "An input given to analyze exists but cannot be read (permissions, not a regular file).",
  TRUESTATUS_INPUT_EMPTY: "An input given to analyze is empty (no bytes, or only blank lines).",
  TRUESTATUS_INPUT_BINARY:
    "An input given to analyze holds binary data (NUL bytes, control characters, an unsupported compression) instead of text.",
  TRUESTATUS_INPUT_UNKNOWN_FORMAT:
    "No supported format recognises the first lines of an input; the message lists the formats tried and shows the first line.",
  TRUESTATUS_INPUT_TRUNCATED:
    "An input ends before its data does (a truncated gzip stream or HAR document); everything before the cut was read.",
  TRUESTATUS_INPUT_CORRUPT:
    "An input is damaged past a point (invalid gzip data, a JSON syntax error in a HAR document); everything before it was read.",
  TRUESTATUS_NOT_A_LOG_DIRECTORY: "A directory given to analyze holds no log or HAR file.",
  TRUESTATUS_INVALID_LOG_FORMAT:
    "An nginx log_format string given to analyze cannot be compiled (unknown escape mode, two variables with nothing between them, an unterminated brace after a dollar sign).",
  TRUESTATUS_INVALID_FIELD_MAP:
    "An NDJSON field mapping given to analyze names an exchange field that does not exist or an empty JSON path.",
  TRUESTATUS_PROBE_TARGET:
    "The target given to probe is not an http(s) URL, or an option of probe (budget, rate, timeout, identity) is out of range.",
  TRUESTATUS_PROBE_OPENAPI:
    "The OpenAPI document given to probe cannot be read, parsed or resolved, or is not OpenAPI 3.0/3.1.",
  TRUESTATUS_PROBE_SCENARIO:
    "A scenario file given to probe cannot be read or parsed, or a step has a missing or invalid field.",
  TRUESTATUS_LINT_INPUT:
    "The OpenAPI document given to lint cannot be read or parsed, has a $ref that does not resolve, or is not OpenAPI 3.0/3.1.",
  TRUESTATUS_BASELINE:
    "A baseline file given to --baseline cannot be read, is not a truestatus baseline, or was written by another command; or --write-baseline cannot write.",
  TRUESTATUS_ENGINE_INPUT:
    "What analyze --engine or sql was given cannot be read by the SQL engine: a table or file that does not exist, a column map naming a column the table lacks, an unknown dialect or preset, a ClickHouse server that cannot be reached.",
  TRUESTATUS_ENGINE_QUERY:
    "A query failed inside the SQL engine; the message names the rule (or the part of the summary) and gives the engine's message.",
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

/** Thrown when a feature needs an optional peer dependency that is not installed. */
export class MissingPeerError extends TruestatusError {
  override readonly name = "MissingPeerError";
  /** The npm package to install. */
  readonly peer: string;

  constructor(peer: string, feature: string, options?: { cause?: unknown }) {
    super(
      "TRUESTATUS_MISSING_PEER",
      `${feature} needs the optional peer dependency ${peer}: npm install ${peer}`,
      options,
    );
    this.peer = peer;
  }
}
