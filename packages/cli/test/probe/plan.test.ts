/** The pure parts of the plan: same-origin targets, what counts as unsafe, ids, schema samples, scrubbing. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scrubber, secretsOf } from "../../src/probe/client.js";
import { isUnsafe, parseTarget, sameOriginUrl } from "../../src/probe/safety.js";
import { idsIn } from "../../src/probe/scenarios/baseline.js";
import { invalidBodies, sample } from "../../src/probe/scenarios/invalid-body.js";

describe("sameOriginUrl", () => {
  const t = parseTarget("https://api.example.test/v1/");

  it("keeps the prefix and the origin", () => {
    expect(t).toEqual({ origin: "https://api.example.test", prefix: "/v1" });
    expect(sameOriginUrl(t, "/orders?x=1")?.href).toBe("https://api.example.test/v1/orders?x=1");
  });

  it.each(["//evil.example/x", "http://evil.example/", "orders", "/\\evil.example", "\\\\evil"])(
    "refuses %j",
    (p) => {
      expect(sameOriginUrl(t, p)).toBeUndefined();
    },
  );

  it("never leaves the origin, whatever the path (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (p) => {
        const u = sameOriginUrl(t, p);
        if (u !== undefined) expect(u.origin).toBe("https://api.example.test");
      }),
      { numRuns: 2000 },
    );
  });
});

describe("isUnsafe", () => {
  it.each([
    ["GET", false, false],
    ["HEAD", false, false],
    ["OPTIONS", false, false],
    ["POST", false, true],
    ["POST", true, false],
    ["PATCH", true, false],
    ["DELETE", true, true],
    ["DELETE", false, true],
  ] as const)("%s (unparseable body: %s) → %s", (method, unparseable, unsafe) => {
    expect(isUnsafe(method, unparseable)).toBe(unsafe);
  });
});

describe("idsIn", () => {
  it.each([
    [
      [{ id: "o1" }, { id: 2 }, { name: "x" }],
      ["o1", "2"],
    ],
    [{ data: [{ uuid: "u-1" }] }, ["u-1"]],
    [{ id: "me" }, []],
    ["text", []],
    [null, []],
  ])("%j → %j", (value, ids) => {
    expect(idsIn(value)).toEqual(ids);
  });
});

describe("schema samples", () => {
  const schema = {
    type: "object",
    required: ["email", "qty"],
    properties: {
      email: { type: "string", format: "email" },
      qty: { type: "integer", minimum: 3 },
      tags: { type: "array", items: { type: "string", example: "t" } },
    },
  };

  it("builds a valid body from types, formats, minimums and examples", () => {
    expect(sample(schema)).toEqual({ email: "probe@example.com", qty: 3, tags: ["t"] });
  });

  it("breaks it once by a missing required field and once by a wrong type", () => {
    expect(invalidBodies(schema)).toEqual([
      { what: 'the required field "email" missing', body: { qty: 3, tags: ["t"] } },
      { what: '"email" of the wrong type', body: { email: 12345, qty: 3, tags: ["t"] } },
    ]);
  });

  it("merges allOf", () => {
    expect(
      sample({
        allOf: [
          { properties: { a: { type: "boolean" } } },
          { properties: { b: { type: "number" } } },
        ],
      }),
    ).toEqual({ a: true, b: 1 });
  });
});

describe("scrubbing the secrets", () => {
  it("removes the whole value and the token part, wherever they appear", () => {
    const scrub = scrubber([
      ...secretsOf("Bearer abc.def-123"),
      ...secretsOf("Basic dXNlcjpzM2NyM3Q="),
    ]);
    expect(scrub("got Bearer abc.def-123 and abc.def-123 and dXNlcjpzM2NyM3Q=")).toBe(
      "got [redacted] and [redacted] and [redacted]",
    );
    // Basic credentials decoded: "user:s3cr3t", and the password alone
    expect(scrub("hello user:s3cr3t, your password s3cr3t is wrong")).toBe(
      "hello [redacted], your password [redacted] is wrong",
    );
  });
});
