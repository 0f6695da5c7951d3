/** The YAML `--fix-suggestions` prints: small, valid OpenAPI fragments to paste where a finding points. */
import { isObject, type Json, type OperationView } from "./openapi.js";
import type { JsonPath, Suggestion } from "./rule.js";

const indent = (text: string, by: number) =>
  text
    .split("\n")
    .map((l) => (l === "" ? l : `${" ".repeat(by)}${l}`))
    .join("\n");

/** A header object for `headers:` (name: {description, schema}). */
export function headerYaml(name: string, description: string, example?: string): string {
  return [
    `${name}:`,
    `  description: ${JSON.stringify(description)}`,
    "  schema:",
    "    type: string",
    ...(example !== undefined ? [`    example: ${JSON.stringify(example)}`] : []),
  ].join("\n");
}

/** The problem+json content: a reference to components.schemas.Problem when the document has one. */
export function problemContentYaml(doc: Json): string {
  const hasProblem =
    isObject(doc.components) &&
    isObject(doc.components.schemas) &&
    isObject(doc.components.schemas.Problem);
  return hasProblem
    ? ["application/problem+json:", "  schema:", '    $ref: "#/components/schemas/Problem"'].join(
        "\n",
      )
    : [
        "application/problem+json:",
        "  schema:",
        "    type: object",
        "    properties:",
        "      type: { type: string, format: uri-reference }",
        "      title: { type: string }",
        "      status: { type: integer }",
        "      detail: { type: string }",
      ].join("\n");
}

/** A whole response for `responses:` ("401": {...}) with problem+json content and these headers. */
export function responseYaml(
  doc: Json,
  code: number,
  description: string,
  headers: readonly string[] = [],
): string {
  return [
    `"${code}":`,
    `  description: ${JSON.stringify(description)}`,
    ...(headers.length > 0 ? ["  headers:", ...headers.map((h) => indent(h, 4))] : []),
    "  content:",
    indent(problemContentYaml(doc), 4),
  ].join("\n");
}

/** Suggests a missing response under the operation's `responses`. */
export function addResponse(op: OperationView, yaml: string): Suggestion {
  return { path: op.responsesAt, yaml };
}

/** Suggests a header under a response: under its `headers` when it has some, else a `headers:` block. */
export function addHeader(res: Json, resAt: JsonPath, header: string): Suggestion {
  return isObject(res.headers)
    ? { path: [...resAt, "headers"], yaml: header }
    : { path: resAt, yaml: `headers:\n${indent(header, 2)}` };
}

/** The challenge to suggest for an operation's schemes: Basic for http basic, Bearer otherwise. */
export function challengeExample(schemes: readonly Json[]): string {
  const basic = schemes.some(
    (s) => s.type === "http" && typeof s.scheme === "string" && s.scheme.toLowerCase() === "basic",
  );
  return basic ? 'Basic realm="api"' : 'Bearer realm="api"';
}
