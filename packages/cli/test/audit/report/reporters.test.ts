import { readFileSync } from "node:fs";
import AjvModule from "ajv-draft-04";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { analyzeExchanges } from "../../../src/audit/engine.js";
import type { Capability } from "../../../src/audit/exchange.js";
import { REPORTERS } from "../../../src/audit/report/index.js";
import { RULES } from "../../../src/audit/rules/index.js";
import type { Summary } from "../../../src/audit/summary.js";
import { ALL_CAPABILITIES, exchange, json } from "../helpers.js";

const schema = JSON.parse(
  readFileSync(new URL("../../fixtures/sarif/sarif-schema-2.1.0.json", import.meta.url), "utf8"),
) as object;
// CommonJS packages: their default export is module.exports under Node, .default under a bundler.
const Ajv = ((AjvModule as unknown as { default?: unknown }).default ??
  AjvModule) as typeof AjvModule.default;
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as typeof addFormatsModule.default;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validateSarif = ajv.compile(schema);

const har = analyzeExchanges(
  [
    exchange({
      file: "session.har",
      status: 401,
      entry: 0,
      target: "/login?api_key=SECRET123",
      reqHeaders: { Authorization: "Bearer abc.def.ghi" },
    }),
    exchange({ file: "session.har", status: 401, entry: 1 }),
    json(
      200,
      { error: "nope", password: "hunter2" },
      { file: "session.har", entry: 2, target: "/pay" },
    ),
    exchange({ file: "session.har", status: 429, entry: 3 }),
    exchange({
      file: "session.har",
      status: 500,
      entry: 4,
      body: "at handler (/srv/app/x.js:1:2)",
    }),
  ],
  { file: "session.har", format: "har", capabilities: ALL_CAPABILITIES },
);
const log = analyzeExchanges(
  [
    exchange({ status: 204, size: 3, file: "access.log", line: 7, format: "combined" }),
    { malformed: true, reason: "bad status", file: "access.log", line: 8 },
  ],
  {
    file: "access.log",
    format: "combined",
    capabilities: new Set<Capability>(["time", "response.size"]),
  },
);

