/** Errors probe throws for input it cannot use (before any request is sent). */
import { type ErrorCode, TruestatusError } from "truestatus";

export type ProbeErrorCode = Extract<
  ErrorCode,
  "TRUESTATUS_PROBE_TARGET" | "TRUESTATUS_PROBE_OPENAPI" | "TRUESTATUS_PROBE_SCENARIO"
>;

/** One line: the file (or option), then what is wrong. */
export class ProbeError extends TruestatusError {
  override readonly name = "ProbeError";
  override readonly code: ProbeErrorCode;

  constructor(code: ProbeErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.code = code;
  }
}

export function isProbeError(e: unknown): e is ProbeError {
  return e instanceof ProbeError;
}
