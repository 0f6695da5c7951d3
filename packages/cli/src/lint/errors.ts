/** The one error `truestatus lint` raises for bad input: a file, a line when known, what is wrong. */
export class LintInputError extends Error {
  override readonly name = "LintInputError";
  readonly code = "TRUESTATUS_LINT_INPUT";
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}${line === undefined ? "" : `:${line}`}: ${reason}`, options);
  }
}

export function isLintInputError(e: unknown): e is LintInputError {
  return e instanceof LintInputError;
}
