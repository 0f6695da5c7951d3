/**
 * Writes a deterministic combined-format access log of an incident day (same seed → same bytes):
 * the routes of gen-combined.ts, but two thirds of the lines are failures. A dependency goes
 * down in waves: 502/503/504 from the proxy, 500s from the app, 499s from clients that gave up,
 * 429s from the rate limiter, 401s from a token service in trouble, and the usual 404s; a few
 * framework bugs (bodies on 204/304/HEAD) for the rules to find.
 *
 *   node --import tsx bench/gen-incident.ts <file> [lines=1000000]
 */
import { createWriteStream } from "node:fs";
import { rng } from "./rng.js";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const AGENTS = [
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
  "curl/8.5.0",
  "okhttp/4.12.0",
  "python-requests/2.32.3",
  "Go-http-client/1.1",
];
const REFERERS = ["-", "https://app.example.com/", "https://app.example.com/orders"];

function hex(r: () => number, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += "0123456789abcdef"[Math.floor(r() * 16)];
  return s;
}

function uuid(r: () => number): string {
  return `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-a${hex(r, 3)}-${hex(r, 12)}`;
}

type Weighted<T> = readonly (readonly [T, number])[];

function pick<T>(r: () => number, list: Weighted<T>): T {
  let x = r() * list.reduce((a, [, w]) => a + w, 0);
  for (const [v, w] of list) {
    x -= w;
    if (x <= 0) return v;
  }
  return list[list.length - 1]![0];
}

/** Failures make two thirds of the traffic: most of them from the dependency that is down. */
const FAILING: Weighted<number> = [
  [200, 0.3],
  [201, 0.01],
  [204, 0.01],
  [304, 0.01],
  [502, 0.17],
  [503, 0.14],
  [504, 0.12],
  [500, 0.08],
  [499, 0.06],
  [429, 0.05],
  [401, 0.03],
  [404, 0.02],
];

type Route = (r: () => number, pools: Pools) => [method: string, path: string];
const any = (r: () => number, list: readonly string[]): string =>
  list[Math.floor(r() * list.length)]!;

const ROUTES: Weighted<Route> = [
  [(r) => ["GET", `/api/v1/users/${Math.floor(r() * 100000)}`], 0.25],
  [(r, p) => ["GET", `/api/v1/orders/${any(r, p.orders)}`], 0.15],
  [() => ["POST", "/api/v1/orders"], 0.1],
  [(r) => ["GET", `/api/v1/products?page=${Math.floor(r() * 50)}`], 0.08],
  [(r) => ["GET", `/api/v1/search?q=${hex(r, 6)}`], 0.08],
  [() => ["POST", "/api/v1/login"], 0.08],
  [(r, p) => ["DELETE", `/api/v1/orders/${any(r, p.orders)}`], 0.06],
  [(r, p) => ["GET", `/static/app.${any(r, p.builds)}.js`], 0.08],
  [(r) => ["HEAD", `/files/${hex(r, 16)}`], 0.04],
  [() => ["GET", "/health"], 0.08],
];

interface Pools {
  readonly orders: readonly string[];
  readonly builds: readonly string[];
}

export async function generateIncident(file: string, lines: number, seed = 7): Promise<void> {
  const r = rng(seed);
  const ips = Array.from(
    { length: 3000 },
    () =>
      `${10 + Math.floor(r() * 200)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}`,
  );
  const pools: Pools = {
    orders: Array.from({ length: 20_000 }, () => uuid(r)),
    builds: Array.from({ length: 10 }, () => hex(r, 8)),
  };
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  let t = Date.UTC(2026, 10, 2, 0, 0, 0);
  // One day: the step that spreads `lines` over 86,400 seconds.
  const step = (86_400_000 / lines) * 2;
  let buf = "";
  for (let i = 0; i < lines; i++) {
    t += Math.floor(r() * step);
    const d = new Date(t);
    const ts = `${String(d.getUTCDate()).padStart(2, "0")}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}:${String(d.getUTCSeconds()).padStart(2, "0")} +0000`;
    const [method, path] = pick(r, ROUTES)(r, pools);
    let status = pick(r, FAILING);
    if (method === "POST" && status === 200) status = 201;
    let size =
      status === 204 || status === 304 || method === "HEAD" || status === 499
        ? 0
        : 150 + Math.floor(r() * 8000);
    if ((status === 204 || status === 304 || method === "HEAD") && r() < 0.01) size = 23;
    const ip = ips[Math.floor(r() * ips.length)]!;
    const user = path === "/api/v1/login" || r() < 0.05 ? `u${Math.floor(r() * 1000)}` : "-";
    buf += `${ip} - ${user} [${ts}] "${method} ${path} HTTP/1.1" ${status} ${size} "${REFERERS[Math.floor(r() * REFERERS.length)]}" "${AGENTS[Math.floor(r() * AGENTS.length)]}"\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((res) => out.once("drain", () => res()));
      buf = "";
    }
  }
  out.write(buf);
  await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) {
    console.error("usage: gen-incident.ts <file> [lines]");
    process.exit(2);
  }
  await generateIncident(file, Number(process.argv[3] ?? 1_000_000));
}