describe("reporters", () => {
  it("the map's keys are the --format values", () => {
    expect(Object.keys(REPORTERS)).toEqual(["text", "json", "sarif", "html"]);
  });

  it.each([
    ["HAR", har],
    ["log", log],
  ])("SARIF of a %s summary is valid against the official SARIF 2.1.0 schema", (_name, summary) => {
    const sarif = JSON.parse(REPORTERS.sarif(summary, { version: "1.2.3" }));
    const ok = validateSarif(sarif);
    expect(validateSarif.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0].tool.driver.rules).toHaveLength(RULES.length);
  });

  it("the validator is not a rubber stamp", () => {
    const sarif = JSON.parse(REPORTERS.sarif(har));
    sarif.runs[0].results[0].level = "fatal";
    expect(validateSarif(sarif)).toBe(false);
  });

  it("SARIF results carry the rule, level, location and exact total", () => {
    const sarif = JSON.parse(REPORTERS.sarif(har));
    const r = sarif.runs[0].results.filter(
      (x: { ruleId: string }) => x.ruleId === "401-needs-www-authenticate",
    );
    expect(r).toHaveLength(2);
    expect(r[0].level).toBe("error");
    expect(r[0].properties.totalFindingsOfRule).toBe(2);
    expect(r[0].properties.harEntry).toBe(0);
    expect(RULES[r[0].ruleIndex]?.id).toBe("401-needs-www-authenticate");
    const logSarif = JSON.parse(REPORTERS.sarif(log));
    expect(logSarif.runs[0].results[0].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: "access.log" },
      region: { startLine: 7 },
    });
    expect(
      logSarif.runs[0].invocations[0].toolExecutionNotifications.map(
        (n: { message: { text: string } }) => n.message.text,
      ),
    ).toContain(
      "401-needs-www-authenticate: not checked, access.log does not record response headers",
    );
  });

  it("no report shows a secret", () => {
    for (const f of Object.values(REPORTERS)) {
      const out = f(har);
      expect(out).not.toContain("SECRET123");
      expect(out).not.toContain("abc.def.ghi");
      expect(out).not.toContain("hunter2");
    }
  });

  it("JSON is the summary itself, plus each found rule's title, severity and docs page", () => {
    const { rules, ...summary } = JSON.parse(REPORTERS.json(har)) as Summary & {
      rules: Record<string, { title: string; severity: string; docs: string; listed: number }>;
    };
    expect(summary).toEqual(har);
    expect(summary.schemaVersion).toBe(2);
    expect(Object.keys(rules).sort()).toEqual(Object.keys(har.findings).sort());
    expect(rules["401-needs-www-authenticate"]).toEqual({
      title: "401 without WWW-Authenticate",
      severity: "error",
      docs: "https://github.com/truestatus/truestatus/blob/main/docs/rules/401-needs-www-authenticate.md",
      listed: 2,
      omitted: 0,
    });
  });

  it("text: summary first, then findings grouped by rule with counts and examples; colour only when asked", () => {
    const t = REPORTERS.text(har);
    expect(t.indexOf("truestatus analyze: 5 exchanges")).toBe(0);
    expect(t.indexOf("Statuses")).toBeLessThan(t.indexOf("Findings"));
    expect(t).toMatch(
      /401-needs-www-authenticate {2}error ×2 {2}401 without WWW-Authenticate \(RFC 9110 §15\.5\.2\)/,
    );
    expect(t).toContain("session.har entry 0  GET /login?api_key=[REDACTED] → 401");
    expect(t).toContain("fix: Answer 401 with a challenge");
    expect(t).not.toContain("\u001b[");
    expect(REPORTERS.text(har, { color: true })).toContain("\u001b[");
    const l = REPORTERS.text(log);
    expect(l).toContain("access.log does not record response headers: 201-needs-location");
    expect(l).toMatch(/1 {2}bad status {2}\(first: access\.log:8\)/);
    const q = REPORTERS.text(log, { quiet: true });
    expect(q.startsWith("Findings  1 in 1 rule")).toBe(true);
  });

  it("text: files with the same gap share one line, with their counts added up", () => {
    const many = structuredClone(log) as Summary & {
      coverage: Record<string, { notChecked: Record<string, unknown>; notRecorded?: unknown }>;
    };
    for (const cov of Object.values(many.coverage)) {
      const gap = cov.notChecked["access.log"];
      if (gap !== undefined)
        for (const f of ["b.log", "c.log", "d.log", "e.log"]) cov.notChecked[f] = gap;
    }
    many.coverage["soft-error-2xx"]!.notRecorded = {
      "x.har": { "response.body": 2 },
      "y.har": { "response.body": 3 },
    };
    const t = REPORTERS.text(many);
    expect(t).toContain(
      "access.log, b.log, c.log and 2 more files do not record response headers: 201-needs-location",
    );
    expect(t).not.toContain("e.log");
    expect(t).toContain(
      "x.har and y.har: some exchanges do not record response bodies: soft-error-2xx (5)",
    );
    expect(t.split("\n").filter((l) => l.includes("do not record response headers"))).toHaveLength(
      1,
    );
  });

  it("text: shares read as people write them (0%, not 0.00%; small shares keep two decimals)", () => {
    const many = analyzeExchanges(
      [
        ...Array.from({ length: 2000 }, (_, i) => exchange({ status: 200, target: `/ok?i=${i}` })),
        exchange({ status: 500, target: "/ok" }),
      ],
      { file: "test.har", format: "har", capabilities: ALL_CAPABILITIES },
    );
    const t = REPORTERS.text(many);
    expect(t).toContain("5xx 1 (0.05%)");
    expect(t).not.toContain("0.00%");
    const quiet = analyzeExchanges([exchange({ status: 200, target: "/fine" })], {
      file: "test.har",
      format: "har",
      capabilities: ALL_CAPABILITIES,
    });
    expect(REPORTERS.text(quiet)).toMatch(/GET \/fine +1 {2}errors +0%/);
  });

  describe("every finding is listed (JSON, SARIF), up to --max-findings per rule", () => {
    const many = (maxFindings?: number) =>
      analyzeExchanges(
        Array.from({ length: 25 }, (_, i) =>
          exchange({ status: 401, file: "big.har", entry: i, target: `/r/${i}` }),
        ),
        { file: "big.har", format: "har", capabilities: ALL_CAPABILITIES },
        maxFindings === undefined ? {} : { maxFindings },
      );

    it("JSON lists all 25 and says nothing was cut; with a limit of 10 it says 15 were", () => {
      const all = JSON.parse(REPORTERS.json(many()));
      expect(all.maxFindings).toBe(10_000);
      expect(all.findings["401-needs-www-authenticate"].samples).toHaveLength(25);
      expect(all.rules["401-needs-www-authenticate"]).toMatchObject({ listed: 25, omitted: 0 });
      const cut = JSON.parse(REPORTERS.json(many(10)));
      expect(cut.maxFindings).toBe(10);
      expect(cut.findings["401-needs-www-authenticate"].count).toBe(25);
      expect(
        cut.findings["401-needs-www-authenticate"].samples.map(
          (x: { location: { entry: number } }) => x.location.entry,
        ),
      ).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(cut.rules["401-needs-www-authenticate"]).toMatchObject({ listed: 10, omitted: 15 });
    });

    it("SARIF has one result per finding listed, and a notification when it cut", () => {
      const all = JSON.parse(REPORTERS.sarif(many()));
      expect(validateSarif(all)).toBe(true);
      const of = (x: { runs: { results: { ruleId: string }[] }[] }) =>
        x.runs[0]!.results.filter((r) => r.ruleId === "401-needs-www-authenticate");
      expect(of(all)).toHaveLength(25);
      expect(all.runs[0].properties.omittedFindings).toEqual({});
      const cut = JSON.parse(REPORTERS.sarif(many(10)));
      expect(validateSarif(cut)).toBe(true);
      expect(of(cut)).toHaveLength(10);
      expect(cut.runs[0].properties).toMatchObject({
        maxFindings: 10,
        omittedFindings: { "401-needs-www-authenticate": 15 },
      });
      expect(
        cut.runs[0].invocations[0].toolExecutionNotifications.map(
          (n: { message: { text: string } }) => n.message.text,
        ),
      ).toContain(
        "401-needs-www-authenticate: 25 findings, 10 listed as results (the first by location; --max-findings 10): 15 not listed",
      );
    });

    it("text keeps three examples and says how many more", () => {
      const t = REPORTERS.text(many());
      expect(t.match(/big\.har entry \d+ {2}GET \/r\//g)).toHaveLength(3);
      expect(t).toContain("… 22 more");
    });

    it("exchanges whose record lacks what a rule needs are named in text and SARIF", () => {
      const s = analyzeExchanges(
        [
          exchange({ status: 200, file: "omit.har", entry: 0 }),
          exchange({ status: 200, file: "omit.har", entry: 1, body: "{}" }),
        ],
        { file: "omit.har", format: "har", capabilities: ALL_CAPABILITIES },
      );
      expect(s.coverage["soft-error-2xx"]).toEqual({
        checked: 1,
        notChecked: {},
        notRecorded: { "omit.har": { "response.body": 1 } },
      });
      expect(REPORTERS.text(s)).toContain(
        "omit.har: some exchanges do not record response bodies: problem-status-mismatch (1), soft-error-2xx (1)",
      );
      const sarif = JSON.parse(REPORTERS.sarif(s));
      expect(validateSarif(sarif)).toBe(true);
      expect(
        sarif.runs[0].invocations[0].toolExecutionNotifications.map(
          (n: { message: { text: string } }) => n.message.text,
        ),
      ).toContain(
        "soft-error-2xx: 1 exchange of omit.har not checked: it does not record response bodies",
      );
    });
  });

  it("a partial summary says so", () => {
    const s = {
      ...log,
      partial: true,
      sources: {
        "access.log": {
          ...log.sources["access.log"]!,
          partial: true,
          error: "access.log: truncated gzip",
        },
      },
    };
    expect(REPORTERS.text(s)).toContain("[PARTIAL: an input ended early]");
    const sarif = JSON.parse(REPORTERS.sarif(s));
    expect(sarif.runs[0].invocations[0].executionSuccessful).toBe(false);
    expect(validateSarif(sarif)).toBe(true);
  });
});

describe("@truestatus/cli/audit", () => {
  it("the subpath export names the engine, the reporters and the rules", async () => {
    const { execFileSync } = await import("node:child_process");
    const out = execFileSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        'const m = await import("@truestatus/cli/audit"); console.log(JSON.stringify(Object.keys(m).sort()))',
      ],
      {
        cwd: new URL("../../../../..", import.meta.url),
        encoding: "utf8",
      },
    );
    const names = JSON.parse(out) as string[];
    for (const n of [
      "Analysis",
      "REPORTERS",
      "RULES",
      "analyzeInputs",
      "defineRule",
      "mergeSummaries",
      "openSource",
    ])
      expect(names).toContain(n);
  });
});
