import rule from "../../src/rules/challenge-on-401.js";
import { ruleTester } from "../rule-tester.js";

const missing = [{ messageId: "missing" as const }];

ruleTester.run("challenge-on-401", rule, {
  valid: [
    // Express: the challenge is set before the 401
    `app.get("/me", (req, res) => { if (!req.user) { res.set("WWW-Authenticate", 'Bearer realm="api"'); return res.status(401).json({ title: "Unauthorized" }); } res.json(req.user); });`,
    // a module-level header object used in the handler
    `const CHALLENGE = { "WWW-Authenticate": "Bearer" }; app.get("/me", (req, res) => res.status(401).set(CHALLENGE).end());`,
    // truestatus' unauthenticated() always sends one
    `import { HttpFailure, unauthenticated } from "truestatus"; app.get("/me", (req, res, next) => next(new HttpFailure(unauthenticated())));`,
    // Fastify
    `fastify.get("/me", async (request, reply) => reply.code(401).header("www-authenticate", "Basic").send());`,
    // Hono
    `app.get("/me", (c) => { c.header("WWW-Authenticate", "Bearer"); return c.json({ title: "Unauthorized" }, 401); });`,
    // Koa
    `router.get("/me", (ctx) => { ctx.set("WWW-Authenticate", "Bearer"); ctx.status = 401; });`,
    // NestJS with @Header on the method
    `class C { @Get() @Header("WWW-Authenticate", "Bearer") me() { throw new UnauthorizedException(); } }`,
    // an error handler that adds the challenge answers thrown 401s (truestatus' adapters, TruestatusFilter)
    {
      code: `class C { @Get() me() { throw new UnauthorizedException(); } }`,
      options: [{ thrownErrorsHandled: true }],
    },
    `import { truestatus } from "truestatus/express"; app.use(truestatus()); app.get("/me", (req, res, next) => next(createError(401)));`,
    // other statuses are not this rule's
    `app.get("/x", (req, res) => res.status(403).end());`,
    // a computed status is not judged
    `app.use((err, req, res, next) => res.status(err.status).end());`,
  ],
  invalid: [
    {
      code: `app.get("/me", (req, res) => { if (!req.user) return res.status(401).json({ error: "login" }); res.json(req.user); });`,
      errors: missing,
    },
    { code: `app.get("/me", (req, res) => res.sendStatus(401));`, errors: missing },
    {
      code: `fastify.get("/me", async (request, reply) => { return reply.code(401).send({ message: "no" }); });`,
      errors: missing,
    },
    { code: `app.get("/me", (c) => c.json({ error: "Unauthorized" }, 401));`, errors: missing },
    {
      code: `app.get("/me", (c) => { throw new HTTPException(401, { message: "no token" }); });`,
      errors: missing,
    },
    {
      code: `router.get("/me", (ctx) => { ctx.status = 401; ctx.body = { message: "no" }; });`,
      errors: missing,
    },
    { code: `router.get("/me", (ctx) => { ctx.throw(401, "login first"); });`, errors: missing },
    {
      code: `class AuthGuard { canActivate(ctx) { if (!ctx.switchToHttp().getRequest().headers.authorization) throw new UnauthorizedException(); return true; } }`,
      errors: missing,
    },
    {
      code: `class C { @Get() me() { throw new HttpException("no", HttpStatus.UNAUTHORIZED); } }`,
      errors: missing,
    },
    { code: `app.use((req, res, next) => next(createError(401, "login")));`, errors: missing },
    {
      name: "a 401 written in the handler is not the error handler's to fix",
      code: `app.get("/me", (req, res) => res.status(401).end());`,
      options: [{ thrownErrorsHandled: true }],
      errors: missing,
    },
  ],
});
