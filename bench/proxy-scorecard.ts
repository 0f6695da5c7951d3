/**
 * The proxy-check scorecard of docs/proxies/README.md: each real proxy installed here (Debian's
 * nginx-light, HAProxy, Caddy) with its stock configuration and with the generated one, and the
 * truestatus gateway, all in front of one fault upstream. Scores are counts, not timings: they
 * do not depend on the machine.
 *
 *   npm run build && node --import tsx bench/proxy-scorecard.ts [--write]
 *
 * --write replaces the table between the scorecard markers of docs/proxies/README.md (with
 * today's date); without it the tables are printed.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { checkConfig } from "../packages/cli/src/gateway/config.js";
import { createGateway } from "../packages/cli/src/gateway/server.js";
import { unreachable } from "../packages/cli/src/proxykit/capabilities.js";
import { type CheckResult, runProxyCheck } from "../packages/cli/src/proxykit/check.js";
import { startFaultUpstream } from "../packages/cli/src/proxykit/fault-upstream.js";
import { FAULTS } from "../packages/cli/src/proxykit/faults.js";
import { PROXY_VERSIONS, proxyVersion } from "../packages/cli/src/proxykit/generate/index.js";
import type { Tally } from "../packages/cli/src/proxykit/score.js";
import { proxyVersion as installed, type ProxyName, startProxy } from "../test/helpers/proxies.js";
import {
  CHECK_DEADLINE_MS,
  GENERATED,
  gatewayCheckConfig,
  STOCK,
} from "../test/helpers/proxy-configs.js";

const DOC = new URL("../docs/proxies/README.md", import.meta.url);
const START = "<!-- scorecard:start -->";
const END = "<!-- scorecard:end -->";

interface Column {
  readonly label: string;
  readonly result: CheckResult;
}

const tally = (t: Tally) => `${t.passed}/${t.total} (${t.percent} %)`;

/** One cell of the per-fault table: the status and the Proxy-Status error type, and ✓/✗. */
function cell(r: CheckResult, id: string): string {
  const f = r.faults.find((x) => x.id === id)!;
  const ok = f.criteria.every((c) => c.pass);
  const status = f.status === undefined ? (f.timedOut ? "timeout" : "broken") : String(f.status);
  const error = /error=([a-z_]+)/.exec(f.got)?.[1];
  const received = /received-status=(\d+)/.exec(f.got)?.[1];
  const extra =
    error !== undefined ? ` ${error}` : received !== undefined ? " received-status" : "";
  return `${ok ? "✓" : "✗"} ${status}${extra}`;
}

async function main(): Promise<void> {
  const upstream = await startFaultUpstream({ stallMs: CHECK_DEADLINE_MS + 2_000 });
  const summary: string[] = [
    "| proxy | version | stock | generated | generated, of what it can tell apart |",
    "| --- | --- | --- | --- | --- |",
  ];
  const columns: Column[] = [];
  try {
    for (const name of ["nginx", "haproxy", "caddy"] as ProxyName[]) {
      const version = installed(name);
      if (version === undefined) {
        summary.push(`| ${name} | not installed | | | |`);
        continue;
      }
      const gen = proxyVersion(name, version ?? PROXY_VERSIONS[name][0]);
      const limits = unreachable(name, gen);
      const run = async (config: Parameters<typeof startProxy>[1]) => {
        const proxy = await startProxy(name, config);
        try {
          return await runProxyCheck({
            proxy: proxy.url,
            upstream,
            deadlineMs: CHECK_DEADLINE_MS,
            unreachable: limits,
          });
        } finally {
          await proxy.stop();
        }
      };
      const stock = await run(STOCK[name](upstream.layout));
      const generated = await run(GENERATED[name](upstream.layout, gen));
      columns.push(
        { label: `${name} stock`, result: stock },
        { label: `${name} generated`, result: generated },
      );
      summary.push(
        `| ${name} | ${version} | ${tally(stock.score.all)} | ${tally(generated.score.all)} | ${tally(generated.score.reachable)} |`,
      );
    }
    const gateway = await createGateway(
      checkConfig({
        listen: { host: "127.0.0.1", port: 0 },
        ...gatewayCheckConfig(upstream.layout),
      }),
    );
    const { port } = await gateway.listen(0, "127.0.0.1");
    try {
      const r = await runProxyCheck({
        proxy: `http://127.0.0.1:${port}`,
        upstream,
        deadlineMs: CHECK_DEADLINE_MS,
      });
      columns.push({ label: "truestatus gateway", result: r });
      summary.push(
        `| truestatus gateway | this repository | — | ${tally(r.score.all)} | ${tally(r.score.reachable)} |`,
      );
    } finally {
      await gateway.close();
    }
    summary.push("| envoy | 1.34 (API v3) | — | generated, not run here | — |");
  } finally {
    await upstream.close();
  }
  const matrix = [
    `| fault | ${columns.map((c) => c.label).join(" | ")} |`,
    `| --- | ${columns.map(() => "---").join(" | ")} |`,
    ...FAULTS.map(
      (f) => `| \`${f.id}\` | ${columns.map((c) => cell(c.result, f.id)).join(" | ")} |`,
    ),
  ];
  const date = new Date().toISOString().slice(0, 10);
  const block = [
    START,
    `Measured ${date} by \`node --import tsx bench/proxy-scorecard.ts --write\` (Debian 12 packages; 44 criteria over ${FAULTS.length} faults).`,
    "",
    ...summary,
    "",
    "Per fault (✓: every criterion met; the status the client got and the Proxy-Status error type, if any):",
    "",
    ...matrix,
    END,
  ].join("\n");
  if (process.argv.includes("--write")) {
    const doc = readFileSync(DOC, "utf8");
    const a = doc.indexOf(START);
    const b = doc.indexOf(END);
    if (a < 0 || b < 0) throw new Error(`${DOC.pathname}: no scorecard markers`);
    writeFileSync(DOC, `${doc.slice(0, a)}${block}${doc.slice(b + END.length)}`);
    // The repository's formatter pads the tables (as `npm run lint` expects them).
    spawnSync("npx", ["biome", "format", "--write", DOC.pathname], { stdio: "ignore" });
    process.stdout.write(`wrote ${DOC.pathname}\n`);
  } else process.stdout.write(`${block}\n`);
}

await main();
