/**
 * Baselines for lint, analyze and probe: findings already in the baseline are reported as known and
 * do not fail --fail-on; matching is by rule + location fingerprint (lint) or endpoint template
 * (analyze, probe), never by line number.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lintFingerprint, trafficFingerprint } from "../../src/baseline/fingerprint.js";
import { run } from "../cli/run.js";

const dir = mkdtempSync(join(tmpdir(), "truestatus-baseline-"));
const planted = (name: string) =>
  new URL(`../lint/fixtures/planted/${name}`, import.meta.url).pathname;

describe("fingerprints", () => {
  it("traffic: rule + method + endpoint template, query and host dropped", () => {
    expect(trafficFingerprint("401-needs-www-authenticate", "GET /users/42?token=[redacted]")).toBe(
      "401-needs-www-authenticate:GET /users/{id}",
    );
    expect(trafficFingerprint("r", "POST https://api.example.com/orders/9f86d081884c7d65")).toBe(
      "r:POST /orders/{hash}",
    );
    expect(trafficFingerprint("r", "GET /users/42")).toBe(trafficFingerprint("r", "GET /users/43"));
  });
  it("lint: rule + file + JSON pointer", () => {
    expect(
      lintFingerprint("r", { docPath: "components/responses.yaml", pointer: "/Unauthorized" }),
    ).toBe("r:components/responses.yaml#/Unauthorized");
  });
});

describe("truestatus lint --baseline", () => {
  it("known findings do not fail; moved lines stay known; a new finding fails alone", async () => {
    const doc = join(dir, "api.yaml");
    const original = readFileSync(planted("sloppy.yaml"), "utf8");
    writeFileSync(doc, original);
    const base = join(dir, "lint.baseline.json");
    const w = await run(["lint", doc, "--write-baseline", base, "--fail-on", "none"]);
    expect(w.code).toBe(0);
    const written = JSON.parse(readFileSync(base, "utf8")) as {
      truestatusBaseline: number;
      command: string;
      entries: { fingerprint: string }[];
    };
    expect(written).toMatchObject({ truestatusBaseline: 1, command: "lint" });
    expect(written.entries.length).toBeGreaterThan(10);
    for (const e of written.entries) expect(e.fingerprint).not.toMatch(/:\d+/);

    // same document, 20 lines of comments on top: every line number changes, nothing is new
    writeFileSync(doc, `${"# moved\n".repeat(20)}${original}`);
    const same = await run(["lint", doc, "--baseline", base, "--format", "json"]);
    expect(same.code).toBe(0);
    const r1 = JSON.parse(same.out) as {
      counts: { error: number; warning: number; known: number };
      findings: { known: boolean }[];
    };
    expect(r1.counts).toMatchObject({ error: 0, warning: 0, known: r1.findings.length });

    // a new operation with a 401 that has no challenge: one new error, the rest known
    writeFileSync(
      doc,
      original.replace(
        "  /health:\n",
        '  /me:\n    get:\n      security: []\n      responses:\n        "401":\n          description: who are you\n          content:\n            application/problem+json: {}\n  /health:\n',
      ),
    );
    const fresh = await run(["lint", doc, "--baseline", base, "--format", "json"]);
    expect(fresh.code).toBe(1);
    const r2 = JSON.parse(fresh.out) as {
      counts: { error: number; warning: number; info: number };
      findings: { ruleId: string; known: boolean; location: { pointer: string } }[];
    };
    const news = r2.findings.filter((f) => !f.known);
    expect(news.map((f) => [f.ruleId, f.location.pointer])).toEqual([
      ["401-needs-www-authenticate", "/paths/~1me/get/responses/401"],
    ]);
    expect(r2.counts).toMatchObject({ error: 1, warning: 0, info: 0 });
    const text = await run(["lint", doc, "--baseline", base]);
    expect(text.out).toMatch(/\(known: in the baseline\)/);
    expect(text.out).toMatch(/1 error, 0 warnings, 0 info; \d+ known \(baseline\)/);
    const sarif = JSON.parse(
      (await run(["lint", doc, "--baseline", base, "--format", "sarif"])).out,
    ) as { runs: { results: { baselineState: string }[] }[] };
    expect(sarif.runs[0]!.results.filter((r) => r.baselineState === "new")).toHaveLength(1);
  });

  it.each([
    ["not JSON", "{", /the baseline is not JSON/],
    ["another tool's file", '{"version": 1}', /not a truestatus baseline/],
    [
      "another command's baseline",
      '{"truestatusBaseline": 1, "command": "analyze", "entries": []}',
      /a baseline of `truestatus analyze`, not of `truestatus lint`/,
    ],
    [
      "bad entries",
      '{"truestatusBaseline": 1, "command": "lint", "entries": [{}]}',
      /entries\[0\] has no "fingerprint"/,
    ],
  ])("a bad baseline (%s): one line, exit 2", async (_n, text, message) => {
    const f = join(dir, "bad.json");
    writeFileSync(f, text);
    const r = await run(["lint", planted("clean.yaml"), "--baseline", f]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split("\n")).toHaveLength(1);
  });
});

/** A HAR of 401s without a challenge, one per path. */
function har(paths: readonly string[]): string {
  return JSON.stringify({
    log: {
      version: "1.2",
      creator: { name: "test", version: "1" },
      entries: paths.map((p, i) => ({
        startedDateTime: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
        time: 5,
        request: {
          method: "GET",
          url: `https://api.example.test${p}`,
          httpVersion: "HTTP/1.1",
          headers: [{ name: "Authorization", value: "Bearer x" }],
          queryString: [],
          cookies: [],
          headersSize: -1,
          bodySize: 0,
        },
        response: {
          status: 401,
          statusText: "Unauthorized",
          httpVersion: "HTTP/1.1",
          headers: [{ name: "Content-Type", value: "application/json" }],
          cookies: [],
          content: { size: 2, mimeType: "application/json", text: "{}" },
          redirectURL: "",
          headersSize: -1,
          bodySize: 2,
        },
        cache: {},
        timings: { send: 0, wait: 5, receive: 0 },
      })),
    },
  });
}

