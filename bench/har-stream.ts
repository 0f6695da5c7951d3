/**
 * The streamed HAR source on a large generated HAR: entries/s, MB/s and peak RSS of
 * `openSource(file).batches()` against the non-streaming way, `JSON.parse(readFileSync(file))`
 * of the same file (peak RSS measured in separate child processes: `process.resourceUsage().maxRSS`).
 *
 *   node --import tsx bench/har-stream.ts [--mb=256] [--runs=3]
 *
 * The HAR mixes small JSON entries with large base64 bodies (1–8 MiB), as HARs exported "with
 * content" do. Each side runs `--runs` times, alternating which goes first; medians are printed.
 */
import { spawnSync } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSource } from "../packages/cli/src/audit/sources/open.js";

function flag(name: string): string | undefined {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit?.slice(name.length + 3);
}

function entry(i: number, body: string, base64: boolean): string {
  return JSON.stringify({
    startedDateTime: new Date(Date.UTC(2026, 10, 24) + i).toISOString(),
    time: 12.5,
    request: {
      method: "GET",
      url: `https://api.example.test/api/items/${i}?page=2`,
      httpVersion: "HTTP/2",
      cookies: [],
      headers: [
        { name: ":authority", value: "api.example.test" },
        { name: "accept", value: "application/json" },
        { name: "user-agent", value: "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36" },
      ],
      queryString: [{ name: "page", value: "2" }],
      headersSize: -1,
      bodySize: 0,
    },
    response: {
      status: i % 10 === 0 ? 500 : 200,
      statusText: "",
      httpVersion: "HTTP/2",
      cookies: [],
      headers: [
        { name: "content-type", value: base64 ? "application/octet-stream" : "application/json" },
        { name: "date", value: "Tue, 24 Nov 2026 19:00:00 GMT" },
      ],
      content: {
        size: body.length,
        mimeType: "application/json",
        text: body,
        ...(base64 ? { encoding: "base64" } : {}),
      },
      redirectURL: "",
      headersSize: -1,
      bodySize: -1,
    },
    cache: {},
    timings: { blocked: -1, dns: -1, connect: -1, send: 0, wait: 10, receive: 2.5, ssl: -1 },
  });
}

async function generate(path: string, mb: number): Promise<number> {
  const out = createWriteStream(path);
  const write = async (s: string) => {
    if (!out.write(s)) await new Promise<void>((r) => out.once("drain", () => r()));
  };
  await write(
    '{"log":{"version":"1.2","creator":{"name":"bench","version":"1"},"pages":[],"entries":[',
  );
  let size = 0;
  let i = 0;
  const small = JSON.stringify({ id: 1, name: "item", tags: ["a", "b"], error: null });
  while (size < mb * 1024 * 1024) {
    const big = i % 50 === 49;
    const body = big
      ? Buffer.alloc(((i % 8) + 1) * 1024 * 1024, i % 256).toString("base64")
      : small;
    const e = (i > 0 ? "," : "") + entry(i, body, big);
    await write(e);
    size += e.length;
    i++;
  }
  await write("]}}");
  await new Promise<void>((r) => out.end(() => r()));
  return i;
}

async function childStream(path: string): Promise<void> {
  const t0 = process.hrtime.bigint();
  let n = 0;
  const src = await openSource(path);
  for await (const b of src.batches()) n += b.length;
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(
    JSON.stringify({ entries: n, seconds: s, maxRssMb: process.resourceUsage().maxRSS / 1024 }),
  );
}

function childParse(path: string): void {
  const t0 = process.hrtime.bigint();
  const doc = JSON.parse(readFileSync(path, "utf8")) as { log: { entries: unknown[] } };
  const n = doc.log.entries.length;
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(
    JSON.stringify({ entries: n, seconds: s, maxRssMb: process.resourceUsage().maxRSS / 1024 }),
  );
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!;

async function main(): Promise<void> {
  const mode = flag("child");
  const file = flag("file");
  if (mode === "stream" && file) return childStream(file);
  if (mode === "parse" && file) return childParse(file);
  const mb = Number(flag("mb") ?? 256);
  const runs = Number(flag("runs") ?? 3);
  const dir = mkdtempSync(join(tmpdir(), "truestatus-har-bench-"));
  const path = join(dir, "big.har");
  try {
    const entries = await generate(path, mb);
    const bytes = statSync(path).size;
    const results: Record<string, { entries: number; seconds: number; maxRssMb: number }[]> = {
      stream: [],
      parse: [],
    };
    for (let k = 0; k < runs; k++) {
      const order = k % 2 === 0 ? ["stream", "parse"] : ["parse", "stream"];
      for (const m of order) {
        const r = spawnSync(
          process.execPath,
          [...process.execArgv, process.argv[1]!, `--child=${m}`, `--file=${path}`],
          {
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
            maxBuffer: 1 << 20,
          },
        );
        if (r.status !== 0) {
          console.error(`${m} failed: ${r.stderr.split("\n").slice(0, 3).join(" ")}`);
          continue;
        }
        results[m]!.push(JSON.parse(r.stdout.trim().split("\n").at(-1)!));
      }
    }
    console.log(`## Streamed HAR source vs JSON.parse of the whole file\n`);
    console.log(
      `node ${process.version}, a generated HAR of ${(bytes / 1048576).toFixed(0)} MiB (${entries.toLocaleString("en-US")} entries, one in 50 with a 1–8 MiB base64 body), ${runs} runs per side alternating; medians.\n`,
    );
    console.log("| case | entries | seconds | MiB/s | peak RSS (MiB) |");
    console.log("|---|---:|---:|---:|---:|");
    for (const [name, label] of [
      ["stream", "openSource(har).batches() (streamed)"],
      ["parse", "JSON.parse(readFileSync(har)) (whole file)"],
    ] as const) {
      const rs = results[name]!;
      if (rs.length === 0) {
        console.log(`| ${label} | — | failed | — | — |`);
        continue;
      }
      const sec = median(rs.map((r) => r.seconds));
      console.log(
        `| ${label} | ${rs[0]!.entries} | ${sec.toFixed(2)} | ${(bytes / 1048576 / sec).toFixed(0)} | ${median(rs.map((r) => r.maxRssMb)).toFixed(0)} |`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
