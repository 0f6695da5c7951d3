/**
 * HEAD on targets GET already answered → the same status, no body; OPTIONS on each path → the
 * methods in Allow.
 */
import {
  all,
  authHeaders,
  callerFor,
  distinct,
  fillPath,
  literal,
  type ProbeContext,
} from "../context.js";

export async function headOptions(ctx: ProbeContext): Promise<void> {
  const tasks: (() => Promise<unknown>)[] = [];
  const gets = [...ctx.gets.values()].slice(0, ctx.perScenario);
  for (const g of gets) {
    const who = g.identity === "A" ? ctx.a : g.identity === "B" ? ctx.b : undefined;
    tasks.push(() =>
      ctx.send(
        { method: "HEAD", ...literal(g.path), headers: authHeaders(who), identity: g.identity },
        { scenario: "head", did: `HEAD ${g.path}`, getStatus: g.status },
      ),
    );
  }
  const paths = distinct(
    ctx.api.operations,
    (o) => o.path,
    Math.max(1, Math.ceil(ctx.perScenario / 2)),
  );
  for (const op of paths) {
    const target = fillPath(ctx, op, true) ?? fillPath(ctx, op, false);
    if (target === undefined) continue;
    const who = callerFor(ctx, op) ?? undefined;
    tasks.push(() =>
      ctx.send(
        {
          method: "OPTIONS",
          ...target,
          headers: authHeaders(who),
          identity: who?.label ?? "none",
        },
        { scenario: "options", did: `OPTIONS ${op.path}` },
      ),
    );
  }
  await all(tasks);
}
