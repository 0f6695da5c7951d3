/**
 * normalizeTarget, the parser every request's path goes through before routing: total (never
 * throws), idempotent, free of dot-segments, and — the property that matters — an upstream that
 * decodes everything and resolves dot-segments reads the normalised path as it reads the raw
 * one, and a path inside a prefix never leaves it.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isRefused, normalizeTarget } from "../../src/gateway/path.js";

/** Segments an attacker would try, and ordinary ones. */
const segment = fc.oneof(
  fc.constantFrom(
    ".",
    "..",
    "%2e",
    "%2E%2e",
    ".%2e",
    "..%2f",
    "..%2F",
    "%2e%2e%5c",
    "a%2fb",
    "..;",
    "..;x=1",
    ";a",
    "login",
    "%6cogin",
    "admin",
    "",
    "%00",
    "%zz",
    "%",
    "\\",
    "a\\..",
    "%c0%ae",
    "%252e%252e",
    "~user",
    "%7e",
    "x;jsessionid=1",
    "%41",
    "a.b",
    "...",
    "login.",
    "login%20",
    "login.%20.",
    "%20",
  ),
  fc.stringMatching(/^[A-Za-z0-9._~%;=-]{0,8}$/),
);
const path = fc.array(segment, { maxLength: 8 }).map((s) => `/${s.join("/")}`);
const query = fc.constantFrom("", "?a=1", "?x=/../y", "?%2e%2e", "#frag", "?q#/../z");

/**
 * What a decode-everything upstream resolves a path to ("\" as "/", ";params" dropped, and, as
 * Windows servers do, trailing dots and spaces of a name).
 */
function upstreamView(p: string, mergeSlashes = true): string | undefined {
  let d: string;
  try {
    d = decodeURIComponent(p);
  } catch {
    return undefined;
  }
  const out: string[] = [];
  for (const seg of d.replaceAll("\\", "/").split("/").slice(1)) {
    const raw = seg.split(";")[0]!;
    const trimmed = raw.replace(/[. ]+$/, "");
    const name = trimmed === "" ? raw : trimmed;
    if (name === "..") {
      if (out.length === 0) return undefined;
      out.pop();
    } else if (name !== "." && (name !== "" || !mergeSlashes)) out.push(name);
  }
  return `/${out.join("/")}`;
}

describe("normalizeTarget", () => {
  it("never throws, and gives a clean path or a refusal", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), path), query, (p, q) => {
        const r = normalizeTarget(p + q);
        if (isRefused(r)) {
          expect(r.refused).toMatch(/^The /);
          return;
        }
        expect(r.path.startsWith("/")).toBe(true);
        expect(r.path).not.toMatch(/\/\.\.?(\/|$)/);
        expect(r.path).not.toContain("//");
        expect(r.path).not.toMatch(/%(?:[a-f][0-9A-Fa-f]|[0-9A-F][a-f])/);
        expect(r.path).not.toContain("#");
        expect(r.key).not.toContain(";");
      }),
      { numRuns: 3_000 },
    );
  });

  it("is idempotent", () => {
    fc.assert(
      fc.property(path, query, (p, q) => {
        const r = normalizeTarget(p + q);
        if (isRefused(r)) return;
        const again = normalizeTarget(r.path + r.search);
        expect(again).toEqual(r);
      }),
      { numRuns: 3_000 },
    );
  });

  it("the route is judged on the path the upstream serves (its view of the forwarded path)", () => {
    fc.assert(
      fc.property(path, (p) => {
        const r = normalizeTarget(p);
        if (isRefused(r)) return;
        // The key has no dot-segment left to resolve, even decoded: it is the upstream's view.
        const served = upstreamView(r.path);
        if (served !== undefined) expect(upstreamView(r.key)).toBe(served);
        let decodedKey = r.key;
        try {
          decodedKey = decodeURIComponent(r.key);
        } catch {
          return;
        }
        expect(decodedKey).not.toMatch(/(^|\/)\.\.?(\/|$)/);
      }),
      { numRuns: 5_000 },
    );
  });

  it("a route's prefix matches exactly the paths the upstream serves under it", () => {
    // The gateway's match: the key starts with the prefix, at a segment boundary.
    const matches = (key: string, prefix: string) =>
      key.startsWith(prefix) && (key.length === prefix.length || key[prefix.length] === "/");
    fc.assert(
      fc.property(
        path,
        fc.constantFrom("/login", "/admin", "/a", "/a/b", "/~user"),
        (p, prefix) => {
          const r = normalizeTarget(p);
          if (isRefused(r)) return;
          const served = upstreamView(r.path);
          if (served === undefined) return;
          // Served under the prefix (as the upstream decodes it) ⇒ the route judges it.
          if (matches(served, prefix)) expect([p, matches(r.key, prefix)]).toEqual([p, true]);
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it("a path routed to a prefix stays under it, whatever the upstream decodes", () => {
    fc.assert(
      fc.property(path, (p) => {
        const r = normalizeTarget(`/public${p}`);
        if (isRefused(r) || !(r.key === "/public" || r.key.startsWith("/public/"))) return;
        // The route strips /public and prepends the target's base.
        const forwarded = `/base${r.path.slice("/public".length) || "/"}`;
        const view = upstreamView(forwarded);
        if (view !== undefined) expect(view === "/base" || view.startsWith("/base/")).toBe(true);
      }),
      { numRuns: 5_000 },
    );
  });

  it("examples", () => {
    const n = (t: string) => normalizeTarget(t);
    expect(n("/x/../login")).toEqual({ path: "/login", search: "", key: "/login" });
    expect(n("/%6cogin?a=%2e")).toEqual({ path: "/login", search: "?a=%2e", key: "/login" });
    expect(n("//login")).toMatchObject({ path: "/login" });
    expect(normalizeTarget("//login", { mergeSlashes: false })).toMatchObject({ path: "//login" });
    expect(n("/a%2fb")).toMatchObject({ path: "/a%2Fb", key: "/a/b" });
    expect(n("/login;jsessionid=1")).toMatchObject({ path: "/login;jsessionid=1", key: "/login" });
    expect(n("http://h.example:8080/a/./b?x")).toEqual({
      path: "/a/b",
      search: "?x",
      key: "/a/b",
      authority: "h.example:8080",
    });
    for (const bad of [
      "/..",
      "/a/..%2f..",
      "/a\\b",
      "/a%00",
      "/..;/x",
      "*",
      "/%",
      "/%c1%9c",
      "/;%2f_",
      "/a;x%5cy",
    ])
      expect(isRefused(n(bad)), bad).toBe(true);
  });

  it("stays linear on long hostile paths", () => {
    for (const unit of ["/..", "/.", "/%2e", "//", "/a;", "%41", ".", "%20", "a.", ";/"]) {
      const t = `/x${unit.repeat(50_000)}`;
      const start = performance.now();
      normalizeTarget(t);
      expect(performance.now() - start).toBeLessThan(2_000);
    }
  });
});
