/**
 * `truestatus lint` on a document with thousands of operations (target < 2 s), against Spectral
 * with the OWASP ruleset (@stoplight/spectral-owasp-ruleset) on the same document, in the same run.
 *
 *   npm run build && node --import tsx bench/lint.ts [--ops=3000] [--runs=3]
 *
 * The document is generated (deterministic): `--ops` operations over `--ops / 2` paths, each with
 * parameters, a request body or a JSON 200, shared and inline error responses, in one YAML file
 * (and its JSON twin, linted too). Runs alternate forward and reverse (truestatus, Spectral /
 * Spectral, truestatus, ...); each is a fresh process timed from spawn to exit, as a user or CI
 * sees it. Prints the medians, the ratio Spectral ÷ truestatus and PASS/FAIL against 2 s; also the
 * finding counts, and Spectral running truestatus' own exported ruleset (informative).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { stringify } from "yaml";

const arg = (name: string, dflt: number) =>
  Number(
    new RegExp(`^--${name}=(\\d+)$`).exec(
      process.argv.find((a) => a.startsWith(`--${name}=`)) ?? "",
    )?.[1] ?? dflt,
  );
const OPS = arg("ops", 3000);
const RUNS = arg("runs", 3);
const OUT = "bench/out";
const CLI = "packages/cli/dist/cli/bin.js";
const SPECTRAL = "node_modules/.bin/spectral";

function document(ops: number): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (let i = 0; paths && Object.keys(paths).length * 2 < ops; i++) {
    const id = { name: "id", in: "path", required: true, schema: { type: "string" } };
    paths[`/resources${i}/{id}`] = {
      parameters: [id],
      get: {
        operationId: `get${i}`,
        parameters: [{ name: "fields", in: "query", schema: { type: "string" } }],
        responses: {
          "200": {
            description: "ok",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } },
          },
          "401": { $ref: "#/components/responses/Unauthorized" },
          "404": { $ref: "#/components/responses/NotFound" },
          ...(i % 3 === 0 ? { "429": { description: "slow down" } } : {}),
          "500": {
            description: "bug",
            content: {
              "application/json": {
                schema: { type: "object", properties: { error: { type: "string" } } },
              },
            },
          },
        },
      },
      [i % 2 === 0 ? "put" : "post"]: {
        operationId: `write${i}`,
        ...(i % 5 === 0 ? { "x-truestatus-upstream": true } : {}),
        security: [{ oauth: ["write"] }],
        requestBody: {
          content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } },
        },
        responses: {
          "200": {
            description: "ok",
            content: {
              "application/json": {
                schema:
                  i % 7 === 0
                    ? {
                        type: "object",
                        properties: {
                          success: { type: "boolean", enum: [false] },
                          message: { type: "string" },
                        },
                      }
                    : { $ref: "#/components/schemas/Thing" },
              },
            },
          },
          "401": { $ref: "#/components/responses/Unauthorized" },
          "422": {
            description: "invalid",
            content: {
              "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } },
            },
          },
          "500": { description: "bug" },
        },
      },
    };
  }
  return {
    openapi: "3.0.3",
    info: { title: `Bench API (${ops} operations)`, version: "1" },
    servers: [{ url: "https://api.example.com" }],
    security: [{ oauth: ["read"] }],
    paths,
    components: {
      securitySchemes: {
        oauth: {
          type: "oauth2",
          flows: {
            clientCredentials: {
              tokenUrl: "https://auth.example.com/token",
              scopes: { read: "r", write: "w" },
            },
          },
        },
      },
      responses: {
        Unauthorized: {
          description: "no credentials",
          content: {
            "application/json": {
              schema: { type: "object", properties: { error: { type: "string" } } },
            },
          },
        },
        NotFound: {
          description: "not found",
          content: {
            "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } },
          },
        },
      },
      schemas: {
        Thing: {
          type: "object",
          properties: { id: { type: "string" }, name: { type: "string", maxLength: 100 } },
        },
        Problem: {
          type: "object",
          properties: {
            type: { type: "string" },
            title: { type: "string" },
            status: { type: "integer" },
            detail: { type: "string" },
          },
        },
      },
    },
  };
}

mkdirSync(OUT, { recursive: true });
const doc = document(OPS);
const yamlFile = `${OUT}/lint-${OPS}.yaml`;
const jsonFile = `${OUT}/lint-${OPS}.json`;
writeFileSync(yamlFile, stringify(doc));
writeFileSync(jsonFile, JSON.stringify(doc, null, 2));
writeFileSync(`${OUT}/owasp.spectral.yaml`, 'extends:\n  - "@stoplight/spectral-owasp-ruleset"\n');
const exported = spawnSync(process.execPath, [
  CLI,
  "lint",
  "--export",
  "spectral",
  "-o",
  `${OUT}/truestatus.spectral.js`,
]);
if (exported.status !== 0) throw new Error(`export failed: ${exported.stderr}`);

interface Case {
  readonly name: string;
  readonly cmd: string;
  readonly args: readonly string[];
  readonly count: (stdout: string) => number;
}
const jsonCount = (s: string) => (JSON.parse(s) as { findings: unknown[] }).findings.length;
const spectralCount = (s: string) => (JSON.parse(s || "[]") as unknown[]).length;
const cases: Case[] = [
  {
    name: "truestatus lint (YAML)",
    cmd: process.execPath,
    args: [CLI, "lint", yamlFile, "--format", "json", "--fail-on", "none"],
    count: jsonCount,
  },
  {
    name: "truestatus lint (JSON)",
    cmd: process.execPath,
    args: [CLI, "lint", jsonFile, "--format", "json", "--fail-on", "none"],
    count: jsonCount,
  },
  {
    name: "Spectral + OWASP ruleset (YAML)",
    cmd: SPECTRAL,
    args: [
      "lint",
      "-r",
      `${OUT}/owasp.spectral.yaml`,
      yamlFile,
      "-f",
      "json",
      "--quiet",
      "--fail-severity",
      "error",
    ],
    count: spectralCount,
  },
  {
    name: "Spectral + truestatus' exported ruleset (YAML)",
    cmd: SPECTRAL,
    args: [
      "lint",
      "-r",
      `${OUT}/truestatus.spectral.js`,
      yamlFile,
      "-f",
      "json",
      "--quiet",
      "--fail-severity",
      "error",
    ],
    count: spectralCount,
  },
];

const times = new Map<string, number[]>(cases.map((c) => [c.name, []]));
const counts = new Map<string, number>();
for (let run = 0; run < RUNS; run++) {
  const order = run % 2 === 0 ? cases : [...cases].reverse();
  for (const c of order) {
    const t = process.hrtime.bigint();
    const r = spawnSync(c.cmd, c.args, { encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (r.status !== 0 && r.status !== 1)
      throw new Error(`${c.name}: exit ${r.status}: ${r.stderr.slice(0, 500)}`);
    times.get(c.name)!.push(ms);
    counts.set(c.name, c.count(r.stdout));
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(
  `\n## truestatus lint vs Spectral + OWASP: ${OPS} operations (${RUNS} runs, medians)\n`,
);
console.log("| case | median | findings |");
console.log("| --- | ---: | ---: |");
for (const c of cases)
  console.log(
    `| ${c.name} | ${(median(times.get(c.name)!) / 1000).toFixed(2)} s | ${counts.get(c.name)} |`,
  );
const ours = median(times.get(cases[0]!.name)!);
const peer = median(times.get(cases[2]!.name)!);
console.log(`\nSpectral + OWASP ÷ truestatus lint (YAML): ${(peer / ours).toFixed(1)}x`);
console.log(
  `truestatus lint (YAML) < 2 s: ${ours < 2000 ? "PASS" : "FAIL"} (${(ours / 1000).toFixed(2)} s)`,
);
console.log(
  `truestatus lint (JSON) < 2 s: ${median(times.get(cases[1]!.name)!) < 2000 ? "PASS" : "FAIL"}`,
);
