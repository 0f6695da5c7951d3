/**
 * Two identities: identity B asks for a resource that identity A owns (an id from A's own
 * answers, or from the document's examples, read successfully by A first) → 403, or 404 when the
 * policy hides it; never a success, never a 401.
 */
import { authHeaders, distinct, fillPath, hasParams, type ProbeContext } from "../context.js";

export async function otherIdentity(ctx: ProbeContext): Promise<void> {
  const { a, b } = ctx;
  if (a === undefined || b === undefined) {
    ctx.notes.push("other-identity: not run (give both --auth and --auth-other)");
    return;
  }
  const items = ctx.api.operations.filter((o) => o.method === "GET" && o.secured && hasParams(o));
  let tried = 0;
  for (const op of distinct(items, (o) => o.path, ctx.perScenario)) {
    const target = fillPath(ctx, op, true);
    if (target === undefined) continue;
    let own = ctx.gets.get(target);
    if (own === undefined || own.identity !== "A") {
      const ex = await ctx.send(
        { method: "GET", path: target, headers: authHeaders(a), identity: "A" },
        { scenario: "other-identity", did: `GET ${op.path} as identity A (the owner)` },
      );
      if (ex?.response === undefined) continue;
      own = { status: ex.response.status, identity: "A" };
      ctx.gets.set(target, own);
    }
    // Only a resource A can read proves anything about B.
    if (own.status < 200 || own.status > 299) continue;
    tried++;
    await ctx.send(
      { method: "GET", path: target, headers: authHeaders(b), identity: "B" },
      {
        scenario: "other-identity",
        did: `GET ${op.path} as identity B, on a resource identity A owns`,
        expect: [403, 404],
      },
    );
  }
  if (tried === 0)
    ctx.notes.push(
      "other-identity: no resource of identity A found (no ids in A's answers or in the examples)",
    );
}
