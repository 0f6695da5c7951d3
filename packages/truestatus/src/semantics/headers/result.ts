/**
 * What every header parser returns: a value, or a typed error saying what is wrong and where.
 * Parsers never throw on bad input; a header is data from the network, not a programmer mistake.
 */
export type ParseResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: ParseError };

export type ParseErrorCode =
  | "empty"
  | "too_long"
  | "unexpected_character"
  | "unexpected_end"
  | "invalid_token"
  | "invalid_string"
  | "invalid_number"
  | "number_out_of_range"
  | "invalid_byte_sequence"
  | "invalid_date"
  | "duplicate_parameter"
  | "missing_parameter"
  | "wrong_type"
  | "invalid_json"
  | "not_an_object";

export interface ParseError {
  readonly code: ParseErrorCode;
  /** One line, naming what is wrong. */
  readonly message: string;
  /** Offset in the (combined) field value where the problem was found. */
  readonly offset: number;
}

/** Longest field value any parser reads; longer input is refused rather than scanned (bounded work). */
export const MAX_FIELD_LENGTH = 65_536;

export function ok<T>(value: T): ParseResult<T> {
  return { ok: true, value };
}

export function fail<T>(code: ParseErrorCode, message: string, offset: number): ParseResult<T> {
  return { ok: false, error: { code, message, offset } };
}

/** Several field lines of one name combine into one value, joined by ", " (RFC 9110 §5.3). */
export function combineFieldLines(value: string | readonly string[]): string {
  return typeof value === "string" ? value : value.join(", ");
}

/** Shared guard for the start of every parser: too long or empty input. */
export function checkLength(value: string, header: string): ParseError | undefined {
  if (value.length > MAX_FIELD_LENGTH) {
    return {
      code: "too_long",
      message: `${header} value is ${value.length} characters, over the ${MAX_FIELD_LENGTH} limit`,
      offset: MAX_FIELD_LENGTH,
    };
  }
  return undefined;
}
