/**
 * Writes a deterministic combined-format access log (same seed → same bytes) with a realistic
 * mix: REST endpoints with numeric, UUID and hash ids, static files, health checks; mostly 2xx,
 * some 3xx/4xx/5xx (including 204/304, HEAD, 499 client aborts and 502/504 from a proxy).
 *
 *   node --import tsx bench/gen-combined.ts <file> [lines=2000000]
 */
import { createWriteStream } from "node:fs";
import { rng } from "./rng.js";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const AGENTS = [
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15",
  "curl/8.5.0",
  "okhttp/4.12.0",
  "python-requests/2.32.3",
  "Go-http-client/1.1",
];
const REFERERS = [
  "-",
  "https://app.example.com/",
  "https://app.example.com/orders",
  "https://www.google.com/",
];

function hex(r: () => number, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += "0123456789abcdef"[Math.floor(r() * 16)];
  return s;
}

function uuid(r: () => number): string {
  return `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-a${hex(r, 3)}-${hex(r, 12)}`;
}

type Pick = (
  r: () => number,
) => [method: string, path: string, statuses: readonly (readonly [number, number])[]];
const OK = [
  [200, 0.93],
  [404, 0.03],
  [500, 0.01],
  [502, 0.005],
  [504, 0.005],
  [499, 0.01],
  [429, 0.01],
  [401, 0.01],
] as const;
let orders: string[] = [];
let builds: string[] = [];
let images: string[] = [];
const any = (r: () => number, list: readonly string[]): string =>
  list[Math.floor(r() * list.length)]!;

const ROUTES: readonly (readonly [number, Pick])[] = [
  [0.22, (r) => ["GET", `/api/v1/users/${Math.floor(r() * 100000)}`, OK]],
  [0.12, (r) => ["GET", `/api/v1/orders/${any(r, orders)}`, OK]],
  [
    0.08,
    (_r) => [
      "POST",
      "/api/v1/orders",
      [
        [201, 0.85],
        [400, 0.06],
        [422, 0.04],
        [409, 0.02],
        [500, 0.03],
      ],
    ],
  ],
  [
    0.06,
    (r) => [
      "PUT",
      `/api/v1/users/${Math.floor(r() * 100000)}/profile`,
      [
        [200, 0.9],
        [400, 0.05],
        [403, 0.05],
      ],
    ],
  ],
  [
    0.04,
    (r) => [
      "DELETE",
      `/api/v1/orders/${any(r, orders)}`,
      [
        [204, 0.9],
        [404, 0.08],
        [405, 0.02],
      ],
    ],
  ],
  [0.1, (r) => ["GET", `/api/v1/products?page=${Math.floor(r() * 50)}`, OK]],
  [0.05, (r) => ["GET", `/api/v1/products/${Math.floor(r() * 5000)}/reviews`, OK]],
  [
    0.1,
    (r) => [
      "GET",
      `/static/app.${any(r, builds)}.js`,
      [
        [200, 0.6],
        [304, 0.4],
      ],
    ],
  ],
  [
    0.05,
    (r) => [
      "GET",
      `/static/img/${any(r, images)}.png`,
      [
        [200, 0.7],
        [304, 0.3],
      ],
    ],
  ],
  [
    0.05,
    () => [
      "GET",
      "/health",
      [
        [200, 0.995],
        [503, 0.005],
      ],
    ],
  ],
  [
    0.04,
    (r) => [
      "HEAD",
      `/files/${any(r, images)}${any(r, images)}`,
      [
        [200, 0.9],
        [404, 0.1],
      ],
    ],
  ],
  [
    0.03,
    () => [
      "POST",
      "/api/v1/login",
      [
        [200, 0.7],
        [401, 0.25],
        [429, 0.05],
      ],
    ],
  ],
  [
    0.03,
    (r) => [
      "GET",
      `/api/v1/search?q=${any(r, builds)}`,
      [
        [200, 0.9],
        [502, 0.05],
        [504, 0.05],
      ],
    ],
  ],
  [
    0.03,
    () => [
      "GET",
      "/",
      [
        [200, 0.8],
        [301, 0.2],
      ],
    ],
  ],
];

function pick<T>(r: () => number, list: readonly (readonly [T, number])[]): T {
  let x = r() * list.reduce((a, [, w]) => a + w, 0);
  for (const [v, w] of list) {
    x -= w;
    if (x <= 0) return v;
  }
  return list[list.length - 1]![0];
}

/** Pools: real traffic repeats its clients, orders and build hashes. */
function pool(r: () => number, n: number, make: (r: () => number) => string): string[] {
  return Array.from({ length: n }, () => make(r));
}

export async function generate(file: string, lines: number, seed = 42): Promise<void> {
  const r = rng(seed);
  const ips = pool(
    r,
    5000,
    (q) =>
      `${10 + Math.floor(q() * 200)}.${Math.floor(q() * 256)}.${Math.floor(q() * 256)}.${Math.floor(q() * 256)}`,
  );
  orders = pool(r, 50_000, uuid);
  builds = pool(r, 40, (q) => hex(q, 8));
  images = pool(r, 2000, (q) => hex(q, 16));
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  const routes = ROUTES.map(([w, f]) => [f, w] as const);
  let t = Date.UTC(2026, 10, 1, 0, 0, 0);
  let buf = "";
  for (let i = 0; i < lines; i++) {
    t += Math.floor(r() * 40);
    const d = new Date(t);
    const ts = `${String(d.getUTCDate()).padStart(2, "0")}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}:${String(d.getUTCSeconds()).padStart(2, "0")} +0000`;
    const [method, path, statuses] = pick(r, routes)(r);
    const status = pick(r, statuses);
    let size =
      status === 204 || status === 304 || method === "HEAD" ? 0 : 200 + Math.floor(r() * 20000);
    if (status === 499) size = 0;
    // a few framework bugs for the rules to find: bodies on 204/304 and HEAD
    if ((status === 204 || method === "HEAD") && r() < 0.01) size = 17;
    const ip = any(r, ips);
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
    console.error("usage: gen-combined.ts <file> [lines]");
    process.exit(2);
  }
  await generate(file, Number(process.argv[3] ?? 2_000_000));
}
