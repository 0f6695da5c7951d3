/**
 * A catch around an outbound call (fetch, undici, axios, got, ky, http.request, a database or cache
 * client) that answers 500 or throws a generic Error: the dependency's failure becomes "a bug
 * here". It is a 502 (bad answer), 503 (down) or 504 (timed out); truestatus/upstream classifies it.
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { answerOfAssignment, answerOfCall, answerOfNew } from "../util/answers.js";
import { createRule } from "../util/create-rule.js";

/** Calls that leave the process: HTTP clients and database/cache clients. */
const CLIENT_FUNCTIONS = new Set([
  "fetch",
  "axios",
  "got",
  "ky",
  "superagent",
  "needle",
  "ofetch",
  "$fetch",
]);
const CLIENT_OBJECTS = new Set([
  "axios",
  "got",
  "ky",
  "superagent",
  "undici",
  "http",
  "https",
  "prisma",
  "db",
  "pool",
  "knex",
  "sequelize",
  "mongoose",
  "redis",
  "supabase",
  "dynamo",
  "dynamodb",
  "s3",
  "stripe",
  "httpService",
]);
const CLIENT_METHODS = new Set(["query", "execute", "$queryRaw", "$executeRaw", "$transaction"]);

function rootName(node: TSESTree.Node): string | undefined {
  let n: TSESTree.Node = node;
  for (;;) {
    if (n.type === AST_NODE_TYPES.Identifier) return n.name;
    if (n.type === AST_NODE_TYPES.ThisExpression) return "this";
    if (n.type === AST_NODE_TYPES.MemberExpression) n = n.object;
    else if (n.type === AST_NODE_TYPES.CallExpression) n = n.callee;
    else return undefined;
  }
}

/** The outbound call's name when `call` is one ("fetch", "axios.get", "pool.query"). */
export function outboundCall(
  call: TSESTree.CallExpression,
  undiciNames: ReadonlySet<string>,
): string | undefined {
  const c = call.callee;
  if (c.type === AST_NODE_TYPES.Identifier)
    return CLIENT_FUNCTIONS.has(c.name) || undiciNames.has(c.name) ? c.name : undefined;
  if (c.type !== AST_NODE_TYPES.MemberExpression || c.property.type !== AST_NODE_TYPES.Identifier)
    return undefined;
  const root = rootName(c.object);
  const method = c.property.name;
  if (root !== undefined && CLIENT_OBJECTS.has(root)) return `${root}.${method}`;
  // this.httpService.get(...), this.prisma.user.findMany(...): NestJS injects clients
  if (root === "this") {
    let n: TSESTree.Node = c.object;
    while (
      n.type === AST_NODE_TYPES.MemberExpression &&
      n.object.type !== AST_NODE_TYPES.ThisExpression
    )
      n = n.object;
    const field =
      n.type === AST_NODE_TYPES.MemberExpression && n.property.type === AST_NODE_TYPES.Identifier
        ? n.property.name
        : undefined;
    if (field !== undefined && CLIENT_OBJECTS.has(field)) return `this.${field}.${method}`;
  }
  if (CLIENT_METHODS.has(method)) return `${root ?? "…"}.${method}`;
  return undefined;
}

function walk(
  node: TSESTree.Node,
  keys: TSESLint.SourceCode.VisitorKeys,
  visit: (n: TSESTree.Node) => boolean | undefined,
): void {
  // visit returns false to skip the node's children (nested functions are other paths)
  if (visit(node) === false) return;
  for (const key of keys[node.type] ?? []) {
    const child = (node as unknown as Record<string, unknown>)[key];
    if (Array.isArray(child)) {
      for (const c of child)
        if (c && typeof c === "object" && "type" in c) walk(c as TSESTree.Node, keys, visit);
    } else if (child && typeof child === "object" && "type" in child)
      walk(child as TSESTree.Node, keys, visit);
  }
}

const isFunction = (n: TSESTree.Node) =>
  n.type === AST_NODE_TYPES.FunctionExpression ||
  n.type === AST_NODE_TYPES.ArrowFunctionExpression ||
  n.type === AST_NODE_TYPES.FunctionDeclaration;

function genericError(node: TSESTree.Node | null | undefined): boolean {
  return (
    node?.type === AST_NODE_TYPES.NewExpression &&
    node.callee.type === AST_NODE_TYPES.Identifier &&
    node.callee.name === "Error"
  );
}

export default createRule({
  name: "no-generic-500-for-dependency",
  meta: {
    type: "problem",
    docs: {
      description: "A dependency's failure is a 502, 503 or 504, not a 500 or a generic Error",
      detector: "500-masks-upstream-failure",
      recommended: true,
    },
    messages: {
      answers500:
        "The failure of {{call}} (an outbound call) is answered 500: answer 502 (bad answer), 503 (unavailable) or 504 (timed out); truestatus/upstream classifies it.",
      rethrowsGeneric:
        "The failure of {{call}} (an outbound call) is rethrown as a generic Error (a 500 downstream): keep it as the cause of a 502/503/504 (truestatus/upstream classifies it).",
    },
    schema: [],
  },
  defaultOptions: [],
  create(context) {
    const keys = context.sourceCode.visitorKeys;
    const undiciNames = new Set<string>();
    return {
      ImportDeclaration(node) {
        if (node.source.value !== "undici") return;
        for (const s of node.specifiers)
          if (s.type === AST_NODE_TYPES.ImportSpecifier) undiciNames.add(s.local.name);
      },
      TryStatement(node) {
        if (node.handler === null) return;
        let call: string | undefined;
        walk(node.block, keys, (n) => {
          if (call !== undefined) return false;
          if (n !== node.block && isFunction(n)) return false;
          if (n.type === AST_NODE_TYPES.CallExpression) call = outboundCall(n, undiciNames);
          return undefined;
        });
        if (call === undefined) return;
        walk(node.handler.body, keys, (n) => {
          if (isFunction(n)) return false;
          // a nested try has its own catch
          if (n.type === AST_NODE_TYPES.TryStatement) return false;
          const a =
            n.type === AST_NODE_TYPES.CallExpression
              ? answerOfCall(context, n)
              : n.type === AST_NODE_TYPES.AssignmentExpression
                ? answerOfAssignment(n)
                : n.type === AST_NODE_TYPES.NewExpression
                  ? answerOfNew(n)
                  : undefined;
          if (a?.status === 500) {
            context.report({ node: a.node, messageId: "answers500", data: { call } });
            return false;
          }
          if (n.type === AST_NODE_TYPES.ThrowStatement && genericError(n.argument)) {
            context.report({ node: n, messageId: "rethrowsGeneric", data: { call } });
            return false;
          }
          // next(new Error("...")) in Express
          if (
            n.type === AST_NODE_TYPES.CallExpression &&
            n.callee.type === AST_NODE_TYPES.Identifier &&
            n.callee.name === "next" &&
            genericError(n.arguments[0])
          ) {
            context.report({ node: n, messageId: "rethrowsGeneric", data: { call } });
            return false;
          }
          return undefined;
        });
      },
    };
  },
});
