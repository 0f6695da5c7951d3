/**
 * Two identities. Identity A's resources are found as A: what A created in the scenario steps
 * (the path of a PUT, a Location, or the id in the answer), then ids in A's list answers that
 * none of B's reads of the same lists show. Each is read as A first (only a resource A can read
 * proves anything). B's read is judged only when B's own lists do not show the resource and an
 * anonymous read is refused (a public resource is no leak): it must be refused too (403, or 404
 * when hidden). With --unsafe, B also tries PATCH, PUT and DELETE on it (operations that require
 * credentials), each followed by A's read: a truthful API refuses, and the finding says what
 * changed when it did not.
 */
import { jsonBody } from "../../audit/body.js";
import type { Exchange } from "../../audit/exchange.js";
import {
  authHeaders,
  concretePath,
  idFor,
  type PlannedTarget,
  type ProbeContext,
} from "../context.js";
import type { Operation } from "../openapi.js";
import { describeChange, type Snapshot, snapshotOf } from "../witness.js";
import { idsIn } from "./baseline.js";
import { sample } from "./invalid-body.js";

const REFUSED = [401, 403, 404];
/** Answers to B's write that refuse its body before any ownership check: they prove nothing. */
const INCONCLUSIVE = [400, 409, 415, 422];
const WRITES = ["PATCH", "PUT", "DELETE"];

/** The template as a pattern matching concrete paths, with its parameter names. */
function matcher(template: string): { re: RegExp; names: string[] } {
  const names: string[] = [];
  const source = template
    .split(/(\{[^{}/]+\})/)
    .map((part) => {
      const m = /^\{([^{}/]+)\}$/.exec(part);
      if (m === null) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      names.push(m[1]!);
      return "([^/]+)";
    })
    .join("");
  return { re: new RegExp(`^${source}/?$`), names };
}

function fromCreated(ctx: ProbeContext, template: string): PlannedTarget | undefined {
  const { re, names } = matcher(template);
  for (const path of ctx.created) {
    const m = re.exec(path);
    if (m === null) continue;
    try {
      const vars = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
      return { template, vars };
    } catch {
      // a malformed escape in a Location: not a candidate
    }
  }
  return undefined;
}

/**
 * Every id-like value in identity B's reads of the lists A read (each list read once as B, after
 * the scenario steps): what B's own lists show is not A's alone.
 */
async function seenByB(ctx: ProbeContext): Promise<Set<string>> {
  for (const [collection, target] of [...ctx.lists].slice(0, ctx.perScenario * 2)) {
    if (ctx.idsB.has(collection)) continue;
    const ex = await ctx.send(
      { method: "GET", ...target, headers: authHeaders(ctx.b), identity: "B" },
      { scenario: "other-identity", did: `GET ${collection} as identity B (what B may list)` },
    );
    const res = ex?.response;
    ctx.idsB.set(
      collection,
      res !== undefined && res.status >= 200 && res.status < 300 ? idsIn(jsonBody(res.body)) : [],
    );
  }
  const values = new Set<string>();
  for (const records of ctx.idsB.values())
    for (const r of records) for (const v of Object.values(r)) values.add(v);
  return values;
}

/** An id from A's list of the collection before the first parameter that B's lists lack. */
function fromLists(
  ctx: ProbeContext,
  template: string,
  theirs: ReadonlySet<string>,
): PlannedTarget | undefined {
  const { names } = matcher(template);
  const first = names[0];
  const collection = template.slice(0, template.indexOf("/{"));
  if (first === undefined || collection === "") return undefined;
  for (const r of ctx.ids.get(collection) ?? []) {
    const v = idFor(r, first);
    if (v === undefined || theirs.has(v)) continue;
    const vars: Record<string, string> = { [first]: v };
    // Deeper parameters (nested collections) from A's lists of the concrete collection.
    for (const n of names.slice(1)) {
      const prefix = template
        .slice(0, template.indexOf(`{${n}}`))
        .replace(/\/$/, "")
        .replace(/\{([^{}/]+)\}/g, (_, k: string) => encodeURIComponent(vars[k] ?? ""));
      const w = ctx.ids
        .get(prefix)
        ?.map((x) => idFor(x, n))
        .find((x) => x !== undefined);
      if (w === undefined) break;
      vars[n] = w;
    }
    if (names.every((n) => vars[n] !== undefined)) return { template, vars };
  }
  return undefined;
}

async function readAs(
  ctx: ProbeContext,
  target: PlannedTarget,
  who: "A" | "B" | "none",
  did: string,
  expect?: readonly number[],
): Promise<Exchange | undefined> {
  const id = who === "A" ? ctx.a : who === "B" ? ctx.b : undefined;
  return ctx.send(
    { method: "GET", ...target, headers: authHeaders(id), identity: who },
    { scenario: "other-identity", did, ...(expect !== undefined ? { expect } : {}) },
  );
}

const ok = (ex: Exchange | undefined) =>
  ex?.response !== undefined && ex.response.status >= 200 && ex.response.status < 300;

