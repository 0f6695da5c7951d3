import Boom from "@hapi/boom";
import Fastify from "fastify";
import createError from "http-errors";
import { requireAuth, requireScope, truestatus } from "../../../src/server/fastify.js";
import {
  type AppConfig,
  BODY_LIMIT,
  callUpstream,
  crash,
  type Identity,
  orderJsonSchema,
  placeOrder,
  type Started,
  THROWN_CONSTRUCTORS,
  verify,
} from "./domain.js";

export async function start(config: AppConfig): Promise<Started> {
  const app = Fastify({ logger: false });
  // A JSON API: no text/plain parser, so another media type is the 415 it is.
  app.removeContentTypeParser("text/plain");
  await app.register(truestatus, {
    policy: config.policy ?? {},
    logger: config.log,
    softErrors: config.softErrors === true,
    ...(config.onFailure ? { onFailure: config.onFailure } : {}),
  });
  const auth = requireAuth<Identity>(verify);
  app.get("/me", { onRequest: auth }, async (request) => {
    const me: Identity = auth.identity(request);
    return { id: me.id };
  });
  app.get("/orders", { onRequest: auth }, async () => []);
  app.post(
    "/orders",
    {
      onRequest: [auth, requireScope("orders:write")],
      bodyLimit: BODY_LIMIT,
      schema: { body: orderJsonSchema },
    },
    async (request, reply) => {
      reply.code(201);
      return placeOrder(request.body as { sku: string; qty: number });
    },
  );
  app.get("/throw/http-errors", async () => {
    throw createError(410, "This order was archived.");
  });
  app.get("/throw/boom", async () => {
    throw Boom.conflict("The order has already shipped.");
  });
  app.get("/upstream/refused", async () => callUpstream(config.refusedUrl));
  app.get("/upstream/timeout", async () => callUpstream(config.hangingUrl));
  app.get("/crash", async () => crash());
  for (const [path, handler] of Object.entries(THROWN_CONSTRUCTORS))
    app.get(path, async () => handler());
  app.get("/trap/fallthrough", async (_request, reply) => {
    reply.callNotFound();
    return reply;
  });
  app.get("/trap/identity-without-auth", async (request) => auth.identity(request));
  app.get("/soft", async (_request, reply) => {
    reply.send({ error: "card declined" });
  });
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  return {
    url,
    close: async () => {
      app.server.closeAllConnections();
      await app.close();
    },
  };
}
