import rule from "../../src/rules/retry-after-on-429-503.js";
import { ruleTester } from "../rule-tester.js";

ruleTester.run("retry-after-on-429-503", rule, {
  valid: [
    `app.post("/x", (req, res) => { res.set("Retry-After", "30"); res.status(429).json({ title: "Too many" }); });`,
    `app.post("/x", (req, res) => res.status(429).set({ RateLimit: "limit=10, remaining=0, reset=30" }).end());`,
    `app.use(rateLimit({ windowMs: 60000, limit: 10, handler: (req, res) => res.status(429).json({ error: "slow down" }) }));`,
    `fastify.get("/x", async (req, reply) => reply.code(503).header("retry-after", 120).send());`,
    `app.get("/x", (c) => c.json({ title: "Maintenance" }, 503, { "Retry-After": "600" }));`,
    `router.get("/x", (ctx) => { ctx.set("Retry-After", "10"); ctx.status = 503; });`,
    `import { HttpFailure, rateLimited } from "truestatus"; app.get("/x", (req, res, next) => next(new HttpFailure(rateLimited({ retryAfter: 30 }))));`,
    `class C { @Get() @Header("Retry-After", "60") x() { throw new ServiceUnavailableException(); } }`,
  ],
  invalid: [
    {
      code: `app.post("/x", (req, res) => res.status(429).json({ error: "too many" }));`,
      errors: [{ messageId: "missing429" }],
    },
    {
      code: `fastify.get("/x", async (req, reply) => reply.code(503).send({ message: "down" }));`,
      errors: [{ messageId: "missing503" }],
    },
    { code: `app.get("/x", (c) => c.text("busy", 503));`, errors: [{ messageId: "missing503" }] },
    {
      code: `router.get("/x", (ctx) => { ctx.status = 429; });`,
      errors: [{ messageId: "missing429" }],
    },
    {
      code: `class C { @Get() x() { throw new ServiceUnavailableException("maintenance"); } }`,
      errors: [{ messageId: "missing503" }],
    },
    {
      code: `class C { @Get() x() { throw new HttpException("slow", HttpStatus.TOO_MANY_REQUESTS); } }`,
      errors: [{ messageId: "missing429" }],
    },
    // a 503 does not count a RateLimit field
    {
      code: `app.get("/x", (req, res) => res.set("RateLimit", "x").status(503).end());`,
      errors: [{ messageId: "missing503" }],
    },
  ],
});
