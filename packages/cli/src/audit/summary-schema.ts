/**
 * The shape of a JSON summary (`--format json`), checked before `analyze --merge` combines
 * summaries: a file that is JSON but not a summary (edited, truncated, from another tool) is one
 * line naming the file and the first field that is wrong, never a crash in the merge. Members
 * this schema does not know are allowed (a newer writer may add some); only what merging reads
 * is checked.
 */
import { z } from "zod";
import { SCHEMA_VERSION } from "./summary.js";

const count = z.number().int().min(0);
const counts = z.record(z.string(), count);
const location = z.looseObject({
  file: z.string(),
  line: z.number().int().optional(),
  entry: z.number().int().optional(),
});
const endpoint = z.looseObject({ count, statuses: counts, classes: counts });
const sample = z.looseObject({
  severity: z.enum(["error", "warning", "info"]),
  message: z.string(),
  location,
  evidence: z.looseObject({
    request: z.string(),
    status: z.number().optional(),
    excerpt: z.string().optional(),
  }),
  class: z.string().optional(),
});

const summary = z.looseObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  maxFindings: z.number().int().min(1).optional(),
  partial: z.boolean(),
  exchanges: count,
  statuses: counts,
  classes: counts,
  untruthful: count,
  timeline: z.looseObject({
    width: z.number().int().min(1),
    buckets: z.record(z.string().regex(/^-?\d{1,15}$/), counts),
  }),
  endpoints: z.record(z.string(), endpoint),
  otherEndpoints: endpoint,
  findings: z.record(
    z.string(),
    z.looseObject({
      count,
      bySeverity: z.looseObject({
        error: count.optional(),
        warning: count.optional(),
        info: count.optional(),
      }),
      samples: z.array(sample),
    }),
  ),
  malformed: z.looseObject({
    count,
    reasons: z.record(z.string(), z.looseObject({ count, first: z.array(location) })),
  }),
  sources: z.record(
    z.string(),
    z.looseObject({
      format: z.string(),
      exchanges: count,
      malformed: count,
      capabilities: z.array(z.string()),
      partial: z.boolean(),
      error: z.string().optional(),
    }),
  ),
  coverage: z.record(
    z.string(),
    z.looseObject({
      checked: count,
      notChecked: z.record(z.string(), z.array(z.string())),
      notRecorded: z.record(z.string(), counts).optional(),
    }),
  ),
  aggregates: z.record(z.string(), z.unknown()),
});

/** `findings["401-x"].samples[0].location.line` */
function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const k of path) {
    if (typeof k === "number") out += `[${k}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(String(k))) out += out === "" ? String(k) : `.${String(k)}`;
    else out += `[${JSON.stringify(String(k))}]`;
  }
  return out;
}

function has(value: unknown, path: readonly PropertyKey[]): boolean {
  let v = value;
  for (const k of path) {
    if (typeof v !== "object" || v === null || !Object.hasOwn(v, k)) return false;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return true;
}

/**
 * Undefined when `value` is a summary merging can read, else what is wrong, in one line:
 * `findings["401-x"].samples[0].location.line: expected number, received string`.
 */
export function summaryProblem(value: unknown): string | undefined {
  const r = summary.safeParse(value);
  if (r.success) return undefined;
  const issue = r.error.issues[0]!;
  const where = fieldPath(issue.path);
  const what = !has(value, issue.path)
    ? "is missing"
    : issue.message.replace(/^Invalid input: /, "").replace(/\s+/g, " ");
  return `${where === "" ? "the summary" : where}: ${what}`;
}
