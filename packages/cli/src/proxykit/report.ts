/**
 * The scorecard of a proxy-check, as text (per fault: expected vs got, failed criteria, the
 * total), JSON (versioned) or SARIF 2.1.0 (one result per failed criterion). Pure: a result in,
 * a string out.
 */
import { REPOSITORY_URL } from "../links.js";
import type { CheckResult } from "./check.js";
import { CRITERIA, CRITERION_TITLES } from "./faults.js";
import type { Tally } from "./score.js";

export const CHECK_FORMATS = ["text", "json", "sarif"] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];

export function isCheckFormat(v: string): v is CheckFormat {
  return (CHECK_FORMATS as readonly string[]).includes(v);
}

export interface CheckReportOptions {
  readonly color?: boolean;
  readonly version?: string;
  /** The proxy kind and version the reachable score is counted for. */
  readonly kind?: { readonly name: string; readonly version: string };
  readonly minScore: number;
  /** The score --min-score is compared with (reachable when a kind is given). */
  readonly passed: boolean;
}

function tally(t: Tally): string {
  return `${t.passed}/${t.total} (${t.percent} %)`;
}

function textReport(r: CheckResult, o: CheckReportOptions): string {
  const c = o.color === true;
  const paint = (code: number, s: string) => (c ? `\u001b[${code}m${s}\u001b[0m` : s);
  const green = (s: string) => paint(32, s);
  const red = (s: string) => paint(31, s);
  const dim = (s: string) => paint(2, s);
  const bold = (s: string) => paint(1, s);
  const { host, port, refusedPort } = r.layout;
  const out: string[] = [
    bold(`truestatus proxy-check ${r.proxy}`),
    dim(
      `fault upstream ${host}:${port} (plain HTTP and TLS), refused route → ${host}:${refusedPort}; deadline ${r.deadlineMs / 1000} s per check`,
    ),
    "",
  ];
  const width = Math.max(...r.faults.map((f) => f.id.length));
  for (const f of r.faults) {
    const passed = f.criteria.filter((x) => x.pass).length;
    const all = f.criteria.every((x) => x.pass);
    const mark = all ? green("✓") : red("✗");
    const points = `${passed}/${f.criteria.length}`;
    out.push(`${mark} ${f.id.padEnd(width)}  ${points.padStart(5)}  ${dim(f.title)}`);
    out.push(`  ${"".padEnd(width)}         expected ${f.expected}`);
    if (!all) out.push(`  ${"".padEnd(width)}         got      ${f.got}`);
    const whys = new Set<string>();
    for (const x of f.criteria) {
      if (x.pass) continue;
      if (!x.reachable && x.why !== undefined) whys.add(x.why);
      const mark = x.reachable ? red("✗") : dim("–");
      out.push(
        `  ${"".padEnd(width)}         ${mark} ${x.criterion}: expected ${x.expected}, got ${x.got}`,
      );
    }
    for (const why of whys)
      out.push(
        dim(`  ${"".padEnd(width)}         – ${o.kind?.name ?? "this proxy"} cannot: ${why}`),
      );
  }
  out.push("", `${bold("score")}  ${tally(r.score.all)} of every criterion`);
  if (o.kind !== undefined)
    out.push(
      `${bold("reachable")}  ${tally(r.score.reachable)} of what ${o.kind.name} ${o.kind.version} can tell apart`,
    );
  out.push(
    o.passed
      ? green(`at or above --min-score ${o.minScore}`)
      : red(
          `below --min-score ${o.minScore}${o.kind === undefined ? " (give --kind to count only what the proxy can tell apart)" : ""}`,
        ),
  );
  if (r.notes.length > 0) {
    out.push("", bold("notes"));
    for (const n of r.notes) out.push(`  - ${n}`);
  }
  return `${out.join("\n")}\n`;
}

function jsonReport(r: CheckResult, o: CheckReportOptions): string {
  return `${JSON.stringify(
    {
      schema: "truestatus-proxy-check/1",
      tool: { name: "truestatus", ...(o.version !== undefined ? { version: o.version } : {}) },
      proxy: r.proxy,
      ...(o.kind !== undefined ? { kind: o.kind } : {}),
      upstream: r.layout,
      deadlineMs: r.deadlineMs,
      faults: r.faults,
      score: r.score,
      minScore: o.minScore,
      passed: o.passed,
      notes: r.notes,
    },
    null,
    2,
  )}\n`;
}

function sarifReport(r: CheckResult, o: CheckReportOptions): string {
  const index = new Map(CRITERIA.map((c, i) => [c, i]));
  const results: unknown[] = [];
  for (const f of r.faults) {
    for (const x of f.criteria) {
      if (x.pass) continue;
      results.push({
        ruleId: `proxy-check/${x.criterion}`,
        ruleIndex: index.get(x.criterion),
        level: x.reachable ? "error" : "note",
        message: {
          text: `${f.id} (${f.title}): expected ${x.expected}, got ${x.got}.${x.reachable ? "" : ` Not reachable with ${o.kind?.name ?? "this proxy"}: ${x.why}.`}`,
        },
        locations: [
          {
            physicalLocation: { artifactLocation: { uri: `${r.proxy}${f.path}` } },
          },
        ],
        properties: { fault: f.id, status: f.status ?? null, timedOut: f.timedOut },
      });
    }
  }
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "truestatus",
            ...(o.version !== undefined ? { version: o.version, semanticVersion: o.version } : {}),
            informationUri: REPOSITORY_URL,
            rules: CRITERIA.map((c) => ({
              id: `proxy-check/${c}`,
              name: `ProxyCheck${c.replace(/(^|-)([a-z])/g, (_m, _d: string, l: string) => l.toUpperCase())}`,
              shortDescription: { text: CRITERION_TITLES[c] },
              helpUri: `${REPOSITORY_URL}/blob/main/docs/proxies/README.md`,
              defaultConfiguration: { level: "error" },
            })),
          },
        },
        invocations: [{ executionSuccessful: true }],
        artifacts: [{ location: { uri: r.proxy } }],
        results,
        properties: { score: r.score, minScore: o.minScore, passed: o.passed, notes: r.notes },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

export const CHECK_REPORTERS: Readonly<
  Record<CheckFormat, (r: CheckResult, o: CheckReportOptions) => string>
> = { text: textReport, json: jsonReport, sarif: sarifReport };