/** B's writes on A's resource, each followed by A's read (reported as what changed). */
async function writesAsB(
  ctx: ProbeContext,
  target: PlannedTarget,
  template: string,
  writes: readonly Operation[],
  canRead: boolean,
  first: Snapshot | undefined,
): Promise<void> {
  let last = first;
  for (const op of writes) {
    const again = canRead
      ? snapshotOf(
          await readAs(ctx, target, "A", `GET ${template} as identity A (before B's ${op.method})`),
        )
      : undefined;
    const body =
      op.method === "DELETE"
        ? undefined
        : JSON.stringify(op.body?.schema !== undefined ? sample(op.body.schema) : {});
    const ex = await ctx.send(
      {
        method: op.method,
        ...target,
        headers: {
          ...authHeaders(ctx.b),
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
        },
        ...(body !== undefined ? { body } : {}),
        identity: "B",
      },
      {
        scenario: "other-identity-write",
        did: `${op.method} ${template} as identity B, on a resource identity A owns`,
        expect: [403, 404, ...INCONCLUSIVE],
      },
    );
    const status = ex?.response?.status;
    if (status !== undefined && INCONCLUSIVE.includes(status))
      ctx.notes.push(
        `other-identity: B's ${op.method} on ${concretePath(target)} answered ${status} (its body was refused before any ownership check): inconclusive`,
      );
    if (ex === undefined || !canRead) continue;
    const after = snapshotOf(
      await readAs(ctx, target, "A", `GET ${template} as identity A (after B's ${op.method})`),
    );
    if (last !== undefined && again !== undefined && after !== undefined) {
      const change = describeChange(last, again, after);
      if (change !== undefined && change !== "volatile")
        ctx.amend(ex, { changed: `A's resource: ${change}` });
    }
    last = after;
  }
}

/** B's read, judged only when an anonymous read is refused (a public resource is no leak). */
async function readAsB(
  ctx: ProbeContext,
  target: PlannedTarget,
  template: string,
  path: string,
): Promise<void> {
  const anon = await readAs(
    ctx,
    target,
    "none",
    `GET ${template} without credentials (is it public?)`,
  );
  const status = anon?.response?.status;
  if (status !== undefined && status >= 200 && status < 300)
    ctx.notes.push(
      `other-identity: ${path} is public (anonymous callers read it too): identity B reading it is no finding`,
    );
  else if (status !== undefined && REFUSED.includes(status))
    await readAs(
      ctx,
      target,
      "B",
      `GET ${template} as identity B, on a resource identity A owns`,
      [403, 404],
    );
  else
    ctx.notes.push(
      `other-identity: ${path}: the anonymous read answered ${status ?? "nothing"}, so B's read proves nothing`,
    );
}

export async function otherIdentity(ctx: ProbeContext): Promise<void> {
  const { a, b } = ctx;
  if (a === undefined || b === undefined) {
    ctx.notes.push("other-identity: not run (give both --auth and --auth-other)");
    return;
  }
  const byPath = new Map<string, Operation[]>();
  for (const op of ctx.api.operations)
    if (op.path.includes("{")) byPath.set(op.path, [...(byPath.get(op.path) ?? []), op]);
  const theirs = await seenByB(ctx);
  let tried = 0;
  for (const [template, ops] of byPath) {
    if (tried >= ctx.perScenario) break;
    const get = ops.find((o) => o.method === "GET");
    const writes = WRITES.flatMap((m) =>
      ops.filter((o) => o.method === m && o.auth === "required"),
    );
    if (get === undefined && (!ctx.unsafe || writes.length === 0)) continue;
    // A created it (the strongest sign it is A's), or A's lists show it and B's do not.
    const created = fromCreated(ctx, template);
    const target = created ?? fromLists(ctx, template, theirs);
    if (target === undefined) continue;
    const path = concretePath(target);
    const shared = Object.values(target.vars).some((v) => theirs.has(v));
    let first: Snapshot | undefined;
    if (get !== undefined) {
      const mine = await readAs(ctx, target, "A", `GET ${template} as identity A (the owner)`);
      if (!ok(mine)) {
        ctx.notes.push(
          `other-identity: ${path} not used (identity A's read answered ${mine?.response?.status ?? "nothing"})`,
        );
        continue;
      }
      first = snapshotOf(mine);
      tried++;
      if (shared)
        ctx.notes.push(
          `other-identity: ${path}: identity B's own lists show it, so B reading it is no finding`,
        );
      else await readAsB(ctx, target, template, path);
    } else tried++;
    if (ctx.unsafe && writes.length > 0)
      await writesAsB(ctx, target, template, writes, get !== undefined, first);
  }
  if (tried === 0)
    ctx.notes.push(
      "other-identity: no resource of identity A's alone found (none created by A in the scenario steps, and no id in A's lists that B's lists lack)",
    );
  else if (!ctx.unsafe && [...byPath.values()].flat().some((o) => WRITES.includes(o.method)))
    ctx.notes.push(
      "other-identity: identity B's PATCH, PUT and DELETE on A's resource not run (needs --unsafe)",
    );
}
