/** A 2xx response whose schema is shaped like an error: failures answered as success, by design. */
import {
  type FlatSchema,
  flatten,
  isJsonMedia,
  isObject,
  isProblemMedia,
  type Json,
  mediaTypes,
  operations,
  pinned,
  response,
  responseCodes,
} from "../openapi.js";
import { defineLintRule, type JsonPath, type LintFinding, lintFinding } from "../rule.js";

/** Members an error body has; a 2xx body with only these (and error or errors) carries no data. */
const ERROR_MEMBERS = new Set([
  "error",
  "errors",
  "message",
  "msg",
  "code",
  "status",
  "statuscode",
  "success",
  "ok",
  "detail",
  "details",
  "title",
  "type",
  "instance",
  "timestamp",
  "path",
  "trace",
  "traceid",
  "requestid",
  "request_id",
  "error_description",
  "error_code",
  "errorcode",
  "errormessage",
  "error_message",
  "reason",
]);
const FAILURE_WORDS = new Set(["error", "fail", "failed", "failure"]);

/** Why a flattened schema reads as an error body, or undefined. */
function errorShape(s: FlatSchema): string | undefined {
  const props = s.properties;
  // A property is pinned when any allOf part pins it (every part must hold).
  const pinsOf = (name: string) =>
    (props[name] ?? []).map((p) => pinned(p.schema)).find((x) => x !== undefined);
  for (const flag of ["success", "ok"]) {
    const pins = pinsOf(flag);
    if (pins !== undefined && pins.length > 0 && pins.every((v) => v === false))
      return `${flag}: false`;
  }
  const statusPins = pinsOf("status");
  if (statusPins !== undefined && statusPins.length > 0) {
    if (statusPins.every((v) => typeof v === "string" && FAILURE_WORDS.has(v.toLowerCase())))
      return `status: ${JSON.stringify(statusPins[0])}`;
    if (statusPins.every((v) => typeof v === "number" && v >= 400 && v <= 599))
      return `status: ${String(statusPins[0])}`;
  }
  const names = Object.keys(props);
  const member = names.find((n) => n === "error" || n === "errors");
  if (member !== undefined && names.every((n) => ERROR_MEMBERS.has(n.toLowerCase())))
    return `${member} without data`;
  return undefined;
}

const rule = defineLintRule({
  id: "soft-error-2xx",
  meta: {
    title: "2xx response with an error body",
    severity: "error",
    spec: { document: "RFC 9110", section: "15.3" },
    csf: "DE.AE",
    description:
      'A 2xx status says the request succeeded (RFC 9110 §15.3). A success response whose schema is an error (`success: false`, a `status` of "error" or 4xx/5xx, or `error`/`errors` members with no data), or that is application/problem+json, documents failures answered as success: monitoring counts them as successes, caches keep them and retrying clients never retry.',
    fix: "Answer failures with a 4xx or 5xx status (problem+json) and keep 2xx schemas for successful results.",
  },
  check(doc) {
    const out: LintFinding[] = [];
    for (const op of operations(doc)) {
      for (const code of responseCodes(op)) {
        if (!/^2(\d\d|XX)$/.test(code)) continue;
        const key = Object.keys(op.responses).find((k) => k.toUpperCase() === code)!;
        const res = response(op, key);
        if (res === undefined) continue;
        for (const mt of mediaTypes(res)) {
          const mediaAt: JsonPath = [...op.responsesAt, key, "content", mt];
          if (isProblemMedia(mt)) {
            out.push(
              lintFinding(
                rule,
                mediaAt,
                `the ${code} response is ${mt}: a problem answered as success`,
              ),
            );
            continue;
          }
          if (!isJsonMedia(mt)) continue;
          const media = (res.content as Json)[mt];
          if (!isObject(media)) continue;
          const schemaAt = [...mediaAt, "schema"];
          const flat = flatten(media.schema, schemaAt);
          if (flat === undefined) continue;
          const why = errorShape(flat);
          if (why !== undefined) {
            out.push(
              lintFinding(
                rule,
                schemaAt,
                `the ${code} response's schema is shaped like an error (${why})`,
              ),
            );
            continue;
          }
          for (const alt of flat.alternatives) {
            const f = flatten(alt.schema, alt.at);
            const w = f === undefined ? undefined : errorShape(f);
            if (w !== undefined)
              out.push(
                lintFinding(
                  rule,
                  alt.at,
                  `one of the ${code} response's alternatives is shaped like an error (${w})`,
                ),
              );
          }
        }
      }
    }
    return out;
  },
});

export default rule;
