/** 405 + Allow come from each framework's own route table, mounted routers and prefixes included. */

import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import {
  routeMethods as expressMethods,
  truestatus as expressTs,
} from "../../src/server/express.js";
import { truestatus as fastifyTs } from "../../src/server/fastify.js";
import { routeMethods as honoMethods, truestatus as honoTs } from "../../src/server/hono.js";
import { closing, listening } from "./apps/domain.js";

describe("Express: mounted routers", () => {
  it("finds the methods of a route in a router mounted under a prefix", async () => {
    const app = express();
    const api = express.Router();
    api.get("/items/:id", (_req, res) => res.end());
    api.delete("/items/:id", (_req, res) => res.end());
    app.use("/api", api);
    app.use(expressTs());
    expect(expressMethods(app, "/api/items/7").sort()).toEqual(["delete", "get"]);
    expect(expressMethods(app, "/api/items")).toEqual([]);
    const server = app.listen(0, "127.0.0.1");
    const url = await listening(server);
    try {
      const res = await fetch(`${url}/api/items/7`, { method: "POST" });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("GET, HEAD, DELETE, OPTIONS");
      const missing = await fetch(`${url}/api/nothing`);
      expect(missing.status).toBe(404);
    } finally {
      await closing(server);
    }
  });
});

describe("Fastify: prefixed plugins", () => {
  it("finds routes registered under a prefix", async () => {
    const app = Fastify();
    await app.register(fastifyTs);
    await app.register(
      async (scope) => {
        scope.put("/items/:id", async () => ({}));
      },
      { prefix: "/v1" },
    );
    const res = await app.inject({ method: "GET", url: "/v1/items/3?x=1" });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe("PUT, OPTIONS");
    const options = await app.inject({ method: "OPTIONS", url: "/v1/items/3" });
    expect(options.statusCode).toBe(204);
    expect(options.headers.allow).toBe("PUT, OPTIONS");
    await app.close();
  });
});

describe("Hono: sub-apps", () => {
  it("finds routes of an app mounted with app.route(), ignoring middleware", async () => {
    const app = new Hono();
    const items = new Hono();
    items.patch("/:id", (c) => c.text("ok"));
    app.use("*", async (_c, next) => next());
    app.route("/items", items);
    honoTs(app);
    expect(honoMethods(app as never, "/items/1")).toEqual(["PATCH"]);
    expect(honoMethods(app as never, "/elsewhere")).toEqual([]);
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }) as Server;
    const url = await listening(server);
    try {
      const res = await fetch(`${url}/items/1`, { method: "DELETE" });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("PATCH, OPTIONS");
      // Web-standard: the same app answers through fetch() without a server.
      const direct = await app.request("/elsewhere");
      expect(direct.status).toBe(404);
      expect(direct.headers.get("content-type")).toBe("application/problem+json");
    } finally {
      await closing(server);
    }
  });
});
