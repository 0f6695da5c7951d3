/**
 * Baseline: each GET operation called as its owner would (identity A when authentication is
 * required or optional, and every list as A when A is given), lists first. Nothing is expected:
 * the rules judge what comes back (a 2xx whose body is an error is a soft error, an error body
 * with a stack trace leaks internals), and the objects in A's lists feed the two-identity, HEAD
 * and wrong-method scenarios.
 */
import { jsonBody } from "../../audit/body.js";
import {
  authHeaders,
  callerFor,
  concretePath,
  distinct,
  fillPath,
  hasParams,
  ID_KEYS,
  type IdRecord,
  type ProbeContext,
} from "../context.js";

const MAX_RECORDS = 20;
const MAX_DEPTH = 3;
const isIdKey = (k: string) => ID_KEYS.includes(k) || /(?:^|[a-z_])(?:id|Id|ID|uuid|slug)$/.test(k);

function record(v: unknown): IdRecord | undefined {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return undefined;
  const out: Record<string, string> = {};
  let idLike = false;
  for (const [k, x] of Object.entries(v as Record<string, unknown>).slice(0, 50)) {
    if (typeof x !== "string" && typeof x !== "number") continue;
    const s = String(x);
    if (s === "" || s.length > 200) continue;
    out[k] = s;
    if (isIdKey(k)) idLike = true;
  }
  return idLike ? out : undefined;
}

function wrapped(v: unknown): IdRecord | undefined {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return undefined;
  for (const x of Object.values(v).slice(0, 20)) {
    const r = record(x);
    if (r !== undefined) return r;
  }
  return undefined;
}

/**
 * The objects of the first array (breadth first, a few levels down) whose objects have an id-like
 * field: `[{id}]`, `{data: [...]}`, `{articles: [{slug}]}`, `{page: {items: [...]}}`. Their scalar
 * fields are kept, so a path parameter can take the one named like it.
 */
export function idsIn(value: unknown): IdRecord[] {
  let level: unknown[] = [value];
  for (let depth = 0; depth <= MAX_DEPTH && level.length > 0; depth++) {
    const next: unknown[] = [];
    for (const v of level) {
      if (Array.isArray(v)) {
        // An item without id fields of its own may wrap the object ({package: {name}, score}).
        const records = v
          .slice(0, 100)
          .map((x) => record(x) ?? wrapped(x))
          .filter((r): r is IdRecord => r !== undefined);
        if (records.length > 0) return records.slice(0, MAX_RECORDS);
        continue;
      }
      if (typeof v === "object" && v !== null) next.push(...Object.values(v).slice(0, 50));
    }
    level = next;
  }
  return [];
}

export async function baseline(ctx: ProbeContext): Promise<void> {
  const gets = ctx.api.operations
    .filter((o) => o.method === "GET")
    .sort((x, y) => (x.path.match(/\{/g)?.length ?? 0) - (y.path.match(/\{/g)?.length ?? 0));
  // Collections first (sequentially by depth) so that item paths can use the ids they list.
  const picked = distinct(gets, (o) => o.path, ctx.perScenario * 2);
  for (const op of picked) {
    // Lists are read as A whenever A is given: A's resources are what the other scenarios need.
    const who = !hasParams(op) && ctx.a !== undefined ? ctx.a : callerFor(ctx, op);
    if (who === null) continue;
    const target = fillPath(ctx, op, true);
    if (target === undefined) continue;
    const ex = await ctx.send(
      { method: "GET", ...target, headers: authHeaders(who), identity: who?.label ?? "none" },
      {
        scenario: "baseline",
        did: `GET ${op.path} as ${who === undefined ? "an anonymous client" : `identity ${who.label}`}`,
      },
    );
    const res = ex?.response;
    if (res === undefined) continue;
    const path = concretePath(target);
    ctx.gets.set(path, { path, status: res.status, identity: who?.label ?? "none" });
    if (res.status < 200 || res.status > 299 || res.body === undefined) continue;
    const ids = idsIn(jsonBody(res.body));
    const collection = ex!.request.path;
    // A's view when A is given (lists are read as A then), the anonymous one otherwise.
    if (ids.length > 0 && !ctx.ids.has(collection)) {
      ctx.ids.set(collection, ids);
      if (who?.label === "A") ctx.lists.set(collection, target);
    }
  }
}
