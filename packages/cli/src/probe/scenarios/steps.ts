/**
 * The steps of scenario files, in order: each is planned as written, `{{name}}` filled (by
 * safety.ts, for the path) from values saved from earlier answers, and judged against its
 * expected statuses. A step whose variable was never saved is not sent (the note says which step
 * failed to save it); a step safe mode does not allow is listed as not sent. Resources identity A
 * creates here are the two-identity scenario's best candidates.
 */
import { relative } from "node:path";
import { jsonBody } from "../../audit/body.js";
import { headerValue } from "../../audit/exchange.js";
import { authHeaders, ID_KEYS, type ProbeContext } from "../context.js";

function lookup(value: unknown, path: string): unknown {
  let v = value;
  for (const k of path.split(".")) {
    if (typeof v !== "object" || v === null) return undefined;
    v = Array.isArray(v) && /^\d+$/.test(k) ? v[Number(k)] : (v as Record<string, unknown>)[k];
  }
  return v;
}

/** Fills `{{name}}` in a body; undefined (with the first missing name) when one is not saved. */
function fillBody(
  text: string,
  saved: ReadonlyMap<string, string>,
): { text: string } | { missing: string } {
  let missing: string | undefined;
  const out = text.replace(/\{\{(\w+)\}\}/g, (_, k: string) => {
    const v = saved.get(k);
    if (v === undefined) missing ??= k;
    return v ?? "";
  });
  return missing === undefined ? { text: out } : { missing };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Paths of what a write created: its Location, or "<path>/<id>" for the ids in its answer. */
function createdPaths(path: string, location: string | undefined, json: unknown): string[] {
  const out: string[] = [];
  if (location !== undefined) out.push(location);
  // The object itself, or the one member of a wrapper ({"article": {…}}).
  const values = isRecord(json) ? Object.values(json) : [];
  const obj = isRecord(json) && values.length === 1 && isRecord(values[0]) ? values[0] : json;
  if (isRecord(obj))
    for (const k of ID_KEYS) {
      const v = obj[k];
      if ((typeof v === "string" && v !== "") || typeof v === "number")
        out.push(`${path.split("?")[0]!.replace(/\/$/, "")}/${encodeURIComponent(String(v))}`);
    }
  return out.slice(0, 4);
}

export async function steps(ctx: ProbeContext): Promise<void> {
  const saved = new Map<string, string>();
  /** Why a variable is not saved: the step that should have saved it and what it got. */
  const unsaved = new Map<string, string>();
  for (const s of ctx.steps) {
    const at = `${s.file}: step ${s.index} (${s.name})`;
    const identity = s.identity ?? (ctx.a === undefined ? "none" : "A");
    const who = identity === "A" ? ctx.a : identity === "B" ? ctx.b : undefined;
    if (identity !== "none" && who === undefined) {
      ctx.notes.push(`${at} not sent: identity ${identity} was not given`);
      continue;
    }
    let body: string | undefined;
    if (s.body !== undefined) {
      const filled = fillBody(JSON.stringify(s.body), saved);
      if ("missing" in filled) {
        ctx.notes.push(
          `${at} not sent: {{${filled.missing}}} in its body was never saved${unsaved.has(filled.missing) ? ` (${unsaved.get(filled.missing)})` : ""}`,
        );
        continue;
      }
      body = filled.text;
    }
    for (const m of s.path.matchAll(/\{\{(\w+)\}\}/g))
      if (!saved.has(m[1]!) && unsaved.has(m[1]!)) {
        ctx.notes.push(`${at}: {{${m[1]}}} was never saved (${unsaved.get(m[1]!)})`);
        break;
      }
    const ex = await ctx.send(
      {
        method: s.method,
        template: s.path,
        vars: Object.fromEntries(saved),
        headers: {
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
          ...s.headers,
          ...authHeaders(who),
        },
        ...(body !== undefined ? { body } : {}),
        identity,
      },
      {
        scenario: "step",
        did: `step "${s.name}" (${relative(process.cwd(), s.file) || s.file} #${s.index})`,
        expect: s.expect,
      },
    );
    const res = ex?.response;
    const json = res?.body === undefined ? undefined : jsonBody(res.body);
    for (const [name, path] of Object.entries(s.save ?? {})) {
      const v = lookup(json, path);
      if ((typeof v === "string" && v !== "") || typeof v === "number") {
        saved.set(name, String(v));
        unsaved.delete(name);
      } else
        unsaved.set(
          name,
          `step ${s.index} (${s.name}) ${res === undefined ? "was not sent or got no answer" : `answered ${res.status} without a value at "${path}"`}`,
        );
    }
    if (
      ex === undefined ||
      res === undefined ||
      identity !== "A" ||
      (s.method !== "POST" && s.method !== "PUT") ||
      res.status < 200 ||
      res.status > 299
    )
      continue;
    const location = headerValue(res.headers, "location");
    // PUT creates (or replaces) the resource at its own path.
    if (s.method === "PUT") ctx.created.push(ex.request.path);
    else
      ctx.created.push(
        ...createdPaths(
          ex.request.path,
          location === undefined ? undefined : ctx.client.pathOnTarget(location),
          json,
        ),
      );
  }
}
