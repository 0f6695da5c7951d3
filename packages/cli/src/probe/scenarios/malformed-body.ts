/**
 * A JSON body no parser accepts, sent to operations that take JSON → 400 (not 500, not 422).
 * Safe by construction: the operation must reject it before any effect; DELETE is never used.
 * Path parameters get ids that cannot exist, so a 404 is an honest answer too.
 */
import {
  all,
  callerFor,
  distinct,
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
        sendUnparseable(ctx, op, "application/json", {
          scenario: "malformed-body",
          did: `${op.method} ${op.path} with a body that is not JSON`,
          expect: 400,
        }),
    ),
  );
}
