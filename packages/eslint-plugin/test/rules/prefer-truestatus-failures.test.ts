import rule from "../../src/rules/prefer-truestatus-failures.js";
import { ruleTester } from "../rule-tester.js";

const imp = `import { decide } from "truestatus";\n`;

ruleTester.run("prefer-truestatus-failures", rule, {
  valid: [
    `app.get("/x", (req, res) => res.status(200).json(rows));`,
    `app.get("/x", (req, res, next) => next(new HttpFailure(notFound())));`,
    // Koa and NestJS answer through the context or exceptions: not hand-rolled bodies
    `router.get("/x", (ctx) => { ctx.status = 404; });`,
    `class C { @Get(":id") find() { throw new NotFoundException("no such order"); } }`,
    `app.use((err, req, res, next) => res.status(err.status).json({ error: err.message }));`,
  ],
  invalid: [
    {
      name: "Express, in a file that uses truestatus: fixed, the message kept as detail",
      code: `${imp}app.get("/x", (req, res, next) => { if (!row) return res.status(404).json({ error: "No such order" }); res.json(row); });`,
      output: `import { decide, HttpFailure, notFound } from "truestatus";\napp.get("/x", (req, res, next) => { if (!row) return next(new HttpFailure(notFound({ detail: "No such order" }))); res.json(row); });`,
      errors: [
        {
          messageId: "prefer",
          suggestions: [
            {
              messageId: "useFailure",
              data: { failure: "notFound" },
              output: `import { decide, HttpFailure, notFound } from "truestatus";\napp.get("/x", (req, res, next) => { if (!row) return next(new HttpFailure(notFound({ detail: "No such order" }))); res.json(row); });`,
            },
          ],
        },
      ],
    },
    {
      name: "Express without truestatus yet: a suggestion, no automatic fix",
      code: `app.get("/x", (req, res, next) => { res.sendStatus(403); });`,
      output: null,
      errors: [
        {
          messageId: "prefer",
          suggestions: [
            {
              messageId: "useFailure",
              data: { failure: "forbidden" },
              output: `import { HttpFailure, forbidden } from "truestatus";\napp.get("/x", (req, res, next) => { next(new HttpFailure(forbidden())); });`,
            },
          ],
        },
      ],
    },
    {
      name: "Fastify: throw",
      code: `${imp}fastify.get("/x", async (req, reply) => { return reply.code(409).send({ message: \`taken: \${name}\` }); });`,
      output: `import { decide, HttpFailure, conflict } from "truestatus";\nfastify.get("/x", async (req, reply) => { throw new HttpFailure(conflict({ detail: \`taken: \${name}\` })); });`,
      errors: [
        {
          messageId: "prefer",
          suggestions: [
            {
              messageId: "useFailure",
              data: { failure: "conflict" },
              output: `import { decide, HttpFailure, conflict } from "truestatus";\nfastify.get("/x", async (req, reply) => { throw new HttpFailure(conflict({ detail: \`taken: \${name}\` })); });`,
            },
          ],
        },
      ],
    },
    {
      name: "Hono: throw",
      code: `${imp}app.get("/x", (c) => { return c.json({ error: "bad id" }, 400); });`,
      output: `import { decide, HttpFailure, malformed } from "truestatus";\napp.get("/x", (c) => { throw new HttpFailure(malformed({ detail: "bad id" })); });`,
      errors: [
        {
          messageId: "prefer",
          suggestions: [
            {
              messageId: "useFailure",
              data: { failure: "malformed" },
              output: `import { decide, HttpFailure, malformed } from "truestatus";\napp.get("/x", (c) => { throw new HttpFailure(malformed({ detail: "bad id" })); });`,
            },
          ],
        },
      ],
    },
    {
      name: "a body that is more than one message: reported, not fixed",
      code: `${imp}app.get("/x", (req, res, next) => res.status(422).json({ errors: list, code: "E1" }));`,
      output: null,
      errors: [{ messageId: "prefer", suggestions: [] }],
    },
    {
      name: "Express without next: reported, not fixed",
      code: `${imp}app.get("/x", (req, res) => res.status(500).json({ error: "boom" }));`,
      output: null,
      errors: [{ messageId: "prefer", suggestions: [] }],
    },
    {
      name: "a status with no option-free failure (429 needs retryAfter)",
      code: `app.get("/x", (req, res) => res.status(429).end());`,
      output: null,
      errors: [{ messageId: "preferGeneric" }],
    },
  ],
});
