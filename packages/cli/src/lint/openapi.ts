/**
 * What the lint rules read from a resolved OpenAPI document: its operations with their security,
 * request body and responses; declared headers and media types; schemas with allOf merged. Pure,
 * and free of Node APIs (it also runs inside Spectral).
 */
import type { JsonPath } from "./rule.js";

export type Json = Readonly<Record<string, unknown>>;
export const isObject = (v: unknown): v is Json =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export const METHODS = [
  "get",
  "put",
  "post",
  "delete",
  "options",
  "head",
  "patch",
  "trace",
] as const;

export type Auth = "none" | "required" | "optional";

export interface OperationView {
  /** Upper case: "GET". */
  readonly method: string;
  /** The path template as written, e.g. "/orders/{id}" (for webhooks, the webhook's name). */
  readonly path: string;
  readonly op: Json;
  /** ["paths", path, method] (or ["webhooks", name, method]). */
  readonly at: JsonPath;
  readonly id?: string;
  /**
   * required: every alternative names a scheme; optional: `security: [{}, {...}]` (anonymous is one
   * of the alternatives); none: no requirement, `[]` or only `[{}]`.
   */
  readonly auth: Auth;
  /** Scopes some alternative requires (OAuth2, OpenID Connect; roles in 3.1). */
  readonly scopes: readonly string[];
  /** True when every scheme of every alternative is mutualTLS (no HTTP challenge exists for it). */
  readonly tlsOnly: boolean;
  /** The security schemes named by the alternatives, resolved (for the suggested challenge). */
  readonly schemes: readonly Json[];
  readonly hasBody: boolean;
  readonly responses: Json;
  /** Present when the operation has a responses object. */
  readonly responsesAt: JsonPath;
}

const cache = new WeakMap<object, readonly OperationView[]>();

/** The operations under `paths` (3.1 `webhooks` are requests the API sends, not answers it gives: left out). */
export function operations(doc: Json): readonly OperationView[] {
  const hit = cache.get(doc);
  if (hit !== undefined) return hit;
  const out: OperationView[] = [];
  const schemes =
    isObject(doc.components) && isObject(doc.components.securitySchemes)
      ? doc.components.securitySchemes
      : {};
  const paths = isObject(doc.paths) ? doc.paths : {};
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      const at: JsonPath = ["paths", path, method];
      const requirement = op.security !== undefined ? op.security : doc.security;
      const sec = securityOf(requirement, schemes);
      out.push({
        method: method.toUpperCase(),
        path,
        op,
        at,
        ...(typeof op.operationId === "string" ? { id: op.operationId } : {}),
        ...sec,
        hasBody: isObject(op.requestBody),
        responses: isObject(op.responses) ? op.responses : {},
        responsesAt: [...at, "responses"],
      });
    }
  }
  cache.set(doc, out);
  return out;
}

function securityOf(
  requirement: unknown,
  schemes: Json,
): Pick<OperationView, "auth" | "scopes" | "tlsOnly" | "schemes"> {
  if (!Array.isArray(requirement) || requirement.length === 0)
    return { auth: "none", scopes: [], tlsOnly: false, schemes: [] };
  let anonymous = false;
  let named = 0;
  let tls = 0;
  const scopes = new Set<string>();
  const used: Json[] = [];
  for (const alt of requirement) {
    if (!isObject(alt)) continue;
    const names = Object.keys(alt);
    if (names.length === 0) {
      anonymous = true;
      continue;
    }
    for (const name of names) {
      named++;
      const scheme = schemes[name];
      if (isObject(scheme)) {
        used.push(scheme);
        if (scheme.type === "mutualTLS") tls++;
      }
      const s = alt[name];
      if (Array.isArray(s)) for (const x of s) if (typeof x === "string" && x !== "") scopes.add(x);
    }
  }
  if (named === 0) return { auth: "none", scopes: [], tlsOnly: false, schemes: [] };
  return {
    auth: anonymous ? "optional" : "required",
    scopes: [...scopes],
    tlsOnly: tls === named,
    schemes: used,
  };
}

/**
 * A `$ref` left in the resolved document: a remote one, not followed. What it points at is unknown,
 * so rules judge neither for nor against it.
 */
export function isUnresolved(v: unknown): boolean {
  return isObject(v) && typeof v.$ref === "string";
}

/** The response declared for a status key ("401") as written; undefined when unknown (a remote $ref). */
export function response(op: OperationView, code: string): Json | undefined {
  const r = op.responses[code];
  return isObject(r) && !isUnresolved(r) ? r : undefined;
}

/** Status keys of the responses: "200", "4XX", "default" (range keys upper-cased). */
export function responseCodes(op: OperationView): string[] {
  return Object.keys(op.responses).map((k) => (/^[1-5]xx$/i.test(k) ? k.toUpperCase() : k));
}

