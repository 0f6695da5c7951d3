/**
 * Type-aware linting (typescript-eslint's project service): with types, a receiver known to be
 * something else than a response, reply or context is not taken for one; Express' Response,
 * Fastify's reply and Hono's Context are.
 */
import { RuleTester } from "@typescript-eslint/rule-tester";
import challengeOn401 from "../src/rules/challenge-on-401.js";
import noErrorBodyOnSuccess from "../src/rules/no-error-body-on-success.js";
import "./rule-tester.js";

const typed = new RuleTester({
  languageOptions: {
    parserOptions: {
      project: "./tsconfig.json",
      tsconfigRootDir: new URL("fixtures/typed/", import.meta.url).pathname,
    },
  },
});

const audit = `interface AuditLog { status(code: number): AuditLog; json(v: unknown): void }
declare const log: AuditLog;`;

typed.run("challenge-on-401 (typed)", challengeOn401, {
  valid: [{ code: `${audit}\nlog.status(401).json({ event: "login failed" });` }],
  invalid: [
    {
      code: `import type { Response } from "express";\nexport function deny(res: Response) { res.status(401).end(); }`,
      errors: [{ messageId: "missing" }],
    },
    {
      code: `import type { FastifyReply } from "fastify";\nexport async function deny(reply: FastifyReply) { return reply.code(401).send(); }`,
      errors: [{ messageId: "missing" }],
    },
    {
      code: `import type { Context } from "hono";\nexport const deny = (c: Context) => c.json({ title: "no" }, 401);`,
      errors: [{ messageId: "missing" }],
    },
  ],
});

typed.run("no-error-body-on-success (typed)", noErrorBodyOnSuccess, {
  valid: [{ code: `${audit}\nlog.json({ error: "a log line about an error" });` }],
  invalid: [
    {
      code: `import type { Response } from "express";\nexport function h(res: Response) { res.json({ error: "not found" }); }`,
      errors: [{ messageId: "softError" }],
    },
  ],
});
