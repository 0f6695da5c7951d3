/**
 * Valid JSON that breaks the operation's schema: a required field missing, a field of the wrong
 * type, at the top level and one level down (a `{"user": {…}}` wrapper hides every inner field)
 * → 400 (or 422 by policy). Such a body could be accepted by a sloppy API and create data, so
 * safety.ts sends it only with --unsafe (and lists it as not sent otherwise).
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

/** The object schema of `s` with allOf merged (properties and required), or undefined. */
function objectSchema(s: Schema | undefined): Schema | undefined {
  if (s === undefined) return undefined;
  if (s.allOf !== undefined) {
    const properties: Record<string, Schema> = { ...s.properties };
    const required: string[] = [...(s.required ?? [])];
    for (const x of s.allOf) {
      Object.assign(properties, x.properties);
      required.push(...(x.required ?? []));
    }
    return { type: "object", properties, required };
  }
  return typeOf(s) === "object" || s.properties !== undefined ? s : undefined;
}

type Broken = { what: string; body: unknown };

/** Bodies breaking `schema` at one level: `wrap` puts them back into the outer object. */
function breakLevel(
  schema: Schema,
  valid: Record<string, unknown>,
  where: string,
  wrap: (inner: Record<string, unknown>) => unknown,
): Broken[] {
  const out: Broken[] = [];
  const req = schema.required?.[0];
  if (req !== undefined) {
    const body = { ...valid };
    delete body[req];
    out.push({ what: `the required field "${where}${req}" missing`, body: wrap(body) });
  }
  const props = Object.entries(schema.properties ?? {});
  const typed =
    props.find(([k, p]) => schema.required?.includes(k) && typeOf(p) !== undefined) ??
    props.find(([, p]) => typeOf(p) !== undefined);
  if (typed !== undefined)
    out.push({
      what: `"${where}${typed[0]}" of the wrong type`,
      body: wrap({ ...valid, [typed[0]]: wrongValue(typed[1]) }),
    });
  return out;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export function invalidBodies(schema: Schema): Broken[] {
  const top = objectSchema(schema);
  const valid = sample(schema);
  if (top === undefined || !isRecord(valid)) return [];
  const out = breakLevel(top, valid, "", (b) => b);
  // One level down: the required fields inside each required object member ({"user": {…}}).
  for (const [k, p] of Object.entries(top.properties ?? {})) {
    const inner = objectSchema(p);
    const innerValid = valid[k];
    if (inner === undefined || !isRecord(innerValid) || !top.required?.includes(k)) continue;
    out.push(...breakLevel(inner, innerValid, `${k}.`, (b) => ({ ...valid, [k]: b })));
  }
  return out;
}

export async function invalidBody(ctx: ProbeContext): Promise<void> {
  const ops = distinct(
    jsonBodyOps(ctx).filter((o) => o.body?.schema !== undefined && callerFor(ctx, o) !== null),
    (o) => `${o.method} ${o.path}`,
    ctx.perScenario,
  );
  await all(
    ops.flatMap((op) =>
      invalidBodies(op.body!.schema!).map(({ what, body }) => async () => {
        const who = callerFor(ctx, op) ?? undefined;
        const target = fillPath(ctx, op, false);
        if (target === undefined) return;
        await ctx.send(
          {
            method: op.method,
            ...target,
            headers: { ...authHeaders(who), "content-type": "application/json" },
            body: JSON.stringify(body),
            op,
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
