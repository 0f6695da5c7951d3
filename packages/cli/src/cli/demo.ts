/**
 * `truestatus demo`: the decision table computed by the library itself, the policy choices, and a few
 * complete answers. Pure: returns the text; the command prints it.
 */
import {
  canonicalFieldName,
  DEFAULT_POLICY,
  type Decision,
  decide,
  definePolicy,
  POLICY_OPTIONS,
  type Policy,
  PROBLEM_CONTENT_TYPE,
  reasonPhrase,
  serializeProblem,
} from "truestatus";
import { columns, type Styles } from "./output.js";
import { SCENARIOS, type Scenario } from "./scenarios.js";

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

function headerSummary(d: Decision, width: number): string {
  const names = Object.keys(d.headers);
  if (names.length === 0) return "-";
  return clip(names.map((n) => `${canonicalFieldName(n)}: ${d.headers[n]}`).join(" | "), width);
}

function decideScenario(s: Scenario, policy: Policy): Decision {
  return decide(s.failure, policy, s.context);
}

export function renderDecisionTable(policy: Policy, st: Styles, width = 58): string[] {
  const rows: string[][] = [["what happened", "status", "fault", "retry", "class", "must carry"]];
  for (const s of SCENARIOS) {
    const d = decideScenario(s, policy);
    rows.push([s.happened, String(d.status), d.fault, d.retry, d.class, headerSummary(d, width)]);
  }
  const lines = columns(rows);
  return [st.bold(lines[0]!), ...lines.slice(1)];
}

export function renderResponse(d: Decision, st: Styles): string[] {
  const lines = [
    st.cyan(`HTTP/1.1 ${d.status} ${reasonPhrase(d.status)}`),
    `Content-Type: ${PROBLEM_CONTENT_TYPE}`,
  ];
  for (const [name, value] of Object.entries(d.headers))
    lines.push(`${canonicalFieldName(name)}: ${value}`);
  lines.push("", serializeProblem(d.problem));
  return lines;
}

const POLICY_EXAMPLES: readonly { option: string; policy: Policy; scenario: string }[] = [
  {
    option: "validationStatus: 422",
    policy: definePolicy({ validationStatus: 422 }),
    scenario: "required field missing",
  },
  {
    option: "duplicateStatus: 409",
    policy: definePolicy({ duplicateStatus: 409 }),
    scenario: "duplicate resource",
  },
  {
    option: "hideForbidden: true",
    policy: definePolicy({ hideForbidden: true }),
    scenario: "identity known, not permitted",
  },
  {
    option: "exposeInternals: true",
    policy: definePolicy({ exposeInternals: true }),
    scenario: "upstream refused",
  },
];

const WORKED = ["token expired", "quota exceeded", "upstream refused", "bug"];

function scenario(name: string): Scenario {
  const s = SCENARIOS.find((x) => x.happened === name);
  if (!s) throw new Error(`demo scenario "${name}" is missing`);
  return s;
}

export function renderDemo(st: Styles): string {
  const out: string[] = [];
  out.push(st.bold("truestatus: HTTP status codes that tell the truth"), "");
  out.push(
    "Every row below is computed by the library (decide(failure, policy)), not typed by hand.",
    "Failures are never 2xx; 401 always carries WWW-Authenticate, 405 Allow, 429 Retry-After,",
    "502/504 Proxy-Status, and a 500 says nothing about its cause.",
    "",
  );
  out.push(
    st.bold("The decision table (default policy)"),
    ...renderDecisionTable(DEFAULT_POLICY, st),
    "",
  );

  out.push(st.bold("Where guidelines disagree: one option each, same table everywhere"));
  const optRows: string[][] = [["option", "default", "alternative"]];
  for (const o of POLICY_OPTIONS) optRows.push([o.name, o.default, o.alternatives]);
  const optLines = columns(optRows);
  out.push(st.bold(optLines[0]!));
  for (const [i, o] of POLICY_OPTIONS.entries())
    out.push(optLines[i + 1]!, st.dim(`    ${o.guideline}`));
  out.push("", "Changing an option changes the answer:");
  for (const ex of POLICY_EXAMPLES) {
    const s = scenario(ex.scenario);
    const before = decideScenario(s, DEFAULT_POLICY);
    const after = decideScenario(s, ex.policy);
    const detail = ex.option.startsWith("exposeInternals")
      ? `Proxy-Status: ${before.headers["proxy-status"]} → ${after.headers["proxy-status"]}`
      : `${before.status} → ${after.status}`;
    out.push(`  ${ex.option.padEnd(24)} ${s.happened.padEnd(24)} ${detail}`);
  }
  out.push("");

  out.push(st.bold("Worked answers"));
  for (const name of WORKED) {
    const s = scenario(name);
    out.push(
      "",
      st.dim(`# ${s.happened}`),
      ...renderResponse(decideScenario(s, DEFAULT_POLICY), st),
    );
  }
  out.push(
    "",
    st.dim(
      "The 500 above was caused by an error naming a table and a file path; neither reached the body.",
    ),
    "",
    `Look up any status: ${st.bold("truestatus status 401")}   Tests: ${st.bold("npm test")}`,
  );
  return `${out.join("\n")}\n`;
}
