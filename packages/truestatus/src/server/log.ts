/**
 * The pluggable logger of the adapters. Every 5xx is logged with the full error and the `instance`
 * id its problem body carries, so a client's report can be matched with the log line.
 */
export interface LogEntry {
  readonly level: "error" | "warn";
  /** server_failure: a 5xx was answered; soft_error: a 2xx carried a body that looks like an error. */
  readonly event: "server_failure" | "soft_error";
  readonly message: string;
  readonly status?: number;
  /** The problem's `instance` (a `urn:uuid:` URN), also in the response body. */
  readonly instance?: string;
  readonly method?: string;
  /** The request path, without its query (which may hold tokens). */
  readonly path?: string;
  readonly kind?: string;
  /** The error as thrown (logged in full: message, stack, cause, code). */
  readonly error?: unknown;
  /** Where the soft error was sent from (file:line:column), when known. */
  readonly at?: string;
}

export type Logger = (entry: LogEntry) => void;

function errorJson(e: unknown, depth = 0): unknown {
  if (!(e instanceof Error)) return e;
  const out: Record<string, unknown> = { name: e.name, message: e.message };
  const code = (e as { code?: unknown }).code;
  if (code !== undefined) out.code = code;
  if (e.stack) out.stack = e.stack;
  if (e.cause !== undefined && depth < 3) out.cause = errorJson(e.cause, depth + 1);
  return out;
}

/** One JSON line on stderr per entry (console.error). */
export const consoleLogger: Logger = (entry) => {
  let line: string;
  try {
    line = JSON.stringify({ ...entry, error: errorJson(entry.error) });
  } catch {
    line = JSON.stringify({ ...entry, error: String(entry.error) });
  }
  console.error(line);
};
