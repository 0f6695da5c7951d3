/**
 * The soft-error guard (development): a 2xx whose body looks like an error (`{"error": …}`,
 * `{"success": false}`, `{"status": "error"}`) lies to every client, cache and dashboard. The guard
 * does not change the answer; it warns, in the log and in a response header, pointing at the line
 * that sent it when the stack shows one.
 */
import type { LogEntry } from "./log.js";

export const SOFT_ERROR_HEADER = "truestatus-soft-error";

const ERROR_STATUS = /^(error|err|fail|failed|failure)$/i;

/** Why a body looks like an error, or undefined when it does not. Looks at top-level members only. */
export function softErrorReason(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return undefined;
  const o = body as Record<string, unknown>;
  const error = o.error;
  if (error !== undefined && error !== null && error !== false && error !== "")
    return 'the body has an "error" member';
  if (o.success === false) return 'the body has "success": false';
  if (typeof o.status === "string" && ERROR_STATUS.test(o.status))
    return `the body has "status": ${JSON.stringify(o.status)}`;
  return undefined;
}

/** Parses a JSON text body and checks it; cheap refusal for anything that is not a JSON object. */
export function softErrorReasonOfText(text: string): string | undefined {
  const first = text.trimStart()[0];
  if (first !== "{" || text.length > 1_048_576) return undefined;
  try {
    return softErrorReason(JSON.parse(text));
  } catch {
    return undefined;
  }
}

const OWN = new URL(".", import.meta.url);

/**
 * The first stack frame outside node internals, node_modules and truestatus itself, as
 * `file:line:column`; undefined when there is none.
 */
export function callSite(stack: string | undefined): string | undefined {
  if (!stack) return undefined;
  for (const raw of stack.split("\n").slice(1)) {
    const line = raw.trim();
    if (!line.startsWith("at ")) continue;
    // "at fn (location)" or "at location"; location is file:line:column.
    const location = line.endsWith(")") ? line.slice(line.lastIndexOf("(") + 1, -1) : line.slice(3);
    const m = /^(.*):(\d+):(\d+)$/.exec(location);
    if (!m) continue;
    const file = m[1]!;
    if (file.includes("/node_modules/") || file.startsWith("node:") || !file.includes("/"))
      continue;
    if (file.startsWith(OWN.href) || file.startsWith(OWN.pathname)) continue;
    return `${file.replace(/^file:\/\//, "")}:${m[2]}:${m[3]}`;
  }
  return undefined;
}

/** A call site without the machine's directories: relative to the working directory, or the file's name. */
export function relativeSite(at: string): string {
  const cwd = (globalThis as { process?: { cwd?: () => string } }).process?.cwd?.();
  if (cwd !== undefined && at.startsWith(`${cwd}/`)) return at.slice(cwd.length + 1);
  const slash = at.lastIndexOf("/");
  return slash === -1 ? at : at.slice(slash + 1);
}

export interface SoftErrorWarning {
  /** Value of the truestatus-soft-error response header (printable ASCII). */
  readonly header: string;
  readonly entry: LogEntry;
}

/** The warning for a 2xx with an error-looking body; undefined when there is nothing to warn about. */
export function softErrorWarning(
  status: number,
  reason: string | undefined,
  request: { readonly method: string; readonly path: string },
  stack?: string,
): SoftErrorWarning | undefined {
  if (reason === undefined || status < 200 || status > 299) return undefined;
  const at = callSite(stack);
  const message = `${status} sent with an error-looking body: ${reason}; answer with the failure's status instead`;
  // The header goes to the client: the file relative to the working directory, never the
  // absolute path (the log keeps that).
  const header = `${message}${at === undefined ? "" : `; sent at ${relativeSite(at)}`}`
    .replace(/[^\x20-\x7e]/g, "?")
    .slice(0, 512);
  return {
    header,
    entry: {
      level: "warn",
      event: "soft_error",
      message,
      status,
      method: request.method,
      path: request.path,
      ...(at === undefined ? {} : { at }),
    },
  };
}
