import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
// Worker threads load compiled JavaScript: this test uses the build (npm test builds first).
import { analyzeInputs } from "../../dist/audit/analyze.js";
import { NGINX_LOG_FORMAT } from "../fixtures/make-fixtures.js";
import { run } from "./run.js";

const dir = mkdtempSync(join(tmpdir(), "truestatus-analyze-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function line(i: number): string {
  const paths = ["/users/42", "/orders/7/items", "/health", "/things"];
  const statuses = [200, 200, 404, 500, 204, 499, 401, 503];
  const method = i % 11 === 0 ? "HEAD" : "GET";
  const status = statuses[i % statuses.length]!;
  const size = status === 204 && i % 3 !== 0 ? 0 : 100 + (i % 50);
  return `10.0.0.${i % 250} - - [24/Nov/2026:10:${String(Math.floor(i / 60) % 60).padStart(2, "0")}:${String(i % 60).padStart(2, "0")} +0000] "${method} ${paths[i % paths.length]}?i=${i} HTTP/1.1" ${status} ${size} "-" "test/${i}"`;
}

function logFile(name: string, from: number, to: number, extra: string[] = []): string {
  const p = join(dir, name);
  const lines: string[] = [];
  for (let i = from; i < to; i++) lines.push(line(i));
  writeFileSync(p, `${[...lines, ...extra].join("\n")}\n`);
  return p;
}

const a = logFile("a.log", 0, 300, ["this is not a log line"]);
const b = logFile("b.log", 300, 700);

describe("truestatus analyze", () => {
  it("prints the summary, then findings; exit 1 on errors (default --fail-on error)", async () => {
    const r = await run(["analyze", a]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^truestatus analyze: 300 exchanges from 1 source/);
    expect(r.out).toContain("Malformed records  1");
    expect(r.out).toMatch(/no-content-with-body {2}error ×\d+/);
    expect(r.out).toContain("does not record response headers");
    expect(r.err).toBe("");
  });

  it("colour only on a terminal, and never with NO_COLOR or --output", async () => {
    expect((await run(["analyze", a], {}, true)).out).toContain("\u001b[");
    expect((await run(["analyze", a], { NO_COLOR: "1" }, true)).out).not.toContain("\u001b[");
    expect((await run(["analyze", a])).out).not.toContain("\u001b[");
    const file = join(dir, "report.txt");
    await run(["analyze", a, "-o", file], {}, true);
    expect(readFileSync(file, "utf8")).not.toContain("\u001b[");
    expect(readFileSync(file, "utf8")).toMatch(/^truestatus analyze: 300 exchanges/);
  });

  it("--fail-on decides the exit code", async () => {
    expect((await run(["analyze", a, "--fail-on", "none"])).code).toBe(0);
    const clean = logFile("clean.log", 0, 1).replace(/$/, "");
    writeFileSync(clean, `${line(1)}\n`);
    expect((await run(["analyze", clean])).code).toBe(0);
    expect((await run(["analyze", clean, "--fail-on", "info"])).code).toBe(0);
  });

  it("--format json --output writes the versioned summary; --merge of two runs equals one run over both", async () => {
    const ja = join(dir, "a.json");
    const jb = join(dir, "b.json");
    const jab = join(dir, "ab.json");
    expect((await run(["analyze", a, "--format", "json", "-o", ja])).code).toBe(1);
    await run(["analyze", b, "--format", "json", "-o", jb]);
    await run(["analyze", a, b, "--format", "json", "-o", jab]);
    const merged = await run(["analyze", "--merge", ja, jb, "--format", "json"]);
    expect(merged.code).toBe(1);
    expect(JSON.parse(merged.out)).toEqual(JSON.parse(readFileSync(jab, "utf8")));
    expect(merged.out).toBe(readFileSync(jab, "utf8"));
    expect(JSON.parse(merged.out).schemaVersion).toBe(2);
  });

  it("worker threads give exactly the single-threaded summary", async () => {
    const big = logFile("big.log", 0, 5000, ["garbage"]);
    const one = await analyzeInputs([big], { jobs: 1 });
    const two = await analyzeInputs([big], { jobs: 2, parallelMinBytes: 1 });
    expect(JSON.stringify(two.summary)).toBe(JSON.stringify(one.summary));
    expect(
      two.summary.malformed.reasons[Object.keys(two.summary.malformed.reasons)[0]!]!.first[0]!.line,
    ).toBe(5001);
  });

  it.each([
    ["alb.log", {}],
    ["caddy.log", {}],
    ["envoy.log", {}],
    ["haproxy.log", {}],
    ["nginx-combined.log", {}],
    ["nginx-upstream.log", { logFormat: NGINX_LOG_FORMAT }],
    ["app.ndjson (fields found from its first lines)", {}],
    ["app.ndjson (--field)", { fieldMap: { status: "s.code", method: "r.m", target: "r.u" } }],
  ])("worker threads give exactly the single-threaded summary: %s", async (name, options) => {
    let file = new URL(`../fixtures/logs/${name}`, import.meta.url).pathname;
    if (name.startsWith("app.ndjson")) {
      file = join(dir, "workers.ndjson");
      const records = Array.from({ length: 400 }, (_, i) => ({
        time: `2026-11-24T10:00:${String(i % 60).padStart(2, "0")}Z`,
        method: i % 7 === 0 ? "HEAD" : "GET",
        url: `/users/${i}`,
        status: [200, 204, 404, 503][i % 4],
        bytes: i % 5,
        r: { m: "GET", u: `/orders/${i}` },
        s: { code: [200, 204, 500][i % 3] },
      }));
      writeFileSync(file, `${records.map((r) => JSON.stringify(r)).join("\n")}\nnot json\n`);
    }
    const one = await analyzeInputs([file], { ...options, jobs: 1 });
    const three = await analyzeInputs([file], { ...options, jobs: 3, parallelMinBytes: 1 });
    expect(one.summary.exchanges).toBeGreaterThan(0);
    expect(JSON.stringify(three.summary)).toBe(JSON.stringify(one.summary));
  });

  it("the built worker entry is one bundled file (npm run build): it imports node: builtins only", () => {
    // Each worker loads its entry in a fresh isolate: one file instead of ~80 modules is ~50 ms
    // less per worker start (bench/RESULTS.md F).
    const worker = readFileSync(new URL("../../dist/audit/worker.js", import.meta.url), "utf8");
    const specifiers = [...worker.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]!);
    expect(specifiers.length).toBeGreaterThan(0);
    expect(specifiers.filter((s) => !s.startsWith("node:"))).toEqual([]);
    expect(worker).toContain("// src/audit/engine.ts");
  });

  it.each([
    [["analyze", "/nonexistent/x.log"], /error: .*x\.log/],
    [["analyze"], /at least one input/],
    [["analyze", a, "--format", "xml"], /expected one of: text, json, sarif/],
    [["analyze", a, "--fail-on", "critical"], /Allowed choices are error, warning, info, none/],
    [["analyze", a, "--jobs", "0"], /whole number/],
    [["analyze", a, "--input-format", "yaml"], /"yaml" is not an input format/],
    [["analyze", "--merge", a], /not JSON/],
    [["analyze", a, "--field", "nope"], /expected <field>=<json\.path>/],
    [
      ["analyze", a, "--input-format", "ndjson", "--field", "colour=x"],
      /unknown exchange field "colour"/,
    ],
  ])("usage and input errors: one line, exit 2, no stack (%j)", async (argv, message) => {
    const r = await run(argv as string[]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it("a truncated gzip: the partial summary marked partial, then a one-line error, exit 2", async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => line(i)).join("\n");
    const gz = gzipSync(Buffer.from(`${lines}\n`));
    const p = join(dir, "cut.log.gz");
    writeFileSync(p, gz.subarray(0, Math.floor(gz.length * 0.6)));
    const r = await run(["analyze", p, "--format", "json"]);
    expect(r.code).toBe(2);
    const s = JSON.parse(r.out);
    expect(s.partial).toBe(true);
    expect(s.exchanges).toBeGreaterThan(0);
    expect(s.exchanges).toBeLessThan(2000);
    expect(r.err).toMatch(/^error: .*cut\.log\.gz.*partial\)\n$/);
  });

  it("the built CLI reads stdin, and splits across workers (real processes)", () => {
    const bin = new URL("../../dist/cli/bin.js", import.meta.url).pathname;
    const input = readFileSync(a);
    const viaStdin = spawnSync(
      process.execPath,
      [bin, "analyze", "-", "--format", "json", "--fail-on", "none"],
      { input, encoding: "utf8" },
    );
    expect(viaStdin.status).toBe(0);
    expect(JSON.parse(viaStdin.stdout).exchanges).toBe(300);
    const big = logFile("big2.log", 0, 20000);
    const single = spawnSync(
      process.execPath,
      [bin, "analyze", big, "--format", "json", "--jobs", "1"],
      { encoding: "utf8" },
    );
    const workers = spawnSync(
      process.execPath,
      [bin, "analyze", big, "--format", "json", "--jobs", "2", "--parallel-min-bytes", "1"],
      { encoding: "utf8" },
    );
    expect(workers.status).toBe(1);
    expect(workers.stdout).toBe(single.stdout);
    expect(JSON.parse(workers.stdout).exchanges).toBe(20000);
  });

  it("a HAR recorded by real Chromium (test/fixtures/logs/chromium.har): findings with evidence, honest coverage", async () => {
    const har = new URL("../fixtures/logs/chromium.har", import.meta.url).pathname;
    const r = await run(["analyze", har, "--format", "json"]);
    expect(r.code).toBe(1);
    const s = JSON.parse(r.out);
    expect(s.exchanges).toBe(13);
    expect(s.classes).toMatchObject({ auth: 2, network_error: 2, soft_error: 1, throttling: 1 });
    expect(s.findings["401-needs-www-authenticate"].count).toBe(2);
    expect(s.findings["soft-error-2xx"].samples[0].evidence.excerpt).toBe(
      'error: "database unavailable"',
    );
    expect(s.findings["error-leaks-internals"].samples[0].message).toBe(
      "500 body leaks a stack trace",
    );
    expect(s.coverage["500-masks-upstream-failure"].notChecked[har]).toEqual(["upstream"]);
    const sarif = await run(["analyze", har, "--format", "sarif", "--fail-on", "none"]);
    expect(sarif.code).toBe(0);
    expect(JSON.parse(sarif.out).runs[0].results.length).toBeGreaterThanOrEqual(5);
  });

  it("401 for a token accepted later in the same HAR: found through the source's fingerprints, never shown", async () => {
    const e = (i: number, status: number, token: string, path: string) => ({
      startedDateTime: new Date(Date.UTC(2026, 10, 24, 12, 0, i)).toISOString(),
      time: 5,
      request: {
        method: "GET",
        url: `https://api.example.com${path}`,
        httpVersion: "HTTP/1.1",
        cookies: [],
        headers: [{ name: "Authorization", value: `Bearer ${token}` }],
        queryString: [],
        headersSize: -1,
        bodySize: 0,
      },
      response: {
        status,
        statusText: "",
        httpVersion: "HTTP/1.1",
        cookies: [],
        headers: [{ name: "WWW-Authenticate", value: 'Bearer error="invalid_token"' }],
        content: { size: 0, mimeType: "application/json" },
        redirectURL: "",
        headersSize: -1,
        bodySize: 0,
      },
      cache: {},
      timings: { send: 0, wait: 5, receive: 0 },
    });
    const A = "eyJhbGciOiJIUzI1NiJ9.aaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbb";
    const B = "eyJhbGciOiJIUzI1NiJ9.cccccccccccccccc.dddddddddddddddd";
    const harFile = join(dir, "session.har");
    writeFileSync(
      harFile,
      JSON.stringify({
        log: {
          version: "1.2",
          creator: { name: "test", version: "1" },
          entries: [
            e(0, 200, A, "/me"),
            e(1, 401, A, "/admin"),
            e(2, 200, A, "/me"),
            e(3, 401, B, "/admin"),
            e(4, 200, B, "/x"),
          ].map((x, i) =>
            i === 4
              ? { ...x, startedDateTime: new Date(Date.UTC(2026, 10, 24, 11)).toISOString() }
              : x,
          ),
        },
      }),
    );
    const r = await run(["analyze", harFile, "--format", "json", "--fail-on", "none"]);
    const s = JSON.parse(r.out);
    expect(s.findings["401-for-accepted-token"].count).toBe(1);
    expect(s.findings["401-for-accepted-token"].samples[0].location).toEqual({
      file: harFile,
      entry: 1,
    });
    expect(r.out).not.toContain("aaaaaaaaaaaaaaaa");
  });

  it("NDJSON through --field mappings", async () => {
    const p = join(dir, "app.ndjson");
    writeFileSync(
      p,
      `${[
        { ts: "2026-11-24T10:00:00Z", r: { m: "GET", u: "/users/1" }, s: { code: 204, len: 5 } },
        { ts: "2026-11-24T10:00:01Z", r: { m: "GET", u: "/users/2" }, s: { code: 503, len: 50 } },
      ]
        .map((o) => JSON.stringify(o))
        .join("\n")}\n`,
    );
    const r = await run([
      "analyze",
      p,
      "--format",
      "json",
      ...["status=s.code", "method=r.m", "target=r.u", "size=s.len", "time=ts"].flatMap((f) => [
        "--field",
        f,
      ]),
    ]);
    expect(r.code).toBe(1);
    const s = JSON.parse(r.out);
    expect(s.sources[p].format).toBe("ndjson");
    expect(s.endpoints["GET /users/{id}"].statuses).toEqual({ "204": 1, "503": 1 });
    expect(s.findings["no-content-with-body"].count).toBe(1);
  });
});
