/** Exit codes and the user-mistake error of the CLI (shared by every command). */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

/** A user mistake: printed as one line, exit code 2, no stack trace. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
