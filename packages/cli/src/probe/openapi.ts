/**
 * OpenAPI 3.0 / 3.1 (JSON or YAML, with $refs) → the operations a probe plans from. Parsing and
 * $ref resolution are @apidevtools/json-schema-ref-parser's (local files only: no network);
 * the model keeps only what scenarios read.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import $RefParser from "@apidevtools/json-schema-ref-parser";
import { parse as parseYaml } from "yaml";
import { ProbeError } from "./errors.js";
import { yamlLine } from "./yaml-line.js";

/** A JSON Schema as OpenAPI writes it (the parts the probe reads). */
export interface Schema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly items?: Schema;
  readonly example?: unknown;
  readonly examples?: readonly unknown[];
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly format?: string;
  readonly minimum?: number;
  readonly minLength?: number;
  readonly allOf?: readonly Schema[];
}

export interface Parameter {
  readonly name: string;
  readonly in: "path" | "query" | "header" | "cookie";
  readonly required: boolean;
  readonly example?: unknown;
  readonly schema?: Schema;
}

export interface Operation {
  readonly method: string;
  /** The path template as written, e.g. "/orders/{id}". */
  readonly path: string;
  readonly id?: string;
  /**
   * Authentication, from its security requirements (its own, or the document's): "required" when
   * every alternative names a scheme, "optional" when one alternative is `{}` and another names a
   * scheme, "none" without any.
   */
  readonly auth: "required" | "optional" | "none";
  readonly parameters: readonly Parameter[];
  readonly body?: {
    readonly required: boolean;
    readonly mediaTypes: readonly string[];
    readonly schema?: Schema;
    readonly example?: unknown;
  };
  /** The media types its 2xx responses produce. */
  readonly produces: readonly string[];
}

