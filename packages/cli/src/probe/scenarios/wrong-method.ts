/**
 * Wrong method on an existing path → 405 with Allow: the answer must be the server's own, so the
 * request carries nothing a layer before the router could refuse first. GET (no body) where the
 * path has no GET; otherwise PATCH, PUT or POST (one the path lacks) with `{}`, which needs
 * --unsafe (a write on a real resource: safety.ts lists it as not sent). Never DELETE. Paths
 * without parameters first, then paths whose ids identity A's answers gave.
 */
import { all, authHeaders, callerFor, fillPath, hasParams, type ProbeContext } from "../context.js";
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
    // The strictest caller among the path's operations: A when any needs credentials.
    const callers = ops.map((o) => callerFor(ctx, o));
    if (callers.includes(null)) continue;
    const who = callers.find((c) => c !== undefined) ?? undefined;
    const target = fillPath(ctx, ops[0]!, true);
    if (target === undefined) {
      if (hasParams(ops[0]!))
        ctx.notes.push(`wrong-method: ${method} ${path} not sent (no id of a real resource known)`);
      continue;
    }
    const body = method !== "GET";
    tasks.push(() =>
      ctx.send(
        {
          method,
          ...target,
          headers: {
            ...authHeaders(who),
            ...(body ? { "content-type": "application/json" } : {}),
          },
          ...(body ? { body: "{}" } : {}),
          identity: who?.label ?? "none",
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
