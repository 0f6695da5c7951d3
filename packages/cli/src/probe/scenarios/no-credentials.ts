/**
 * No credentials on a secured operation → 401 with WWW-Authenticate. Read operations (GET) are
 * used; without any, operations taking JSON are sent a body no parser accepts.
 */
import {
  all,
  distinct,
  fillPath,
  jsonBodyOps,
  type ProbeContext,
  UNPARSEABLE_JSON,
} from "../context.js";

export async function noCredentials(ctx: ProbeContext): Promise<void> {
  const secured = ctx.api.operations.filter((o) => o.secured);
  if (secured.length === 0) {
    ctx.notes.push(
      "no-credentials: no operation is secured in the document (no security requirement)",
    );
    return;
  }
  const reads = secured.filter((o) => o.method === "GET");
  const writes = jsonBodyOps(ctx).filter((o) => o.secured && o.method !== "DELETE");
  const ops = distinct([...reads, ...writes], (o) => o.path, ctx.perScenario);
  await all(
    ops.map((op) => async () => {
      const target = fillPath(ctx, op, true) ?? fillPath(ctx, op, false)!;
      const write = op.method !== "GET";
      await ctx.send(
        {
          method: op.method,
          path: target,
          identity: "none",
          ...(write
            ? {
                headers: { "content-type": "application/json" },
                body: UNPARSEABLE_JSON,
                unparseable: true,
              }
            : {}),
        },
        {
          scenario: "no-credentials",
          did: `${op.method} ${op.path} without credentials`,
          expect: [401],
        },
      );
    }),
  );
}
