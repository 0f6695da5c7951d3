/**
 * The steps of scenario files, in order: each is sent as written (an unsafe method only with
 * --unsafe), `{{name}}` filled from values saved from earlier answers, and judged against its
 * expected statuses.
 */
import { relative } from "node:path";
import { jsonBody } from "../../audit/body.js";
import { authHeaders, type ProbeContext } from "../context.js";

function lookup(value: unknown, path: string): unknown {
  let v = value;
  for (const k of path.split(".")) {
    if (typeof v !== "object" || v === null) return undefined;
    v = Array.isArray(v) && /^\d+$/.test(k) ? v[Number(k)] : (v as Record<string, unknown>)[k];
  }
  return v;
}

function fill(text: string, saved: ReadonlyMap<string, string>, encode: boolean): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, k: string) => {
    const v = saved.get(k) ?? "";
    return encode ? encodeURIComponent(v) : v;
  });
}

export async function steps(ctx: ProbeContext): Promise<void> {
  const saved = new Map<string, string>();
  for (const s of ctx.steps) {
    const identity = s.identity ?? (ctx.a === undefined ? "none" : "A");
    const who = identity === "A" ? ctx.a : identity === "B" ? ctx.b : undefined;
    if (identity !== "none" && who === undefined) {
      ctx.notes.push(
        `${s.file}: step ${s.index} (${s.name}) not sent: identity ${identity} was not given`,
      );
      continue;
    }
    const body = s.body === undefined ? undefined : fill(JSON.stringify(s.body), saved, false);
    const req = {
      method: s.method,
      path: fill(s.path, saved, true),
      headers: {
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...s.headers,
        ...authHeaders(who),
      },
      ...(body !== undefined ? { body } : {}),
      identity,
    };
    const refused = ctx.client.refusal(req);
    if (refused !== undefined) {
      ctx.notes.push(
        `${s.file}: step ${s.index} (${s.name}) not sent: ${refused === "unsafe" ? `${s.method} could change data (give --unsafe)` : "its path leaves the target's origin"}`,
      );
      continue;
    }
    const ex = await ctx.send(req, {
      scenario: "step",
      did: `step "${s.name}" (${relative(process.cwd(), s.file) || s.file} #${s.index})`,
      expect: s.expect,
    });
    if (s.save === undefined || ex?.response?.body === undefined) continue;
    const json = jsonBody(ex.response.body);
    for (const [name, path] of Object.entries(s.save)) {
      const v = lookup(json, path);
      if (typeof v === "string" || typeof v === "number") saved.set(name, String(v));
    }
  }
}
