/**
 * No credentials on an operation that requires them → 401 with WWW-Authenticate. Reads (GET) are
 * used; without any, operations taking JSON are sent a body no parser accepts (ids that cannot
 * exist). Operations whose security allows anonymous callers (`{}`) are not asked.
 */
import {
  all,
  distinct,
  fillPath,
  jsonBodyOps,
  type ProbeContext,
  sendUnparseable,
} from "../context.js";

export async function noCredentials(ctx: ProbeContext): Promise<void> {
  const secured = ctx.api.operations.filter((o) => o.auth === "required");
  if (secured.length === 0) {
    ctx.notes.push(
      "no-credentials: no operation requires credentials in the document (no security requirement)",
    );
    return;
  }
  const reads = secured.filter((o) => o.method === "GET");
  const writes = jsonBodyOps(ctx).filter((o) => o.auth === "required" && o.method !== "DELETE");
  const ops = distinct([...reads, ...writes], (o) => o.path, ctx.perScenario);
  const facts = (op: (typeof ops)[number]) => ({
    scenario: "no-credentials",
    did: `${op.method} ${op.path} without credentials`,
    expect: [401],
  });
  await all(
    ops.map((op) => async () => {
      if (op.method !== "GET") {
        await sendUnparseable(ctx, op, undefined, "application/json", facts(op));
        return;
      }
      const target = fillPath(ctx, op, true) ?? fillPath(ctx, op, false);
      if (target === undefined) return;
      await ctx.send({ method: "GET", ...target, identity: "none" }, facts(op));
    }),
  );
}
