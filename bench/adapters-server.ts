/**
 * One server of bench/adapters.ts: `node --import tsx bench/adapters-server.ts <framework> <variant>`
 * with framework express | fastify | hono and variant bare | truestatus (apps: adapters-apps.ts).
 * Prints its URL on stdout.
 */

import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { expressApp, fastifyApp, honoApp, type Variant } from "./adapters-apps.js";

const [framework, v] = process.argv.slice(2);
const variant = v as Variant;

function ready(server: Server): void {
  server.once("listening", () => {
    process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
  });
}

if (framework === "express") {
  ready(expressApp(variant).listen(0, "127.0.0.1"));
} else if (framework === "fastify") {
  const app = await fastifyApp(variant);
  process.stdout.write(`${await app.listen({ port: 0, host: "127.0.0.1" })}\n`);
} else if (framework === "hono") {
  ready(serve({ fetch: honoApp(variant).fetch, port: 0, hostname: "127.0.0.1" }) as Server);
} else {
  console.error(`unknown framework ${framework}`);
  process.exitCode = 2;
}
