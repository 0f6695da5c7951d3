/**
 * What a new user writes type-checks under --strict, against the built package as a user installs
 * it (`truestatus/*` resolved from node_modules) with the real frameworks' types: each module here
 * is a line of the orders API that did not compile (issue 16's trial, second pass).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = new URL("../../../../", import.meta.url).pathname;
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");

// Inside the repository, so that truestatus and the frameworks resolve from its node_modules.
const dir = mkdtempSync(join(ROOT, ".types-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MODULES: Readonly<Record<string, string>> = {
  // requireAuth, requireScope, requireContentType, jsonBody and softErrors typed as Express's
  // RequestHandler pinned the route's parameters to ParamsDictionary: req.params.id was
  // `string | string[]` (TS2322) in every route they guard.
  "express-route-params": `
import express from "express";
import { jsonBody, requireAuth, requireContentType, requireScope, softErrors, truestatus } from "truestatus/express";

interface User { readonly id: string; readonly scopes: readonly string[] }
const app = express();
app.use(softErrors());
const auth = requireAuth<User>(() => null);
app.get("/orders/:id", auth, requireScope("orders:read"), (req, res) => {
  const id: string = req.params.id;
  const me: User = auth.identity(req);
  res.json({ id, owner: me.id });
});
app.post("/orders/:id/items", auth, requireContentType("application/json"), jsonBody({ limit: 1024 }), (req, res) => {
  const id: string = req.params.id;
  res.status(201).json({ id, body: req.body as unknown });
});
const router = express.Router();
router.get("/:sku", auth, (req, res) => {
  const sku: string = req.params.sku;
  res.json({ sku, by: auth.identity(req).id });
});
app.use("/items", auth, router);
app.use(truestatus());
`,
  // fastifyRateLimit in a route's options: its request type was inferred as never (TS2322).
  "fastify-route-rate-limit": `
import Fastify from "fastify";
import { fastifyRateLimit } from "truestatus/ratelimit";

const app = Fastify();
app.get("/a", { onRequest: fastifyRateLimit({ limit: 2, window: 60 }) }, async () => ({}));
app.get<{ Params: { id: string } }>(
  "/b/:id",
  { onRequest: [fastifyRateLimit({ limit: 2, window: 60 }, { key: (request) => request.ip })] },
  async (request) => ({ id: request.params.id }),
);
app.addHook(
  "onRequest",
  fastifyRateLimit({ limit: 100, window: 60 }, { key: (request) => String(request.headers["x-api-key"] ?? request.ip) }),
);
`,
  // The body @hono/zod-validator reads, read truthfully first.
  "hono-json-body": `
import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import { jsonBody, truestatus, validationHook } from "truestatus/hono";
import { z } from "zod";

const Order = z.object({ sku: z.string().min(1), qty: z.number().int().min(1) });
const app = new Hono();
app.post("/orders", jsonBody({ limit: 1024 }), zValidator("json", Order, validationHook), (c) => {
  const order: { sku: string; qty: number } = c.req.valid("json");
  return c.json(order, 201);
});
truestatus(app);
`,
};

describe("a new user's code type-checks (tsc --strict, the built package)", () => {
  const names = Object.keys(MODULES);
  for (const name of names)
    writeFileSync(join(dir, `${name}.ts`), `${MODULES[name]}\nexport {};\n`);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        target: "es2022",
        module: "nodenext",
        moduleResolution: "nodenext",
        noEmit: true,
        skipLibCheck: true,
        types: ["node"],
      },
      include: ["*.ts"],
    }),
  );
  const run = () =>
    spawnSync(process.execPath, [TSC, "-p", "tsconfig.json"], { cwd: dir, encoding: "utf8" });
  let result: ReturnType<typeof run> | undefined;

  it.each(names)(
    "%s",
    (name) => {
      result ??= run();
      const errors = (result.stdout + result.stderr)
        .split("\n")
        .filter((l) => l.startsWith(`${name}.ts(`));
      expect(errors).toEqual([]);
    },
    120_000,
  );
});
