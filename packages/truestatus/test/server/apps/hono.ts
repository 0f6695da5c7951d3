import type { Server } from "node:http";
import Boom from "@hapi/boom";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import createError from "http-errors";
import {
  readJson,
  requireAuth,
  requireScope,
  softErrors,
  truestatus,
} from "../../../src/server/hono.js";
import {
  type AppConfig,
  BODY_LIMIT,
  callUpstream,
  closing,
  crash,
  type Identity,
  listening,
  orderSchema,
  placeOrder,
  type Started,
  THROWN_CONSTRUCTORS,
  verify,
} from "./domain.js";

export async function start(config: AppConfig): Promise<Started> {
  const app = new Hono<{ Variables: { auth: Identity } }>();
  if (config.softErrors) app.use(softErrors({ logger: config.log }));
  const auth = requireAuth(verify);
  app.get("/me", auth, (c) => c.json({ id: c.get("auth").id }));
  app.get("/orders", auth, (c) => c.json([]));
  app.post("/orders", auth, requireScope("orders:write"), async (c) => {
    const input = orderSchema.parse(await readJson(c, { limit: BODY_LIMIT }));
    return c.json(placeOrder(input), 201);
  });
  app.get("/throw/http-errors", () => {
    throw createError(410, "This order was archived.");
  });
  app.get("/throw/boom", () => {
    throw Boom.conflict("The order has already shipped.");
  });
  app.get("/upstream/refused", async (c) => c.json(await callUpstream(config.refusedUrl)));
  app.get("/upstream/timeout", async (c) => c.json(await callUpstream(config.hangingUrl)));
  app.get("/crash", () => crash());
  for (const [path, handler] of Object.entries(THROWN_CONSTRUCTORS)) app.get(path, handler);
  // Hono has no fall-through to the not-found handler: a handler that answers nothing is an error.
  app.get("/trap/identity-without-auth", (c) => c.json(auth.identity(c)));
  app.get("/soft", (c) => c.json({ error: "card declined" }));
  truestatus(app, {
    policy: config.policy ?? {},
    logger: config.log,
    ...(config.onFailure ? { onFailure: config.onFailure } : {}),
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }) as Server;
  const url = await listening(server);
  return { url, close: () => closing(server) };
}
