/**
 * `truestatus demo`: starts a quote service, examples/sloppy-api and examples/fixed-api on free
 * loopback ports, signs up two identities on each, probes both with the same plan
 * (examples/shop/openapi.yaml and scenarios.yaml), prints the scorecard side by side, writes the
 * JSON report, and stops everything it started.
 */
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { type ProbeResult, runProbe } from "../probe/probe.js";
import { probeFacts, probeReport } from "../probe/report.js";
import { renderScorecard } from "../probe/scorecard.js";
import { EXIT, UsageError } from "./errors.js";
import type { Io, Styles } from "./output.js";

/**
 * The repository root, where examples/ lives: dist/cli/ (or src/cli/) sits two levels under
 * packages/cli/, which sits two levels under the root. The demo runs from a clone.
 */
const ROOT = new URL("../../../../", import.meta.url);
const HAS_EXAMPLES = existsSync(new URL("examples/shop/openapi.yaml", ROOT));
export const SHOP_OPENAPI = fileURLToPath(new URL("examples/shop/openapi.yaml", ROOT));
export const SHOP_SCENARIOS = fileURLToPath(new URL("examples/shop/scenarios.yaml", ROOT));

interface Running {
  readonly url: string;
  close(): Promise<void>;
}
type Start = (config: {
  port: number;
  upstreamUrl: string;
  logger?: () => void;
}) => Promise<Running>;

/** The shipping-quote service: a price, except for 99 items or more, where it never answers. */
export async function startQuoteService(): Promise<Running> {
  const server: Server = createServer((req, res) => {
    const items = Number(new URL(req.url ?? "/", "http://x").searchParams.get("items"));
    if (items >= 99) return; // hangs until closed: the upstream timeout of the scenario
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ price: 5 * items }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function example(name: string, exportName: string): Promise<Start> {
  if (!HAS_EXAMPLES)
    throw new UsageError(
      "truestatus demo runs from a clone of the repository (it starts examples/sloppy-api and examples/fixed-api): git clone https://github.com/truestatus/truestatus && cd truestatus && npm install && npm run demo",
    );
  const file = new URL(`examples/${name}/server.js`, ROOT);
  try {
    const mod = (await import(file.href)) as Record<string, Start>;
    return mod[exportName]!;
  } catch (e) {
    throw new UsageError(
      `examples/${name}: cannot start (${(e as Error).message.split("\n")[0]}); the demo runs from a clone with devDependencies installed (npm ci)`,
    );
  }
}

async function call(
  url: string,
  path: string,
  body: unknown,
  token?: string,
): Promise<Record<string, unknown>> {
  const res = await fetch(url + path, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300) throw new Error(`demo setup: POST ${path} answered ${res.status}`);
  return json;
}

/** Two users with a session each, and one order of user A: returns their Authorization values. */
export async function seedShop(url: string): Promise<{ a: string; b: string }> {
  const tokens: string[] = [];
  for (const who of ["alice", "bob"]) {
    const email = `${who}@example.com`;
    await call(url, "/users", { email, name: who, password: "correct horse battery" });
    const s = await call(url, "/sessions", { email, password: "correct horse battery" });
    tokens.push(String(s.token));
  }
  await call(url, "/orders", { items: [{ sku: "tea", qty: 2 }] }, tokens[0]);
  return { a: `Bearer ${tokens[0]}`, b: `Bearer ${tokens[1]}` };
}

/** Probes a seeded shop with the demo's plan (unsafe: the shops are the demo's own). */
export async function probeShop(url: string, auth: { a: string; b: string }): Promise<ProbeResult> {
  return runProbe({
    target: url,
    openapi: SHOP_OPENAPI,
    scenarios: [SHOP_SCENARIOS],
    auth: auth.a,
    authOther: auth.b,
    unsafe: true,
    burst: 12,
    rate: 200,
    concurrency: 4,
  });
}

export interface Shops {
  readonly quote: Running;
  readonly sloppy: Running;
  readonly fixed: Running;
  close(): Promise<void>;
}

export async function startShops(): Promise<Shops> {
  const started: Running[] = [];
  const close = async () => {
    await Promise.all(started.map((s) => s.close()));
  };
  try {
    const quote = await startQuoteService();
    started.push(quote);
    const sloppy = await (await example("sloppy-api", "startSloppyApi"))({
      port: 0,
      upstreamUrl: quote.url,
    });
    started.push(sloppy);
    const fixed = await (await example("fixed-api", "startFixedApi"))({
      port: 0,
      upstreamUrl: quote.url,
      // its server-failure log (the 504 of the timeout scenario) would interleave with the scorecard
      logger: () => {},
    });
    started.push(fixed);
    return { quote, sloppy, fixed, close };
  } catch (e) {
    await close();
    throw e;
  }
}

export async function runDemo(io: Io, st: Styles, output: string): Promise<number> {
  const start = performance.now();
  const shops = await startShops();
  let results: [ProbeResult, ProbeResult];
  try {
    io.stdout.write(
      st.dim(
        `sloppy-api on ${shops.sloppy.url}, fixed-api on ${shops.fixed.url}; probing both…\n\n`,
      ),
    );
    const [sa, fa] = await Promise.all([seedShop(shops.sloppy.url), seedShop(shops.fixed.url)]);
    results = await Promise.all([probeShop(shops.sloppy.url, sa), probeShop(shops.fixed.url, fa)]);
  } finally {
    await shops.close();
  }
  const [sloppy, fixed] = results;
  io.stdout.write(
    st.bold("truestatus demo: the same shop API, written sloppily and written with truestatus\n\n"),
  );
  io.stdout.write(
    renderScorecard(
      [
        { name: "sloppy-api", result: sloppy },
        { name: "fixed-api", result: fixed },
      ],
      st,
    ),
  );
  const report = {
    generatedBy: "truestatus demo",
    apis: {
      "sloppy-api": {
        ...(JSON.parse(JSON.stringify(sloppy.summary)) as object),
        probe: probeFacts(sloppy),
      },
      "fixed-api": {
        ...(JSON.parse(JSON.stringify(fixed.summary)) as object),
        probe: probeFacts(fixed),
      },
    },
  };
  // One self-contained HTML report per API beside the JSON one: report.sloppy-api.html, …
  const base = output.endsWith(".json") ? output.slice(0, -5) : output;
  const pages = [
    [`${base}.sloppy-api.html`, sloppy],
    [`${base}.fixed-api.html`, fixed],
  ] as const;
  try {
    await writeFile(output, `${JSON.stringify(report, null, 2)}\n`);
    for (const [file, result] of pages) await writeFile(file, probeReport(result, "html"));
  } catch (e) {
    throw new UsageError(
      `${output}: cannot write (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
    );
  }
  const s = ((performance.now() - start) / 1000).toFixed(1);
  io.stdout.write(
    `\nEvery finding above came from a real request (the full list is in ${output}), judged by the rules of \`truestatus analyze\`.\nHTML reports: ${pages.map(([f]) => f).join(", ")}\nDone in ${s} s; both APIs and the quote service are stopped.\n` +
      `Probe your own API: truestatus probe http://127.0.0.1:3000 --openapi openapi.yaml --auth "Bearer …" --auth-other "Bearer …"\n`,
  );
  return EXIT.ok;
}
