/**
 * Errors a source throws for input it cannot read at all (a missing file, binary data, an unknown
 * format). Malformed lines are not errors: they are `MalformedRecord`s, counted by the engine.
 */
import { type ErrorCode, TruestatusError } from "truestatus";

export type InputErrorCode = Extract<
  ErrorCode,
  | "TRUESTATUS_INPUT_NOT_FOUND"
  | "TRUESTATUS_INPUT_UNREADABLE"
  | "TRUESTATUS_INPUT_EMPTY"
  | "TRUESTATUS_INPUT_BINARY"
  | "TRUESTATUS_INPUT_UNKNOWN_FORMAT"
  | "TRUESTATUS_INPUT_TRUNCATED"
  | "TRUESTATUS_INPUT_CORRUPT"
  | "TRUESTATUS_NOT_A_LOG_DIRECTORY"
  | "TRUESTATUS_INVALID_LOG_FORMAT"
  | "TRUESTATUS_INVALID_FIELD_MAP"
>;

/**
 * An input that cannot be read. The message is one line: the file (and line), then what is wrong.
 * `partial` is true for TRUNCATED and CORRUPT: the records before the damage were yielded.
 */
export class InputError extends TruestatusError {
  override readonly name = "InputError";
  override readonly code: InputErrorCode;
  /** The input as given ("-" for stdin), or the option for option errors. */
  readonly file: string;
  readonly line?: number;
  readonly partial: boolean;

  constructor(
    code: InputErrorCode,
    file: string,
    message: string,
    options?: { line?: number; cause?: unknown },
  ) {
    const where = options?.line === undefined ? file : `${file}:${options.line}`;
    super(code, `${where}: ${message}`, { cause: options?.cause });
    this.code = code;
    this.file = file;
    if (options?.line !== undefined) this.line = options.line;
    this.partial = code === "TRUESTATUS_INPUT_TRUNCATED" || code === "TRUESTATUS_INPUT_CORRUPT";
  }
}

const BRAND = Symbol.for("truestatus.InputError");
Object.defineProperty(InputError.prototype, BRAND, { value: true });

/** True for an InputError, even from another copy of the package. */
export function isInputError(e: unknown): e is InputError {
  return typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}

/**
 * Shows a piece of input in a one-line message: control characters escaped (\n, \x1b, ...),
 * cut to `max` characters with an ellipsis, in double quotes.
 */
export function showInput(text: string, max = 120): string {
  let out = "";
  const end = Math.min(text.length, max);
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) out += "\\\\";
    else if (c === 0x22) out += '\\"';
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c === 0x09) out += "\\t";
    else if (c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0))
      out += `\\x${c.toString(16).padStart(2, "0")}`;
    else if (
      c >= 0xd800 &&
      c <= 0xdbff &&
      i + 1 < end &&
      (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00
    )
      out += text.slice(i, ++i + 1);
    else if (c >= 0xd800 && c <= 0xdfff) out += `\\u${c.toString(16)}`;
    else out += text[i];
  }
  return `"${out}${text.length > max ? "…" : ""}"`;
}
