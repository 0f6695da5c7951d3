/**
 * A JSON body no parser accepts, sent to operations that take JSON → 400 (not 500, not 422).
 * Path parameters get ids that cannot exist, so a 404 is an honest answer too. Safe mode sends it
 * only where safety.ts allows (a documented required JSON body; POST on a collection or an id
 * that cannot exist); the others are listed as not sent.
 */
import {
  all,
  callerFor,
  distinct,
  hasParams,
  jsonBodyOps,
  type ProbeContext,
  sendUnparseable,
} from "../context.js";

export async function malformedBody(ctx: ProbeContext): Promise<void> {
  const ops = distinct(
    jsonBodyOps(ctx).filter((o) => o.method !== "DELETE" && callerFor(ctx, o) !== null),
    (o) => `${o.method} ${o.path}`,
    ctx.perScenario,
  );
  await all(
    ops.map(
      (op) => () =>
        sendUnparseable(ctx, op, callerFor(ctx, op) ?? undefined, "application/json", {
          scenario: "malformed-body",
          did: `${op.method} ${op.path} with a body that is not JSON`,
          expect: hasParams(op) ? [400, 404] : [400],
        }),
    ),
  );
}