export interface ApiModel {
  readonly title: string;
  readonly version: "3.0" | "3.1";
  readonly operations: readonly Operation[];
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;
const MAX_BYTES = 16 * 1024 * 1024;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function fail(file: string, message: string, cause?: unknown): never {
  throw new ProbeError("TRUESTATUS_PROBE_OPENAPI", `${file}: ${message}`, { cause });
}

/** Reads and parses (JSON or YAML) without resolving, for a clear syntax error first. */
async function readDocument(file: string): Promise<Json> {
  let text: string;
  try {
    const buf = await readFile(file);
    if (buf.length > MAX_BYTES)
      fail(file, `${buf.length} bytes is more than the 16 MiB an OpenAPI document may have`);
    text = buf.toString("utf8");
  } catch (e) {
    if (e instanceof ProbeError) throw e;
    fail(file, `cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`, e);
  }
  let doc: unknown;
  try {
    doc = /^\s*[{[]/.test(text) ? JSON.parse(text) : parseYaml(text, { logLevel: "error" });
  } catch (e) {
    const line = yamlLine(e);
    const where = line === undefined ? "" : ` at line ${line}`;
    const first = String((e as Error).message).split("\n")[0];
    fail(file, `not valid JSON or YAML${where}: ${first}`, e);
  }
  if (!isObject(doc)) fail(file, "the document is not an object");
  return doc;
}

function versionOf(file: string, doc: Json): "3.0" | "3.1" {
  const v = doc.openapi;
  if (typeof v !== "string") {
    if (doc.swagger !== undefined)
      fail(file, `swagger ${String(doc.swagger)} is not read; convert it to OpenAPI 3`);
    fail(file, 'no "openapi" version field: not an OpenAPI 3 document');
  }
  if (/^3\.0\.\d+/.test(v)) return "3.0";
  if (/^3\.1\.\d+/.test(v)) return "3.1";
  fail(file, `openapi ${v} is not supported (3.0.x and 3.1.x are)`);
}

/** Loads an OpenAPI document (path to a .json/.yaml file) into the probe's model. */
export async function loadOpenApi(file: string): Promise<ApiModel> {
  const raw = await readDocument(file);
  const version = versionOf(file, raw);
  if (!isObject(raw.paths)) fail(file, 'no "paths" object');
  let doc: Json;
  try {
    doc = (await $RefParser.dereference(resolve(file), raw, {
      resolve: { http: false },
      dereference: { circular: "ignore" },
    })) as Json;
  } catch (e) {
    fail(file, `cannot resolve a $ref: ${String((e as Error).message).split("\n")[0]}`, e);
  }
  return { title: titleOf(doc), version, operations: operationsOf(file, doc) };
}

function titleOf(doc: Json): string {
  return isObject(doc.info) && typeof doc.info.title === "string" ? doc.info.title : "API";
}

function authOf(requirement: unknown): Operation["auth"] {
  // [] or [{}] make an operation public; `{}` beside a named scheme makes credentials optional.
  if (!Array.isArray(requirement)) return "none";
  const alternatives = requirement.filter(isObject);
  const named = alternatives.filter((r) => Object.keys(r).length > 0).length;
  if (named === 0) return "none";
  return named === alternatives.length ? "required" : "optional";
}

function parameter(p: unknown): Parameter | undefined {
  if (!isObject(p) || typeof p.name !== "string") return undefined;
  const where = p.in;
  if (where !== "path" && where !== "query" && where !== "header" && where !== "cookie")
    return undefined;
  return {
    name: p.name,
    in: where,
    required: p.required === true || where === "path",
    ...(p.example !== undefined ? { example: p.example } : {}),
    ...(isObject(p.schema) ? { schema: p.schema as Schema } : {}),
  };
}

function operationsOf(file: string, doc: Json): Operation[] {
  const globalAuth = authOf(doc.security);
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    if (!path.startsWith("/")) fail(file, `paths: "${path}" does not start with "/"`);
    if (!isObject(item)) continue;
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    for (const method of METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      const params = new Map<string, Parameter>();
      for (const p of [...shared, ...(Array.isArray(op.parameters) ? op.parameters : [])]) {
        const q = parameter(p);
        if (q !== undefined) params.set(`${q.in}:${q.name}`, q);
      }
      const auth = op.security !== undefined ? authOf(op.security) : globalAuth;
      out.push({
        method: method.toUpperCase(),
        path,
        ...(typeof op.operationId === "string" ? { id: op.operationId } : {}),
        auth,
        parameters: [...params.values()],
        ...bodyOf(op.requestBody),
        produces: producesOf(op.responses),
      });
    }
  }
  return out;
}

function bodyOf(rb: unknown): Pick<Operation, "body"> {
  if (!isObject(rb) || !isObject(rb.content)) return {};
  const mediaTypes = Object.keys(rb.content);
  const json = mediaTypes.find((m) => /\bjson\b/i.test(m));
  const media = json === undefined ? undefined : (rb.content as Json)[json];
  const schema = isObject(media) && isObject(media.schema) ? (media.schema as Schema) : undefined;
  let example: unknown;
  if (isObject(media)) {
    if (media.example !== undefined) example = media.example;
    else if (isObject(media.examples)) {
      const first = Object.values(media.examples)[0];
      if (isObject(first) && first.value !== undefined) example = first.value;
    }
  }
  return {
    body: {
      required: rb.required === true,
      mediaTypes,
      ...(schema !== undefined ? { schema } : {}),
      ...(example !== undefined ? { example } : {}),
    },
  };
}

function producesOf(responses: unknown): string[] {
  if (!isObject(responses)) return [];
  const types = new Set<string>();
  for (const [code, r] of Object.entries(responses)) {
    if (!/^2/.test(code) || !isObject(r) || !isObject(r.content)) continue;
    for (const t of Object.keys(r.content)) types.add(t);
  }
  return [...types];
}

/** Operations given on the command line ("GET /orders", "POST /users"), without a document. */
export function operationsFromRoutes(routes: readonly string[], secured: boolean): Operation[] {
  return routes.map((r) => {
    const m = /^\s*([A-Za-z]+)\s+(\/\S*)\s*$/.exec(r);
    if (m === null)
      throw new ProbeError(
        "TRUESTATUS_PROBE_TARGET",
        `--route ${JSON.stringify(r)}: expected "<METHOD> /path", e.g. "GET /orders"`,
      );
    const path = m[2]!;
    const params = [...path.matchAll(/\{([^}/]+)\}/g)].map((x) => ({
      name: x[1]!,
      in: "path" as const,
      required: true,
    }));
    const method = m[1]!.toUpperCase();
    return {
      method,
      path,
      auth: secured ? ("required" as const) : ("none" as const),
      parameters: params,
      ...(method === "POST" || method === "PUT" || method === "PATCH"
        ? { body: { required: true, mediaTypes: ["application/json"] } }
        : {}),
      produces: ["application/json"],
    };
  });
}
