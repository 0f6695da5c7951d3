import Boom from "@hapi/boom";
import express from "express";
import createError from "http-errors";
import {
  requireAuth,
  requireContentType,
  requireScope,
  softErrors,
  truestatus,
} from "../../../src/server/express.js";
import {
  type AppConfig,
  BODY_LIMIT,
  callUpstream,
  closing,
  crash,
  listening,
  orderSchema,
  placeOrder,
  type Started,
  verify,
} from "./domain.js";

export async function start(config: AppConfig): Promise<Started> {
  const app = express();
  if (config.softErrors) app.use(softErrors({ logger: config.log }));
  const auth = requireAuth(verify);
  app.get("/me", auth, (req, res) => {
    res.json({ id: (req.auth as { id: string }).id });
  });
  app.get("/orders", auth, (_req, res) => {
    res.json([]);
  });
  app.post(
    "/orders",
    auth,
    requireScope("orders:write"),
    requireContentType("application/json"),
    express.json({ limit: BODY_LIMIT }),
    (req, res) => {
      res.status(201).json(placeOrder(orderSchema.parse(req.body)));
    },
  );
  app.get("/throw/http-errors", () => {
    throw createError(410, "This order was archived.");
  });
  app.get("/throw/boom", () => {
    throw Boom.conflict("The order has already shipped.");
  });
  app.get("/upstream/refused", async (_req, res) => {
    res.json(await callUpstream(config.refusedUrl));
  });
  app.get("/upstream/timeout", async (_req, res) => {
    res.json(await callUpstream(config.hangingUrl));
  });
  app.get("/crash", () => crash());
  app.get("/soft", (_req, res) => {
    res.json({ error: "card declined" });
  });
  app.use(truestatus({ policy: config.policy ?? {}, logger: config.log }));
  const server = app.listen(0, "127.0.0.1");
  const url = await listening(server);
  return { url, close: () => closing(server) };
}
