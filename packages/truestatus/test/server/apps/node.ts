import { createServer, type ServerResponse } from "node:http";
import Boom from "@hapi/boom";
import { Ajv } from "ajv";
import createError from "http-errors";
import { HttpFailure, notFound } from "../../../src/index.js";
import {
  byMethod,
  readJson,
  requireAuth,
  requireScope,
  truestatus,
} from "../../../src/server/node.js";
import {
  type AppConfig,
  BODY_LIMIT,
  callUpstream,
  closing,
  crash,
  type Identity,
  listening,
  orderJsonSchema,
  placeOrder,
  type Started,
  THROWN_CONSTRUCTORS,
  verify,
} from "./domain.js";

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

export async function start(config: AppConfig): Promise<Started> {
  const validate = new Ajv({ allErrors: true }).compile<{ sku: string; qty: number }>(
    orderJsonSchema,
  );
  const authenticate = requireAuth<Identity>(verify);
  const canWrite = requireScope("orders:write");
  const routes: Record<string, ReturnType<typeof byMethod>> = {
    "/me": byMethod({
      GET: async (req, res) => json(res, 200, { id: (await authenticate(req)).id }),
    }),
    "/orders": byMethod({
      GET: async (req, res) => {
        await authenticate(req);
        json(res, 200, []);
      },
      POST: async (req, res) => {
        canWrite(await authenticate(req));
        const body = await readJson(req, { limit: BODY_LIMIT });
        // Ajv's error objects, thrown as they are.
        if (!validate(body)) throw validate.errors;
        json(res, 201, placeOrder(body));
      },
    }),
    "/throw/http-errors": byMethod({
      GET: () => {
        throw createError(410, "This order was archived.");
      },
    }),
    "/throw/boom": byMethod({
      GET: () => {
        throw Boom.conflict("The order has already shipped.");
      },
    }),
    "/upstream/refused": byMethod({
      GET: async (_req, res) => json(res, 200, await callUpstream(config.refusedUrl)),
    }),
    "/upstream/timeout": byMethod({
      GET: async (_req, res) => json(res, 200, await callUpstream(config.hangingUrl)),
    }),
    "/crash": byMethod({ GET: () => crash() }),
    "/soft": byMethod({ GET: (_req, res) => json(res, 200, { error: "card declined" }) }),
  };
  for (const [path, handler] of Object.entries(THROWN_CONSTRUCTORS))
    routes[path] = byMethod({ GET: handler });
  const server = createServer(
    truestatus(
      (req, res) => {
        const route = routes[new URL(req.url ?? "/", "http://x").pathname];
        if (!route) throw new HttpFailure(notFound());
        return route(req, res);
      },
      {
        policy: config.policy ?? {},
        logger: config.log,
        softErrors: config.softErrors === true,
        ...(config.onFailure ? { onFailure: config.onFailure } : {}),
      },
    ),
  );
  server.listen(0, "127.0.0.1");
  const url = await listening(server);
  return { url, close: () => closing(server) };
}
