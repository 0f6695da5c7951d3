import rule from "../../src/rules/no-generic-500-for-dependency.js";
import { ruleTester } from "../rule-tester.js";

const a500 = [{ messageId: "answers500" as const }];
const generic = [{ messageId: "rethrowsGeneric" as const }];

ruleTester.run("no-generic-500-for-dependency", rule, {
  valid: [
    // no outbound call in the try
    `app.get("/x", (req, res) => { try { JSON.parse(req.body); } catch (e) { res.status(500).end(); } });`,
    // answered 502/504
    `app.get("/x", async (req, res) => { try { await fetch(u); } catch (e) { res.status(502).end(); } });`,
    // rethrown as is (a classifying error handler sees the cause)
    `app.get("/x", async (req, res, next) => { try { await axios.get(u); } catch (e) { next(e); } });`,
    `fastify.get("/x", async () => { try { return await got(u).json(); } catch (err) { throw err; } });`,
    // the outbound call is in a nested function that the try does not run
    `app.get("/x", (req, res) => { try { const f = () => fetch(u); } catch (e) { res.status(500).end(); } });`,
  ],
  invalid: [
    {
      code: `app.get("/x", async (req, res) => { try { const r = await fetch(u); res.json(await r.json()); } catch (e) { res.status(500).json({ error: "failed" }); } });`,
      errors: a500,
    },
    {
      code: `import { request } from "undici"; app.get("/x", async (req, res) => { try { await request(u); } catch { res.sendStatus(500); } });`,
      errors: a500,
    },
    {
      code: `fastify.get("/x", async (req, reply) => { try { return await axios.get(u); } catch (err) { return reply.code(500).send({ error: err.message }); } });`,
      errors: a500,
    },
    {
      code: `app.get("/x", async (c) => { try { return c.json(await pool.query("select 1")); } catch (e) { return c.json({ error: "db" }, 500); } });`,
      errors: a500,
    },
    {
      code: `router.get("/x", async (ctx) => { try { ctx.body = await got("http://inventory/items").json(); } catch (e) { ctx.status = 500; } });`,
      errors: a500,
    },
    {
      code: `class S { async get() { try { return await this.prisma.user.findMany(); } catch (e) { throw new InternalServerErrorException(); } } }`,
      errors: a500,
    },
    {
      code: `class S { async get() { try { return await this.httpService.axiosRef.get(u); } catch (e) { throw new Error("inventory failed"); } } }`,
      errors: generic,
    },
    {
      code: `app.get("/x", async (req, res, next) => { try { await fetch(u); } catch (e) { next(new Error("upstream")); } });`,
      errors: generic,
    },
  ],
});
