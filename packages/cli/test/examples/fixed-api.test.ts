/** examples/fixed-api, started as the demo will start it, against a real upstream on 127.0.0.1. */
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain JavaScript example, imported as users run it.
import { startFixedApi } from "../../../../examples/fixed-api/server.js";
import { closing, listening } from "../../../truestatus/test/server/apps/domain.js";

let mode: "ok" | "down" = "ok";
let upstream: Server;
let api: { url: string; close(): Promise<void> };
const logged: { status?: number; instance?: string }[] = [];

async function call(method: string, path: string, body?: unknown, token?: string) {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(api.url + path, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { res, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

beforeAll(async () => {
  upstream = createServer((req, res) => {
    if (mode === "down") {
      res.writeHead(503, { "retry-after": "30" }).end();
      return;
    }
    const items = Number(new URL(req.url ?? "/", "http://x").searchParams.get("items"));
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ price: 5 * items }));
  });
  upstream.listen(0, "127.0.0.1");
  const upstreamUrl = await listening(upstream);
  api = await startFixedApi({ port: 0, upstreamUrl, logger: (e: never) => logged.push(e) });
});

afterAll(async () => {
  await api.close();
  if (upstream.listening) await closing(upstream);
});

describe("fixed-api", () => {
  let token = "";
  let orderId = "";

  it("registers a user; a duplicate is a 422, a bad email a 400 with a pointer", async () => {
    const user = { email: "ada@example.com", name: "Ada", password: "correct horse" };
    expect((await call("POST", "/users", user)).res.status).toBe(201);
    const dup = await call("POST", "/users", user);
    expect(dup.res.status).toBe(422);
    expect(dup.body?.type).toBe(
      "https://github.com/truestatus/truestatus/blob/main/docs/problems.md#duplicate",
    );
    const bad = await call("POST", "/users", { ...user, email: "nope" });
    expect(bad.res.status).toBe(400);
    expect(bad.body?.errors).toEqual([expect.objectContaining({ pointer: "/email" })]);
  });

  it("logs in: a wrong password is a 401 with a challenge; the right one gives a token", async () => {
    const wrong = await call("POST", "/sessions", { email: "ada@example.com", password: "x" });
    expect(wrong.res.status).toBe(401);
    expect(wrong.res.headers.get("www-authenticate")).toMatch(
      /^Bearer realm="shop", error="invalid_token"/,
    );
    const ok = await call("POST", "/sessions", {
      email: "ada@example.com",
      password: "correct horse",
    });
    expect(ok.res.status).toBe(201);
    token = ok.body?.token as string;
    expect(token.length).toBeGreaterThan(20);
  });

  it("orders need a token: 401 without one", async () => {
    const r = await call("GET", "/orders");
    expect(r.res.status).toBe(401);
    expect(r.res.headers.get("www-authenticate")).toBe('Bearer realm="shop"');
  });

  it("places an order priced by the upstream", async () => {
    const r = await call("POST", "/orders", { items: [{ sku: "BOOK", qty: 3 }] }, token);
    expect(r.res.status).toBe(201);
    expect(r.body).toMatchObject({ shipping: 15, state: "placed" });
    orderId = r.body?.id as string;
  });

  it("state transitions: shipping an unpaid order is a 422 invalid-state", async () => {
    const early = await call("POST", `/orders/${orderId}/ship`, undefined, token);
    expect(early.res.status).toBe(422);
    expect(early.body).toMatchObject({
      type: "https://github.com/truestatus/truestatus/blob/main/docs/problems.md#invalid-state",
      state: "placed",
      allowedFrom: ["paid"],
    });
    expect((await call("POST", `/orders/${orderId}/pay`, undefined, token)).res.status).toBe(200);
    expect((await call("POST", `/orders/${orderId}/ship`, undefined, token)).res.status).toBe(200);
    expect((await call("POST", `/orders/${orderId}/cancel`, undefined, token)).res.status).toBe(
      422,
    );
  });

  it("unknown order → 404; wrong method → 405 with Allow", async () => {
    expect((await call("GET", "/orders/o999", undefined, token)).res.status).toBe(404);
    const r = await call("PUT", "/orders", undefined, token);
    expect(r.res.status).toBe(405);
    expect(r.res.headers.get("allow")).toBe("GET, HEAD, POST, OPTIONS");
  });

  it("the upstream's 503 is a 503 with Proxy-Status; a refused connection a 502", async () => {
    mode = "down";
    const down = await call("POST", "/orders", { items: [{ sku: "BOOK", qty: 1 }] }, token);
    expect(down.res.status).toBe(503);
    expect(down.res.headers.get("proxy-status")).toMatch(/^truestatus;.*received-status=503/);
    await closing(upstream);
    const gone = await call("POST", "/orders", { items: [{ sku: "BOOK", qty: 1 }] }, token);
    expect(gone.res.status).toBe(502);
    expect(gone.res.headers.get("proxy-status")).toBe("truestatus;error=connection_refused");
    expect(logged.map((e) => e.instance)).toContain(gone.body?.instance);
  });
});
