/**
 * Valid JSON that breaks the operation's schema: a required field missing, a field of the wrong
 * type → 400 (or 422 by policy). Such a body could be accepted by a sloppy API and create data,
 * so this scenario needs --unsafe.
 */

import {
  all,
  authHeaders,
  callerFor,
  distinct,
  fillPath,
  hasParams,
  jsonBodyOps,
  type ProbeContext,
} from "../context.js";
import type { Schema } from "../openapi.js";

function typeOf(s: Schema | undefined): string | undefined {
  const t = s?.type;
  return Array.isArray(t) ? t.find((x) => x !== "null") : (t as string | undefined);
}

/** A value of the schema's type: its example when it has one. */
export function sample(s: Schema | undefined, depth = 0): unknown {
  if (s === undefined || depth > 6) return "x";
  if (s.example !== undefined) return s.example;
  if (s.examples?.[0] !== undefined) return s.examples[0];
  if (s.default !== undefined) return s.default;
  if (s.enum?.[0] !== undefined) return s.enum[0];
  if (s.allOf !== undefined) {
    const properties: Record<string, Schema> = { ...s.properties };
    const required: string[] = [...(s.required ?? [])];
    for (const x of s.allOf) {
      Object.assign(properties, x.properties);
      required.push(...(x.required ?? []));
    }
    const { allOf: _, ...rest } = s;
    return sample({ ...rest, type: "object", properties, required }, depth + 1);
  }
  switch (typeOf(s)) {
    case "integer":
    case "number":
      return Math.max(1, s.minimum ?? 1);
    case "boolean":
      return true;
    case "array":
      return [sample(s.items, depth + 1)];
    case "object": {
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(s.properties ?? {})) o[k] = sample(v, depth + 1);
      return o;
    }
    default:
      if (s.format === "email") return "probe@example.com";
      return "x".repeat(Math.max(1, s.minLength ?? 8));
  }
}

/** A value of another type than the schema's. */
function wrongValue(s: Schema): unknown {
  const t = typeOf(s);
  return t === "string"
    ? 12345
    : t === "object" || t === "array"
      ? "not-an-object"
      : "not-a-number";
}

export function invalidBodies(schema: Schema): { what: string; body: unknown }[] {
  const valid = sample(schema);
  if (typeof valid !== "object" || valid === null || Array.isArray(valid)) return [];
  const out: { what: string; body: unknown }[] = [];
  const req = schema.required?.[0];
  if (req !== undefined) {
    const body = { ...(valid as Record<string, unknown>) };
    delete body[req];
    out.push({ what: `the required field "${req}" missing`, body });
  }
  const typed = Object.entries(schema.properties ?? {}).find(([, p]) => typeOf(p) !== undefined);
  if (typed !== undefined)
    out.push({
      what: `"${typed[0]}" of the wrong type`,
      body: { ...(valid as Record<string, unknown>), [typed[0]]: wrongValue(typed[1]) },
    });
  return out;
}

export async function invalidBody(ctx: ProbeContext): Promise<void> {
  if (!ctx.client.unsafe) {
    ctx.notes.push(
      "invalid-body: not run (valid JSON that breaks the schema could change data: give --unsafe)",
    );
    return;
  }
  const ops = distinct(
    jsonBodyOps(ctx).filter((o) => o.body?.schema !== undefined && callerFor(ctx, o) !== null),
    (o) => `${o.method} ${o.path}`,
    ctx.perScenario,
  );
  await all(
    ops.flatMap((op) =>
      invalidBodies(op.body!.schema!).map(({ what, body }) => async () => {
        const who = callerFor(ctx, op) ?? undefined;
        await ctx.send(
          {
            method: op.method,
            path: fillPath(ctx, op, false)!,
            headers: { ...authHeaders(who), "content-type": "application/json" },
            body: JSON.stringify(body),
            identity: who?.label ?? "none",
          },
          {
            scenario: "invalid-body",
            did: `${op.method} ${op.path} with ${what}`,
            expect: hasParams(op) ? [400, 404, 422] : [400, 422],
          },
        );
      }),
    ),
  );
}
