/**
 * Errors of Express's body parsers (body-parser / express.json): told apart by their stable `type`.
 * https://github.com/expressjs/body-parser#errors
 */
import {
  internal,
  malformed,
  payloadTooLarge,
  unsupportedMediaType,
} from "../../semantics/failure.js";
import { type Bag, numberProp, stringProp } from "./shape.js";
import type { Translated } from "./types.js";

export function fromBodyParser(e: Bag): Translated | undefined {
  const type = stringProp(e, "type");
  if (type === undefined || typeof e.status !== "number") return undefined;
  switch (type) {
    case "entity.parse.failed":
      return malformed({ detail: "The request body is not valid JSON." });
    case "request.size.invalid":
      return malformed({
        detail: "The request body is shorter or longer than its Content-Length.",
      });
    case "request.aborted":
      return malformed({ detail: "The request was aborted before its body was received." });
    case "entity.too.large": {
      const limit = numberProp(e, "limit");
      return payloadTooLarge(limit === undefined ? {} : { limit });
    }
    case "parameters.too.many":
      return payloadTooLarge({ detail: "The request body has too many parameters." });
    case "encoding.unsupported":
      return unsupportedMediaType({
        detail: `The content coding ${JSON.stringify(stringProp(e, "encoding") ?? "")} is not supported.`,
      });
    case "charset.unsupported":
      return unsupportedMediaType({
        detail: `The charset ${JSON.stringify(stringProp(e, "charset") ?? "")} is not supported.`,
      });
    case "stream.encoding.set":
    case "stream.not.readable":
      return internal({ cause: e });
    default:
      return undefined;
  }
}
