/**
 * One server of bench/adapters.ts: `node --import tsx bench/adapters-server.ts <framework> <variant>`
 * with framework express | fastify | hono and variant bare | truestatus. Prints its URL on stdout.
 *
 * Routes (the same in every server):
 *   GET /ok   → 200 {"ok":true}
 *   GET /401  → bare: the framework's own error for a 401; truestatus: HttpFailure(unauthenticated)
 *   GET /auth → truestatus only: requireAuth without credentials (the 401 through the framework's
 *               middleware / hook machinery; informative)
 *   GET /422  → bare: the framework's own error for a 422; truestatus: HttpFailure(unprocessable)
 */

import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import createError from "http-errors";
import { HttpFailure, unauthenticated, unprocessable } from "../src/index.js";
import * as tsExpress from "../src/server/express.js";
import * as tsFastify from "../src/server/fastify.js";
import * as tsHono from "../src/server/hono.js";

const [framework, variant] = process.argv.slice(2);
const withTs = variant === "truestatus";
const verify = (token: string) => (token === "good" ? { id: "1" } : null);
const RULE = "An order holds at most 100 items.";

function ready(server: Server): void {
  server.once("listening", () => {
    process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
  });
}

if (framework === "express") {
  const app = express();
  app.get("/ok", (_req, res) => {
    res.json({ ok: true });
  });
  if (withTs) {
    app.get("/401", () => {
      throw new HttpFailure(unauthenticated());
    });
    app.get("/auth", tsExpress.requireAuth(verify), (_req, res) => {
      res.json({ ok: true });
    });
    app.get("/422", () => {
      throw new HttpFailure(unprocessable({ detail: RULE }));
    });
    app.use(tsExpress.truestatus());
  } else {
    app.get("/401", (_req, _res, next) => next(createError(401)));
    app.get("/422", (_req, _res, next) => next(createError(422, RULE)));
  }
  ready(app.listen(0, "127.0.0.1"));
} else if (framework === "fastify") {
  const app = Fastify({ logger: false });
  if (withTs) await app.register(tsFastify.truestatus);
  app.get("/ok", async () => ({ ok: true }));
  if (withTs) {
    app.get("/401", async () => {
      throw new HttpFailure(unauthenticated());
    });
    app.get("/auth", { onRequest: tsFastify.requireAuth(verify) }, async () => ({ ok: true }));
    app.get("/422", async () => {
      throw new HttpFailure(unprocessable({ detail: RULE }));
    });
  } else {
    app.get("/401", async () => {
      throw Object.assign(new Error("Unauthorized"), { statusCode: 401 });
    });
    app.get("/422", async () => {
      throw Object.assign(new Error(RULE), { statusCode: 422 });
    });
  }
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  process.stdout.write(`${url}\n`);
} else if (framework === "hono") {
  const app = new Hono();
  app.get("/ok", (c) => c.json({ ok: true }));
  if (withTs) {
    app.get("/401", () => {
      throw new HttpFailure(unauthenticated());
    });
    app.get("/auth", tsHono.requireAuth(verify), (c) => c.json({ ok: true }));
    app.get("/422", () => {
      throw new HttpFailure(unprocessable({ detail: RULE }));
    });
    tsHono.truestatus(app);
  } else {
    app.get("/401", () => {
      throw new HTTPException(401);
    });
    app.get("/422", () => {
      throw new HTTPException(422, { message: RULE });
    });
  }
  ready(serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }) as Server);
} else {
  console.error(`unknown framework ${framework}`);
  process.exitCode = 2;
}
