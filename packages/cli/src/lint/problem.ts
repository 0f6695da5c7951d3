/** Problem-details schemas in responses: where they are and what their `status` member allows. */
import {
  errorCodes,
  type FlatSchema,
  flatten,
  isObject,
  isProblemMedia,
  type Json,
  mediaTypes,
  type OperationView,
  operations,
  response,
} from "./openapi.js";
import type { JsonPath } from "./rule.js";

export interface ProblemContent {
  readonly op: OperationView;
  /** The response key as written ("404", "4XX"). */
  readonly key: string;
  readonly media: Json;
  readonly mediaAt: JsonPath;
  readonly schema: FlatSchema;
  readonly schemaAt: JsonPath;
}

const PROBLEM_MEMBERS = ["type", "title", "detail", "instance"];

/**
 * Error responses whose content is a problem: application/problem+json, or a JSON schema with a
 * `status` member and at least one other RFC 9457 member (a problem under another media type).
 */
export function problemContents(doc: Json): ProblemContent[] {
  const out: ProblemContent[] = [];
  for (const op of operations(doc)) {
    for (const code of errorCodes(op)) {
      const key = Object.keys(op.responses).find((k) => k.toUpperCase() === code)!;
      const res = response(op, key);
      if (res === undefined) continue;
      for (const mt of mediaTypes(res)) {
        const media = (res.content as Json)[mt];
        if (!isObject(media)) continue;
        const mediaAt = [...op.responsesAt, key, "content", mt];
        const schemaAt = [...mediaAt, "schema"];
        const schema = flatten(media.schema, schemaAt);
        if (schema === undefined) continue;
        const looksLikeProblem =
          "status" in schema.properties && PROBLEM_MEMBERS.some((m) => m in schema.properties);
        if (!isProblemMedia(mt) && !looksLikeProblem) continue;
        out.push({ op, key, media, mediaAt, schema, schemaAt });
      }
    }
  }
  return out;
}
