/** A 401 answered on a path that never sets WWW-Authenticate (RFC 9110 §15.5.2: it MUST). */

import { answerVisitor, scopeText } from "../util/answers.js";
import { createRule } from "../util/create-rule.js";

/** A header set in the scope, or a truestatus failure that always sends one. */
const CHALLENGE = /www-authenticate|\bunauthenticated\s*\(/i;
/** truestatus' adapters answer a thrown 401 (http-errors, NestJS, Hono, Koa) with a challenge. */
const ADAPTER = /^truestatus\/(express|fastify|hono|koa|nestjs|node)$/;

type Options = [{ thrownErrorsHandled?: boolean }];

export default createRule({
  name: "challenge-on-401",
  meta: {
    type: "problem",
    docs: {
      description:
        "A 401 must carry a WWW-Authenticate challenge: set it where the 401 is answered",
      detector: "401-needs-www-authenticate",
      recommended: true,
    },
    messages: {
      missing:
        "401 answered without WWW-Authenticate on this path: RFC 9110 §15.5.2 requires a challenge (set it, or use truestatus' unauthenticated()).",
    },
    schema: [
      {
        type: "object",
        properties: {
          thrownErrorsHandled: {
            type: "boolean",
            description:
              "An error handler that adds the challenge answers thrown 401s (truestatus' adapters, TruestatusFilter): report only 401s written in handlers.",
          },
        },
        additionalProperties: false,
      },
    ],
  },
  defaultOptions: [{ thrownErrorsHandled: false }] as Options,
  create(context, [options]) {
    const sourceCode = context.sourceCode;
    // A file that installs a truestatus adapter has its thrown errors answered by it.
    const adapter = sourceCode.ast.body.some(
      (s) => s.type === "ImportDeclaration" && ADAPTER.test(String(s.source.value)),
    );
    const handled = options.thrownErrorsHandled === true || adapter;
    return answerVisitor(context, (a) => {
      if (a.status !== 401) return;
      if (a.thrown === true && handled) return;
      if (CHALLENGE.test(scopeText(sourceCode, a.node))) return;
      context.report({ node: a.node, messageId: "missing" });
    });
  },
});
