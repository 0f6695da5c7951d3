import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { endpointTemplate, scannedCheck, scanTemplate } from "../../src/audit/template.js";
import { TemplateCache } from "../../src/audit/template-cache.js";

/** The fast route's key of `path` (its two hashes); undefined for the general route. */
function keyOf(path: string): [number, number] | undefined {
  const h = scanTemplate(path);
  return Number.isNaN(h) ? undefined : [h, scannedCheck()];
}

describe("TemplateCache", () => {
  it("finds a template's value from any path of that template, under its label only", () => {
    const c = new TemplateCache<string>(16);
    const [h, check] = keyOf("/users/1")!;
    expect(c.get(0, h, check)).toBeUndefined();
    c.set(0, h, check, "users");
    expect(c.get(0, ...keyOf("/users/987654")!)).toBe("users");
    expect(c.get(1, ...keyOf("/users/987654")!)).toBeUndefined();
    expect(c.get(0, ...keyOf("/users/me")!)).toBeUndefined();
  });

  it("tells keys apart by both hashes and the label: one equal part is not a hit", () => {
    const c = new TemplateCache<string>(16);
    c.set(0, 12345, 1, "a");
    c.set(0, 12345, 2, "b");
    c.set(1, 12345, 1, "c");
    c.set(0, 777, 1, "d");
    expect([c.get(0, 12345, 1), c.get(0, 12345, 2), c.get(1, 12345, 1), c.get(0, 777, 1)]).toEqual([
      "a",
      "b",
      "c",
      "d",
    ]);
    expect(c.get(0, 12345, 3)).toBeUndefined();
    expect(c.get(2, 12345, 1)).toBeUndefined();
  });

  it("is emptied when full, so that it holds at most `limit` entries", () => {
    const c = new TemplateCache<number>(4);
    for (let i = 0; i < 4; i++) c.set(0, i, i, i);
    expect(c.size).toBe(4);
    expect(c.get(0, 0, 0)).toBe(0);
    c.set(0, 4, 4, 4);
    expect(c.size).toBe(1);
    expect(c.get(0, 0, 0)).toBeUndefined();
    expect(c.get(0, 4, 4)).toBe(4);
  });

  it("finds every key in a full table whose hashes all land in one slot", () => {
    const c = new TemplateCache<number>(64);
    for (let i = 0; i < 64; i++) c.set(0, 42, i, i);
    for (let i = 0; i < 64; i++) expect(c.get(0, 42, i)).toBe(i);
    expect(c.get(0, 42, 64)).toBeUndefined();
  });

  it("answers as a map keyed by (label, template) does, for any paths", () => {
    const segment = fc.oneof(
      fc.constantFrom("api", "v1", "users", "orders", "app.3f2a9c1d.js", "0006.gif", "x"),
      fc.nat(99999).map(String),
      fc.stringMatching(/^[0-9a-f]{12,20}$/),
    );
    const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => `/${s.join("/")}`);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(3), path), { maxLength: 80 }), (xs) => {
        const c = new TemplateCache<string>(8);
        // What the table should hold: emptied, as it is, when a ninth template comes.
        const model = new Map<string, string>();
        for (const [label, p] of xs) {
          const key = `${label} ${endpointTemplate(p)}`;
          const k = keyOf(p);
          if (k === undefined) continue;
          const got = c.get(label, ...k);
          expect(got).toBe(model.get(key));
          if (got === undefined) {
            if (model.size >= 8) model.clear();
            c.set(label, ...k, key);
            model.set(key, key);
          }
          expect(c.size).toBe(model.size);
        }
      }),
    );
  });
});
