/** ZodError (zod 3 and 4): `name === "ZodError"` with an `issues` array of `{ path, message, code }`. */
import type { FieldError } from "../../semantics/failure.js";
import { clip, MAX_FIELD_ERRORS, toPointer } from "./pointer.js";
import { type Bag, isObject, stringProp } from "./shape.js";

export function isZodError(e: Bag): boolean {
  return e.name === "ZodError" && Array.isArray(e.issues);
}

export function zodFieldErrors(e: Bag): FieldError[] {
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
    out.push(
      code === undefined
        ? { pointer: toPointer(path), detail }
        : { pointer: toPointer(path), detail, code },
    );
  }
  return out;
}
