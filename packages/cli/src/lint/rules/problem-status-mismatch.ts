/** A problem whose declared `status` differs from the response's status code (RFC 9457 §3.1.2). */
import { isObject, pinned } from "../openapi.js";
import { problemContents } from "../problem.js";
import { defineLintRule, type LintFinding, lintFinding } from "../rule.js";

const rule = defineLintRule({
  id: "problem-status-mismatch",
  meta: {
    title: "problem+json status differs from the HTTP status",
    severity: "error",
    spec: { document: "RFC 9457", section: "3.1.2" },
    csf: "DE.AE",
    description:
      "RFC 9457 §3.1.2: generators MUST use the same status code in the problem's `status` member as in the HTTP response. A document whose 404 response pins the problem's status to another code (const or enum), or shows an example with another status, documents a lie that clients and generated code will trust.",
    fix: "Make the problem's `status` equal the response's code: pin it per response, or leave it unpinned in a shared Problem schema; fix the examples.",
  },
  check(doc) {
    const out: LintFinding[] = [];
    for (const p of problemContents(doc)) {
      if (!/^\d{3}$/.test(p.key)) continue;
      const code = Number(p.key);
      for (const part of p.schema.properties.status ?? []) {
        const pins = pinned(part.schema);
        if (pins === undefined || pins.some((v) => Number(v) === code)) continue;
        out.push(
          lintFinding(
            rule,
            part.at,
            `the ${code} response's problem pins status to ${pins.map((v) => JSON.stringify(v)).join(", ")}`,
          ),
        );
      }
      const examples: { value: unknown; at: (string | number)[] }[] = [];
      if (p.media.example !== undefined)
        examples.push({ value: p.media.example, at: [...p.mediaAt, "example"] });
      if (isObject(p.media.examples))
        for (const [name, ex] of Object.entries(p.media.examples))
          if (isObject(ex) && ex.value !== undefined)
            examples.push({ value: ex.value, at: [...p.mediaAt, "examples", name] });
      for (const ex of examples) {
        if (!isObject(ex.value) || ex.value.status === undefined) continue;
        if (Number(ex.value.status) === code) continue;
        out.push(
          lintFinding(
            rule,
            ex.at,
            `the ${code} response's example has status ${JSON.stringify(ex.value.status)}`,
          ),
        );
      }
    }
    return out;
  },
});

export default rule;