/** Whether a status is covered: declared itself, or by its range key ("4XX"), or (when allowed) `default`. */
export function declares(
  op: OperationView,
  code: number,
  opts: { default?: boolean } = {},
): boolean {
  const keys = responseCodes(op);
  if (keys.includes(String(code))) return true;
  if (keys.includes(`${String(code)[0]}XX`)) return true;
  return opts.default === true && keys.includes("default");
}

/** The response key as written for a code, for paths ("401" may be written 401 in YAML: same key). */
export function responseKey(op: OperationView, code: string): string | undefined {
  return Object.keys(op.responses).find((k) => k.toUpperCase() === code.toUpperCase());
}

/** The header a response declares under this name (names are case-insensitive), or undefined. */
export function declaredHeader(res: Json, name: string): string | undefined {
  if (!isObject(res.headers)) return undefined;
  const want = name.toLowerCase();
  return Object.keys(res.headers).find((k) => k.toLowerCase() === want);
}

/** Media types of a response's content, as written. */
export function mediaTypes(res: Json): string[] {
  return isObject(res.content) ? Object.keys(res.content) : [];
}

/** "application/problem+json; charset=utf-8" → "application/problem+json". */
export function essence(mediaType: string): string {
  return (mediaType.split(";")[0] ?? "").trim().toLowerCase();
}

export function isJsonMedia(mediaType: string): boolean {
  const e = essence(mediaType);
  return e === "application/json" || /\+json$/.test(e) || e === "*/*" || e === "application/*";
}

export function isProblemMedia(mediaType: string): boolean {
  const e = essence(mediaType);
  return e === "application/problem+json" || e === "application/problem+xml";
}

/** The status keys of an operation that are errors: 4xx, 5xx and their ranges (not default). */
export function errorCodes(op: OperationView): string[] {
  return responseCodes(op).filter((k) => /^[45]/.test(k));
}

/** One declaration of a property: allOf may declare the same property in several parts. */
export interface PropertyPart {
  readonly schema: Json;
  /** Where it is, as a path of the resolved document. */
  readonly at: JsonPath;
}

/**
 * A schema's properties with allOf merged (bounded: a recursive schema stops at depth 8): each
 * property with every part that declares it, in order. Undefined for what is not a schema object
 * (or a remote $ref left unresolved).
 */
export interface FlatSchema {
  readonly properties: Readonly<Record<string, readonly PropertyPart[]>>;
  readonly required: readonly string[];
  /** oneOf / anyOf alternatives, each with its path. */
  readonly alternatives: readonly { readonly schema: Json; readonly at: JsonPath }[];
}

function addPart(
  into: Record<string, PropertyPart[]>,
  key: string,
  ...parts: PropertyPart[]
): void {
  const list = into[key];
  if (list === undefined) into[key] = [...parts];
  else list.push(...parts);
}

export function flatten(schema: unknown, at: JsonPath, depth = 0): FlatSchema | undefined {
  if (!isObject(schema) || isUnresolved(schema) || depth > 8) return undefined;
  const properties: Record<string, PropertyPart[]> = {};
  const required = new Set<string>();
  const alternatives: { schema: Json; at: JsonPath }[] = [];
  if (isObject(schema.properties))
    for (const [k, v] of Object.entries(schema.properties)) {
      if (!isObject(v) || isUnresolved(v)) continue;
      addPart(properties, k, { schema: v, at: [...at, "properties", k] });
    }
  if (Array.isArray(schema.required))
    for (const r of schema.required) if (typeof r === "string") required.add(r);
  if (Array.isArray(schema.allOf))
    for (const [i, part] of schema.allOf.entries()) {
      const f = flatten(part, [...at, "allOf", i], depth + 1);
      if (f === undefined) continue;
      for (const [k, parts] of Object.entries(f.properties)) addPart(properties, k, ...parts);
      for (const r of f.required) required.add(r);
      alternatives.push(...f.alternatives);
    }
  for (const key of ["oneOf", "anyOf"] as const) {
    const list = schema[key];
    if (Array.isArray(list))
      for (const [i, alt] of list.entries())
        if (isObject(alt) && !isUnresolved(alt))
          alternatives.push({ schema: alt, at: [...at, key, i] });
  }
  return { properties, required: [...required], alternatives };
}

/** The JSON types a schema allows ("type": "x" or ["x", "null"], 3.0's nullable aside). */
export function types(schema: Json): string[] {
  const t = schema.type;
  if (typeof t === "string") return [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === "string");
  return [];
}

/** The values a schema pins a property to (const, or enum), if it does. */
export function pinned(schema: Json): readonly unknown[] | undefined {
  if (Object.hasOwn(schema, "const")) return [schema.const];
  if (Array.isArray(schema.enum)) return schema.enum;
  return undefined;
}

/** "GET /orders/{id}" */
export function label(op: OperationView): string {
  return `${op.method} ${op.path}`;
}
