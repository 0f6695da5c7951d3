/**
 * Burst (opt-in, --burst N): N reads of one target as fast as the caps allow, until a 429. The
 * 429s are judged by the usual rules (Retry-After present and valid); then the probe waits exactly
 * the Retry-After it was given (at most MAX_WAIT_S) and asks once more: a second 429 means the
 * wait it named is not honoured.
 */

import { parseRetryAfter, retryAfterSeconds } from "truestatus";
import { headerField } from "../../audit/exchange.js";
import { all, authHeaders, literal, type ProbeContext } from "../context.js";

export const MAX_WAIT_S = 10;

export async function burst(ctx: ProbeContext): Promise<void> {
  if (ctx.burst === 0) return;
  // A collection read (one whose answer listed ids) first: list endpoints are the usual limited ones.
  const ok = [...ctx.gets.values()].filter((g) => g.status >= 200 && g.status < 300);
  const g = ok.find((x) => ctx.ids.has(x.path)) ?? ok[0];
  if (g === undefined) {
    ctx.notes.push("burst: not run (no GET target answered 2xx)");
    return;
  }
  const target = g.path;
  const who = g.identity === "A" ? ctx.a : undefined;
  let retryAfter: string | undefined;
  let limited = 0;
  await all(
    Array.from({ length: ctx.burst }, (_, i) => async () => {
      const ex = await ctx.send(
        { method: "GET", ...literal(target), headers: authHeaders(who), identity: g.identity },
        { scenario: "burst", did: `GET ${target} (burst ${i + 1} of ${ctx.burst})` },
      );
      if (ex?.response?.status !== 429) return;
      limited++;
      retryAfter ??= headerField(ex.response.headers, "retry-after");
    }),
  );
  if (limited === 0) {
    ctx.notes.push(`burst: ${ctx.burst} requests to GET ${target} were all answered without a 429`);
    return;
  }
  if (retryAfter === undefined) return;
  const parsed = parseRetryAfter(retryAfter);
  if (!parsed.ok) return;
  const seconds = retryAfterSeconds(parsed.value);
  if (seconds > MAX_WAIT_S) {
    ctx.notes.push(
      `burst: Retry-After ${seconds}s is longer than the ${MAX_WAIT_S}s the probe waits; not re-checked`,
    );
    return;
  }
  const waitedMs = Math.ceil(seconds * 1000) + 50;
  await new Promise((r) => setTimeout(r, waitedMs));
  await ctx.send(
    { method: "GET", ...literal(target), headers: authHeaders(who), identity: g.identity },
    {
      scenario: "burst-retry",
      did: `GET ${target} after the Retry-After (${retryAfter}) of a 429`,
      waitedMs,
    },
  );
}
