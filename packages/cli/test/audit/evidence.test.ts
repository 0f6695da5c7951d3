import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { excerptAround } from "../../src/audit/evidence.js";

const JWT =
  "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

/** Any 10-character piece of `secret` found in `text`. */
function pieces(secret: string, text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 10 <= secret.length; i++)
    if (text.includes(secret.slice(i, i + 10))) out.push(secret.slice(i, i + 10));
  return out;
}

describe("excerptAround", () => {
  it("redacts before cutting: a long token just before the match does not leak its tail", () => {
    const text = `billing failed with Authorization: Bearer ${JWT}\n    at renderInvoice (/srv/x.js:1:2)`;
    const ex = excerptAround(text, text.indexOf("\n    at"));
    expect(ex).toContain("Bearer [REDACTED]");
    expect(ex).toContain("at renderInvoice");
    expect(pieces(JWT, ex)).toEqual([]);
  });

  it("never shows a piece of a credential, wherever the match is", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9_-]{20,300}$/),
        fc.constantFrom("Authorization: Bearer ", "api_key=", "access_token=", "password: "),
        fc.string({ maxLength: 100 }).map((s) => s.replace(/[\r\n]/g, " ")),
        (secret, prefix, filler) => {
          const text = `${filler}error ${prefix}${secret}\n    at handler (/srv/app.js:1:2)`;
          const ex = excerptAround(text, text.indexOf("\n    at"));
          // A piece the filler itself holds (fast-check likes "propertyIs…" in both) is not a leak.
          const own = `${filler}error ${prefix} at handler (/srv/app.js:1:2)`;
          expect(pieces(secret, ex).filter((p) => !own.includes(p))).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("keeps the context before the match and marks a cut", () => {
    expect(excerptAround("short text at x", 11)).toBe("short text at x");
    const long = `${"a".repeat(100)} at x`;
    expect(excerptAround(long, 101)).toBe(`…${"a".repeat(39)} at x`);
  });
});
