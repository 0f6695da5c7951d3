/**
 * The processes of bench/gateway.ts, one per mode, each printing its port on stdout:
 *   upstream                      node:http answering a small JSON body (keep-alive)
 *   truestatus <upstreamPort> [metrics] [ratelimit]
 *   fastify-proxy <upstreamPort>  fastify + @fastify/http-proxy (undici inside), logger off
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

const [mode, upstreamPort, ...flags] = process.argv.slice(2);
const BODY = JSON.stringify({ id: 42, name: "truestatus", ok: true });

async function main(): Promise<void> {
  if (mode === "upstream") {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": BODY.length });
      res.end(BODY);
    });
    server.keepAliveTimeout = 60_000;
    server.listen(0, "127.0.0.1", () => console.log((server.address() as AddressInfo).port));
    return;
  }
  const target = `http://127.0.0.1:${upstreamPort}`;
  if (mode === "truestatus") {
    // The built gateway (npm run build), as `truestatus gateway` runs it; GATEWAY_FROM=src loads
    // the TypeScript sources through tsx instead.
    const from =
      process.env.GATEWAY_FROM === "src" ? "../packages/cli/src" : "../packages/cli/dist";
    const { checkConfig } = (await import(
      `${from}/gateway/config.js`
    )) as typeof import("../packages/cli/src/gateway/config.js");
    const { createGateway } = (await import(
      `${from}/gateway/server.js`
    )) as typeof import("../packages/cli/src/gateway/server.js");
    const gw = await createGateway(
      checkConfig({
        listen: { host: "127.0.0.1", port: 0 },
        metrics: { listen: "127.0.0.1:0" },
        upstreams: { app: { targets: [target] } },
        routes: [
          {
            path: "/",
            upstream: "app",
            ...(flags.includes("ratelimit")
              ? { rateLimit: { limit: 1_000_000_000, window: "1s", key: "ip" } }
              : {}),
          },
        ],
      }),
      { metrics: flags.includes("metrics") },
    );
    const { port } = await gw.listen(0, "127.0.0.1");
    console.log(port);
    process.once("SIGTERM", () => void gw.close());
    return;
  }
  if (mode === "fastify-proxy") {
    const { default: Fastify } = await import("fastify");
    const { default: proxy } = await import("@fastify/http-proxy");
    const app = Fastify({ logger: false });
    await app.register(proxy, { upstream: target });
    await app.listen({ port: 0, host: "127.0.0.1" });
    console.log((app.server.address() as AddressInfo).port);
    process.once("SIGTERM", () => void app.close());
    return;
  }
  throw new Error(`unknown mode ${mode}`);
}

await main();
