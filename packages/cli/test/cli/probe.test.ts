/**
 * `truestatus probe` and `truestatus demo` through the CLI: exit codes, formats, usage errors as
 * one line, and the secrets given with --auth / --auth-other never in any output, even when the
 * API echoes them back in its bodies and headers.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, type Target, target } from "../probe/target.js";
import { run } from "./run.js";

const SECRET_A = "sEcReT-aaaa-0123456789abcdef";
const SECRET_B = "sEcReT-bbbb-0123456789abcdef";
let dir: string;
let api: Target;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "truestatus-probe-cli-"));
  // A careless API that echoes the credentials it was given, in a header and in every body.
  api = await target((req, res) => {
    const auth = String(req.headers.authorization ?? "");
    const echo = { "x-echo-authorization": auth };
    if (!auth) return json(res, 403, { error: "Forbidden" }, echo);
    if (!auth.includes("sEcReT")) return json(res, 401, { error: `invalid token ${auth}` }, echo);
    // o1 is A's: A's list shows it, B's does not (and B may read it all the same).
    if (req.url === "/orders")
      return json(res, 200, auth.includes("aaaa") ? [{ id: "o1", owner: auth }] : [], echo);
    if (req.url.startsWith("/orders/")) return json(res, 200, { id: "o1", seenWith: auth }, echo);
    json(
      res,
      500,
      { error: `boom for ${auth}`, stack: `Error: boom ${auth}\n    at handler (/srv/app.js:1:1)` },
      echo,
    );
  });
});

afterAll(async () => {
  await api.close();
  await rm(dir, { recursive: true, force: true });
});

const probeArgs = () => [
  "probe",
  api.url,
  "--route",
  "GET /orders",
  "--route",
  "GET /orders/{id}",
  "--route",
  "POST /orders",
  "--auth",
  `Bearer ${SECRET_A}`,
  "--auth-other",
  `Bearer ${SECRET_B}`,
  "--burst",
  "3",
];

describe("truestatus probe (CLI)", () => {
  it.each(["text", "json", "sarif"])(
    "never prints the secrets given with --auth/--auth-other (--format %s)",
    async (format) => {
      const r = await run([...probeArgs(), "--format", format]);
      expect(r.code).toBe(1);
      const all = r.out + r.err;
      expect(all.length).toBeGreaterThan(200);
      for (const secret of [SECRET_A, SECRET_B, "sEcReT"]) expect(all).not.toContain(secret);
      if (format === "json") {
        const report = JSON.parse(r.out) as {
          probe: { requests: unknown[] };
          findings: Record<string, unknown>;
        };
        expect(report.probe.requests.length).toBeGreaterThan(5);
        expect(Object.keys(report.findings)).toContain("probe-other-identity-not-refused");
      }
    },
  );

  it("never writes the secrets to --output either", async () => {
    const file = join(dir, "probe.json");
    const r = await run([...probeArgs(), "--format", "json", "-o", file]);
    expect(r.out).toBe("");
    const text = await readFile(file, "utf8");
    expect(text).toContain('"probe-unauthenticated-not-401"');
    expect(text).not.toContain("sEcReT");
  });

  it("text report: findings, then every request sent", async () => {
    const r = await run([...probeArgs(), "--fail-on", "none"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^truestatus probe: \d+ exchanges from 1 source/);
    expect(r.out).toMatch(/probe-other-identity-not-refused/);
    // The finding names its request: its entry is the request's number in the list.
    const entry =
      /probe-other-identity-not-refused[^\n]*\n[^\n]* entry (\d+) +GET \/orders\/o1 → 200/.exec(
        r.out,
      );
    expect(entry).not.toBeNull();
    expect(r.out).toMatch(new RegExp(`#${entry![1]} +other-identity +GET /orders/o1 +200 +as B`));
    expect(r.out).toMatch(/Requests sent to http:\/\/127\.0\.0\.1:\d+: \d+ of at most 200/);
    expect(r.out).toMatch(/#1 +baseline +GET \/orders +200 +as A/);
  });

  it.each([
    [["probe", "ftp://x"], /error: ftp:\/\/x: only http: and https: targets are probed/],
    [
      ["probe", "http://127.0.0.1:1", "--max-requests", "0"],
      /--max-requests: expected a whole number from 1 to 10000/,
    ],
    [
      ["probe", "http://127.0.0.1:1", "--openapi", "/nonexistent/openapi.yaml"],
      /\/nonexistent\/openapi.yaml: cannot read \(ENOENT\)/,
    ],
    [
      ["probe", "http://127.0.0.1:1", "--route", "orders"],
      /--route "orders": expected "<METHOD> \/path"/,
    ],
  ])("usage error %j → one line, exit 2", async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it("a malformed scenario file names the file, the step and the field", async () => {
    const file = join(dir, "bad.yaml");
    await writeFile(file, "steps:\n  - { name: dup, method: POST, path: /users }\n");
    const r = await run(["probe", api.url, "--scenario", file]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${file}: step 1 (dup): "expect" is missing`);
  });
});

describe("truestatus demo (CLI)", () => {
  it("probes both shops, prints the scorecard and writes the JSON report", async () => {
    const out = join(dir, "report.json");
    const r = await run(["demo", "-o", out]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/sloppy-api\s+fixed-api/);
    expect(r.out).toMatch(/grade\s+F \(\d+\/100\)\s+A \(100\/100\)/);
    expect(r.out).toMatch(/What to change in sloppy-api, worst first:/);
    expect(r.out).not.toMatch(/What to change in fixed-api/);
    const report = JSON.parse(await readFile(out, "utf8")) as {
      apis: Record<string, { findings: Record<string, unknown>; probe: { requests: unknown[] } }>;
    };
    expect(Object.keys(report.apis)).toEqual(["sloppy-api", "fixed-api"]);
    expect(report.apis["fixed-api"]!.findings).toEqual({});
    expect(report.apis["sloppy-api"]!.probe.requests.length).toBeGreaterThan(30);
    // And one self-contained HTML report per API, with the same finding counts.
    const sloppyHtml = await readFile(join(dir, "report.sloppy-api.html"), "utf8");
    const fixedHtml = await readFile(join(dir, "report.fixed-api.html"), "utf8");
    expect(sloppyHtml.startsWith("<!doctype html>")).toBe(true);
    for (const id of Object.keys(report.apis["sloppy-api"]!.findings))
      expect(sloppyHtml).toContain(id);
    expect(fixedHtml).not.toContain("probe-unauthenticated-not-401");
    expect(r.out).toContain("report.sloppy-api.html");
  });
});
