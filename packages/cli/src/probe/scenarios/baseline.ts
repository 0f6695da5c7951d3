/**
 * Baseline: each GET operation called as its owner would (identity A when secured), collections
 * first. Nothing is expected: the rules judge what comes back (a 2xx whose body is an error is a
 * soft error, a 5xx with a stack trace leaks internals), and the ids in A's answers feed the
 * two-identity, HEAD and wrong-method scenarios.
 */
import { jsonBody } from "../../audit/body.js";
import { authHeaders, callerFor, distinct, fillPath, type ProbeContext } from "../context.js";

const ID_KEYS = ["id", "uuid", "_id", "key", "slug"];
const LIST_KEYS = ["data", "items", "results", "content", "records"];

/** Ids in a JSON list: items of an array (or of data/items/results); none for a single object. */
export function idsIn(value: unknown): string[] {
  const one = (v: unknown): string | undefined => {
    if (typeof v !== "object" || v === null) return undefined;
    for (const k of ID_KEYS) {
      const x = (v as Record<string, unknown>)[k];
      if (typeof x === "string" || typeof x === "number") return String(x);
    }
    return undefined;
  };
  let list: unknown = value;
  if (typeof list !== "object" || list === null) return [];
  if (!Array.isArray(list) && typeof list === "object" && list !== null) {
    const o = list as Record<string, unknown>;
    list = LIST_KEYS.map((k) => o[k]).find(Array.isArray) ?? [];
  }
  return (list as unknown[])
    .map(one)
    .filter((x): x is string => x !== undefined)
    .slice(0, 20);
}

export async function baseline(ctx: ProbeContext): Promise<void> {
  const gets = ctx.api.operations
    .filter((o) => o.method === "GET")
    .sort((x, y) => (x.path.match(/\{/g)?.length ?? 0) - (y.path.match(/\{/g)?.length ?? 0));
  // Collections first (sequentially by depth) so that item paths can use the ids they list.
  const picked = distinct(gets, (o) => o.path, ctx.perScenario * 2);
  for (const op of picked) {
    const who = callerFor(ctx, op);
    if (who === null) continue;
    const target = fillPath(ctx, op, true);
    if (target === undefined) continue;
    const ex = await ctx.send(
      { method: "GET", path: target, headers: authHeaders(who), identity: who?.label ?? "none" },
      {
        scenario: "baseline",
        did: `GET ${op.path} as ${who === undefined ? "an anonymous client" : `identity ${who.label}`}`,
      },
    );
    const res = ex?.response;
    if (res === undefined) continue;
    ctx.gets.set(target, { status: res.status, identity: who?.label ?? "none" });
    if (res.status < 200 || res.status > 299 || res.body === undefined) continue;
    const ids = idsIn(jsonBody(res.body));
    if (ids.length === 0) continue;
    if (!op.path.includes("{") && !ctx.ids.has(op.path)) ctx.ids.set(op.path, ids);
  }
}
