import type { Server } from "node:http";
import Boom from "@hapi/boom";
import Router from "@koa/router";
import createError from "http-errors";
import Koa from "koa";
import { readJson, requireAuth, requireScope, truestatus } from "../../../src/server/koa.js";
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
  const app = new Koa();
  app.silent = true;
  app.use(
    truestatus({
      policy: config.policy ?? {},
      logger: config.log,
      softErrors: config.softErrors === true,
      ...(config.onFailure ? { onFailure: config.onFailure } : {}),
    }),
  );
  const router = new Router();
  const auth = requireAuth<Identity>(verify);
  router.get("/me", auth, (ctx) => {
    const me: Identity = auth.identity(ctx);
    ctx.body = { id: me.id };
  });
  router.get("/orders", auth, (ctx) => {
    ctx.body = [];
  });
  router.post("/orders", auth, requireScope("orders:write"), async (ctx) => {
    const input = orderSchema.parse(await readJson(ctx, { limit: BODY_LIMIT }));
    ctx.status = 201;
    ctx.body = placeOrder(input);
  });
  router.get("/throw/http-errors", () => {
    throw createError(410, "This order was archived.");
  });
  router.get("/throw/boom", () => {
    throw Boom.conflict("The order has already shipped.");
  });
  router.get("/upstream/refused", async (ctx) => {
    ctx.body = await callUpstream(config.refusedUrl);
  });
  router.get("/upstream/timeout", async (ctx) => {
    ctx.body = await callUpstream(config.hangingUrl);
  });
  router.get("/crash", () => crash());
  router.get("/soft", (ctx) => {
    ctx.body = { error: "card declined" };
  });
  for (const [path, handler] of Object.entries(THROWN_CONSTRUCTORS)) router.get(path, handler);
  // A route that answers nothing: Koa's own answer would be "404 Not Found" as text.
  router.get("/trap/fallthrough", async (_ctx, next) => next());
  router.get("/trap/identity-without-auth", (ctx) => {
    ctx.body = auth.identity(ctx);
  });
  app.use(router.routes());
  const server = app.listen(0, "127.0.0.1") as Server;
  const url = await listening(server);
  return { url, close: () => closing(server) };
}
