import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
// Worker threads load compiled JavaScript: this test uses the build (npm test builds first).
import { analyzeInputs } from "../../dist/audit/analyze.js";
import { NGINX_LOG_FORMAT } from "../fixtures/make-fixtures.js";
import { run } from "./run.js";

const dir = mkdtempSync(join(tmpdir(), "truestatus-analyze-"));
const BIN = join(import.meta.dirname, "../../dist/cli/bin.js");
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

  it("a log where the proxy turned every upstream timeout into a 500 fails the default --fail-on error", async () => {
    const format =
      '$remote_addr [$time_local] "$request" $status $body_bytes_sent $upstream_status';
    const p = join(dir, "masked.log");
    writeFileSync(
      p,
      `${Array.from(
        { length: 20 },
        (_, i) =>
          `10.0.0.${i} [24/Nov/2026:10:00:${String(i).padStart(2, "0")} +0000] "GET /api/orders/${i} HTTP/1.1" ${i % 4 === 0 ? 500 : 200} 120 ${i % 4 === 0 ? 504 : 200}`,
      ).join("\n")}\n`,
    );
    const r = await run(["analyze", p, "--log-format", format]);
    expect(r.out).toMatch(/500-masks-upstream-failure {2}error ×5/);
    expect(r.code).toBe(1);
    expect((await run(["analyze", p, "--log-format", format, "--fail-on", "none"])).code).toBe(0);
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

  it("--max-findings: JSON and SARIF list up to it per rule and say what they cut; merging keeps the smaller", async () => {
    const all = JSON.parse((await run(["analyze", a, "--format", "json"])).out);
    const count = all.findings["no-content-with-body"].count as number;
    expect(count).toBeGreaterThan(5);
    expect(all.findings["no-content-with-body"].samples).toHaveLength(count);
    const cut = JSON.parse(
      (await run(["analyze", a, "--format", "json", "--max-findings", "5"])).out,
    );
    expect(cut.maxFindings).toBe(5);
    expect(cut.findings["no-content-with-body"].count).toBe(count);
    expect(cut.findings["no-content-with-body"].samples).toEqual(
      all.findings["no-content-with-body"].samples.slice(0, 5),
    );
    expect(cut.rules["no-content-with-body"]).toMatchObject({ listed: 5, omitted: count - 5 });
    const sarif = JSON.parse(
      (await run(["analyze", a, "--format", "sarif", "--max-findings", "5"])).out,
    );
    expect(sarif.runs[0].properties.omittedFindings["no-content-with-body"]).toBe(count - 5);
    // --merge: a summary written before maxFindings existed listed 3 per rule.
    const ja = join(dir, "limit-a.json");
    const legacy = join(dir, "legacy-b.json");
    await run(["analyze", a, "--format", "json", "-o", ja]);
    const { maxFindings: _, ...old } = JSON.parse(
      (await run(["analyze", b, "--format", "json", "--max-findings", "3"])).out,
    );
    writeFileSync(legacy, JSON.stringify(old));
    const merged = JSON.parse(
      (await run(["analyze", "--merge", ja, legacy, "--format", "json"])).out,
    );
    expect(merged.maxFindings).toBe(3);
    expect(merged.findings["no-content-with-body"].samples).toHaveLength(3);
    const lowered = JSON.parse(
      (await run(["analyze", "--merge", ja, "--format", "json", "--max-findings", "2"])).out,
    );
    expect(lowered.findings["no-content-with-body"].samples).toHaveLength(2);
  });

  it("--merge of a malformed summary: one line naming the file and field, exit 2 (the built CLI)", async () => {
    const good = join(dir, "good.json");
    await run(["analyze", a, "--format", "json", "-o", good]);
    const base = JSON.parse(readFileSync(good, "utf8")) as Record<string, unknown>;
    const firstRule = Object.keys(base.findings as object)[0]!;
    // biome-ignore lint/suspicious/noExplicitAny: spoiling arbitrary JSON members
    type Json = Record<string, any>;
    const bad: [string, (s: Json) => void, RegExp][] = [
      ["findings-null", (s) => (s.findings = null), /findings: expected/],
      ["statuses-number", (s) => (s.statuses = 5), /statuses: expected/],
      ["count-string", (s) => (s.exchanges = "300"), /exchanges: expected/],
      ["samples-string", (s) => (s.findings[firstRule].samples = "x"), /samples/],
      [
        "location-line",
        (s) => (s.findings[firstRule].samples[0].location.line = "7"),
        /location\.line/,
      ],
      ["timeline-array", (s) => (s.timeline.buckets = [1]), /timeline/],
      ["endpoint", (s) => (s.otherEndpoints = { count: 1 }), /otherEndpoints/],
      ["malformed", (s) => (s.malformed.reasons = { x: { count: 1, first: 3 } }), /malformed/],
      // A rule's own state: merged with itself, the rule's merge meets a number, not its shape.
      [
        "aggregate",
        (s) => (s.aggregates = { "401-for-accepted-token": { tok: 5 } }),
        /aggregate\.json: the summary cannot be merged/,
      ],
    ];
    for (const [name, spoil, field] of bad) {
      const copy = JSON.parse(JSON.stringify(base)) as Json;
      spoil(copy);
      const file = join(dir, `${name}.json`);
      writeFileSync(file, JSON.stringify(copy));
      const other = name === "aggregate" ? file : good;
      const r = spawnSync(process.execPath, [BIN, "analyze", "--merge", other, file], {
        encoding: "utf8",
      });
      expect([name, r.status]).toEqual([name, 2]);
      expect(r.stderr.trim().split("\n"), name).toHaveLength(1);
      expect(r.stderr, name).toContain(`${name}.json`);
      expect(r.stderr, name).toMatch(field);
      expect(r.stderr, name).not.toMatch(/\n\s+at |internal error/);
    }
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
    [["analyze", a, "--max-findings", "0"], /whole number from 1/],
    [["analyze", a, "--max-findings", "ten"], /whole number from 1/],
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

  it("formats read by workers that detect them again (W3C, wrapped lines, OTel, Traefik JSON, Cloudflare, ingress-nginx) give the in-thread summary", async () => {
    const fixtures = new URL("../fixtures/logs/", import.meta.url).pathname;
    const w3c = join(dir, "w3c.log");
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) {
      if (i % 500 === 0)
        lines.push(
          i % 1000 === 0
            ? "#Fields: date time cs-method cs-uri-stem sc-status time-taken"
            : "#Fields: time date sc-status cs-uri-stem cs-method sc-bytes",
        );
      lines.push(
        i % 1000 < 500
          ? `2026-11-24 10:00:${String(i % 60).padStart(2, "0")} GET /items/${i} ${[200, 404, 500][i % 3]} ${i % 70}`
          : `10:00:${String(i % 60).padStart(2, "0")} 2026-11-24 ${[204, 304, 503][i % 3]} /orders/${i} HEAD ${i % 9}`,
      );
    }
    writeFileSync(w3c, `${lines.join("\n")}\n`);
    const docker = join(dir, "docker.log");
    writeFileSync(
      docker,
      readFileSync(join(fixtures, "nginx-combined.log"), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => `${JSON.stringify({ log: `${l}\n`, stream: "stdout" })}\n`)
        .join(""),
    );
    const others = ["otel.log", "traefik-json.log", "cloudflare.log", "ingress-nginx.log"].map(
      (f) => join(fixtures, f),
    );
    for (const file of [w3c, docker, ...others]) {
      const one = await analyzeInputs([file], { jobs: 2 });
      const worker = await analyzeInputs([file], { jobs: 2, parallelMinBytes: 1 });
      expect(worker.summary).toEqual(one.summary);
      expect(one.summary.exchanges).toBeGreaterThan(2);
    }
    expect(
      (await analyzeInputs([docker], { parallelMinBytes: 1 })).summary.sources[docker]?.wrapper,
    ).toBe("docker json-file");
  });

  describe("an input that cannot be read is skipped and listed (issue 22 item 6)", () => {
    const logs = join(dir, "mixed");
    mkdirSync(logs);
    writeFileSync(join(logs, "a.log"), `${line(1)}\n${line(2)}\n`);
    writeFileSync(join(logs, "notes.txt"), "meeting notes, not a log\nsecond line\n");
    writeFileSync(join(logs, "blob.log"), Buffer.from([0x41, 0x00, 0x42, 0x00]));
    const notes = join(logs, "notes.txt");
    const blob = join(logs, "blob.log");

    it("text: the run goes on, the report lists each skipped file with its reason", async () => {
      const r = await run(["analyze", logs, "--fail-on", "none"]);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^truestatus analyze: 2 exchanges from 1 source/);
      expect(r.out).toContain("skipped 2 inputs that could not be read:");
      expect(r.out).toContain(`${notes}: unknown format (tried har,`);
      expect(r.out).toContain(`${blob}: binary data, not a log or HAR file`);
      expect(r.err).toBe("");
      const quiet = await run(["analyze", logs, "--fail-on", "none", "-q"]);
      expect(quiet.out).toContain(`${notes}: unknown format`);
    });

    it("JSON, SARIF and HTML list them too; stderr says so when the report is not text", async () => {
      const json = await run(["analyze", logs, "--format", "json", "--fail-on", "none"]);
      expect(json.code).toBe(0);
      const s = JSON.parse(json.out);
      expect(s.skipped).toEqual([
        {
          file: blob,
          code: "TRUESTATUS_INPUT_BINARY",
          reason: expect.stringMatching(/^binary data/),
        },
        {
          file: notes,
          code: "TRUESTATUS_INPUT_UNKNOWN_FORMAT",
          reason: expect.stringMatching(/^unknown format/),
        },
      ]);
      expect(json.err).toContain(`warning: skipped ${notes}: unknown format`);
      const sarif = JSON.parse(
        (await run(["analyze", logs, "--format", "sarif", "--fail-on", "none"])).out,
      );
      const notes2 = sarif.runs[0].invocations[0].toolExecutionNotifications.filter(
        (n: { level: string }) => n.level === "warning",
      );
      expect(notes2.map((n: { message: { text: string } }) => n.message.text)).toEqual([
        expect.stringMatching(/blob\.log: skipped, not analysed: binary data/),
        expect.stringMatching(/notes\.txt: skipped, not analysed: unknown format/),
      ]);
      const html = (await run(["analyze", logs, "--format", "html", "--fail-on", "none"])).out;
      expect(html).toContain(
        'notes.txt</code> <span class="warn">skipped, not analysed: unknown format',
      );
    });

    it("--merge keeps the skipped list", async () => {
      const j = join(dir, "mixed.json");
      await run(["analyze", logs, "--format", "json", "-o", j, "--fail-on", "none"]);
      const m = JSON.parse((await run(["analyze", "--merge", j, j, "--format", "json"])).out);
      expect(m.skipped.map((x: { file: string }) => x.file)).toEqual([blob, notes]);
    });

    it("exit 2 with --strict, after the report", async () => {
      const r = await run(["analyze", logs, "--strict", "--fail-on", "none"]);
      expect(r.code).toBe(2);
      expect(r.out).toContain("skipped 2 inputs");
      expect(r.err).toBe(`error: 2 inputs were skipped (--strict): ${blob}, ${notes}\n`);
    });

    it("exit 2 and a one-line error when nothing could be read", async () => {
      const one = await run(["analyze", notes]);
      expect(one.code).toBe(2);
      expect(one.out).toBe("");
      expect(one.err).toMatch(/unknown format \(tried har/);
      const two = await run(["analyze", notes, blob]);
      expect(two.code).toBe(2);
      expect(two.err.trim().split("\n")).toHaveLength(1);
      expect(two.err).toContain("no other input could be read either");
    });

    it("a bad --log-format still stops the run at once", async () => {
      const r = await run(["analyze", logs, "--log-format", "$a$b"]);
      expect(r.code).toBe(2);
      expect(r.out).toBe("");
    });
  });
});
