/**
 * A garbage token and an expired-looking JWT on a secured read → 401, and with the Bearer scheme
 * error="invalid_token" in the challenge (RFC 6750 §3.1).
 */
import { all, distinct, fillPath, type ProbeContext } from "../context.js";

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString("base64url");

/** A JWT that expired on 2000-01-01, signed with nothing anyone holds: never a secret. */
export const EXPIRED_JWT = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ sub: "truestatus-probe", iat: 946681200, exp: 946684800 })}.${"A".repeat(43)}`;
export const GARBAGE_TOKEN = "truestatus-probe-garbage-token-0000000000";

export async function invalidToken(ctx: ProbeContext): Promise<void> {
  const reads = ctx.api.operations.filter((o) => o.secured && o.method === "GET");
  const scheme = ctx.a?.scheme ?? "Bearer";
  const ops = distinct(reads, (o) => o.path, Math.max(1, Math.ceil(ctx.perScenario / 2)));
  const tokens = [
    ["a garbage token", GARBAGE_TOKEN],
    ["an expired JWT", EXPIRED_JWT],
  ] as const;
  await all(
    ops.flatMap((op) =>
      tokens.map(([what, token]) => async () => {
        const target = fillPath(ctx, op, true) ?? fillPath(ctx, op, false)!;
        await ctx.send(
          {
            method: "GET",
            path: target,
            headers: { authorization: `${scheme} ${token}` },
            identity: what,
          },
          {
            scenario: "invalid-token",
            did: `GET ${op.path} with ${what} (${scheme})`,
            expect: [401],
            scheme,
          },
        );
      }),
    ),
  );
}
