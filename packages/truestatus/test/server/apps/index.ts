/** The same API in every framework, each started on 127.0.0.1 with an ephemeral port. */
import { start as startExpress } from "./express.js";
import { start as startFastify } from "./fastify.js";
import { start as startHono } from "./hono.js";
import { start as startKoa } from "./koa.js";
import { start as startNest } from "./nestjs.js";
import { start as startNode } from "./node.js";

export const ADAPTERS = {
  express: startExpress,
  fastify: startFastify,
  hono: startHono,
  koa: startKoa,
  nestjs: startNest,
  node: startNode,
} as const;
