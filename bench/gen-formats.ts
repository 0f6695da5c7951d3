/**
 * Big logs in the formats of issue 22, for bench/analyze-rss.ts: each built from its fixture's
 * lines (test/fixtures/logs), repeated in order with a counter in the path so that ids vary as in
 * real traffic, up to `lines` lines. The W3C log changes its `#Fields:` layout every 1,000 lines
 * (two layouts, alternating), as IIS does when its logging settings change.
 *
 *   node --import tsx bench/gen-formats.ts <dir> [lines=10000000] [format...]
 */
import { once } from "node:events";
import { createWriteStream, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const fixture = (name: string): string[] =>
  readFileSync(new URL(`../packages/cli/test/fixtures/logs/${name}`, import.meta.url), "utf8")
    .split("\n")
    .filter((l) => l.length > 0 && !l.startsWith("#"));

/** A counter in the first numeric path segment after a word segment: /items/42 → /items/42<i % 1000>. */
const vary = (line: string, i: number): string =>
  line.replace(/(\/[A-Za-z][\w-]*\/)(\d+)(?=[/?" \t])/, `$1$2${i % 1000}`);

interface Spec {
  readonly file: string;
  /** The i-th line (without "\n"); may return several lines (directives). */
  line(i: number): string;
  /** Arguments analyze needs (--log-format). */
  readonly args?: readonly string[];
}

const cycle =
  (lines: readonly string[], wrap: (l: string) => string = (l) => l) =>
  (i: number) =>
    wrap(vary(lines[i % lines.length]!, i));

const W3C_A =
  "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken";
const W3C_B =
  "date time s-sitename cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Cookie) cs(Referer) cs-host sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken";
const paths = [
  "/api/orders/17",
  "/api/items",
  "/default.aspx",
  "/api/users/42/cart",
  "/static/app.js",
];
const statuses = [200, 200, 200, 304, 404, 500, 401, 503];

function w3cLine(i: number): string {
  const block = Math.floor(i / 1000);
  const head =
    i % 1000 === 0
      ? `#Software: Microsoft Internet Information Services 10.0\n#Fields: ${block % 2 === 0 ? W3C_A : W3C_B}\n`
      : "";
  const s = statuses[i % statuses.length]!;
  const p = vary(paths[i % paths.length]!, i);
  const t = `2026-11-24 ${String(Math.floor(i / 3600000) % 24).padStart(2, "0")}:${String(Math.floor(i / 60000) % 60).padStart(2, "0")}:${String(Math.floor(i / 1000) % 60).padStart(2, "0")}`;
  const ua = "Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64)";
  return block % 2 === 0
    ? `${head}${t} 10.0.0.1 GET ${p} - 443 - 192.0.2.${i % 250} ${ua} - ${s} 0 0 ${i % 900}`
    : `${head}${t} W3SVC1 GET ${p} q=${i % 7} 443 - 192.0.2.${i % 250} ${ua} - - example.com ${s} 0 0 ${200 + (i % 5000)} 400 ${i % 900}`;
}

export const FORMATS: Readonly<Record<string, () => Spec>> = {
  w3c: () => ({ file: "w3c-fields-every-1000.log", line: w3cLine }),
  cloudfront: () => ({
    file: "cloudfront.log",
    line: (() => {
      const l = fixture("w3c-cloudfront.log");
      const head = readFileSync(
        new URL("../packages/cli/test/fixtures/logs/w3c-cloudfront.log", import.meta.url),
        "utf8",
      )
        .split("\n")
        .filter((x) => x.startsWith("#"))
        .join("\n");
      return (i: number) => (i === 0 ? `${head}\n` : "") + vary(l[i % l.length]!, i);
    })(),
  }),
  s3: () => ({ file: "s3.log", line: cycle(fixture("s3.log")) }),
  elb: () => ({ file: "elb.log", line: cycle(fixture("elb.log")) }),
  "traefik-common": () => ({ file: "traefik.log", line: cycle(fixture("traefik.log")) }),
  "traefik-json": () => ({
    file: "traefik-json.log",
    line: cycle(fixture("traefik-json.log").slice(0, 4)),
  }),
  "ingress-nginx": () => ({ file: "ingress-nginx.log", line: cycle(fixture("ingress-nginx.log")) }),
  "gcp-lb": () => ({ file: "gcp-lb.log", line: cycle(fixture("gcp-lb.log")) }),
  cloudflare: () => ({ file: "cloudflare.log", line: cycle(fixture("cloudflare.log")) }),
  kong: () => ({ file: "kong.log", line: cycle(fixture("kong.log")) }),
  otel: () => ({ file: "otel.log", line: cycle(fixture("otel.log")) }),
  "haproxy-log-format": () => ({
    file: "haproxy-custom.log",
    line: cycle(fixture("haproxy-custom.log").filter((l) => l.includes('"'))),
    args: [
      "--log-format",
      "%ci:%cp [%tr] %ft %b/%s %ST %B %Tc/%Tr/%Ta %tsc %rc %{+Q}HM %{+Q}HU %hr %hs",
    ],
  }),
  "docker-json": () => ({
    file: "docker-json.log",
    line: cycle(fixture("nginx-combined.log"), (l) =>
      JSON.stringify({ log: `${l}\n`, stream: "stdout", time: "2026-11-24T10:00:00.000000001Z" }),
    ),
  }),
  cri: () => ({
    file: "cri.log",
    line: cycle(
      fixture("nginx-combined.log"),
      (l) => `2026-11-24T10:00:00.123456789Z stdout F ${l}`,
    ),
  }),
};

/** Writes `lines` lines of a format into dir; returns the path and the analyze arguments. */
export async function generateFormat(
  dir: string,
  name: string,
  lines: number,
): Promise<{ path: string; args: readonly string[] }> {
  const spec = FORMATS[name]!();
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${lines}-${spec.file}`);
  const out = createWriteStream(path);
  let buf = "";
  for (let i = 0; i < lines; i++) {
    buf += `${spec.line(i)}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, "drain");
      buf = "";
    }
  }
  out.end(buf);
  await once(out, "finish");
  return { path, args: spec.args ?? [] };
}

if (process.argv[1]?.endsWith("gen-formats.ts")) {
  const [dir = "bench/out", n = "10000000", ...names] = process.argv.slice(2);
  for (const name of names.length > 0 ? names : Object.keys(FORMATS)) {
    const { path } = await generateFormat(dir, name, Number(n));
    console.log(`wrote ${path}`);
  }
}
