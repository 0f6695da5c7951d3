/**
 * The CI integrations, run locally: the GitHub Action's entry script (action/entry.mjs, as
 * action.yml calls it) and the GitLab CI template's job scripts (ci/truestatus.gitlab-ci.yml, in
 * bash), against the built CLI, on planted documents and a real server on 127.0.0.1.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = new URL("../../", import.meta.url).pathname;
const CLI = join(ROOT, "packages/cli/dist/cli/bin.js");
const ENTRY = join(ROOT, "action/entry.mjs");
const SLOPPY = join(ROOT, "packages/cli/test/lint/fixtures/planted/sloppy.yaml");
const CLEAN = join(ROOT, "packages/cli/test/lint/fixtures/planted/clean.yaml");

interface Sarif {
  runs: { results: { ruleId: string; level: string; baselineState?: string }[] }[];
}

/** Runs a command without blocking the event loop (the test's own server must keep answering). */
function exec(
  file: string,
  args: readonly string[],
  opts: { cwd: string; env: Record<string, string> },
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...opts, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    const timer = setTimeout(() => child.kill(), 60_000);
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

async function action(cwd: string, inputs: Record<string, string>) {
  const outputs = join(cwd, `outputs-${Math.random().toString(36).slice(2)}`);
  writeFileSync(outputs, "");
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    GITHUB_OUTPUT: outputs,
    INPUT_CLI: CLI,
  };
  for (const [k, v] of Object.entries(inputs))
    env[`INPUT_${k.toUpperCase().replace(/-/g, "_")}`] = v;
  const r = await exec(process.execPath, [ENTRY], { cwd, env });
  const out = Object.fromEntries(
    readFileSync(outputs, "utf8")
      .trim()
      .split("\n")
      .filter((l) => l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, outputs: out };
}

let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    res.writeHead(req.url?.startsWith("/me") ? 401 : 404, { "content-type": "application/json" });
    res.end("{}");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("action.yml", () => {
  it("passes every input to the entry script, and the entry reads only those", () => {
    const action = parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as {
      inputs: Record<string, unknown>;
      runs: { steps: { env?: Record<string, string> }[] };
    };
    const env = action.runs.steps[0]!.env!;
    // upload-sarif is read by the upload step, not by the entry
    const expected = Object.keys(action.inputs)
      .filter((k) => k !== "upload-sarif")
      .map((k) => `INPUT_${k.toUpperCase().replace(/-/g, "_")}`);
    expect(Object.keys(env).sort()).toEqual(expected.sort());
    for (const [k, v] of Object.entries(env))
      expect(v).toBe(`\${{ inputs.${k.slice(6).toLowerCase().replace(/_/g, "-")} }}`);
    const script = readFileSync(ENTRY, "utf8");
    const read = [...script.matchAll(/input\("([a-z-]+)"/g)].map((m) => m[1]!);
    for (const name of read) expect(Object.keys(action.inputs)).toContain(name);
  });
});

describe("the GitHub Action's entry script", () => {
  const dir = mkdtempSync(join(tmpdir(), "truestatus-action-"));

  it("lint: SARIF written, outputs set, exit 1 on errors; with the baseline it wrote, exit 0", async () => {
    const first = await action(dir, {
      command: "lint",
      target: SLOPPY,
      "write-baseline": "lint.baseline.json",
    });
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(
      /^truestatus lint .*sloppy\.yaml --format sarif -o truestatus\.sarif --fail-on error --write-baseline lint\.baseline\.json$/m,
    );
    expect(first.stdout).toMatch(
      /truestatus lint: 19 results \(8 error, 10 warning, 1 note\), 19 new; SARIF in truestatus\.sarif/,
    );
    expect(first.outputs).toEqual({
      "sarif-file": "truestatus.sarif",
      "exit-code": "1",
      results: "19",
      "new-results": "19",
    });
    const log = JSON.parse(readFileSync(join(dir, "truestatus.sarif"), "utf8")) as Sarif;
    expect(log.runs[0]!.results).toHaveLength(19);
    expect(existsSync(join(dir, "lint.baseline.json"))).toBe(true);

    const again = await action(dir, {
      command: "lint",
      target: SLOPPY,
      baseline: "lint.baseline.json",
    });
    expect(again.code).toBe(0);
    expect(again.outputs).toMatchObject({ "exit-code": "0", results: "19", "new-results": "0" });
    const clean = await action(dir, {
      command: "lint",
      target: CLEAN,
      "fail-on": "info",
      sarif: "clean.sarif",
    });
    expect(clean.code).toBe(0);
    expect(clean.outputs).toMatchObject({ "sarif-file": "clean.sarif", results: "0" });
  });

  it("probe: a preview URL, extra arguments, the credential never printed", async () => {
    const r = await action(dir, {
      command: "probe",
      target: url,
      args: '--route "GET /me" --max-requests 3 --concurrency 1',
      auth: "Bearer s3cr3t-token",
      sarif: "probe.sarif",
    });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).not.toContain("s3cr3t");
    expect(r.stdout).toContain("--auth ***");
    const log = JSON.parse(readFileSync(join(dir, "probe.sarif"), "utf8")) as Sarif;
    expect(log.runs[0]!.results.map((x) => x.ruleId)).toContain("401-needs-www-authenticate");
    expect(r.outputs["exit-code"]).toBe("1");
  });

  it.each([
    [{ command: "deploy", target: "x" }, /command "deploy": expected lint, probe or analyze/],
    [{ command: "lint", target: "" }, /lint needs a target/],
  ])("a usage mistake: one line, exit 2 (%j)", async (inputs, message) => {
    const r = await action(dir, inputs);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it("a missing document: truestatus' exit 2 passes through", async () => {
    const r = await action(dir, { command: "lint", target: "nope.yaml" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope\.yaml: cannot read \(ENOENT\)/);
    expect(r.outputs["exit-code"]).toBe("2");
  });
});

describe("the GitLab CI template", () => {
  const template = parse(readFileSync(join(ROOT, "ci/truestatus.gitlab-ci.yml"), "utf8")) as Record<
    string,
    {
      extends?: string;
      variables?: Record<string, string>;
      script?: string[];
      artifacts?: { paths: string[] };
    }
  >;

  /** Runs a hidden job's script in bash as GitLab would (variables from the template, then ours). */
  function job(name: string, vars: Record<string, string>, cwd: string) {
    const j = template[name]!;
    const base = template[j.extends!]!;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      ...base.variables,
      ...j.variables,
      TRUESTATUS: `${process.execPath} ${CLI}`,
      ...vars,
    };
    const script = `set -eo pipefail\n${j.script!.join("\n")}\n`;
    return exec("bash", ["--noprofile", "--norc", "-c", script], {
      cwd,
      env,
    });
  }

  it("has a lint and a probe job that keep SARIF as an artifact", () => {
    expect(template[".truestatus"]!.artifacts!.paths).toEqual([
      "truestatus.sarif",
      "truestatus.txt",
    ]);
    expect(template[".truestatus-lint"]!.extends).toBe(".truestatus");
    expect(template[".truestatus-probe"]!.extends).toBe(".truestatus");
  });

  it("lint: fails on new findings, passes with a baseline", async () => {
    const dir = mkdtempSync(join(tmpdir(), "truestatus-gitlab-"));
    const r1 = await job(".truestatus-lint", { TRUESTATUS_DOCUMENT: SLOPPY }, dir);
    expect(r1.status).toBe(1);
    expect(readFileSync(join(dir, "truestatus.txt"), "utf8")).toContain(
      "8 errors, 10 warnings, 1 info",
    );
    expect(
      (JSON.parse(readFileSync(join(dir, "truestatus.sarif"), "utf8")) as Sarif).runs[0]!.results,
    ).toHaveLength(19);
    spawnSync(process.execPath, [
      CLI,
      "lint",
      SLOPPY,
      "--write-baseline",
      join(dir, "b.json"),
      "--fail-on",
      "none",
    ]);
    const r2 = await job(
      ".truestatus-lint",
      { TRUESTATUS_DOCUMENT: SLOPPY, TRUESTATUS_BASELINE: "b.json" },
      dir,
    );
    expect(r2.stderr).toBe("");
    expect(r2.status).toBe(0);
  });

  it("probe: one run, the verdict from its SARIF", async () => {
    const dir = mkdtempSync(join(tmpdir(), "truestatus-gitlab-"));
    const r = await job(
      ".truestatus-probe",
      { TRUESTATUS_URL: url, TRUESTATUS_ARGS: "--route /me --max-requests 3" },
      dir,
    );
    // "--route /me" is not "METHOD /path": truestatus says so, exit 2
    expect(r.status).toBe(2);
    const ok = await job(
      ".truestatus-probe",
      { TRUESTATUS_URL: url, TRUESTATUS_ARGS: "--max-requests 3" },
      dir,
    );
    expect(ok.stdout).toMatch(/truestatus probe: \d+ results, \d+ new/);
    expect([0, 1]).toContain(ok.status);
    expect(existsSync(join(dir, "truestatus.sarif"))).toBe(true);
  });
});
