import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  isUriReference,
  parseProblem,
  reasonPhrase,
  serializeProblem,
  validateProblem,
} from "../../src/index.js";

describe("problem details", () => {
  it("serializes standard members first and drops undefined ones", () => {
    const text = serializeProblem({
      balance: 30,
      detail: "d",
      status: 403,
      type: "https://x/t",
      title: "T",
      instance: undefined,
    });
    expect(text).toBe('{"type":"https://x/t","title":"T","status":403,"detail":"d","balance":30}');
  });

  it("keeps a __proto__ extension member as a member", () => {
    const parsed = parseProblem('{"status":400,"__proto__":{"polluted":true}}');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(serializeProblem(parsed.value.problem)).toContain('"__proto__"');
  });

  it("reports a status that differs from the response status", () => {
    const r = parseProblem('{"type":"about:blank","status":200,"title":"OK"}', { status: 500 });
    expect(r.ok && r.value.issues.map((i) => i.code)).toEqual(["status_mismatch"]);
  });

  it("drops wrongly typed members, as RFC 9457 §3.1 requires, and says so", () => {
    const r = parseProblem('{"type":42,"title":["x"],"status":"400","detail":"ok","extra":1}', {
      status: 400,
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.problem).toEqual({ detail: "ok", extra: 1 });
    expect(
      r.value.issues
        .filter((i) => i.code === "member_wrong_type")
        .map((i) => i.member)
        .sort(),
    ).toEqual(["status", "title", "type"]);
  });

  it("flags a type that is not a URI reference and an out-of-range status", () => {
    const issues = validateProblem({ type: "has space", status: 700 }).map((i) => i.code);
    expect(issues).toEqual(["status_invalid", "type_not_uri_reference"]);
  });

  it("warns when about:blank has a title other than the reason phrase", () => {
    const issues = validateProblem({ status: 404, title: "Oops" }, { reasonPhrase });
    expect(issues).toEqual([
      expect.objectContaining({ code: "title_not_reason_phrase", severity: "warning" }),
    ]);
    expect(validateProblem({ status: 404, title: "Not Found" }, { reasonPhrase })).toEqual([]);
  });

  it.each([
    ["not json", "invalid_json"],
    ["[1,2]", "not_an_object"],
    ["null", "not_an_object"],
    ['"text"', "not_an_object"],
  ])("refuses %s without throwing", (body, code) => {
    const r = parseProblem(body);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe(code);
  });

  it("refuses bodies over the size bound", () => {
    const r = parseProblem(`{"detail":"${"x".repeat(1_100_000)}"}`);
    expect(!r.ok && r.error.code).toBe("too_long");
  });

  it("never throws on arbitrary input", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.json(), fc.string({ unit: "binary" })),
        fc.integer({ min: 100, max: 599 }),
        (s, status) => {
          parseProblem(s, { status, reasonPhrase });
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("round-trips any JSON object through serialize and parse", () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string().filter((k) => !["type", "title", "status", "detail", "instance"].includes(k)),
          fc.jsonValue(),
        ),
        (ext) => {
          const problem = { type: "https://x/t", title: "T", status: 422, ...ext };
          const r = parseProblem(serializeProblem(problem), { status: 422 });
          expect(r.ok && r.value.issues).toEqual([]);
          if (r.ok)
            expect(JSON.parse(serializeProblem(r.value.problem))).toEqual(
              JSON.parse(JSON.stringify(problem)),
            );
        },
      ),
    );
  });

  it("knows URI references", () => {
    for (const ok of [
      "about:blank",
      "https://example.com/probs/out-of-credit",
      "/probs/x",
      "#frag",
      "",
      "urn:isbn:1",
      "tag:a.example,2026:x",
      "a/b:c",
      "%41",
    ]) {
      expect(isUriReference(ok), ok).toBe(true);
    }
    for (const bad of ["has space", "1http://x", "a:b:c#d#e", "%4", "é", "<x>", "a\\b"])
      expect(isUriReference(bad), bad).toBe(false);
  });
});
