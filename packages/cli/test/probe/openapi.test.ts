/** OpenAPI 3.0 and 3.1, JSON and YAML, local and external $refs; malformed documents → one clear line. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProbeError } from "../../src/probe/errors.js";
import { loadOpenApi } from "../../src/probe/openapi.js";

let dir: string;
const file = async (name: string, text: string) => {
  const p = join(dir, name);
  await writeFile(p, text);
  return p;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "truestatus-openapi-"));
  await file(
    "schemas.yaml",
    "Pet:\n  type: object\n  required: [name]\n  properties:\n    name: { type: string, example: Rex }\n    age: { type: integer }\n",
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("loadOpenApi", () => {
  it("reads OpenAPI 3.0 JSON with local $refs, security and parameters", async () => {
    const p = await file(
      "v30.json",
      JSON.stringify({
        openapi: "3.0.3",
        info: { title: "Pets", version: "1" },
        security: [{ key: [] }],
        components: {
          parameters: {
            Id: { name: "id", in: "path", required: true, schema: { type: "integer", example: 7 } },
          },
          schemas: {
            Pet: { type: "object", required: ["name"], properties: { name: { type: "string" } } },
          },
        },
        paths: {
          "/pets": {
            get: {
              security: [],
              responses: { "200": { description: "ok", content: { "application/json": {} } } },
            },
            post: {
              requestBody: {
                required: true,
                content: { "application/json": { schema: { $ref: "#/components/schemas/Pet" } } },
              },
              responses: {},
            },
          },
          "/pets/{id}": {
            parameters: [{ $ref: "#/components/parameters/Id" }],
            get: { responses: {} },
          },
        },
      }),
    );
    const api = await loadOpenApi(p);
    expect(api.version).toBe("3.0");
    expect(api.title).toBe("Pets");
    expect(api.operations.map((o) => `${o.method} ${o.path} ${o.auth}`)).toEqual([
      "GET /pets none",
      "POST /pets required",
      "GET /pets/{id} required",
    ]);
    expect(api.operations[1]!.body?.schema?.required).toEqual(["name"]);
    expect(api.operations[2]!.parameters).toEqual([
      { name: "id", in: "path", required: true, schema: { type: "integer", example: 7 } },
    ]);
    expect(api.operations[0]!.produces).toEqual(["application/json"]);
  });

  it("reads OpenAPI 3.1 YAML with a $ref into another file", async () => {
    const p = await file(
      "v31.yaml",
      "openapi: 3.1.0\ninfo: { title: Pets, version: '1' }\npaths:\n  /pets:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema: { $ref: './schemas.yaml#/Pet' }\n      responses: {}\n",
    );
    const api = await loadOpenApi(p);
    expect(api.version).toBe("3.1");
    expect(api.operations[0]!.body?.schema?.properties?.name).toEqual({
      type: "string",
      example: "Rex",
    });
    expect(api.operations[0]!.auth).toBe("none");
  });

  it("reads the shop document of the demo", async () => {
    const api = await loadOpenApi(
      new URL("../../../../examples/shop/openapi.yaml", import.meta.url).pathname,
    );
    expect(api.operations).toHaveLength(10);
    expect(api.operations.filter((o) => o.auth !== "required").map((o) => o.path)).toEqual([
      "/users",
      "/sessions",
    ]);
  });

  it.each([
    [
      "bad.yaml",
      "openapi: 3.1.0\npaths:\n  /x: [unclosed\n",
      /bad\.yaml: not valid JSON or YAML at line \d+/,
    ],
    ["bad.json", '{"openapi": "3.0.0", "paths": {', /bad\.json: not valid JSON or YAML/],
    [
      "swagger.yaml",
      "swagger: '2.0'\npaths: {}\n",
      /swagger 2\.0 is not read; convert it to OpenAPI 3/,
    ],
    ["v4.yaml", "openapi: 4.0.0\npaths: {}\n", /openapi 4\.0\.0 is not supported/],
    ["nopaths.yaml", "openapi: 3.0.0\ninfo: {}\n", /no "paths" object/],
    ["list.yaml", "- 1\n- 2\n", /the document is not an object/],
    [
      "dangling.yaml",
      "openapi: 3.0.0\npaths:\n  /x:\n    get: { $ref: '#/components/nope' }\n",
      /cannot resolve a \$ref/,
    ],
    [
      "missingfile.yaml",
      "openapi: 3.0.0\npaths:\n  /x:\n    get: { $ref: './nope.yaml' }\n",
      /cannot resolve a \$ref/,
    ],
    ["relative.yaml", "openapi: 3.0.0\npaths:\n  x: {}\n", /paths: "x" does not start with "\/"/],
  ])("%s → a one-line error naming the file", async (name, text, message) => {
    const p = await file(name, text);
    const e = await loadOpenApi(p).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ProbeError);
    expect((e as ProbeError).code).toBe("TRUESTATUS_PROBE_OPENAPI");
    expect((e as Error).message).toMatch(message);
    expect((e as Error).message.startsWith(p)).toBe(true);
    expect((e as Error).message).not.toContain("\n");
  });

  it("any bytes give a model or a ProbeError, never another exception (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.constantFrom("openapi: 3.0.0\npaths:\n", "openapi: 3.1.0\npaths: { /a: { get: 1 } }"),
        ),
        async (text) => {
          const p = await file("fuzz.yaml", text);
          try {
            await loadOpenApi(p);
          } catch (e) {
            expect(e).toBeInstanceOf(ProbeError);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
