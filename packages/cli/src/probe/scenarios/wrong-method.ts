/**
 * Wrong method on an existing path → 405 with Allow. Safe by default: GET where the path has no
 * GET; otherwise PATCH, PUT or POST (one the path lacks) with a body no parser accepts. Paths
 * without parameters first, then paths whose ids identity A's answers gave.
 */
import {
  all,
  authHeaders,
  fillPath,
  hasParams,
  type ProbeContext,
  UNPARSEABLE_JSON,
} from "../context.js";
import type { Operation } from "../openapi.js";

export async function wrongMethod(ctx: ProbeContext): Promise<void> {
  const byPath = new Map<string, Operation[]>();
  for (const op of ctx.api.operations) byPath.set(op.path, [...(byPath.get(op.path) ?? []), op]);
  const paths = [...byPath.entries()].sort(
    ([x], [y]) => Number(x.includes("{")) - Number(y.includes("{")),
  );
  const tasks: (() => Promise<unknown>)[] = [];
  for (const [path, ops] of paths) {
    if (tasks.length >= ctx.perScenario) break;
    const has = new Set(ops.map((o) => o.method));
    const method = !has.has("GET") ? "GET" : ["PATCH", "PUT", "POST"].find((m) => !has.has(m));
    if (method === undefined) continue;
    const secured = ops.some((o) => o.secured);
    if (secured && ctx.a === undefined) continue;
    const target = fillPath(ctx, ops[0]!, true);
    if (target === undefined && hasParams(ops[0]!)) continue;
    const body = method !== "GET";
    tasks.push(() =>
      ctx.send(
        {
          method,
          path: target!,
          headers: {
            ...authHeaders(secured ? ctx.a : undefined),
            ...(body ? { "content-type": "application/json" } : {}),
          },
          ...(body ? { body: UNPARSEABLE_JSON, unparseable: true } : {}),
          identity: secured ? "A" : "none",
        },
        {
          scenario: "wrong-method",
          did: `${method} ${path} (the document lists ${[...has].join(", ")})`,
          expect: [405],
        },
      ),
    );
  }
  await all(tasks);
}
