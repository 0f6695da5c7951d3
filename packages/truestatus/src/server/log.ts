/**
 * The logging of the adapters. Every answered failure is one entry: a 5xx at level "error" with the
 * full error and the `instance` id its problem body carries (so a client's report can be matched
 * with the log line), a 4xx at level "info" with its kind, class and status and no cause (it is the
 * client's mistake, not an event of the server's).
 *
 * A logger is a function called with each entry, or a level logger (pino, Fastify's
 * `request.log`, pino-http's `req.log`, bunyan, winston's child loggers): `logger.error(fields,
 * message)`, so that the framework's own request id and bindings come with it.
 */
import { isHttpFailure } from "../semantics/failure.js";

export interface LogEntry {
  readonly level: "error" | "warn" | "info";
  /**
   * server_failure: a 5xx was answered; client_failure: a 4xx was answered; soft_error: a 2xx
   * carried a body that looks like an error; setup: the adapter is installed in a way that cannot
   * work as written (it says what to change).
   */
  readonly event: "server_failure" | "client_failure" | "soft_error" | "setup";
  readonly message: string;
  readonly status?: number;
  /** The problem's `instance` (a `urn:uuid:` URN), also in the response body (5xx). */
  readonly instance?: string;
  readonly method?: string;
  /** The request path, without its query (which may hold tokens). */
  readonly path?: string;
  /** The failure kind (`not_found`, `bad_gateway`, ...). */
  readonly kind?: string;
  /** The failure class (auth, validation, not_found, throttling, overload, dependency, server_bug). */
  readonly class?: string;
  /** The error as thrown (5xx only; logged in full: message, stack, cause, code). */
  readonly error?: unknown;
  /** Where the soft error was sent from (file:line:column), when known. */
  readonly at?: string;
}

/** A function called with each entry. */
export type LogFunction = (entry: LogEntry) => void;

type LevelMethod = (fields: Record<string, unknown>, message: string) => void;

/** A logger with level methods taking (fields, message): pino, bunyan, Fastify's request.log. */
export interface LevelLogger {
  error: LevelMethod;
  warn: LevelMethod;
  info: LevelMethod;
}

export type Logger = LogFunction | LevelLogger;

export function isLevelLogger(value: unknown): value is LevelLogger {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as LevelLogger).error === "function" &&
    typeof (value as LevelLogger).warn === "function" &&
    typeof (value as LevelLogger).info === "function"
  );
}

/**
 * Whether a level logger is a framework's stand-in for "no logger": Fastify without `logger`
 * (abstract-logging) has one no-op for every level and no `level`. Logging there would lose every
 * 5xx and its instance id; the adapters then write to stderr as without a logger. (pino at level
 * "silent" has a `level`, and stays silent as asked.)
 */
export function isNullLogger(logger: LevelLogger): boolean {
  return !("level" in logger) && logger.error === logger.info && logger.error === logger.warn;
}

function errorJson(e: unknown, depth = 0): unknown {
  if (!(e instanceof Error)) return e;
  const out: Record<string, unknown> = { name: e.name, message: e.message };
  const code = (e as { code?: unknown }).code;
  if (code !== undefined) out.code = code;
  if (e.stack) out.stack = e.stack;
  // A failure thrown as a constructor's result has no stack: its data says what it was.
  else if (isHttpFailure(e) && e.failure === (e as unknown)) {
    const { cause: _cause, ...data } = e.failure as { cause?: unknown };
    out.failure = data;
  }
  if (e.cause !== undefined && depth < 3) out.cause = errorJson(e.cause, depth + 1);
  return out;
}

/**
 * One JSON line on stderr per entry (console.error), for levels error and warn: the default
 * logger says nothing about 4xx answers.
 */
export const consoleLogger: LogFunction = (entry) => {
  if (entry.level === "info") return;
  let line: string;
  try {
    line = JSON.stringify({ ...entry, error: errorJson(entry.error) });
  } catch {
    line = JSON.stringify({ ...entry, error: String(entry.error) });
  }
  console.error(line);
};

/**
 * Writes an entry to a logger of either shape. A level logger gets the error as `err` (the key
 * pino's and bunyan's error serializers read) and the rest as fields. Never throws: a logger that
 * throws must not turn an answer into a crash.
 */
export function writeLog(logger: Logger, entry: LogEntry): void {
  try {
    if (typeof logger === "function") {
      logger(entry);
      return;
    }
    const { level, message, error, ...fields } = entry;
    logger[level](error === undefined ? fields : { ...fields, err: error }, message);
  } catch {
    // Nothing to do: see above.
  }
}
