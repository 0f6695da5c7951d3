/** A 401 answered on a path that never sets WWW-Authenticate (RFC 9110 §15.5.2: it MUST). */

import { answerVisitor, scopeText } from "../util/answers.js";
import { createRule } from "../util/create-rule.js";

/** A header set in the scope, or a truestatus failure that always sends one. */
const CHALLENGE = /www-authenticate|\bunauthenticated\s*\(/i;

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
    schema: [],
  },
  defaultOptions: [],
  create(context) {
    const sourceCode = context.sourceCode;
    return answerVisitor(context, (a) => {
      if (a.status !== 401) return;
      if (CHALLENGE.test(scopeText(sourceCode, a.node))) return;
      context.report({ node: a.node, messageId: "missing" });
    });
  },
});
