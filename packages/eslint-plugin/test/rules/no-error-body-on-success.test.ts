import rule from "../../src/rules/no-error-body-on-success.js";
import { ruleTester } from "../rule-tester.js";

const e = [{ messageId: "softError" as const }];

ruleTester.run("no-error-body-on-success", rule, {
  valid: [
    `app.get("/x", (req, res) => res.status(404).json({ error: "not found" }));`,
    `app.get("/x", (req, res) => { res.status(500); res.json({ error: "boom" }); });`,
    `app.use((err, req, res, next) => { res.status(err.status || 500); res.json({ error: err.message }); });`,
    `app.get("/x", (req, res) => res.json({ data: rows, error: null }));`,
    `app.get("/x", (req, res) => res.json({ success: true, data: rows }));`,
    `fastify.get("/x", async (req, reply) => reply.code(400).send({ error: "bad" }));`,
    `app.get("/x", (c) => c.json({ error: "bad input" }, 400));`,
    `router.get("/x", (ctx) => { ctx.status = 422; ctx.body = { errors: ["name"] }; });`,
    `class C { @Get() @HttpCode(400) x() { return { error: "bad" }; } }`,
    `class C { helper() { return { error: "not a route" }; } }`,
    `const r = await fetch(url); const body = await r.json();`,
  ],
  invalid: [
    {
      code: `app.get("/x", (req, res) => { if (!row) return res.json({ error: "not found" }); res.json(row); });`,
      errors: e,
    },
    {
      code: `app.post("/x", (req, res) => res.status(200).send({ success: false, message: "duplicate" }));`,
      errors: e,
    },
    {
      code: `fastify.post("/x", async (req, reply) => reply.send({ ok: false, reason: "quota" }));`,
      errors: e,
    },
    { code: `app.get("/x", (c) => c.json({ error: "Unauthorized" }));`, errors: e },
    {
      code: `app.get("/x", (c) => c.json({ status: "error", message: "db down" }, 200));`,
      errors: e,
    },
    { code: `router.get("/x", (ctx) => { ctx.body = { error: "not found" }; });`, errors: e },
    {
      code: `class C { @Post() create() { try { return save(); } catch (e) { return { success: false, error: e.message }; } } }`,
      errors: e,
    },
    {
      code: `app.get("/x", (req, res) => res.json({ statusCode: 404, message: "gone" }));`,
      errors: e,
    },
  ],
});
