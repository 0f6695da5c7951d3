import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  endpointKey,
  endpointTemplate,
  methodLabel,
  NOT_ASCII,
  scannedCheck,
  scannedPathEnd,
  scanTemplate,
  scanTemplateBytes,
  segmentPlaceholder,
} from "../../src/audit/template.js";
import { NGINX_LOG_FORMAT as NGINX } from "../fixtures/make-fixtures.js";

/** The fast route's key of `path`: its two hashes, or undefined for the general route. */
function keyOf(path: string): string | undefined {
  const h = scanTemplate(path);
  return Number.isNaN(h) ? undefined : `${h}:${scannedCheck()}`;
}

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
    ["/watch/dQw4w9WgXcQ", "/watch/{token}"],
    ["/products/12345.json", "/products/{id}.json"],
    ["/consent/ff393262-297a-432a-b9ad-74fd6e664cd1/en.json", "/consent/{uuid}/en.json"],
    ["/static/img/a1b2c3d4e5f60718.png", "/static/img/{hash}.png"],
    ["/invoices/INV00123", "/invoices/{id}"],
  ])("%s → %s", (path, template) => {
    expect(endpointTemplate(path)).toBe(template);
  });

  // What issue 22 found wrong: names lost to placeholders, ids cut out of words.
  it.each([
    ["/favicon-16x16.png", "/favicon-16x16.png"],
    ["/api/401-bare", "/api/401-bare"],
    ["/A%20Beka%20G1%20Howe/029_AND_30/x.mp4", "/A%20Beka%20G1%20Howe/029_AND_30/x.mp4"],
  ])("a name is not an id: %s stays %s", (path, template) => {
    expect(endpointTemplate(path)).toBe(template);
  });

  // Paths from public traffic: elastic/examples apache_logs (Apache-2.0), janodvarko/harviewer's
  // HARs (BSD), chrome-har's test perflogs (MIT), mitmproxy's HAR fixtures (MIT).
  it.each([
    ["/apple-touch-icon-120x120-precomposed.png", "/apple-touch-icon-120x120-precomposed.png"],
    ["/blog/geekery/grok-20070915.html", "/blog/geekery/grok-20070915.html"],
    ["/blog/geekery/logstash-1.0.0-release.html", "/blog/geekery/logstash-1.0.0-release.html"],
    ["/blog/geekery/51.html", "/blog/geekery/{id}.html"],
    ["/blog/2007/May/20", "/blog/{id}/May/{id}"],
    ["/blog/tags/net4501", "/blog/tags/net4501"],
    ["/files/blogposts/20070617/navmacro.c", "/files/blogposts/{id}/navmacro.c"],
    ["/harviewer-49.html", "/harviewer-49.html"],
    ["/css/Global.1.0.0.css", "/css/Global.1.0.0.css"],
    ["/ajax/jQuery/jquery-1.3.2.min.js", "/ajax/jQuery/jquery-1.3.2.min.js"],
    ["/generate_204", "/generate_204"],
    ["/v3/channel_123", "/v3/channel_123"],
    ["/webfonts/fa-brands-400.woff2", "/webfonts/fa-brands-400.woff2"],
    ["/demo/tile-100.png", "/demo/tile-100.png"],
    [
      "/images/branding/googlelogo/2x/googlelogo_light_color_272x92dp.png",
      "/images/branding/googlelogo/2x/googlelogo_light_color_272x92dp.png",
    ],
    ["/blog/firebug/firebug-16-beta-1-released/", "/blog/firebug/firebug-16-beta-1-released/"],
    ["/exid/111555006919.gif", "/exid/{id}.gif"],
    ["/fbcc914d-5bbc-46a8-8afe-75ba68104dc9.ippi", "/{uuid}.ippi"],
    ["/primary/_arN9lf-IeRIb3CIra9", "/primary/{token}"],
    ["/v2/CIHQVNLL8OE6NdplLcU6JQ/zaius.js", "/v2/{token}/zaius.js"],
    [
      "/bundles/v1/bingHomepage/latest/vendors.704c9652d7ff7fa4e6ca.js",
      "/bundles/v1/bingHomepage/latest/vendors.{hash}.js",
    ],
    ["/Css/master-cb9e9afd3d.css", "/Css/master-{hash}.css"],
    ["/widget/static/js/0.a0ead604.chunk.js", "/widget/static/js/0.{hash}.chunk.js"],
    ["/api/data/countries/9DBED4A2-5179-4044-BACF-224671BD31F7", "/api/data/countries/{uuid}"],
    ["/api/v2/reviews/10418/10/0", "/api/v2/reviews/{id}/{id}/{id}"],
    ["/meval/eyJhbm9ueW1vdXMiOnRydWUsImtleSI6Im1pbnQtYW5kcm9pZCJ9", "/meval/{token}"],
  ])("real path %s → %s", (path, template) => {
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

  it("the fast route agrees with the template: same template ⇔ same key", () => {
    fc.assert(
      fc.property(path, path, (p, q) => {
        const tp = endpointTemplate(p);
        const tq = endpointTemplate(q);
        const kp = keyOf(p);
        const kq = keyOf(q);
        if (kp === undefined || kq === undefined) return;
        // Equal templates have one key, but for a path that spells a placeholder ("/{id}" is a
        // name there, not an id: another key for the same text, which only costs an entry).
        if (tp === tq && !`${p}${q}`.includes("{")) expect(kq).toBe(kp);
        // Different templates have different keys (60 bits: a collision here is ~1e-15).
        if (tp !== tq) expect(kq).not.toBe(kp);
      }),
      { numRuns: 3000 },
    );
  });

  it("keeps templates apart whose first hashes collide (200,000 templates: ~19 such pairs)", () => {
    const firsts = new Map<number, number>();
    let collisions = 0;
    // Words of 10 random letters: static templates, all different (sequential names would hash
    // too regularly to collide).
    let x = 12345;
    const word = () => {
      let w = "";
      for (let j = 0; j < 10; j++) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        w += String.fromCharCode(97 + ((x >>> 16) % 26));
      }
      return w;
    };
    const seen = new Set<string>();
    for (let i = 0; i < 200_000; i++) {
      const w = word();
      if (seen.has(w)) continue;
      seen.add(w);
      const h = scanTemplate(`/${w}`);
      const check = scannedCheck();
      const other = firsts.get(h);
      if (other !== undefined) {
        collisions++;
        expect(check).not.toBe(other);
      } else firsts.set(h, check);
    }
    // P(no collision at all) is ~1e-8: the second hash was put to the test.
    expect(collisions).toBeGreaterThan(0);
  });

  it("reads a UUID by its shape as the template does: upper case or digits, at a segment's end", () => {
    const lower = "abcdefab-abcd-abcd-abcd-abcdefabcdef";
    const upper = "ABCDEFAB-ABCD-ABCD-ABCD-ABCDEFABCDEF";
    const mixed = "e67a8045-f6cf-4660-aa66-6e53e8bb5d30";
    const cases = [
      `/o/${lower}`,
      `/o/${upper}`,
      `/o/${mixed}`,
      `/o/${mixed}/items`,
      `/o/${mixed}x`,
      `/o/${mixed.slice(0, 35)}`,
      `/o/${mixed.replace("-4660", "x4660")}`,
      "/o/1",
    ];
    expect(cases.map(endpointTemplate)).toEqual([
      `/o/${lower}`,
      "/o/{uuid}",
      "/o/{uuid}",
      "/o/{uuid}/items",
      // Not the shape of a UUID: opaque tokens.
      "/o/{token}",
      "/o/{token}",
      "/o/{token}",
      "/o/{id}",
    ]);
    const keys = cases.map((p) => keyOf(p));
    for (let i = 0; i < cases.length; i++)
      for (let j = 0; j < cases.length; j++)
        expect(keys[i] === keys[j], `${cases[i]} ${cases[j]}`).toBe(
          endpointTemplate(cases[i]!) === endpointTemplate(cases[j]!),
        );
    // From a target's bytes, a query after the UUID ends the path.
    const b = Buffer.from(`/o/${mixed}?a=1`);
    expect(`${scanTemplateBytes(b, 0, b.length)}:${scannedCheck()}`).toBe(keys[2]);
    expect(scannedPathEnd()).toBe(3 + 36);
  });

  it("gives paths of one template one key, and a key per template, on many paths at once", () => {
    fc.assert(
      fc.property(fc.array(path, { minLength: 2, maxLength: 200 }), (ps) => {
        const byKey = new Map<string, string>();
        const byTemplate = new Map<string, string>();
        for (const p of ps) {
          if (p.includes("{")) continue;
          const k = keyOf(p);
          if (k === undefined) continue;
          const t = endpointTemplate(p);
          expect(byKey.get(k) ?? t).toBe(t);
          expect(byTemplate.get(t) ?? k).toBe(k);
          byKey.set(k, t);
          byTemplate.set(t, k);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("the bytes route (a target read where it lies in a line) agrees with the string route", () => {
    const query = fc.option(
      fc.string({ maxLength: 12 }).map((q) => `?${q}`),
      { nil: "" },
    );
    fc.assert(
      fc.property(path, query, path, fc.nat(20), (p, q, other, pad) => {
        // In a target, the first "?" starts the query.
        fc.pre(!p.includes("?"));
        // The target inside a line: bytes before it, and " HTTP/1.1" after it.
        const head = "x".repeat(pad);
        const bytes = Buffer.from(`${head}${p}${q} HTTP/1.1`, "utf8");
        const start = Buffer.byteLength(head);
        const end = start + Buffer.byteLength(p + q);
        const h = scanTemplateBytes(bytes, start, end);
        if (Buffer.byteLength(p) !== p.length) {
          expect(h).toBe(NOT_ASCII);
          return;
        }
        const hs = scanTemplate(p);
        if (Number.isNaN(hs)) {
          expect(h).toBeNaN();
          scanTemplateBytes(bytes, start, end);
          expect(scannedPathEnd()).toBe(start + p.length);
          return;
        }
        const check = scannedCheck();
        expect(scanTemplateBytes(bytes, start, end)).toBe(hs);
        expect(scannedCheck()).toBe(check);
        expect(scannedPathEnd()).toBe(start + p.length);
        // And a path of another template, read from bytes, has another key.
        const ko = keyOf(other);
        if (ko === undefined || other.includes("{") || p.includes("{")) return;
        const ob = Buffer.from(other, "utf8");
        const kb = `${scanTemplateBytes(ob, 0, ob.length)}:${scannedCheck()}`;
        expect(kb === `${hs}:${check}`).toBe(endpointTemplate(other) === endpointTemplate(p));
      }),
      { numRuns: 3000 },
    );
  });

  it("on every path of every fixture (real proxies, browsers, public exports): the fast route agrees, and no placeholder is glued into a word", async () => {
    const { openSource } = await import("../../src/audit/sources/open.js");
    const { readdirSync } = await import("node:fs");
    const dirs = ["../fixtures/logs/", "../fixtures/hars/"].map(
      (d) => new URL(d, import.meta.url).pathname,
    );
    let paths = 0;
    const byKey = new Map<string, string>();
    const byTemplate = new Map<string, string>();
    for (const dir of dirs)
      for (const name of readdirSync(dir)) {
        if (!/\.(log|har|ndjson|json)$/.test(name)) continue;
        let src: Awaited<ReturnType<typeof openSource>>;
        try {
          src = await openSource(
            dir + name,
            name.startsWith("nginx-upstream") ? { logFormat: NGINX } : {},
          );
        } catch {
          continue; // a fixture of an error case
        }
        for await (const r of src.records()) {
          const p = (r as { request?: { path: string } }).request?.path;
          if (p === undefined) continue;
          paths++;
          const t = endpointTemplate(p);
          // A placeholder is a whole segment, a whole file stem, or a content hash between separators.
          for (const seg of t.split("/"))
            if (seg.includes("{"))
              expect(seg, `${p} → ${t}`).toMatch(
                /^(\{(id|uuid|hash|token|email|other)\}(\.[A-Za-z][A-Za-z0-9]{0,7})?|([^{}]*[._:-])?\{hash\}([._:-][^{}]*)?)$/,
              );
          const h = scanTemplate(p);
          if (Number.isNaN(h)) continue;
          const check = scannedCheck();
          // One key per template, one template per key, over all the fixtures' paths.
          const k = `${h}:${check}`;
          if (!p.includes("{")) {
            expect(byKey.get(k) ?? t, p).toBe(t);
            expect(byTemplate.get(t) ?? k, p).toBe(k);
            byKey.set(k, t);
            byTemplate.set(t, k);
          }
          if (!p.includes("?")) {
            // The bytes route gives a fixture's path the key the string route gives it.
            const b = Buffer.from(p, "latin1");
            expect(scanTemplateBytes(b, 0, b.length), p).toBe(h);
            expect(scannedCheck(), p).toBe(check);
          }
        }
      }
    expect(paths).toBeGreaterThan(500);
    expect(byTemplate.size).toBeGreaterThan(40);
  });

  it("is linear on hostile paths", () => {
    const long = `/${"1a/".repeat(50_000)}`;
    const t0 = performance.now();
    expect(endpointTemplate(long).endsWith("/…")).toBe(true);
    expect(Number.isNaN(scanTemplate(long))).toBe(true);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
