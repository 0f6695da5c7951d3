/**
 * res.status(4xx/5xx).json(...) and its kin, hand-rolled in every handler, drift: one 401 without a
 * challenge, one 500 with a stack trace, a 404 in a different shape. A truestatus failure answers
 * the same decision everywhere (status, headers, problem+json). Autofix where it is safe: the file
 * already uses truestatus (so its error handler is installed), the status maps to a failure that
 * needs no options, and the body is absent or one message string (kept as `detail`).
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { type Answer, answerOfCall, enclosingFunction } from "../util/answers.js";
import { createRule } from "../util/create-rule.js";
import { detailOf } from "../util/shapes.js";

/** Statuses whose truestatus failure takes no required option. */
const FAILURES: Readonly<Record<number, string>> = {
  400: "malformed",
  401: "unauthenticated",
  403: "forbidden",
  404: "notFound",
  406: "notAcceptable",
  409: "conflict",
  413: "payloadTooLarge",
  422: "unprocessable",
  500: "internal",
  503: "unavailable",
  504: "gatewayTimeout",
};

/** The whole answering expression: res.status(404).json(...) around res.status(404). */
function outerCall(a: Answer): TSESTree.CallExpression | undefined {
  const n = a.node;
  if (n.type !== AST_NODE_TYPES.CallExpression) return undefined;
  if (a.framework === "hono") return n;
  const callee = n.callee;
  if (
    callee.type === AST_NODE_TYPES.MemberExpression &&
    callee.property.type === AST_NODE_TYPES.Identifier &&
    callee.property.name === "sendStatus"
  )
    return n;
  const p = n.parent;
  if (
    p?.type === AST_NODE_TYPES.MemberExpression &&
    p.object === n &&
    p.parent?.type === AST_NODE_TYPES.CallExpression
  ) {
    const m = p.property.type === AST_NODE_TYPES.Identifier ? p.property.name : "";
    if (["json", "send", "end", "jsonp"].includes(m)) return p.parent;
  }
  return undefined;
}

export default createRule({
  name: "prefer-truestatus-failures",
  meta: {
    type: "suggestion",
    fixable: "code",
    hasSuggestions: true,
    docs: {
      description:
        "Answer failures with truestatus failures instead of hand-rolled error responses",
      recommended: false,
    },
    messages: {
      prefer:
        "A hand-rolled {{status}} answer: throw (or next()) a truestatus failure, {{failure}}(), so the status, headers and problem+json body follow one decision.",
      preferGeneric:
        "A hand-rolled {{status}} answer: throw (or next()) a truestatus failure, so the status, headers and problem+json body follow one decision.",
      useFailure: "Replace with {{failure}}() from truestatus",
    },
    schema: [],
  },
  defaultOptions: [],
  create(context) {
    const sourceCode = context.sourceCode;
    let truestatusImport: TSESTree.ImportDeclaration | undefined;
    const answers: Answer[] = [];
    return {
      ImportDeclaration(node) {
        if (node.source.value === "truestatus" && node.importKind !== "type")
          truestatusImport = node;
      },
      CallExpression(node) {
        const a = answerOfCall(context, node);
        if (a?.status !== undefined && a.status >= 400 && a.framework !== "koa") answers.push(a);
      },
      "Program:exit"() {
        for (const a of answers) {
          const call = outerCall(a);
          if (call === undefined) continue;
          const status = a.status!;
          const failure = FAILURES[status];
          if (failure === undefined) {
            context.report({
              node: call,
              messageId: "preferGeneric",
              data: { status: String(status) },
            });
            continue;
          }
          const fix = fixFor(sourceCode, call, a, failure, truestatusImport);
          context.report({
            node: call,
            messageId: "prefer",
            data: { status: String(status), failure },
            ...(fix !== undefined && truestatusImport !== undefined ? { fix } : {}),
            ...(fix !== undefined
              ? { suggest: [{ messageId: "useFailure" as const, data: { failure }, fix }] }
              : {}),
          });
        }
      },
    };
  },
});

function fixFor(
  sourceCode: Readonly<TSESLint.SourceCode>,
  call: TSESTree.CallExpression,
  a: Answer,
  failure: string,
  imported: TSESTree.ImportDeclaration | undefined,
): TSESLint.ReportFixFunction | undefined {
  const stmt = call.parent;
  const isReturn = stmt?.type === AST_NODE_TYPES.ReturnStatement && stmt.argument === call;
  const isExpr = stmt?.type === AST_NODE_TYPES.ExpressionStatement && stmt.expression === call;
  if (!isReturn && !isExpr) return undefined;
  const body =
    a.framework === "hono" ? call.arguments[0] : call.arguments[0] === a.node ? undefined : a.body;
  const d = detailOf(
    call.callee.type === AST_NODE_TYPES.MemberExpression &&
      call.callee.property.type === AST_NODE_TYPES.Identifier &&
      call.callee.property.name === "sendStatus"
      ? undefined
      : body,
  );
  if (d === undefined) return undefined;
  const args = d === "none" ? "" : `{ detail: ${sourceCode.getText(d.value)} }`;
  const made = `new HttpFailure(${failure}(${args}))`;
  let replacement: string;
  if (a.framework === "express") {
    const fn = enclosingFunction(call);
    const next = fn?.params.find((p) => p.type === AST_NODE_TYPES.Identifier && p.name === "next");
    if (next === undefined) return undefined;
    replacement = `${isReturn ? "return " : ""}next(${made});`;
  } else {
    replacement = `throw ${made};`;
  }
  return (fixer) => {
    const fixes = [fixer.replaceText(stmt!, replacement)];
    const need = ["HttpFailure", failure];
    if (imported !== undefined) {
      const have = new Set(
        imported.specifiers
          .filter((s): s is TSESTree.ImportSpecifier => s.type === AST_NODE_TYPES.ImportSpecifier)
          .map((s) => s.local.name),
      );
      const missing = need.filter((n) => !have.has(n));
      const last = imported.specifiers.at(-1);
      if (missing.length > 0 && last?.type === AST_NODE_TYPES.ImportSpecifier)
        fixes.push(fixer.insertTextAfter(last, `, ${missing.join(", ")}`));
      else if (missing.length > 0)
        fixes.push(
          fixer.insertTextBefore(imported, `import { ${missing.join(", ")} } from "truestatus";\n`),
        );
    } else {
      const program = sourceCode.ast;
      const lastImport = [...program.body]
        .reverse()
        .find((s) => s.type === AST_NODE_TYPES.ImportDeclaration);
      const text = `import { ${need.join(", ")} } from "truestatus";\n`;
      fixes.push(
        lastImport
          ? fixer.insertTextAfter(lastImport, `\n${text.trimEnd()}`)
          : fixer.insertTextBeforeRange([0, 0], text),
      );
    }
    return fixes;
  };
}
