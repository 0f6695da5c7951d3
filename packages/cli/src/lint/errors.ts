/** The one error `truestatus lint` raises for bad input: a file, a line when known, what is wrong. */
import { TruestatusError } from "truestatus";

export class LintInputError extends TruestatusError {
  override readonly name = "LintInputError";
  override readonly code = "TRUESTATUS_LINT_INPUT" as const;
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      "TRUESTATUS_LINT_INPUT",
      `${file}${line === undefined ? "" : `:${line}`}: ${reason}`,
      options,
    );
  }
}

export function isLintInputError(e: unknown): e is LintInputError {
  return e instanceof LintInputError;
}
