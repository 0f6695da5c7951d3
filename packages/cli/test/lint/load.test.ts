/**
 * The loader: positions in YAML and JSON, $refs across files followed for data and for locations,
 * and bad input as one LintInputError naming file and line (fast-check properties for the parsers).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { LintInputError } from "../../src/lint/errors.js";
import { loadOpenApi, pointerSegments, toPointer } from "../../src/lint/load.js";
import { parseSource } from "../../src/lint/source.js";

const dir = mkdtempSync(join(tmpdir(), "truestatus-lint-load-"));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
const planted = (name: string) => new URL(`fixtures/planted/${name}`, import.meta.url).pathname;

async function inputError(p: string): Promise<LintInputError> {
  try {
    await loadOpenApi(p);
  } catch (e) {
    if (e instanceof LintInputError) return e;
    throw e;
  }
  throw new Error(`${p} loaded`);
}

describe("loadOpenApi", () => {
  it("resolves $refs across YAML and JSON files and locates nodes where they are written", async () => {
    const api = await loadOpenApi(planted("split/openapi.yaml"));
    expect(api.version).toBe("3.0");
    expect(api.files).toHaveLength(4);
    const paths = api.data.paths as Record<
      string,
      Record<string, { responses: Record<string, unknown> }>
    >;
    // data: the 401 of GET /orders is the Unauthorized component of another file, resolved
    const r401 = paths["/orders"]!.get!.responses["401"] as { description: string };
    expect(r401.description).toBe("No or bad credentials");
    // locations follow the same references
    const at = api.locate(["paths", "/orders", "get", "responses", "401"]);
    expect(at.file).toMatch(/split\/components\/responses\.yaml$/);
    expect([at.line, at.column, at.pointer]).toEqual([1, 1, "/Unauthorized"]);
    expect(at.docPath).toBe("components/responses.yaml");
    const status = api.locate([
      "paths",
      "/orders",
      "get",
      "responses",
      "401",
      "content",
      "application/problem+json",
      "schema",
      "properties",
      "status",
    ]);
    expect(status.file).toMatch(/schemas\.json$/);
    expect([status.line, status.column, status.pointer]).toEqual([
      7,
      7,
      "/Problem/properties/status",
    ]);
    const item = api.locate(["paths", "/orders/{id}", "get"]);
    expect(item.file).toMatch(/paths\/orders\.yaml$/);
    expect([item.line, item.column]).toEqual([20, 3]);
    // a path that runs past what exists stops at the deepest node on it
    expect(api.locate(["paths", "/orders", "get", "nothing", "here"]).pointer).toBe("/get");
  });

  it("a shared component referenced in the same file is located at the component", async () => {
    const api = await loadOpenApi(planted("sloppy.yaml"));
    const at = api.locate(["paths", "/orders", "get", "responses", "401"]);
    expect([at.line, at.column, at.pointer]).toEqual([
      112,
      5,
      "/components/responses/Unauthorized",
    ]);
  });

  it("JSON documents get lines and columns too", async () => {
    const p = file(
      "api.json",
      JSON.stringify(
        {
          openapi: "3.1.0",
          info: { title: "t", version: "1" },
          paths: { "/a": { get: { responses: { "200": { description: "ok" } } } } },
        },
        null,
        2,
      ),
    );
    const api = await loadOpenApi(p);
    expect(api.version).toBe("3.1");
    const at = api.locate(["paths", "/a", "get", "responses", "200"]);
    expect([at.line, at.column]).toEqual([11, 11]);
  });

  it("leaves remote $refs unresolved and counts them", async () => {
    const p = file(
      "remote.yaml",
      "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '401':\n          $ref: 'https://example.com/r.yaml#/401'\n",
    );
    const api = await loadOpenApi(p);
    expect(api.remoteRefs).toBe(1);
  });

  it("resolves a recursive schema without looping", async () => {
    const p = file(
      "rec.yaml",
      "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Node:\n      type: object\n      properties:\n        next: { $ref: '#/components/schemas/Node' }\n",
    );
    const api = await loadOpenApi(p);
    const node = (api.data.components as { schemas: { Node: { properties: { next: unknown } } } })
      .schemas.Node;
    expect(node.properties.next).toBe(node);
  });

  it.each([
    [
      "YAML syntax error",
      "bad.yaml",
      "openapi: 3.0.0\ninfo: {title: t\npaths: {}\n",
      /bad\.yaml:\d+: not valid YAML \(column \d+: /,
    ],
    [
      "a duplicate key",
      "dup.yaml",
      "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\npaths: {}\n",
      /dup\.yaml:4: not valid YAML .*unique/,
    ],
    [
      "JSON syntax error",
      "bad.json",
      '{\n  "openapi": "3.0.0",\n  "paths": {,}\n}',
      /bad\.json:3: not valid JSON \(column 13: /,
    ],
    [
      "not OpenAPI",
      "other.yaml",
      "name: my-package\nversion: 1.0.0\n",
      /other\.yaml:1: not an OpenAPI document: no "openapi" version field/,
    ],
    [
      "Swagger 2",
      "swagger.json",
      '{"swagger": "2.0", "paths": {}}',
      /swagger\.json:1: swagger 2\.0 is not read; convert it to OpenAPI 3/,
    ],
    [
      "OpenAPI 4",
      "v4.yaml",
      "openapi: 4.0.0\npaths: {}\n",
      /v4\.yaml:1: openapi "4\.0\.0" is not supported/,
    ],
    [
      "a list at the top",
      "list.yaml",
      "- a\n- b\n",
      /list\.yaml:1: not an OpenAPI document: the top level is not an object/,
    ],
    [
      "no paths",
      "nopaths.yaml",
      "openapi: 3.0.0\ninfo: {title: t, version: '1'}\n",
      /nopaths\.yaml:1: not an OpenAPI document: no "paths" object/,
    ],
    [
      "a broken local $ref",
      "broken.yaml",
      "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '401':\n          $ref: '#/components/responses/Nope'\n",
      /broken\.yaml:8: \$ref "#\/components\/responses\/Nope": no "components" in the target document/,
    ],
    [
      "a $ref to a missing file",
      "missing.yaml",
      "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    $ref: 'paths/none.yaml'\n",
      /missing\.yaml:5: \$ref to .*paths\/none\.yaml: cannot read \(ENOENT\)/,
    ],
    [
      "an alias bomb",
      "bomb.yaml",
      `openapi: 3.0.0\npaths: {}\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n`,
      /bomb\.yaml: YAML: Excessive alias count/,
    ],
  ])("bad input, %s: one line naming the file and line", async (_name, name, text, message) => {
    const e = await inputError(file(name, text));
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain("\n");
  });

  it("a public document with a YAML error (teamdigitale marketplace-catalog) is refused with its line", async () => {
    const e = await inputError(
      new URL("fixtures/public/bad-teamdigitale-marketplace-catalog.yml", import.meta.url).pathname,
    );
    expect(e.message).toMatch(
      /bad-teamdigitale-marketplace-catalog\.yml:234: not valid YAML \(column 26: /,
    );
  });
});

describe("JSON pointers", () => {
  it("round-trip any path", () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 6 }), (path) => {
        expect(pointerSegments(toPointer(path))).toEqual(path.length === 0 ? [] : path);
      }),
    );
  });
});

/** Every member of a random document is located at the line and column where its key is written. */
describe("parseSource positions (property)", () => {
  const key = fc.string({ minLength: 1, maxLength: 8 }).filter(
    (k) =>
      k.trim() === k &&
      ![...k].some((c) => {
        const n = c.codePointAt(0)!;
        return n < 0x20 || (n >= 0x7f && n <= 0x9f) || n === 0x2028 || n === 0x2029 || n === 0xfeff;
      }) &&
      k !== "<<",
  );
  const value = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: "small" },
      fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 10 })),
      fc.dictionary(key, tie("node"), { maxKeys: 4 }),
      fc.array(tie("node"), { maxLength: 3 }),
    ),
  })).node;
  const docArb = fc.dictionary(key, value, { minKeys: 1, maxKeys: 5 });

  function paths(v: unknown, at: (string | number)[] = []): (string | number)[][] {
    if (Array.isArray(v)) return v.flatMap((x, i) => [[...at, i], ...paths(x, [...at, i])]);
    if (typeof v === "object" && v !== null)
      return Object.entries(v).flatMap(([k, x]) => [[...at, k], ...paths(x, [...at, k])]);
    return [];
  }
  function offsetOf(text: string, line: number, column: number): number {
    let off = 0;
    for (let l = 1; l < line; l++) off = text.indexOf("\n", off) + 1;
    return off + column - 1;
  }

  it.each([
    ["JSON", (d: unknown) => JSON.stringify(d, null, 2), "d.json"],
    ["YAML", (d: unknown) => stringify(d), "d.yaml"],
  ] as const)("%s: data round-trips and each key is where the position says", (_n, write, name) => {
    fc.assert(
      fc.property(docArb, (d) => {
        const text = write(d);
        const src = parseSource(name, text);
        expect(src.data).toEqual(JSON.parse(JSON.stringify(d)));
        for (const p of paths(d)) {
          let n = src.root!;
          for (const seg of p) n = src.child(n, seg)!;
          expect(n).toBeDefined();
          const pos = src.position(n);
          const last = p[p.length - 1]!;
          if (typeof last === "string") {
            const at = text.slice(offsetOf(text, pos.line, pos.column));
            // the key as written: quoted (JSON, or YAML when it must be) or plain
            expect(
              at.startsWith(JSON.stringify(last)) ||
                at.startsWith(last) ||
                at.startsWith(`'`) ||
                at.startsWith(`"`) ||
                at.startsWith("? "),
            ).toBe(true);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it("never throws anything but LintInputError on arbitrary text", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }),
        fc.constantFrom("x.yaml", "x.json"),
        (text, name) => {
          try {
            parseSource(name, text);
          } catch (e) {
            expect(e).toBeInstanceOf(LintInputError);
            expect((e as Error).message).not.toContain("\n");
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
