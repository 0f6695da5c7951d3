/** Object literals shaped like an error body, and the statements around an answer. */
import { AST_NODE_TYPES, type TSESTree } from "@typescript-eslint/utils";

function keyName(p: TSESTree.Property): string | undefined {
  if (p.key.type === AST_NODE_TYPES.Identifier && !p.computed) return p.key.name;
  if (p.key.type === AST_NODE_TYPES.Literal && typeof p.key.value === "string") return p.key.value;
  return undefined;
}

const EMPTY = (v: TSESTree.Node) =>
  (v.type === AST_NODE_TYPES.Literal && (v.value === null || v.value === false)) ||
  (v.type === AST_NODE_TYPES.Identifier && v.name === "undefined") ||
  (v.type === AST_NODE_TYPES.ArrayExpression && v.elements.length === 0);

/** Why an object literal reads as an error body (`error: ...`, `success: false`, ...), or undefined. */
export function errorShape(node: TSESTree.Node | undefined): string | undefined {
  if (node?.type !== AST_NODE_TYPES.ObjectExpression) return undefined;
  for (const p of node.properties) {
    if (p.type !== AST_NODE_TYPES.Property) continue;
    const k = keyName(p);
    const v = p.value;
    if ((k === "error" || k === "errors") && !EMPTY(v)) return k;
    if ((k === "success" || k === "ok") && v.type === AST_NODE_TYPES.Literal && v.value === false)
      return `${k}: false`;
    if (
      (k === "status" || k === "statusCode" || k === "code") &&
      v.type === AST_NODE_TYPES.Literal &&
      ((typeof v.value === "string" && /^(error|fail|failed|failure)$/i.test(v.value)) ||
        (typeof v.value === "number" && v.value >= 400 && v.value <= 599))
    )
      return `${k}: ${JSON.stringify(v.value)}`;
  }
  return undefined;
}

/** The member of an object literal: `detail` text for a truestatus failure ({ error: "..." }). */
export function detailOf(
  node: TSESTree.Node | undefined,
): { readonly value: TSESTree.Node } | undefined | "none" {
  if (node === undefined) return "none";
  if (node.type !== AST_NODE_TYPES.ObjectExpression || node.properties.length !== 1)
    return undefined;
  const p = node.properties[0]!;
  if (p.type !== AST_NODE_TYPES.Property) return undefined;
  const k = keyName(p);
  if (k !== "error" && k !== "message" && k !== "detail") return undefined;
  const v = p.value;
  if (
    (v.type === AST_NODE_TYPES.Literal && typeof v.value === "string") ||
    v.type === AST_NODE_TYPES.TemplateLiteral
  )
    return { value: v };
  return undefined;
}
