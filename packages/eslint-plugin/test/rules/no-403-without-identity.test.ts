import rule from "../../src/rules/no-403-without-identity.js";
import { ruleTester } from "../rule-tester.js";

const e = [{ messageId: "noIdentity" as const }];

ruleTester.run("no-403-without-identity", rule, {
  valid: [
    `app.delete("/posts/:id", (req, res) => { if (req.user.id !== post.ownerId) return res.status(403).end(); });`,
    `fastify.get("/admin", async (request, reply) => { if (!request.session.isAdmin) return reply.code(403).send(); });`,
    `app.get("/x", (c) => { const payload = c.get("jwtPayload"); if (!payload.roles.includes("admin")) return c.json({ title: "Forbidden" }, 403); });`,
    `router.get("/x", (ctx) => { if (!ctx.state.user) ctx.throw(401); if (!ctx.state.user.admin) ctx.status = 403; });`,
    `class RolesGuard { canActivate(context) { const { user } = context.switchToHttp().getRequest(); if (!user.roles.includes("admin")) throw new ForbiddenException(); return true; } }`,
  ],
  invalid: [
    {
      code: `app.post("/upload", (req, res) => { if (req.body.size > 10) return res.status(403).json({ error: "too big" }); });`,
      errors: e,
    },
    {
      code: `fastify.get("/x", async (request, reply) => reply.code(403).send({ message: "closed on Sundays" }));`,
      errors: e,
    },
    { code: `app.get("/x", (c) => c.json({ error: "nope" }, 403));`, errors: e },
    { code: `router.get("/x", (ctx) => { if (ctx.query.debug) ctx.status = 403; });`, errors: e },
    {
      code: `class C { @Post() create(@Body() dto) { if (!dto.name) throw new ForbiddenException("name required"); } }`,
      errors: e,
    },
  ],
});
