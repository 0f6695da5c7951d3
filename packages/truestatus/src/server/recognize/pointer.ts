/** JSON Pointer (RFC 6901) helpers shared by the validation-error recognisers. */

/** Escapes one reference token: "~" → "~0", "/" → "~1". */
export function escapeToken(token: string | number): string {
  const s = String(token);
  return s.includes("~") || s.includes("/") ? s.replaceAll("~", "~0").replaceAll("/", "~1") : s;
}

/** A pointer from path segments: `["items", 0, "qty"]` → `/items/0/qty`; `[]` → "" (the whole document). */
export function toPointer(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path)
    out += `/${escapeToken(typeof segment === "symbol" ? String(segment) : segment)}`;
  return out;
}

/** The most field errors a problem body carries; the rest are counted, not listed. */
export const MAX_FIELD_ERRORS = 100;

/** Truncates free text copied from a validator (bounded bodies, whatever the validator says). */
export function clip(text: string, max = 300): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
