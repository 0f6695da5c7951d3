/**
 * Text from recorded traffic (a URL, a header, a body excerpt, a file name) must never act on the
 * terminal that shows it: ESC sequences (clear the screen, hide text, retitle the window, OSC 8
 * links), C1 controls (0x9B is a CSI on its own), carriage returns that overwrite a line, and
 * bidirectional overrides that reorder what is read. They are shown escaped, visibly:
 * ESC → "\x1b", U+202E → "\u202e". Newlines and tabs of our own layout are kept.
 */

/** C0 but \t and \n, DEL, C1, the bidi controls, and the line/paragraph separators. */
const CONTROL =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same, for text that must stay on one line (\n and \t escaped too). */
const CONTROL_INLINE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function visible(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** `text` with every control character shown escaped (\n and \t kept). Linear. */
export function escapeControl(text: string): string {
  CONTROL.lastIndex = 0;
  return CONTROL.test(text) ? text.replace(CONTROL, visible) : text;
}

/** `text` as one line: \n and \t escaped too. */
export function escapeControlInline(text: string): string {
  CONTROL_INLINE.lastIndex = 0;
  return CONTROL_INLINE.test(text) ? text.replace(CONTROL_INLINE, visible) : text;
}

/**
 * A copy of JSON data with every string (keys included) passed through escapeControlInline:
 * what the text reporter prints from a summary can never carry a control character.
 */
export function escapeStrings<T>(value: T): T {
  if (typeof value === "string") return escapeControlInline(value) as T;
  if (Array.isArray(value)) return value.map(escapeStrings) as T;
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[escapeControlInline(k)] = escapeStrings(v);
  return out as T;
}

/** Raw DEL, C1 and bidi characters in JSON text (JSON.stringify escapes only C0). */
const JSON_UNSAFE = /[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON text with the control characters JSON.stringify leaves raw written as \u escapes: the
 * same JSON value, safe to print to a terminal.
 */
export function jsonSafe(json: string): string {
  JSON_UNSAFE.lastIndex = 0;
  return JSON_UNSAFE.test(json)
    ? json.replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
    : json;
}
