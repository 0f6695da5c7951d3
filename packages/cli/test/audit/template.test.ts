import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  endpointKey,
  endpointTemplate,
  methodLabel,
  SCAN,
  scannedMatches,
  scanTemplate,
  segmentPlaceholder,
} from "../../src/audit/template.js";

describe("endpoint templates", () => {
  it.each([
    ["/", "/"],
    ["", "/"],
    ["*", "*"],
    ["users", "{other}"],
    ["/users", "/users"],
    ["/users/", "/users/"],
    ["/users/123", "/users/{id}"],
    ["/users/123/orders/9", "/users/{id}/orders/{id}"],
    ["/orders/3f2504e0-4f89-11d3-9a0c-0305e82c3301", "/orders/{uuid}"],
    ["/blobs/9f86d081884c7d659a2feaa0c55ad015", "/blobs/{hash}"],
    ["/t/dGhpcy1pcy1hLXRva2VuMTIz", "/t/{token}"],
    ["/u/jane.doe@example.com", "/u/{email}"],
    ["/static/app.3f2a9c1d.js", "/static/app.{hash}.js"],
    ["/reports/2026-11-24", "/reports/{id}"],
    ["/v1/items", "/v1/items"],
    ["/api/v2/users/u_12345", "/api/v2/users/{id}"],
    ["/a/b/c/d/e/f/g/h/i/j", "/a/b/c/d/e/f/g/h/…"],
    ["/search/hello%20world", "/search/hello%20world"],
    [`/x/${"a".repeat(60)}`, "/x/{token}"],
  ])("%s → %s", (path, template) => {
    expect(endpointTemplate(path)).toBe(template);
  });

  it("labels methods with a bounded set", () => {
    expect(methodLabel("GET")).toBe("GET");
    expect(methodLabel("get")).toBe("GET");
    expect(methodLabel("BREW")).toBe("_OTHER");
    expect(endpointKey("post", "/orders/1")).toBe("POST /orders/{id}");
    expect(segmentPlaceholder("users")).toBeUndefined();
  });

  it("methodLabel: the standard method in upper case, else _OTHER, whatever the spelling (property)", () => {
    const known = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"];
    const method = fc.oneof(
      fc.constantFrom(...known, ...known.map((m) => m.toLowerCase()), "Get", "pOST", "BREW", ""),
      fc.string({ maxLength: 8 }),
    );
    fc.assert(
      fc.property(method, (m) => {
        const upper = m.toUpperCase();
        expect(methodLabel(m)).toBe(known.includes(upper) ? upper : "_OTHER");
      }),
    );
  });

  const segment = fc.oneof(
    fc.constantFrom("users", "orders", "v1", "", "app.3f2a9c1d.js", "a@b.c", "x%20y", "2026-11-24"),
    fc.constantFrom(
      "app.3f2a9c1e.js",
      "report-20261124.pdf",
      "r-123.x",
      "abcdefab.js",
      "1a2b.js",
      "v2.min.js",
      "x..123",
      "img_0123456789abcdef0_1.png",
    ),
    fc
      .array(
        fc.constantFrom(
          "app",
          "min",
          "js",
          "123",
          "4567",
          "deadbeef",
          "0a1b2c3d4e",
          "x",
          "",
          "ab12",
        ),
        { minLength: 2, maxLength: 5 },
      )
      .chain((toks) => fc.constantFrom(".", "-", "_", ":").map((sep) => toks.join(sep))),
    fc.nat(99999).map(String),
    fc.uuid(),
    fc.stringMatching(/^[0-9a-f]{12,40}$/),
    fc.string({ maxLength: 20 }).filter((s) => !s.includes("/")),
  );
  const path = fc.array(segment, { maxLength: 10 }).map((segs) => `/${segs.join("/")}`);

  it("the fast route agrees with the template: same template ⇔ same hash and a match", () => {
    fc.assert(
      fc.property(path, path, (p, q) => {
        const tp = endpointTemplate(p);
        const tq = endpointTemplate(q);
        const hp = scanTemplate(p);
        if (Number.isNaN(hp)) return;
        expect(scannedMatches(p, tp)).toBe(true);
        const hq = scanTemplate(q);
        if (Number.isNaN(hq)) return;
        if (tp === tq) expect(hq).toBe(hp);
        expect(SCAN[0]).toBeGreaterThan(0);
        expect(scannedMatches(q, tp)).toBe(tp === tq);
      }),
      { numRuns: 2000 },
    );
  });

  it("is linear on hostile paths", () => {
    const long = `/${"1a/".repeat(50_000)}`;
    const t0 = performance.now();
    expect(endpointTemplate(long).endsWith("/…")).toBe(true);
    expect(Number.isNaN(scanTemplate(long))).toBe(true);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
