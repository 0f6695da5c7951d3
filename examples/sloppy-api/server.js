/**
 * sloppy-api: the same small shop API as examples/fixed-api (users, sessions with bearer tokens,
 * orders with state transitions, a shipping quote from an upstream service), written the way many
 * real APIs are: it commits every status-code misuse truestatus detects, on purpose.
 *
 *   1. 200 with {"error": …}            GET /orders/{unknown id}
 *   2. 403 for a missing token          any secured route without Authorization
 *   3. 401 without WWW-Authenticate     a token it does not know
 *   4. 400 for a duplicate              POST /users with an email that exists
 *   5. 500 on malformed JSON            any body that is not JSON (whatever its Content-Type)
 *   6. 500 when its upstream times out  POST /orders while the quote service hangs
 *   7. 429 without Retry-After          GET /orders more than 8 times in 2 s
 *   8. 404 for a wrong method           Express' default for a method the path lacks
 *   9. stack traces in 5xx              every 500 carries err.stack
 *  10. another user's order for 200     GET /orders/{id} never checks the owner
 *
 * Never run it anywhere but a test or the demo. Programmatic: `startSloppyApi({ port: 0, upstreamUrl })`.
 */
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import express from "express";

const TRANSITIONS = {
  pay: { from: ["placed"], to: "paid" },
  ship: { from: ["paid"], to: "shipped" },
  cancel: { from: ["placed", "paid"], to: "cancelled" },
};

/**
 * @param {{ port?: number, host?: string, upstreamUrl: string, quoteTimeoutMs?: number }} config
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function startSloppyApi(config) {
  const users = new Map(); // email → { id, email, name, password }
  const sessions = new Map(); // token → userId
  const orders = new Map();
  const hits = new Map(); // token → { windowStart, count }
  let nextId = 1;

  const app = express();
  // Reads every body as text and parses it by hand: a parse error becomes a 500 below.
  app.use(express.text({ type: () => true, limit: "16kb" }));
  const body = (req) => (req.body === undefined || req.body === "" ? {} : JSON.parse(req.body));

  function auth(req, res, next) {
    const header = req.headers.authorization;
    if (!header) return res.status(403).json({ error: "Forbidden" });
    const userId = sessions.get(header.replace(/^Bearer\s+/i, ""));
    if (!userId) return res.status(401).json({ error: "Invalid token" });
    req.userId = userId;
    next();
  }

  function limit(req, res, next) {
    const now = Date.now();
    let h = hits.get(req.userId);
    if (!h || now - h.windowStart > 2000) {
      h = { windowStart: now, count: 0 };
      hits.set(req.userId, h);
    }
    if (++h.count > 8) return res.status(429).json({ error: "Too many requests, slow down" });
    next();
  }

  app.post("/users", (req, res) => {
    const input = body(req);
    if (!input.email || !input.password)
      return res.status(400).json({ error: "email and password are required" });
    if (users.has(input.email)) return res.status(400).json({ error: "User already exists" });
    const user = {
      id: `u${nextId++}`,
      email: input.email,
      name: input.name,
      password: input.password,
    };
    users.set(user.email, user);
    res.status(201).json({ id: user.id, email: user.email, name: user.name });
  });

  app.post("/sessions", (req, res) => {
    const input = body(req);
    const user = users.get(input.email);
    if (!user || user.password !== input.password)
      return res.status(401).json({ error: "Wrong email or password" });
    const token = randomBytes(24).toString("base64url");
    sessions.set(token, user.id);
    res.status(201).json({ token, tokenType: "Bearer" });
  });

  app.get("/users/me", auth, (req, res) => {
    const user = [...users.values()].find((u) => u.id === req.userId);
    res.json({ id: user.id, email: user.email, name: user.name });
  });

  app.get("/orders", auth, limit, (req, res) => {
    res.json([...orders.values()].filter((o) => o.userId === req.userId));
  });

  app.post("/orders", auth, async (req, res, next) => {
    try {
      const input = body(req);
      const quantity = (input.items ?? []).reduce((n, i) => n + i.qty, 0);
      const r = await fetch(new URL(`/quote?items=${quantity}`, config.upstreamUrl), {
        signal: AbortSignal.timeout(config.quoteTimeoutMs ?? 1000),
      });
      const { price } = await r.json();
      const order = {
        id: `o${nextId++}`,
        userId: req.userId,
        items: input.items,
        shipping: price,
        state: "placed",
      };
      orders.set(order.id, order);
      res.status(201).json(order);
    } catch (err) {
      next(err);
    }
  });

  app.get("/orders/:id", auth, (req, res) => {
    const order = orders.get(req.params.id);
    if (!order) return res.json({ error: "Order not found" });
    res.json(order);
  });

  for (const [action, t] of Object.entries(TRANSITIONS)) {
    app.post(`/orders/:id/${action}`, auth, (req, res) => {
      const order = orders.get(req.params.id);
      if (!order) return res.json({ error: "Order not found" });
      if (!t.from.includes(order.state))
        return res.status(400).json({ error: `Order is already ${order.state}` });
      order.state = t.to;
      res.json(order);
    });
  }

  // The classic: whatever went wrong, a 500 with the stack trace.
  app.use((err, _req, res, _next) => {
    res.status(500).json({ error: err.message, stack: err.stack });
  });

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

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const api = await startSloppyApi({
    port: Number(process.env.PORT ?? 3001),
    upstreamUrl: process.env.UPSTREAM_URL ?? "http://127.0.0.1:4000",
  });
  console.log(`sloppy-api listening on ${api.url}`);
}
