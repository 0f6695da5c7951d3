import Boom from "@hapi/boom";
import express from "express";
import createError from "http-errors";
import {
  jsonBody,
  requireAuth,
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
  type Identity,
  listening,
  orderSchema,
  placeOrder,
  type Started,
  THROWN_CONSTRUCTORS,
  verify,
} from "./domain.js";

export async function start(config: AppConfig): Promise<Started> {
  const app = express();
  if (config.softErrors) app.use(softErrors({ logger: config.log }));
  const auth = requireAuth<Identity>(verify);
  app.get("/me", auth, (req, res) => {
    // Typed: no cast, no global augmentation.
    const me: Identity = auth.identity(req);
    res.json({ id: me.id });
  });
  app.get("/orders", auth, (_req, res) => {
    res.json([]);
  });
  app.post(
    "/orders",
    auth,
    requireScope("orders:write"),
    jsonBody({ limit: BODY_LIMIT }),
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
  for (const [path, handler] of Object.entries(THROWN_CONSTRUCTORS)) app.get(path, handler);
  // A route that lets the request through: nothing answers it.
  app.get("/trap/fallthrough", (_req, _res, next) => next());
  app.get("/trap/identity-without-auth", (req, res) => {
    res.json(auth.identity(req));
  });
  app.get("/soft", (_req, res) => {
    res.json({ error: "card declined" });
  });
  app.use(
    truestatus({
      policy: config.policy ?? {},
      logger: config.log,
      ...(config.onFailure ? { onFailure: config.onFailure } : {}),
    }),
  );
  const server = app.listen(0, "127.0.0.1");
  const url = await listening(server);
  return { url, close: () => closing(server) };
}
