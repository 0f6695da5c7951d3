/** The pure parts of the plan: same-origin targets, what counts as unsafe, ids, schema samples, scrubbing. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scrubber, secretsOf } from "../../src/probe/client.js";
import {
  admit,
  parseTarget,
  sameOriginUrl,
  UNKNOWN_ID,
  UNPARSEABLE_JSON,
} from "../../src/probe/safety.js";
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

describe("admit: the safe-mode contract", () => {
  const t = parseTarget("http://127.0.0.1:1/api");
  const post = {
    method: "POST",
    path: "/things",
    body: { required: true, mediaTypes: ["application/json"] },
  };
  const put = { ...post, method: "PUT", path: "/things/{id}" };
  const write = {
    headers: { "content-type": "application/json", authorization: "Bearer x" },
    body: UNPARSEABLE_JSON,
  };
  type Req = Parameters<typeof admit>[0];
  const verdict = (req: Req, unsafe = false) => {
    const a = admit(req, t, unsafe);
    return a.ok ? `sent ${a.path}` : `${a.skip}: ${a.reason}`;
  };

  it.each<[Req, string | RegExp]>([
    [{ method: "GET", template: "/things/{id}", vars: { id: "a b" } }, "sent /things/a%20b"],
    [{ method: "HEAD", template: "/things" }, "sent /things"],
    [{ method: "GET", template: "/things", body: "{}" }, /^unsafe: a body on GET/],
    [{ method: "POST", template: "/things", op: post, ...write }, "sent /things"],
    [
      { method: "PUT", template: "/things/{id}", vars: { id: UNKNOWN_ID }, op: put, ...write },
      `sent /things/${UNKNOWN_ID}`,
    ],
    [
      { method: "PUT", template: "/things/{id}", vars: { id: "t1" }, op: put, ...write },
      /^unsafe: .*on a real resource/,
    ],
    [
      { method: "PUT", template: "/profile", op: { ...put, path: "/profile" }, ...write },
      /^unsafe: PUT \/profile changes the resource at that path/,
    ],
    [
      {
        method: "POST",
        template: "/things",
        op: { ...post, body: { required: false, mediaTypes: ["application/json"] } },
        ...write,
      },
      /^unsafe: .*does not declare a required JSON request body/,
    ],
    [
      {
        method: "POST",
        template: "/things",
        op: post,
        ...write,
        headers: { "content-type": "text/plain" },
      },
      /^unsafe: .*Content-Type: text\/plain/,
    ],
    [
      {
        method: "POST",
        template: "/things",
        op: post,
        ...write,
        headers: { "x-upsert": "1", "content-type": "application/json" },
      },
      /^unsafe: .*with a x-upsert header/,
    ],
    [
      { method: "POST", template: "/things", op: post, ...write, body: "{}" },
      /a body a parser accepts/,
    ],
    [{ method: "POST", template: "/things?x=1", op: post, ...write }, /^unsafe: .*with a query/],
    [
      { method: "PATCH", template: "/things", ...write },
      /^unsafe: PATCH \/things is not a documented operation/,
    ],
    [
      { method: "DELETE", template: "/things/{id}", vars: { id: UNKNOWN_ID } },
      /^unsafe: DELETE could change data/,
    ],
    [{ method: "DELETE", template: "/things/{{slug}}" }, /^path: .*\{\{slug\}\} was never bound/],
    [{ method: "GET", template: "/things/{id}", vars: { id: "" } }, /^path: .*is empty/],
    [{ method: "GET", template: "/things/{id}", vars: { id: ".." } }, /^path: .*dot path segment/],
    [{ method: "GET", template: "/things//x" }, /^path: .*an empty path segment/],
    [{ method: "GET", template: "/things/%2e%2e/x" }, /^path: .*a dot segment/],
    [{ method: "GET", template: "/things/" }, "sent /things/"],
  ])("%j → %s", (req, expected) => {
    const v = verdict(req);
    if (typeof expected === "string") expect(v).toBe(expected);
    else expect(v).toMatch(expected);
  });

  it("with --unsafe still refuses unbound variables and empty segments, and sends the rest", () => {
    expect(verdict({ method: "DELETE", template: "/things/{{slug}}" }, true)).toMatch(/^path:/);
    expect(verdict({ method: "DELETE", template: "/things/{id}", vars: { id: "t1" } }, true)).toBe(
      "sent /things/t1",
    );
  });
});

describe("idsIn", () => {
  it.each([
    [
      [{ id: "o1" }, { id: 2 }, { name: "x" }, { title: "no id" }],
      [{ id: "o1" }, { id: "2" }, { name: "x" }],
    ],
    [{ data: [{ uuid: "u-1" }] }, [{ uuid: "u-1" }]],
    [
      { articles: [{ slug: "how-to", title: "How to", author: { username: "a" } }], count: 1 },
      [{ slug: "how-to", title: "How to" }],
    ],
    [{ page: { items: [{ orderId: "o-9" }] } }, [{ orderId: "o-9" }]],
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
