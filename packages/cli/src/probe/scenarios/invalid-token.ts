/**
 * Credentials that must be refused, in identity A's scheme, on reads that require credentials →
 * 401, and with the Bearer scheme error="invalid_token" in the challenge (RFC 6750 §3.1).
 * Bearer: a garbage token and a JWT signed with another key (A's own claims when A's token is a
 * JWT, so that only the signature is wrong). Basic: an unknown user, and A's user with a wrong
 * password. Any other scheme: a garbage value.
 */
import { createHmac, randomBytes } from "node:crypto";
import { all, distinct, fillPath, type Identity, type ProbeContext } from "../context.js";

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString("base64url");
const sign = (input: string): string =>
  createHmac("sha256", randomBytes(32)).update(input).digest("base64url");

export const GARBAGE_TOKEN = "truestatus-probe-garbage-token-0000000000";
export const UNKNOWN_BASIC_USER = "truestatus-probe";
export const WRONG_PASSWORD = "truestatus-probe-wrong-password";

/** The header and payload of a JWT ("h.p"), or undefined when the value is not one. */
export function jwtClaims(token: string): string | undefined {
  const parts = token.split(".");
  if (parts.length !== 3 || !parts.every((p) => /^[\w-]+$/.test(p))) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, "base64url").toString("utf8")) as unknown;
    if (typeof header !== "object" || header === null || !("alg" in header)) return undefined;
  } catch {
    return undefined;
  }
  return `${parts[0]}.${parts[1]}`;
}

/** A JWT that expires in 2100, signed with a key made up for this run (nobody else holds it). */
export function foreignJwt(): string {
  const input = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ sub: "truestatus-probe", iat: 1_700_000_000, exp: 4_102_444_800 })}`;
  return `${input}.${sign(input)}`;
}

/** The credentials to try, as [what, Authorization value]. */
export function invalidCredentials(a: Identity | undefined): (readonly [string, string])[] {
  const scheme = a?.scheme ?? "Bearer";
  const credentials = a === undefined ? "" : a.authorization.slice(a.scheme.length).trim();
  if (scheme.toLowerCase() === "basic") {
    const decoded = Buffer.from(credentials, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const basic = (s: string) => `${scheme} ${Buffer.from(s).toString("base64")}`;
    return [
      ["an unknown user", basic(`${UNKNOWN_BASIC_USER}:${WRONG_PASSWORD}`)],
      ...(colon > 0
        ? [
            [
              "A's user with a wrong password",
              basic(`${decoded.slice(0, colon)}:${WRONG_PASSWORD}`),
            ] as const,
          ]
        : []),
    ];
  }
  if (scheme.toLowerCase() !== "bearer") return [["a garbage token", `${scheme} ${GARBAGE_TOKEN}`]];
  const claims = jwtClaims(credentials);
  return [
    ["a garbage token", `${scheme} ${GARBAGE_TOKEN}`],
    claims === undefined
      ? ["a JWT signed with another key", `${scheme} ${foreignJwt()}`]
      : ["A's JWT signed with another key", `${scheme} ${claims}.${sign(claims)}`],
  ];
}

export async function invalidToken(ctx: ProbeContext): Promise<void> {
  const reads = ctx.api.operations.filter((o) => o.auth === "required" && o.method === "GET");
  const scheme = ctx.a?.scheme ?? "Bearer";
  const ops = distinct(reads, (o) => o.path, Math.max(1, Math.ceil(ctx.perScenario / 2)));
  const tokens = invalidCredentials(ctx.a);
  await all(
    ops.flatMap((op) =>
      tokens.map(([what, authorization]) => async () => {
        const target = fillPath(ctx, op, true) ?? fillPath(ctx, op, false);
        if (target === undefined) return;
        await ctx.send(
          { method: "GET", ...target, headers: { authorization }, identity: what },
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
