/** 4xx/5xx responses that are not application/problem+json (RFC 9457), unless a documented exception. */
import {
  errorCodes,
  essence,
  isObject,
  isProblemMedia,
  mediaTypes,
  operations,
  response,
} from "../openapi.js";
import { defineLintRule, type LintFinding, lintFinding } from "../rule.js";
import { problemContentYaml } from "../suggest.js";

/** The document's own exception list: `x-truestatus-error-media-types: [application/vnd.error+json]`. */
export const ERROR_MEDIA_TYPES_EXTENSION = "x-truestatus-error-media-types";

const rule = defineLintRule({
  id: "error-not-problem-json",
  meta: {
    title: "Error response not application/problem+json",
    severity: "warning",
    spec: { document: "RFC 9457", section: "3" },
    csf: "DE.AE",
    description:
      "RFC 9457 gives HTTP APIs one machine-readable error format, application/problem+json, that clients, gateways and tools read without knowing the API. An error response declared with another media type, or with no content at all, makes every client parse errors its own way. A house format can be accepted as a documented policy exception: list it in the document's `x-truestatus-error-media-types` or pass `--error-media-type`.",
    fix: "Declare `application/problem+json` content (type, title, status, detail) for every 4xx and 5xx response, or document the exception.",
  },
  check(doc, options) {
    const accepted = new Set(options.errorMediaTypes.map(essence));
    const ext = doc[ERROR_MEDIA_TYPES_EXTENSION];
    if (Array.isArray(ext))
      for (const t of ext) if (typeof t === "string") accepted.add(essence(t));
    const out: LintFinding[] = [];
    for (const op of operations(doc)) {
      if (op.method === "HEAD") continue;
      for (const code of errorCodes(op)) {
        const key = Object.keys(op.responses).find((k) => k.toUpperCase() === code)!;
        const res = response(op, key);
        if (res === undefined) continue;
        const types = mediaTypes(res);
        if (types.some((t) => isProblemMedia(t) || accepted.has(essence(t)))) continue;
        const at = [...op.responsesAt, key];
        out.push(
          lintFinding(
            rule,
            at,
            types.length === 0
              ? `the ${code} response declares no content: not application/problem+json`
              : `the ${code} response is ${types.slice(0, 3).join(", ")}, not application/problem+json`,
            isObject(res.content)
              ? { path: [...at, "content"], yaml: problemContentYaml(doc) }
              : { path: at, yaml: `content:\n${problemContentYaml(doc).replace(/^/gm, "  ")}` },
          ),
        );
      }
    }
    return out;
  },
});

export default rule;
