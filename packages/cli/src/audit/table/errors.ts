/** Errors of the SQL engines: one line each, with a stable code (docs/errors.md). */
import { TruestatusError } from "truestatus";

export type EngineErrorCode = "TRUESTATUS_ENGINE_INPUT" | "TRUESTATUS_ENGINE_QUERY";

export class EngineError extends TruestatusError {
  override readonly name = "EngineError";
  override readonly code: EngineErrorCode;

  constructor(code: EngineErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.code = code;
  }
}

const BRAND = Symbol.for("truestatus.EngineError");
Object.defineProperty(EngineError.prototype, BRAND, { value: true });

export function isEngineError(e: unknown): e is EngineError {
  return typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}

/** The first line of an engine's message, without the engine's own stack or query echo. */
export function firstLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split("\n")[0]!.trim();
}
