/**
 * HEAD on targets GET already answered → the same status, no body; OPTIONS on each path → the
 * methods in Allow.
 */
import { all, authHeaders, distinct, fillPath, type ProbeContext } from "../context.js";

export async function headOptions(ctx: ProbeContext): Promise<void> {
  const tasks: (() => Promise<unknown>)[] = [];
  const gets = [...ctx.gets.entries()].slice(0, ctx.perScenario);
  for (const [target, g] of gets) {
    const who = g.identity === "A" ? ctx.a : g.identity === "B" ? ctx.b : undefined;
    tasks.push(() =>
      ctx.send(
        { method: "HEAD", path: target, headers: authHeaders(who), identity: g.identity },
        { scenario: "head", did: `HEAD ${target}`, getStatus: g.status },
      ),
    );
  }
  const paths = distinct(
    ctx.api.operations,
    (o) => o.path,
    Math.max(1, Math.ceil(ctx.perScenario / 2)),
  );
  for (const op of paths) {
    const target = fillPath(ctx, op, true) ?? fillPath(ctx, op, false)!;
    const who = op.secured ? ctx.a : undefined;
    tasks.push(() =>
      ctx.send(
        {
          method: "OPTIONS",
          path: target,
          headers: authHeaders(who),
          identity: who?.label ?? "none",
        },
        { scenario: "options", did: `OPTIONS ${op.path}` },
      ),
    );
  }
  await all(tasks);
}
