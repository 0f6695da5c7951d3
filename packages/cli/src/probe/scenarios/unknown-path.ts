/**
 * Unknown path → 404 (not a 200 fallback page, not 500), and an id that cannot exist on each
 * item operation → 404 (a 200 with an error body is a soft error as well).
 */
import {
  all,
  authHeaders,
  callerFor,
  distinct,
  fillPath,
  hasParams,
  literal,
  type ProbeContext,
} from "../context.js";

export const UNKNOWN_PATH = "/truestatus-probe/no-such-path";

export async function unknownPath(ctx: ProbeContext): Promise<void> {
  const who = ctx.a;
  const items = distinct(
    ctx.api.operations.filter(
      (o) => o.method === "GET" && hasParams(o) && callerFor(ctx, o) !== null,
    ),
    (o) => o.path,
    Math.max(1, ctx.perScenario - 1),
  );
  await all([
    () =>
      ctx.send(
        {
          method: "GET",
          ...literal(UNKNOWN_PATH),
          headers: authHeaders(who),
          identity: who?.label ?? "none",
        },
        // Without credentials a global auth layer may answer 401 first, which is honest too.
        {
          scenario: "unknown-path",
          did: `GET ${UNKNOWN_PATH}`,
          expect: who === undefined ? [401, 404, 410] : [404, 410],
        },
      ),
    ...items.map((op) => async () => {
      const caller = callerFor(ctx, op) ?? undefined;
      const target = fillPath(ctx, op, false);
      if (target === undefined) return;
      await ctx.send(
        {
          method: "GET",
          ...target,
          headers: authHeaders(caller),
          identity: caller?.label ?? "none",
        },
        {
          scenario: "unknown-id",
          did: `GET ${op.path} with an id that does not exist`,
          expect: [404, 410],
        },
      );
    }),
  ]);
}
