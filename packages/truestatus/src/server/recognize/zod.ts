/** ZodError (zod 3 and 4): `name === "ZodError"` with an `issues` array of `{ path, message, code }`. */
import type { FieldError } from "../../semantics/failure.js";
import { clip, MAX_FIELD_ERRORS, toPointer } from "./pointer.js";
import { type Bag, isObject, stringProp } from "./shape.js";

export function isZodError(e: Bag): boolean {
  return e.name === "ZodError" && Array.isArray(e.issues);
}

/**
 * Field errors of a ZodError. `location` is where the data came from: "body" (JSON, form) gives
 * JSON Pointers; anything else (query, param, header, cookie) the parameter's name.
 */
export function zodFieldErrors(e: Bag, location = "body"): FieldError[] {
  const issues = e.issues as readonly unknown[];
  const out: FieldError[] = [];
  for (const issue of issues.slice(0, MAX_FIELD_ERRORS)) {
    if (!isObject(issue)) continue;
    const path = Array.isArray(issue.path)
      ? (issue.path.filter((p) => typeof p === "string" || typeof p === "number") as (
          | string
          | number
        )[])
      : [];
    const code = stringProp(issue, "code");
    const detail = clip(stringProp(issue, "message") ?? "is invalid");
    const where: { pointer: string } | { parameter: string } | Record<string, never> =
      location === "body"
        ? { pointer: toPointer(path) }
        : path.length > 0
          ? { parameter: String(path[0]) }
          : {};
    out.push(code === undefined ? { ...where, detail } : { ...where, detail, code });
  }
  return out;
}
