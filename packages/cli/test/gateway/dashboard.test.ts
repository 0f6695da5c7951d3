/**
 * docs/grafana-gateway.json is valid JSON, and every metric and label its PromQL names is one a
 * real gateway's /metrics exports (so the dashboard cannot drift from the code).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { closedPort, raw } from "../../../../test/helpers/faulty-upstream.js";
import { noLeaks } from "../../../../test/helpers/leaks.js";
import { METRIC_NAMES } from "../../src/gateway/metrics.js";
import { gatewaySuite, type TestGateway } from "./harness.js";

const DASHBOARD = join(import.meta.dirname, "../../../../docs/grafana-gateway.json");

interface Panel {
  readonly title: string;
  readonly targets: readonly { readonly expr: string }[];
}

const PROMQL_WORDS = new Set([
  "sum",
  "by",
  "rate",
  "histogram_quantile",
  "le",
  "without",
  "irate",
  "increase",
]);

/** Metric names of an expression: identifiers followed by `{` or `[`, or standing alone in sum(...). */
function metricsOf(expr: string): string[] {
  const out: string[] = [];
  const bare = expr.replace(/\bby\s*\([^)]*\)/g, "").replace(/\{[^}]*\}/g, "{}");
  for (const m of bare.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?=[{[)])/g)) {
    const name = m[1]!;
    if (!PROMQL_WORDS.has(name)) out.push(name);
  }
  return out;
}

/** Label names of an expression: in {selectors} and by (...) clauses. */
function labelsOf(expr: string): string[] {
  const out: string[] = [];
  for (const sel of expr.matchAll(/\{([^}]*)\}/g))
    for (const m of sel[1]!.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)) out.push(m[1]!);
  for (const by of expr.matchAll(/\bby\s*\(([^)]*)\)/g))
    for (const l of by[1]!.split(",")) out.push(l.trim());
  return out.filter((l) => l !== "" && l !== "le");
}

const { serve, start, cleanup } = gatewaySuite();
let gw: TestGateway | undefined;

describe("Grafana dashboard", () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, "utf8")) as { panels: Panel[] };

  it("separates clients failing auth from dependencies failing", () => {
    const titles = dashboard.panels.map((p) => p.title);
    expect(titles.some((t) => /auth/i.test(t))).toBe(true);
    expect(titles.some((t) => /dependenc/i.test(t))).toBe(true);
    for (const p of dashboard.panels) expect(p.targets.length).toBeGreaterThan(0);
  });

  it(
    "names only metrics and labels the gateway's /metrics exports",
    noLeaks(async () => {
      const down = await closedPort();
      const up = await serve((s) => s.end(`${raw.head(200, { "content-length": 2 })}{}`));
      gw = await start({
        upstreams: {
          app: { targets: [`http://127.0.0.1:${down}`, up.url], maxConcurrent: 5 },
        },
        routes: [{ path: "/", upstream: "app", rateLimit: { limit: 1, window: "1m" } }],
      });
      await gw.get("/a"); // refused, retried on the next target: 200
      await gw.get("/a"); // rate limited: 429
      const text = await gw.metrics();
      const exported = new Set(
        [...text.matchAll(/^# TYPE (\S+) (\w+)$/gm)].flatMap(([, name, type]) =>
          type === "histogram" ? [`${name}_bucket`, `${name}_count`, `${name}_sum`] : [name!],
        ),
      );
      expect([...text.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]).sort()).toEqual(
        [...METRIC_NAMES].sort(),
      );
      const labels = new Set(
        [...text.matchAll(/^\S+\{([^}]*)\}/gm)].flatMap((m) =>
          [...m[1]!.matchAll(/([a-zA-Z_]\w*)="/g)].map((l) => l[1]!),
        ),
      );
      for (const extra of ["reason", "outcome"]) labels.add(extra); // shed and budget: no sample here
      for (const panel of dashboard.panels) {
        for (const t of panel.targets) {
          const names = metricsOf(t.expr);
          expect(names.length, `${panel.title}: ${t.expr}`).toBeGreaterThan(0);
          for (const n of names) expect(exported, `${panel.title}: ${n}`).toContain(n);
          for (const l of labelsOf(t.expr))
            expect(labels, `${panel.title}: label ${l}`).toContain(l);
        }
      }
    }, cleanup),
  );
});
