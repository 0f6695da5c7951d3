/**
 * What the generated nginx config costs on the success path (issue: ≤ 5 % of stock nginx's
 * throughput), bench/RESULTS.md section P.
 *
 *   node --import tsx bench/proxy-config.ts [--pairs=10] [--pair-duration=3] [--connections=50]
 *
 * One upstream (node:http, a 41-byte JSON body, keep-alive) pinned to core 1; two nginx (Debian
 * nginx-light, one worker each) pinned to core 0 in front of it, both with the same upstream block
 * (keepalive 32, HTTP/1.1) and an access log to a file:
 * - stock: `proxy_pass` and nginx's default `combined` log;
 * - generated: `truestatus proxy-config nginx --fragment` (its maps, add_header, error_page and
 *   JSON log), nothing else changed.
 * wrk (Debian package, one thread on core 1) measures them in --pairs back-to-back runs of
 * --pair-duration seconds, the order alternating; one ratio (generated ÷ stock requests/s) per
 * pair, so each ratio sees one state of the machine; the figure is the median ratio. PASS when
 * it is ≥ 0.95. Run it on a quiet machine: a shared one moves single runs by tens of percent.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { join } from "node:path";
import { generateConfig } from "../packages/cli/src/proxykit/generate/index.js";
import { nginxPrelude, type RunningProxy, startProxy } from "../test/helpers/proxies.js";
import { checkOptions } from "../test/helpers/proxy-configs.js";
import { hasTaskset, median } from "./harness.js";

const flag = (name: string, def: number): number => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a === undefined ? def : Number(a.slice(name.length + 3));
};
const PAIRS = flag("pairs", 10);
const PAIR_SECONDS = flag("pair-duration", 3);
const CONNECTIONS = flag("connections", 50);
const PIN = hasTaskset();
const SERVERS = join(import.meta.dirname, "gateway-servers.ts");

function startUpstream(): Promise<{ child: ChildProcess; port: number }> {
  const args = ["--import", "tsx", SERVERS, "upstream"];
  const child = PIN
    ? spawn("taskset", ["-c", "1", process.execPath, ...args], {
        stdio: ["ignore", "pipe", "inherit"],
      })
    : spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.stdout!.once("data", (d: Buffer) => resolve({ child, port: Number(String(d).trim()) }));
  });
}

function wrk(port: number, seconds: number): number {
  const args = ["-t1", `-c${CONNECTIONS}`, `-d${seconds}s`, `http://127.0.0.1:${port}/`];
  const r = spawnSync(PIN ? "taskset" : "wrk", PIN ? ["-c", "1", "wrk", ...args] : args, {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`wrk failed: ${r.stderr || r.stdout}`);
  if (/Non-2xx|Socket errors/.test(r.stdout))
    throw new Error(`port ${port}: wrk saw errors:\n${r.stdout}`);
  return Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1]);
}

async function main(): Promise<void> {
  if (spawnSync("wrk", ["-v"]).error !== undefined)
    throw new Error("wrk is not installed (apt-get install wrk)");
  const upstream = await startUpstream();
  const layout = { host: "127.0.0.1", port: upstream.port, refusedPort: 1 };
  const pin = PIN ? { pinCore: 0 } : {};
  const upstreamBlock = `upstream app { server 127.0.0.1:${upstream.port}; keepalive 32; }`;
  let stock: RunningProxy | undefined;
  let generated: RunningProxy | undefined;
  try {
    stock = await startProxy(
      "nginx",
      (c) => {
        const pre = nginxPrelude(c.dir);
        return `${pre.main}\nhttp {\n${pre.http}\naccess_log ${c.accessLog};\n${upstreamBlock}\nserver {\n  listen 127.0.0.1:${c.port};\n  location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; }\n}\n}\n`;
      },
      pin,
    );
    generated = await startProxy(
      "nginx",
      (c) => {
        const pre = nginxPrelude(c.dir);
        const text = generateConfig("nginx", {
          ...checkOptions(layout, "1.22", c.accessLog),
          connectTimeoutMs: 5_000,
          headersTimeoutMs: 30_000,
        });
        const [, http, server] = text.split(/# ---- (?:http|server) \{\} ----/);
        return `${pre.main}\nhttp {\n${pre.http}\n${http}\nserver {\n  listen 127.0.0.1:${c.port};\n${server}\n}\n}\n`;
      },
      pin,
    );
    // Warm both.
    wrk(stock.port, 1);
    wrk(generated.port, 1);
    const ratios: number[] = [];
    const rows: string[] = [];
    for (let i = 0; i < PAIRS; i++) {
      const first = i % 2 === 0 ? "stock" : "generated";
      const a = wrk(first === "stock" ? stock.port : generated.port, PAIR_SECONDS);
      const b = wrk(first === "stock" ? generated.port : stock.port, PAIR_SECONDS);
      const [s, g] = first === "stock" ? [a, b] : [b, a];
      ratios.push(g / s);
      rows.push(
        `| ${i + 1} | ${first} first | ${Math.round(s)} | ${Math.round(g)} | ${(g / s).toFixed(3)} |`,
      );
    }
    const m = median(ratios);
    process.stdout.write(
      [
        `## nginx: generated config vs stock on the success path (${new Date().toISOString().slice(0, 10)})`,
        "",
        `wrk -t1 -c${CONNECTIONS}, ${PAIRS} pairs of ${PAIR_SECONDS} s, ${PIN ? "nginx on core 0, upstream and wrk on core 1" : "not pinned (no taskset)"}; load average ${loadavg()[0]!.toFixed(2)}`,
        "",
        "| pair | order | stock req/s | generated req/s | ratio |",
        "| --- | --- | --- | --- | --- |",
        ...rows,
        "",
        `median ratio generated ÷ stock: ${m.toFixed(3)} (${m >= 0.95 ? "PASS" : "FAIL"}: target ≥ 0.95)`,
        "",
      ].join("\n"),
    );
  } finally {
    await stock?.stop();
    await generated?.stop();
    upstream.child.kill("SIGTERM");
  }
}

await main();
