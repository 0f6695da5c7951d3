import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type BearerChallengeOptions,
  bearerChallenge,
  buildWwwAuthenticate,
  type Challenge,
  parseWwwAuthenticate,
} from "../../../src/semantics/headers/www-authenticate.js";
import {
  anyString,
  challenge,
  charFrom,
  httpToken,
  mutated,
  PRINTABLE,
  quotedContent,
  refusalViolation,
  resultViolation,
  TCHAR,
  withCrLfNul,
} from "./arbitraries.js";

const RUNS = { numRuns: 500 };

const challenges = fc.array(challenge, { minLength: 1, maxLength: 4 });

// ---- an independent, loose writer: every form RFC 9110 lets a sender use --------------------------

const ows = fc.constantFrom("", " ", "\t", "  ");
const listSep = fc.constantFrom(",", ", ", " ,", " , ", ", , ", ",,", "\t,\t");

function quote(v: string): string {
  return `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

const isToken = (v: string) => v.length > 0 && [...v].every((c) => TCHAR.includes(c));

/** Writes challenges with BWS around "=", OWS and empty list elements, and bare token values. */
const looseText = fc
  .tuple(
    challenges,
    fc.array(fc.tuple(ows, ows, listSep, fc.boolean(), fc.constantFrom(" ", "  ")), {
      minLength: 24,
      maxLength: 24,
    }),
    fc.constantFrom("", ", ", " ,  , "),
  )
  .map(([cs, style, lead]) => {
    let n = 0;
    const next = () => style[n++ % style.length]!;
    const parts = cs.map((c) => {
      const [, , , , sp] = next();
      if (c.token68 !== undefined) return `${c.scheme}${sp}${c.token68}`;
      const ps = Object.entries(c.params).map(([k, v]) => {
        const [b1, b2, , bare] = next();
        return `${k}${b1}=${b2}${bare && isToken(v) ? v : quote(v)}`;
      });
      if (ps.length === 0) return c.scheme;
      return `${c.scheme}${sp}${ps.reduce((acc, p) => `${acc}${next()[2]}${p}`)}`;
    });
    return { cs, text: lead + parts.reduce((acc, p) => `${acc}${next()[2]}${p}`) };
  });

describe("WWW-Authenticate round trip", () => {
  it("parse(build(challenges)) equals challenges", () => {
    fc.assert(
      fc.property(challenges, (cs) => {
        const r = parseWwwAuthenticate(buildWwwAuthenticate(cs));
        expect(r.ok).toBe(true);
        if (r.ok) expect(r.value).toEqual(cs);
      }),
      RUNS,
    );
  });

  it("reads every form a sender may use: BWS, OWS, empty list elements, bare tokens", () => {
    fc.assert(
      fc.property(looseText, ({ cs, text }) => {
        const r = parseWwwAuthenticate(text);
        expect(r.ok, `${text} → ${JSON.stringify(r)}`).toBe(true);
        if (r.ok) expect(r.value).toEqual(cs);
      }),
      { numRuns: 1000 },
    );
  });

  it("several field lines parse as their concatenation", () => {
    fc.assert(
      fc.property(challenges, challenges, (a, b) => {
        const r = parseWwwAuthenticate([buildWwwAuthenticate(a), buildWwwAuthenticate(b)]);
        expect(r.ok && r.value).toEqual([...a, ...b]);
      }),
      RUNS,
    );
  });

  it("parameter names come back lowercase, whatever case they were sent in", () => {
    fc.assert(
      fc.property(httpToken, httpToken, quotedContent, (scheme, name, value) => {
        const r = parseWwwAuthenticate(buildWwwAuthenticate({ scheme, params: { [name]: value } }));
        expect(r.ok && r.value).toEqual([{ scheme, params: { [name.toLowerCase()]: value } }]);
      }),
      RUNS,
    );
  });
});

describe("Bearer (RFC 6750 §3)", () => {
  const bearerSafe = fc.string({
    unit: charFrom(PRINTABLE.replace(/["\\]/g, "")),
    maxLength: 20,
  });
  const options: fc.Arbitrary<BearerChallengeOptions> = fc.record(
    {
      realm: quotedContent,
      scope: fc.oneof(bearerSafe, fc.array(httpToken, { maxLength: 3 })),
      error: fc.constantFrom("invalid_request", "invalid_token", "insufficient_scope"),
      errorDescription: bearerSafe,
      errorUri: bearerSafe,
    },
    { requiredKeys: [] },
  );

  it("every option comes back under its RFC 6750 parameter name", () => {
    fc.assert(
      fc.property(options, (o) => {
        const r = parseWwwAuthenticate(buildWwwAuthenticate(bearerChallenge(o)));
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        const expected: Record<string, string> = {};
        if (o.realm !== undefined) expected.realm = o.realm;
        if (o.error !== undefined) expected.error = o.error;
        if (o.errorDescription !== undefined) expected.error_description = o.errorDescription;
        if (o.errorUri !== undefined) expected.error_uri = o.errorUri;
        if (o.scope !== undefined)
          expected.scope = typeof o.scope === "string" ? o.scope : o.scope.join(" ");
        expect(r.value).toEqual([{ scheme: "Bearer", params: expected }]);
      }),
      RUNS,
    );
  });

  it('refuses \'"\', "\\" and controls in scope, error_description and error_uri', () => {
    const bad = fc.oneof(
      withCrLfNul,
      fc.tuple(fc.string(), fc.constantFrom('"', "\\"), fc.string()).map((p) => p.join("")),
    );
    fc.assert(
      fc.property(bad, (v) => {
        for (const o of [{ scope: v }, { errorDescription: v }, { errorUri: v }]) {
          expect(refusalViolation(() => buildWwwAuthenticate(bearerChallenge(o)))).toBeUndefined();
        }
      }),
      RUNS,
    );
  });
});

describe("parseWwwAuthenticate never throws", () => {
  it("on arbitrary, loose and mutated input, and every error is well formed", () => {
    const input = fc.oneof(
      anyString,
      mutated(challenges.map((cs) => buildWwwAuthenticate(cs))),
      mutated(looseText.map(({ text }) => text)),
    );
    fc.assert(
      fc.property(input, (s) => {
        expect(resultViolation(s, parseWwwAuthenticate(s))).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });
});

describe("buildWwwAuthenticate refuses what cannot be sent", () => {
  it("CR, LF or NUL in a scheme, parameter name, parameter value, token68 or realm", () => {
    fc.assert(
      fc.property(withCrLfNul, (bad) => {
        const cases: Challenge[] = [
          { scheme: bad, params: {} },
          { scheme: "Basic", params: { [bad]: "x" } },
          { scheme: "Basic", params: { realm: bad } },
          { scheme: "Basic", token68: bad, params: {} },
          bearerChallenge({ realm: bad }),
        ];
        for (const c of cases)
          expect(refusalViolation(() => buildWwwAuthenticate(c))).toBeUndefined();
      }),
      RUNS,
    );
  });

  it("a parameter value beyond U+00FF (no quoted-string can carry it)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", minLength: 1 }), (v) => {
        fc.pre([...v].some((c) => c.codePointAt(0)! > 0xff));
        expect(
          refusalViolation(() => buildWwwAuthenticate({ scheme: "Basic", params: { realm: v } })),
        ).toBeUndefined();
      }),
      RUNS,
    );
  });
});
