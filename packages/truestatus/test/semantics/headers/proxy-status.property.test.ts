import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildProxyStatus,
  type ProxyStatusEntry,
  parseProxyStatus,
} from "../../../src/semantics/headers/proxy-status.js";
import {
  alpnId,
  anyString,
  mutated,
  PROXY_STATUS_KNOWN_PARAMS,
  plainRecord,
  proxyStatusEntry,
  refusalViolation,
  resultViolation,
  sfKey,
  sfString,
  withCrLfNul,
} from "./arbitraries.js";

const RUNS = { numRuns: 500 };

const entry = proxyStatusEntry;
const KNOWN = PROXY_STATUS_KNOWN_PARAMS;
const entries = fc.array(entry, { minLength: 1, maxLength: 4 });

/** Compares entries with their extra parameters type-tagged (a Token must not come back a string). */
function plain(e: ProxyStatusEntry) {
  return { ...e, params: plainRecord(e.params) };
}

describe("Proxy-Status round trip", () => {
  it("parseProxyStatus(buildProxyStatus(entries)) equals entries", () => {
    fc.assert(
      fc.property(entries, (es) => {
        const r = parseProxyStatus(buildProxyStatus(es));
        expect(r.ok).toBe(true);
        if (r.ok) expect(r.value.map(plain)).toEqual(es.map(plain));
      }),
      RUNS,
    );
  });

  it("one entry builds as a list of one", () => {
    fc.assert(
      fc.property(entry, (e) => {
        expect(buildProxyStatus(e)).toBe(buildProxyStatus([e]));
      }),
      RUNS,
    );
  });

  it("several field lines parse as their concatenation (first member nearest the origin)", () => {
    fc.assert(
      fc.property(entries, entries, (a, b) => {
        const r = parseProxyStatus([buildProxyStatus(a), buildProxyStatus(b)]);
        expect(r.ok && r.value.map(plain)).toEqual([...a, ...b].map(plain));
      }),
      RUNS,
    );
  });

  it("next-protocol: any string is refused or comes back unchanged, never altered", () => {
    const anyProtocol = fc.oneof(alpnId, fc.string({ unit: "binary", maxLength: 8 }));
    fc.assert(
      fc.property(anyProtocol, (nextProtocol) => {
        let text: string;
        try {
          text = buildProxyStatus({ proxy: "p", nextProtocol });
        } catch {
          expect(
            refusalViolation(() => buildProxyStatus({ proxy: "p", nextProtocol })),
          ).toBeUndefined();
          return;
        }
        const r = parseProxyStatus(text);
        expect(r.ok && r.value[0]!.nextProtocol).toBe(nextProtocol);
      }),
      RUNS,
    );
  });
});

describe("parseProxyStatus never throws", () => {
  it("on arbitrary and mutated input, and every error is well formed", () => {
    const input = fc.oneof(anyString, mutated(entries.map(buildProxyStatus)));
    fc.assert(
      fc.property(input, (s) => {
        expect(resultViolation(s, parseProxyStatus(s))).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });

  it("on several field lines", () => {
    fc.assert(
      fc.property(fc.array(anyString, { maxLength: 4 }), (lines) => {
        expect(resultViolation(lines.join(", "), parseProxyStatus(lines))).toBeUndefined();
      }),
      RUNS,
    );
  });
});

describe("buildProxyStatus refuses what cannot be sent", () => {
  it("CR, LF or NUL in any string it embeds", () => {
    fc.assert(
      fc.property(withCrLfNul, sfKey, (bad, key) => {
        fc.pre(!KNOWN.includes(key));
        const cases: ProxyStatusEntry[] = [
          { proxy: bad },
          { proxy: "p", error: bad },
          { proxy: "p", nextHop: bad },
          { proxy: "p", nextHopAliases: bad },
          { proxy: "p", details: bad },
          { proxy: "p", params: { [key]: bad } },
          { proxy: "p", params: { [bad]: 1 } },
        ];
        for (const c of cases) expect(refusalViolation(() => buildProxyStatus(c))).toBeUndefined();
      }),
      RUNS,
    );
  });

  it("a received-status that is not a three-digit integer", () => {
    const bad = fc.oneof(
      fc.integer({ min: -1000, max: 99 }),
      fc.integer({ min: 1000, max: 100_000 }),
      fc.double({ min: 100, max: 999, noInteger: true }),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY),
    );
    fc.assert(
      fc.property(bad, (receivedStatus) => {
        expect(
          refusalViolation(() => buildProxyStatus({ proxy: "p", receivedStatus })),
        ).toBeUndefined();
      }),
      RUNS,
    );
  });

  it("an error type that is not a token, and a known parameter set through params", () => {
    fc.assert(
      fc.property(fc.constantFrom(...KNOWN), sfString, (known, s) => {
        fc.pre(!/^[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*$/.test(s));
        expect(refusalViolation(() => buildProxyStatus({ proxy: "p", error: s }))).toBeUndefined();
        expect(
          refusalViolation(() => buildProxyStatus({ proxy: "p", params: { [known]: 1 } })),
        ).toBeUndefined();
      }),
      RUNS,
    );
  });
});
