/**
 * The generated parts of docs/engines.md: the exchanges table's schema, each dialect's SQL for two
 * rules (as `truestatus sql` prints it), the presets and the streaming-only rules, all from the
 * code. Run: npm run gen:engines-doc. packages/cli/test/cli/engines-doc.test.ts fails when the page
 * is out of date, and checks its SQL against what `truestatus sql` prints.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { RULES } from "../packages/cli/src/audit/rules/index.js";
import { isTableRule } from "../packages/cli/src/audit/table/form.js";
import { PRESETS } from "../packages/cli/src/audit/table/presets.js";
import { printQueries } from "../packages/cli/src/audit/table/print.js";
import {
  COLUMN_NAMES,
  COLUMNS,
  type ColumnSpec,
  NULL_MEANS,
} from "../packages/cli/src/audit/table/schema.js";
import { DIALECTS, type Dialect, ident, sqlType } from "../packages/cli/src/audit/table/sql.js";

/** The rules whose SQL the page shows: 500 masking an upstream timeout, 401 without a challenge. */
export const SHOWN_RULES = ["500-masks-upstream-failure", "401-needs-www-authenticate"] as const;

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

function schema(): string {
  const rows = COLUMN_NAMES.map((c) => {
    const spec: ColumnSpec = COLUMNS[c];
    const types = `${sqlType("duckdb", spec.type)} / ${sqlType("clickhouse", spec.type)}`;
    const feeds = spec.capability === undefined ? "" : ` Feeds: \`${spec.capability}\`.`;
    return `| \`${c}\` | ${types} | ${cell(spec.doc)}${feeds} | ${cell(NULL_MEANS[c])} |`;
  });
  return [
    "| column | type (DuckDB / ClickHouse) | meaning | NULL means |",
    "|---|---|---|---|",
    ...rows,
  ].join("\n");
}

/** A printed query split where the definition of `t` ends and the rule's SELECT begins. */
export function splitQuery(sql: string): { withT: string; select: string } {
  const i = sql.lastIndexOf("\n)\nSELECT ");
  if (i < 0) throw new Error("not a query over t");
  return { withT: sql.slice(0, i + 2), select: sql.slice(i + 3) };
}

/** A dialect's queries for the shown rules, over a table whose columns have the canonical names. */
export function dialectQueries(d: Dialect): Record<(typeof SHOWN_RULES)[number], string> {
  const { queries } = printQueries({
    dialect: d,
    relation: {
      from: ident(d, "exchanges"),
      columns: Object.fromEntries(COLUMN_NAMES.map((c) => [c, ident(d, c)])),
    },
    rules: RULES,
  });
  const out: Partial<Record<(typeof SHOWN_RULES)[number], string>> = {};
  for (const id of SHOWN_RULES) {
    const q = queries.find((x) => x.rule === id && !x.title.includes("values to check"));
    if (q === undefined) throw new Error(`no query for ${id} in ${d}`);
    out[id] = `${q.sql};`;
  }
  return out as Record<(typeof SHOWN_RULES)[number], string>;
}

const TITLES: Readonly<Record<(typeof SHOWN_RULES)[number], string>> = {
  "500-masks-upstream-failure": "500 masking an upstream timeout (or failure, or overload)",
  "401-needs-www-authenticate": "401 without `WWW-Authenticate`, where the header is logged",
};

function dialectSection(d: Dialect): string {
  const q = dialectQueries(d);
  const first = splitQuery(q[SHOWN_RULES[0]]);
  const parts = [
    "The table `t` each query starts from (the same for every rule of the dialect):",
    "",
    "```sql",
    first.withT,
    "```",
  ];
  for (const id of SHOWN_RULES) {
    const { withT, select } = splitQuery(q[id]);
    if (withT !== first.withT) throw new Error(`${d}: the rules define t differently`);
    parts.push("", `${TITLES[id]} (\`${id}\`):`, "", "```sql", select, "```");
  }
  return parts.join("\n");
}

function presets(): string {
  const parts: string[] = [];
  for (const [name, p] of Object.entries(PRESETS)) {
    parts.push(
      `### \`${name}\` (${p.dialect})`,
      "",
      `${p.description}.`,
      "",
      "```yaml",
      `dialect: ${p.dialect}`,
      `table: ${p.table}`,
      "columns:",
      ...Object.entries(p.columns).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`),
      "```",
      "",
    );
  }
  return parts.join("\n").trimEnd();
}

function streamingOnly(): string {
  const rows: string[] = [];
  for (const r of RULES) {
    if (isTableRule(r)) continue;
    const needs = r.meta.needs;
    let why: string;
    if (needs.includes("probe")) why = "judges what `truestatus probe` sent and got, not a log";
    else if (needs.includes("response.body"))
      why = "reads response bodies, which a table does not hold";
    else if (r.aggregate !== undefined)
      why = "judges across exchanges (state carried from one to the next, merged by `--merge`)";
    else why = `needs ${needs.join(", ")}`;
    rows.push(`| \`${r.id}\` | ${why} |`);
  }
  return ["| rule | why it stays streaming |", "|---|---|", ...rows].join("\n");
}

/** Every generated region of the page, by name. */
export function engineDocRegions(): Record<string, string> {
  const regions: Record<string, string> = {
    schema: schema(),
    presets: presets(),
    "streaming-only": streamingOnly(),
  };
  for (const d of DIALECTS) regions[`sql-${d}`] = dialectSection(d);
  return regions;
}

const REGION = /<!-- BEGIN GENERATED ([a-z-]+) -->\n[\s\S]*?<!-- END GENERATED \1 -->/g;

/** The page with its regions replaced; throws when a region is missing. */
export function rewriteRegions(page: string, regions: Record<string, string>): string {
  const seen = new Set<string>();
  const out = page.replace(REGION, (_, name: string) => {
    const body = regions[name];
    if (body === undefined) throw new Error(`docs/engines.md: unknown region ${name}`);
    seen.add(name);
    return `<!-- BEGIN GENERATED ${name} -->\n${body}\n<!-- END GENERATED ${name} -->`;
  });
  for (const name of Object.keys(regions))
    if (!seen.has(name)) throw new Error(`docs/engines.md: no region ${name}`);
  return out;
}

export const PAGE = fileURLToPath(new URL("../docs/engines.md", import.meta.url));

/** The page with its tables' padding taken out (Biome pads them; the cells are what matter). */
export function unpadTables(page: string): string {
  return page
    .split("\n")
    .map((l) =>
      l.startsWith("|")
        ? l.replace(/\s*\|\s*/g, "|").replace(/^\|(:?-+:?\|)+$/, (row) => row.replace(/-+/g, "-"))
        : l,
    )
    .join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(PAGE, rewriteRegions(readFileSync(PAGE, "utf8"), engineDocRegions()));
  execFileSync("npx", ["biome", "format", "--write", PAGE], { stdio: "inherit" });
}
