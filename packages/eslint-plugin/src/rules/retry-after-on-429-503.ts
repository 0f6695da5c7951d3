/** A 429 or 503 answered on a path that never sets Retry-After (or, for 429, a RateLimit field). */
import { AST_NODE_TYPES, type TSESTree } from "@typescript-eslint/utils";
import { answerVisitor, scopeText } from "../util/answers.js";
import { createRule } from "../util/create-rule.js";

const RETRY_AFTER = /retry-after|\bunavailable\s*\(\s*\{[^}]*retryAfter/i;
const RATE_LIMIT = /retry-after|\bratelimit(-reset)?\b|x-rate-?limit-reset|\brateLimited\s*\(/i;

/** express-rate-limit and its kin set Retry-After themselves before calling `handler`. */
function inRateLimiterHandler(node: TSESTree.Node): boolean {
  for (let n = node.parent; n; n = n.parent as TSESTree.Node | undefined) {
    if (
      n.type === AST_NODE_TYPES.Property &&
      n.key.type === AST_NODE_TYPES.Identifier &&
      n.key.name === "handler" &&
      n.parent?.type === AST_NODE_TYPES.ObjectExpression &&
      n.parent.parent?.type === AST_NODE_TYPES.CallExpression
    ) {
      const callee = n.parent.parent.callee;
      const name =
        callee.type === AST_NODE_TYPES.Identifier
          ? callee.name
          : callee.type === AST_NODE_TYPES.MemberExpression &&
              callee.property.type === AST_NODE_TYPES.Identifier
            ? callee.property.name
            : "";
      if (/rate.?limit|slow.?down/i.test(name)) return true;
    }
  }
  return false;
}

export default createRule({
  name: "retry-after-on-429-503",
  meta: {
    type: "problem",
    docs: {
      description: "A 429 or 503 should say when to come back: Retry-After (or RateLimit for 429)",
      detector: "429-needs-retry-after",
      recommended: true,
    },
    messages: {
      missing429:
        "429 answered without Retry-After or RateLimit on this path: clients cannot tell when to retry (RFC 6585 §4).",
      missing503:
        "503 answered without Retry-After on this path: clients cannot tell how long to back off (RFC 9110 §15.6.4).",
    },
    schema: [],
  },
  defaultOptions: [],
  create(context) {
    const sourceCode = context.sourceCode;
    return answerVisitor(context, (a) => {
      if (a.status !== 429 && a.status !== 503) return;
      const text = scopeText(sourceCode, a.node);
      if ((a.status === 429 ? RATE_LIMIT : RETRY_AFTER).test(text)) return;
      if (a.status === 429 && inRateLimiterHandler(a.node)) return;
      context.report({ node: a.node, messageId: a.status === 429 ? "missing429" : "missing503" });
    });
  },
});
