/**
 * Fastify's own request errors, told apart by their stable `code` (lib/errors.js): the content-type
 * parser (bad JSON, unsupported media type, body too large) and schema validation (`validation`:
 * Ajv error objects, `validationContext`: body, querystring, params or headers).
 */
import {
  invalid,
  malformed,
  payloadTooLarge,
  unsupportedMediaType,
} from "../../semantics/failure.js";
import { ajvFieldErrors, isAjvErrorArray } from "./ajv.js";
import { type Bag, stringProp } from "./shape.js";
import type { Translated } from "./types.js";

export function fromFastify(e: Bag): Translated | undefined {
  const code = stringProp(e, "code");
  if (code === undefined || !code.startsWith("FST_ERR_")) return undefined;
  switch (code) {
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return malformed({ detail: "The request body is not valid JSON." });
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return malformed({ detail: "The request body is empty but its Content-Type is JSON." });
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return malformed({
        detail: "The request body is shorter or longer than its Content-Length.",
      });
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return unsupportedMediaType();
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return payloadTooLarge();
    case "FST_ERR_VALIDATION": {
      const location = stringProp(e, "validationContext") ?? "body";
      return isAjvErrorArray(e.validation)
        ? invalid({ errors: ajvFieldErrors(e.validation, location) })
        : invalid();
    }
    default:
      return undefined;
  }
}