describe("truestatus analyze --baseline", () => {
  it("known endpoints do not fail; another id of the same template is known; a new endpoint fails", async () => {
    const before = join(dir, "before.har");
    writeFileSync(before, har(["/users/1", "/users/2"]));
    const base = join(dir, "analyze.baseline.json");
    expect(
      (await run(["analyze", before, "--write-baseline", base, "--fail-on", "none"])).code,
    ).toBe(0);
    const entries = (
      JSON.parse(readFileSync(base, "utf8")) as { entries: { fingerprint: string }[] }
    ).entries;
    expect(entries.map((e) => e.fingerprint)).toContain(
      "401-needs-www-authenticate:GET /users/{id}",
    );

    const same = join(dir, "same.har");
    writeFileSync(same, har(["/users/7", "/users/8"]));
    const r1 = await run(["analyze", same, "--baseline", base]);
    expect(r1.code).toBe(0);
    expect(r1.out).toMatch(/baseline .*analyze\.baseline\.json: \d+ findings? known, 0 new/);

    const after = join(dir, "after.har");
    writeFileSync(after, har(["/users/7", "/orders/3"]));
    const r2 = await run(["analyze", after, "--baseline", base, "--format", "json"]);
    expect(r2.code).toBe(1);
    const report = JSON.parse(r2.out) as {
      baseline: { new: number };
      findings: Record<string, { samples: { known: boolean; evidence: { request: string } }[] }>;
    };
    const s = report.findings["401-needs-www-authenticate"]!.samples;
    expect(s.map((x) => [x.evidence.request, x.known])).toEqual([
      ["GET /users/7", true],
      ["GET /orders/3", false],
    ]);
    expect(report.baseline.new).toBeGreaterThan(0);
    const sarif = JSON.parse(
      (await run(["analyze", after, "--baseline", base, "--format", "sarif"])).out,
    ) as {
      runs: {
        results: {
          ruleId: string;
          baselineState: string;
          partialFingerprints: Record<string, string>;
        }[];
      }[];
    };
    const r401 = sarif.runs[0]!.results.filter((r) => r.ruleId === "401-needs-www-authenticate");
    expect(r401.map((r) => [r.partialFingerprints["truestatus/v1"], r.baselineState])).toEqual([
      ["401-needs-www-authenticate:GET /users/{id}", "unchanged"],
      ["401-needs-www-authenticate:GET /orders/{id}", "new"],
    ]);
  });
});

describe("truestatus probe --baseline", () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url?.startsWith("/me")) {
        res.writeHead(401, {
          "content-type": "application/json",
        });
        res.end("{}");
        return;
      }
      res.writeHead(404, { "content-type": "application/json" });
      res.end("{}");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  // Three requests: until analyze lists every finding in a summary (issue 22), a summary lists three
  // per rule, and findings it does not list count as new (a baseline cannot match what it cannot see).
  const BUDGET = ["--max-requests", "3", "--concurrency", "1"];
  it("a probe run's findings, written as a baseline, are known on the next run", async () => {
    const base = join(dir, "probe.baseline.json");
    const first = await run([
      "probe",
      url,
      "--route",
      "GET /me",
      ...BUDGET,
      "--write-baseline",
      base,
      "--fail-on",
      "none",
    ]);
    expect(first.code).toBe(0);
    const entries = JSON.parse(readFileSync(base, "utf8")) as {
      command: string;
      entries: { fingerprint: string }[];
    };
    expect(entries.command).toBe("probe");
    expect(entries.entries.map((e) => e.fingerprint)).toContain(
      "401-needs-www-authenticate:GET /me",
    );
    const without = await run([
      "probe",
      url,
      "--route",
      "GET /me",
      ...BUDGET,
      "--fail-on",
      "error",
    ]);
    expect(without.code).toBe(1);
    const withBase = await run([
      "probe",
      url,
      "--route",
      "GET /me",
      ...BUDGET,
      "--baseline",
      base,
      "--fail-on",
      "error",
    ]);
    expect(withBase.code, withBase.out).toBe(0);
  }, 60_000);
});
