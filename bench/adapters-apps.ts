/**
 * The apps of the Emit figures, the same in every framework, bare or with truestatus installed.
 * Used over HTTP by bench/adapters-server.ts and in-process by bench/adapters-cpu.ts.
 *
 * Routes:
 *   GET /ok   → 200 {"ok":true}
 *   GET /401  → bare: the framework's own error for a 401; truestatus: HttpFailure(unauthenticated)
 *   GET /422  → bare: the framework's own error for a 422; truestatus: HttpFailure(unprocessable)
 *   GET /auth → truestatus only: requireAuth without credentials (the 401 through the framework's
 *               middleware / hook machinery; informative)
 */
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import createError from "http-errors";
import { HttpFailure, unauthenticated, unprocessable } from "../packages/truestatus/src/index.js";
import * as tsExpress from "../packages/truestatus/src/server/express.js";
import * as tsFastify from "../packages/truestatus/src/server/fastify.js";
import * as tsHono from "../packages/truestatus/src/server/hono.js";

export type Variant = "bare" | "truestatus";
const verify = (token: string) => (token === "good" ? { id: "1" } : null);
const RULE = "An order holds at most 100 items.";

export function expressApp(variant: Variant): express.Express {
  const app = express();
  app.get("/ok", (_req, res) => {
    res.json({ ok: true });
  });
  if (variant === "truestatus") {
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
  return app;
}

export async function fastifyApp(variant: Variant) {
  const app = Fastify({ logger: false });
  if (variant === "truestatus") await app.register(tsFastify.truestatus);
  app.get("/ok", async () => ({ ok: true }));
  if (variant === "truestatus") {
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
  await app.ready();
  return app;
}

export function honoApp(variant: Variant): Hono {
  const app = new Hono();
  app.get("/ok", (c) => c.json({ ok: true }));
  if (variant === "truestatus") {
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
  return app;
}

/** The routes compared, the same in both benches: bare path vs truestatus path. */
export interface Route {
  readonly label: string;
  readonly bare: string;
  readonly truestatus: string;
  readonly status: number;
  /** Minimum ratio; undefined: informative only. */
  readonly target?: number;
}

export const ROUTES: readonly Route[] = [
  { label: "success 200", bare: "/ok", truestatus: "/ok", status: 200, target: 0.97 },
  {
    label: "error 401 (thrown in the handler)",
    bare: "/401",
    truestatus: "/401",
    status: 401,
    target: 1,
  },
  {
    label: "error 422 (thrown in the handler)",
    bare: "/422",
    truestatus: "/422",
    status: 422,
    target: 1,
  },
  {
    label: "401 via requireAuth vs the bare 401 (info)",
    bare: "/401",
    truestatus: "/auth",
    status: 401,
  },
];

/** `--name=value` of the command line, as a number. */
export function flag(name: string, fallback: number): number {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? Number(hit.slice(name.length + 3)) : fallback;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** PASS / FAIL of a median ratio against a route's target ("info" without one). */
export function verdict(route: Route, ratio: number): string {
  if (route.target === undefined) return "info";
  return ratio >= route.target ? "PASS" : "FAIL";
}
