import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { endpointTemplate, scannedSignature, scanTemplate } from "../../src/audit/template.js";
import { TemplateCache } from "../../src/audit/template-cache.js";

/** Scans `path`; its hash (NaN: the general route). */
const scan = (path: string): number => scanTemplate(path);

describe("TemplateCache", () => {
  it("finds a template's value from any path of that template, under its label only", () => {
    const c = new TemplateCache<string>(16);
    const h = scan("/users/1");
    expect(c.get(0, h)).toBeUndefined();
    c.set(0, h, scannedSignature(), "users");
    expect(c.get(0, scan("/users/987654"))).toBe("users");
    expect(c.get(1, scan("/users/987654"))).toBeUndefined();
    expect(c.get(0, scan("/users/me"))).toBeUndefined();
  });

  it("tells templates apart by their signature when their hashes collide", () => {
    const c = new TemplateCache<string>(16);
    // The same hash given for two templates: a collision, as 30 bits allow among many.
    const h = 12345;
    scan("/a/1");
    c.set(0, h, scannedSignature(), "a");
    scan("/b/1");
    expect(c.get(0, h)).toBeUndefined();
    c.set(0, h, scannedSignature(), "b");
    scan("/a/2");
    expect(c.get(0, h)).toBe("a");
    scan("/b/3");
    expect(c.get(0, h)).toBe("b");
  });

  it("is emptied when full, so that it holds at most `limit` entries", () => {
    const c = new TemplateCache<number>(4);
    for (let i = 0; i < 4; i++) {
      const h = scan(`/t${i}`);
      c.set(0, h, scannedSignature(), i);
    }
    expect(c.size).toBe(4);
    expect(c.get(0, scan("/t0"))).toBe(0);
    const h = scan("/t4");
    c.set(0, h, scannedSignature(), 4);
    expect(c.size).toBe(1);
    expect(c.get(0, scan("/t0"))).toBeUndefined();
    expect(c.get(0, scan("/t4"))).toBe(4);
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
          const h = scan(p);
          if (Number.isNaN(h)) continue;
          const got = c.get(label, h);
          expect(got).toBe(model.get(key));
          if (got === undefined) {
            if (model.size >= 8) model.clear();
            c.set(label, h, scannedSignature(), key);
            model.set(key, key);
          }
          expect(c.size).toBe(model.size);
        }
      }),
    );
  });
});
