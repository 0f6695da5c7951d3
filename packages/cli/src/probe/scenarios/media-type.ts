/**
 * Content negotiation: a body labelled text/plain to an operation that takes JSON → 415 (the body
 * is also unparseable); an Accept no operation produces → 406 (info). The 415 check needs
 * --unsafe: a server whose JSON parser skips other media types reads an empty body and may act on
 * it (safety.ts lists it as not sent).
 */
import {
  all,
  authHeaders,
  callerFor,
  distinct,
  fillPath,
  hasParams,
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
        sendUnparseable(ctx, op, callerFor(ctx, op) ?? undefined, "text/plain", {
          scenario: "unsupported-media-type",
          did: `${op.method} ${op.path} with Content-Type: text/plain`,
          expect: hasParams(op) ? [415, 404] : [415],
        }),
    ),
    ...reads.map((op) => async () => {
      const who = callerFor(ctx, op) ?? undefined;
      const target = fillPath(ctx, op, true);
      if (target === undefined) return;
      await ctx.send(
        {
          method: "GET",
          ...target,
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
