/**
 * An error body answered with a success status: res.json({ error }), res.status(200).send({ success:
 * false }), c.json({ error: ... }) without an error status, ctx.body = { error } in Koa, a NestJS
 * handler returning { error }. Monitoring counts these as successes, caches keep them, clients do
 * not retry (RFC 9110 §15.3).
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { answerOfCall, enclosingFunction, mayBeResponse, statusOf } from "../util/answers.js";
import { createRule } from "../util/create-rule.js";
import { errorShape } from "../util/shapes.js";

const ROUTE_DECORATORS = /^(Get|Post|Put|Patch|Delete|All|Head|Options)$/;

/**
 * The status set before `node` on the same receiver in the function: "unknown" when one is set but
 * not as a literal; undefined when none is (the framework's default 200).
 */
function priorStatus(
  sourceCode: Readonly<TSESLint.SourceCode>,
  node: TSESTree.Node,
  receiver: string,
): number | "unknown" | undefined {
  const fn = enclosingFunction(node);
  if (fn === undefined) return undefined;
  const before = sourceCode.getText(fn).slice(0, node.range[0] - fn.range[0]);
  const esc = receiver.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const re = new RegExp(
    `\\b${esc}\\s*\\.\\s*(?:status|code|statusCode|writeHead)\\s*(?:\\(|=)\\s*([^)\\s;,]*)`,
    "g",
  );
  let last: string | undefined;
  for (const m of before.matchAll(re)) last = m[1];
  if (last === undefined) return undefined;
  return /^\d{3}$/.test(last) ? Number(last) : "unknown";
}

const is2xx = (s: number) => s >= 200 && s <= 299;

export default createRule({
  name: "no-error-body-on-success",
  meta: {
    type: "problem",
    docs: {
      description: "An error body must not be answered with a 2xx status",
      detector: "soft-error-2xx",
      recommended: true,
    },
    messages: {
      softError:
        "An error body ({{shape}}) answered as {{status}}: a failure must carry a 4xx or 5xx status (RFC 9110 §15.3).",
    },
    schema: [],
  },
  defaultOptions: [],
  create(context) {
    const sourceCode = context.sourceCode;
    const report = (node: TSESTree.Node, shape: string, status: number | undefined) =>
      context.report({
        node,
        messageId: "softError",
        data: { shape, status: status === undefined ? "200 (the default)" : String(status) },
      });
    return {
      CallExpression(node) {
        const callee = node.callee;
        if (
          callee.type !== AST_NODE_TYPES.MemberExpression ||
          callee.property.type !== AST_NODE_TYPES.Identifier
        )
          return;
        const method = callee.property.name;
        if (!["json", "send", "jsonp"].includes(method)) return;
        const shape = errorShape(node.arguments[0]);
        if (shape === undefined) return;
        const obj = callee.object;
        // Hono: c.json(body, status)
        if (node.arguments.length >= 2) {
          const a = answerOfCall(context, node);
          if (a?.status !== undefined && is2xx(a.status)) report(node, shape, a.status);
          return;
        }
        // res.status(N).json(body) / reply.code(N).send(body)
        if (obj.type === AST_NODE_TYPES.CallExpression) {
          const a = answerOfCall(context, obj);
          if (a === undefined) return;
          if (a.status !== undefined && is2xx(a.status)) report(node, shape, a.status);
          return;
        }
        if (!mayBeResponse(context, obj)) return;
        // res.json(body): the status set earlier in the function, or the default 200
        const prior = priorStatus(sourceCode, node, sourceCode.getText(obj));
        if (prior === "unknown") return;
        if (prior === undefined || is2xx(prior)) report(node, shape, prior);
      },
      AssignmentExpression(node) {
        // Koa: ctx.body = { error }
        if (node.left.type !== AST_NODE_TYPES.MemberExpression) return;
        const prop = node.left.property;
        if (prop.type !== AST_NODE_TYPES.Identifier || prop.name !== "body") return;
        const shape = errorShape(node.right);
        if (shape === undefined) return;
        const prior = priorStatus(sourceCode, node, sourceCode.getText(node.left.object));
        if (prior === "unknown") return;
        if (prior === undefined || is2xx(prior)) report(node, shape, prior);
      },
      ReturnStatement(node) {
        // NestJS: a route handler returning { error } (status 200/201 unless @HttpCode says otherwise)
        const shape = errorShape(node.argument ?? undefined);
        if (shape === undefined) return;
        const fn = enclosingFunction(node);
        const method = fn?.parent;
        if (method?.type !== AST_NODE_TYPES.MethodDefinition) return;
        let route = false;
        let code: number | undefined;
        for (const d of method.decorators ?? []) {
          if (d.expression.type !== AST_NODE_TYPES.CallExpression) continue;
          const callee = d.expression.callee;
          const name = callee.type === AST_NODE_TYPES.Identifier ? callee.name : "";
          if (ROUTE_DECORATORS.test(name)) route = true;
          if (name === "HttpCode") code = statusOf(d.expression.arguments[0]) ?? -1;
        }
        if (!route) return;
        if (code !== undefined && (code === -1 || !is2xx(code))) return;
        report(node, shape, code);
      },
    };
  },
});
