/**
 * Content negotiation: a body labelled text/plain to an operation that takes JSON → 415 (the body
 * is also unparseable, so nothing can be created); an Accept no operation produces → 406 (info).
 */
import {
  all,
  authHeaders,
  callerFor,
  distinct,
  fillPath,
  jsonBodyOps,
  type ProbeContext,
  sendUnparseable,
} from "../context.js";

export const UNACCEPTABLE = "application/x-truestatus-probe";

export async function mediaType(ctx: ProbeContext): Promise<void> {
  const writes = distinct(
    jsonBodyOps(ctx).filter(
      (o) =>
        o.method !== "DELETE" &&
        callerFor(ctx, o) !== null &&
        !o.body!.mediaTypes.some((m) => /^text\/plain/i.test(m)),
    ),
    (o) => `${o.method} ${o.path}`,
    Math.max(1, Math.ceil(ctx.perScenario / 2)),
  );
  const reads = distinct(
    ctx.api.operations.filter((o) => o.method === "GET" && callerFor(ctx, o) !== null),
    (o) => o.path,
    Math.max(1, Math.ceil(ctx.perScenario / 2)),
  );
  await all([
    ...writes.map(
      (op) => () =>
        sendUnparseable(ctx, op, "text/plain", {
          scenario: "unsupported-media-type",
          did: `${op.method} ${op.path} with Content-Type: text/plain`,
          expect: 415,
        }),
    ),
    ...reads.map((op) => async () => {
      const who = callerFor(ctx, op) ?? undefined;
      const target = fillPath(ctx, op, true);
      if (target === undefined) return;
      await ctx.send(
        {
          method: "GET",
          path: target,
          headers: { ...authHeaders(who), accept: UNACCEPTABLE },
          identity: who?.label ?? "none",
        },
        {
          scenario: "not-acceptable",
          did: `GET ${op.path} with Accept: ${UNACCEPTABLE}`,
          expect: [406],
        },
      );
    }),
  ]);
}
