/**
 * Ajv error objects (`{ instancePath, keyword, params, message }`): thrown as an array, inside an
 * Ajv `ValidationError` (`errors`), or in Fastify's `err.validation`. Ajv 6's `dataPath` too.
 */
import type { FieldError } from "../../semantics/failure.js";
import { clip, escapeToken, MAX_FIELD_ERRORS } from "./pointer.js";
import { type Bag, isObject, stringProp } from "./shape.js";

export function isAjvErrorObject(value: unknown): value is Bag {
  return (
    isObject(value) &&
    typeof value.keyword === "string" &&
    (typeof value.instancePath === "string" || typeof value.dataPath === "string")
  );
}

/** An array of Ajv error objects (at least one). */
export function isAjvErrorArray(value: unknown): value is readonly Bag[] {
  return Array.isArray(value) && value.length > 0 && value.every(isAjvErrorObject);
}

function pointerOf(e: Bag): string {
  let pointer = stringProp(e, "instancePath") ?? "";
  if (pointer === "") {
    // Ajv 6: ".a.b" or "['a b']": best effort, the keyword's own property below is exact.
    const dataPath = stringProp(e, "dataPath");
    if (dataPath)
      pointer = dataPath
        .replace(/\[(\d+)\]/g, ".$1")
        .split(".")
        .filter(Boolean)
        .map(escapeToken)
        .map((t) => `/${t}`)
        .join("");
  }
  const params = isObject(e.params) ? e.params : {};
  const property =
    stringProp(params, "missingProperty") ?? stringProp(params, "additionalProperty");
  return property === undefined ? pointer : `${pointer}/${escapeToken(property)}`;
}

/**
 * Field errors of Ajv error objects. `location` is where the data came from (Fastify's
 * validationContext): "body" gives JSON Pointers, "querystring" / "params" / "headers" give the
 * parameter's name instead.
 */
export function ajvFieldErrors(errors: readonly Bag[], location = "body"): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors.slice(0, MAX_FIELD_ERRORS)) {
    const pointer = pointerOf(e);
    const keyword = stringProp(e, "keyword") ?? "invalid";
    const detail = clip(stringProp(e, "message") ?? `fails "${keyword}"`);
    if (location === "body") {
      out.push({ pointer, detail, code: keyword });
    } else {
      const name = pointer.split("/")[1]?.replaceAll("~1", "/").replaceAll("~0", "~");
      out.push(
        name
          ? { parameter: name, detail, code: keyword }
          : { detail: `${location} ${detail}`, code: keyword },
      );
    }
  }
  return out;
}
