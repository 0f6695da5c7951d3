/**
 * fixed-api: a small shop API (users, sessions with bearer tokens, orders with state transitions,
 * a shipping-quote call to an upstream service) written with truestatus/express. Every failure is
 * answered with the status, headers and RFC 9457 problem body it deserves.
 *
 *   npm run build && node examples/fixed-api/server.js        # PORT=3000 UPSTREAM_URL=http://…
 *
 * Programmatic: `const api = await startFixedApi({ port: 0, upstreamUrl })` → `{ url, close }`.
 */
import { randomBytes, scryptSync, timingSafeEqual } from "node:crypto";
import { pathToFileURL } from "node:url";
import express from "express";
import { HttpFailure, internal, notFound, unauthenticated, unprocessable } from "truestatus";
import { jsonBody, requireAuth, requireScope, softErrors, truestatus } from "truestatus/express";
import { classifyUpstream } from "truestatus/upstream";
import { z } from "zod";

const NewUser = z.object({
  email: z.string().email(),
  name: z.string().min(1).max(100),
  password: z.string().min(8).max(200),
});
const Login = z.object({ email: z.string(), password: z.string() });
const NewOrder = z.object({
  items: z
    .array(z.object({ sku: z.string().min(1), qty: z.number().int().min(1).max(100) }))
    .min(1),
});

/** Order states and the transitions each action may make. */
const TRANSITIONS = {
  pay: { from: ["placed"], to: "paid" },
  ship: { from: ["paid"], to: "shipped" },
  cancel: { from: ["placed", "paid"], to: "cancelled" },
};

function hash(password, salt = randomBytes(16)) {
  return { salt, key: scryptSync(password, salt, 32) };
}

/**
 * Starts the API. `upstreamUrl` is the shipping-quote service (GET /quote?items=N → {"price": n}).
 * @param {{ port?: number, host?: string, upstreamUrl: string, development?: boolean,
 *           logger?: (entry: object) => void }} config
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function startFixedApi(config) {
  const users = new Map(); // email → { id, email, name, salt, key }
  const sessions = new Map(); // token → { userId, scopes }
  const orders = new Map(); // id → { id, userId, items, shipping, state }
  let nextId = 1;

  const app = express();
  app.disable("x-powered-by");
  if (config.development) app.use(softErrors({ logger: config.logger }));
  // 415 for another media type, 413 over 16 KiB, 400 for bytes that are not UTF-8 or not JSON.
  const json = jsonBody({ limit: 16_384 });
  const auth = requireAuth((token) => sessions.get(token) ?? null);

  app.post("/users", json, (req, res) => {
    const input = NewUser.parse(req.body);
    if (users.has(input.email)) {
      throw unprocessable({ reason: "duplicate", detail: "An account with this email exists." });
    }
    const user = {
      id: `u${nextId++}`,
      email: input.email,
      name: input.name,
      ...hash(input.password),
    };
    users.set(user.email, user);
    res
      .status(201)
      .location(`/users/${user.id}`)
      .json({ id: user.id, email: user.email, name: user.name });
  });

  app.post("/sessions", json, (req, res) => {
    const input = Login.parse(req.body);
    const user = users.get(input.email);
    const ok = user && timingSafeEqual(hash(input.password, user.salt).key, user.key);
    if (!ok) {
      throw unauthenticated({ reason: "invalid", detail: "The email or the password is wrong." });
    }
    const token = randomBytes(24).toString("base64url");
    sessions.set(token, { userId: user.id, scopes: ["orders:read", "orders:write"] });
    res.status(201).json({ token, tokenType: "Bearer" });
  });

  app.delete("/sessions/current", auth, (req, res) => {
    sessions.delete(req.headers.authorization.slice("Bearer ".length).trim());
    res.status(204).end();
  });

  app.get("/users/me", auth, (req, res) => {
    const user = [...users.values()].find((u) => u.id === auth.identity(req).userId);
    res.json({ id: user.id, email: user.email, name: user.name });
  });

  app.get("/orders", auth, requireScope("orders:read"), (req, res) => {
    res.json([...orders.values()].filter((o) => o.userId === auth.identity(req).userId));
  });

  app.post("/orders", auth, requireScope("orders:write"), json, async (req, res) => {
    const input = NewOrder.parse(req.body);
    const quantity = input.items.reduce((n, i) => n + i.qty, 0);
    const shipping = await quote(config.upstreamUrl, quantity);
    const order = {
      id: `o${nextId++}`,
      userId: auth.identity(req).userId,
      items: input.items,
      shipping,
      state: "placed",
    };
    orders.set(order.id, order);
    res.status(201).location(`/orders/${order.id}`).json(order);
  });

  function ownOrder(req) {
    const order = orders.get(req.params.id);
    // Another user's order is answered like a missing one: its existence is not theirs to know.
    if (!order || order.userId !== auth.identity(req).userId) throw notFound();
    return order;
  }

  app.get("/orders/:id", auth, requireScope("orders:read"), (req, res) => {
    res.json(ownOrder(req));
  });

  for (const [action, t] of Object.entries(TRANSITIONS)) {
    app.post(`/orders/:id/${action}`, auth, requireScope("orders:write"), (req, res) => {
      const order = ownOrder(req);
      if (!t.from.includes(order.state)) {
        throw unprocessable({
          reason: "invalid_state",
          detail: `A ${order.state} order cannot be ${t.to}.`,
          extensions: { state: order.state, allowedFrom: t.from },
        });
      }
      order.state = t.to;
      res.json(order);
    });
  }

  app.use(
    truestatus({
      policy: { realm: "shop", exposeInternals: config.development === true },
      logger: config.logger,
    }),
  );

  const server = app.listen(config.port ?? 0, config.host ?? "127.0.0.1");
  await new Promise((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const { port } = server.address();
  return {
    url: `http://${config.host ?? "127.0.0.1"}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The shipping quote: network errors and the upstream's own 5xx become 502/503/504. */
async function quote(upstreamUrl, items) {
  const res = await fetch(new URL(`/quote?items=${items}`, upstreamUrl), {
    signal: AbortSignal.timeout(2000),
  });
  if (!res.ok) {
    await res.body?.cancel();
    throw new HttpFailure(
      classifyUpstream(res) ?? internal({ detail: "The quote service refused the request." }),
    );
  }
  const body = await res.json();
  return body.price;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const api = await startFixedApi({
    port: Number(process.env.PORT ?? 3000),
    upstreamUrl: process.env.UPSTREAM_URL ?? "http://127.0.0.1:4000",
    development: process.env.NODE_ENV === "development",
  });
  console.log(`fixed-api listening on ${api.url}`);
}
