/**
 * Envoy's published config schema: the API's protobuf definitions (envoyproxy/envoy `api/`, as
 * shipped in @grpc/grpc-js-xds `deps/envoy-api`, with the xds, validate and googleapis protos
 * they import), loaded with protobufjs. `validateEnvoy(json, type)` walks a config in the
 * protobuf JSON mapping: every key must be a field of its message (proto name or JSON name),
 * every value of the field's type, enum values known, `typed_config` resolved through its
 * `@type` to the extension's message and checked the same way, and the fields marked
 * `(validate.required)` present. It returns the problems as "path: what" lines.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import protobuf from "protobufjs";

const require = createRequire(import.meta.url);
const DEPS = join(dirname(require.resolve("@grpc/grpc-js-xds/package.json")), "deps");
const ROOTS = [
  ...["envoy-api", "xds", "protoc-gen-validate", "googleapis"].map((d) => join(DEPS, d)),
  // google/protobuf/descriptor.proto and the other well-known types
  dirname(require.resolve("protobufjs/package.json")),
];

/** The files whose messages the generated configs use (their imports load the rest). */
const FILES = [
  "envoy/config/bootstrap/v3/bootstrap.proto",
  "envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto",
  "envoy/extensions/filters/http/router/v3/router.proto",
  "envoy/extensions/filters/http/lua/v3/lua.proto",
  "envoy/extensions/filters/http/local_ratelimit/v3/local_rate_limit.proto",
  "envoy/extensions/access_loggers/file/v3/file.proto",
  "envoy/extensions/transport_sockets/tls/v3/tls.proto",
];

let root: protobuf.Root | undefined;

function load(): protobuf.Root {
  if (root !== undefined) return root;
  const r = new protobuf.Root();
  r.resolvePath = (_origin, target) => {
    for (const base of ROOTS) {
      const p = join(base, target);
      try {
        require("node:fs").accessSync(p);
        return p;
      } catch {}
    }
    return target;
  };
  r.loadSync(FILES, { keepCase: true, alternateCommentMode: false });
  r.resolveAll();
  root = r;
  return r;
}

const WELL_KNOWN_SCALAR: Readonly<Record<string, (v: unknown) => boolean>> = {
  "google.protobuf.Duration": (v) => typeof v === "string" && /^-?\d+(\.\d{1,9})?s$/.test(v),
  "google.protobuf.UInt32Value": (v) => Number.isInteger(v) && (v as number) >= 0,
  "google.protobuf.UInt64Value": (v) => Number.isInteger(v) || /^\d+$/.test(String(v)),
  "google.protobuf.BoolValue": (v) => typeof v === "boolean",
  "google.protobuf.StringValue": (v) => typeof v === "string",
  "google.protobuf.Struct": (v) => typeof v === "object" && v !== null && !Array.isArray(v),
  "google.protobuf.Value": () => true,
};

function scalarOk(type: string, v: unknown): boolean {
  switch (type) {
    case "string":
      return typeof v === "string";
    case "bool":
      return typeof v === "boolean";
    case "bytes":
      return typeof v === "string";
    case "double":
    case "float":
      return typeof v === "number";
    case "int32":
    case "uint32":
    case "sint32":
    case "fixed32":
    case "sfixed32":
      return Number.isInteger(v);
    default:
      // 64-bit integers: numbers or decimal strings in the JSON mapping
      return Number.isInteger(v) || (typeof v === "string" && /^-?\d+$/.test(v));
  }
}

function isRequired(field: protobuf.Field): boolean {
  const o = field.options as Record<string, unknown> | undefined;
  if (o === undefined) return false;
  return Object.entries(o).some(
    ([k, v]) => k.startsWith("(validate.rules)") && k.endsWith("message.required") && v === true,
  );
}

function walkMessage(type: protobuf.Type, value: unknown, path: string, out: string[]): void {
  const name = type.fullName.replace(/^\./, "");
  const wk = WELL_KNOWN_SCALAR[name];
  if (wk !== undefined) {
    if (!wk(value)) out.push(`${path}: not a ${name}`);
    return;
  }
  if (name === "google.protobuf.Any") {
    walkAny(value, path, out);
    return;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    out.push(`${path}: expected an object (${name})`);
    return;
  }
  const byName = new Map<string, protobuf.Field>();
  for (const f of type.fieldsArray) {
    byName.set(f.name, f);
    byName.set(protobuf.util.camelCase(f.name), f);
  }
  const seenOneof = new Map<string, string>();
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const field = byName.get(key);
    if (field === undefined) {
      out.push(`${path}.${key}: no such field in ${name}`);
      continue;
    }
    if (field.partOf !== null && field.partOf !== undefined) {
      const other = seenOneof.get(field.partOf.name);
      if (other !== undefined)
        out.push(`${path}: ${other} and ${key} are one of ${field.partOf.name}`);
      seenOneof.set(field.partOf.name, key);
    }
    walkField(field, v, `${path}.${key}`, out);
  }
  for (const o of type.oneofsArray) {
    const required = (o.options as Record<string, unknown> | undefined)?.["(validate.required)"];
    if (required === true && !seenOneof.has(o.name))
      out.push(`${path}: one of ${o.oneof.join(", ")} of ${name} required`);
  }
  for (const f of type.fieldsArray) {
    // A required member of a oneof is required only when its case is the one set.
    if (!isRequired(f) || (f.partOf !== null && f.partOf !== undefined)) continue;
    const v = value as Record<string, unknown>;
    if (v[f.name] === undefined && v[protobuf.util.camelCase(f.name)] === undefined)
      out.push(`${path}: required field ${f.name} of ${name} missing`);
  }
}

function walkField(field: protobuf.Field, v: unknown, path: string, out: string[]): void {
  if (field.map) {
    if (typeof v !== "object" || v === null) out.push(`${path}: expected a map`);
    return;
  }
  if (field.repeated) {
    if (!Array.isArray(v)) {
      out.push(`${path}: expected a list`);
      return;
    }
    for (const [i, item] of v.entries()) walkOne(field, item, `${path}[${i}]`, out);
    return;
  }
  walkOne(field, v, path, out);
}

function walkOne(field: protobuf.Field, v: unknown, path: string, out: string[]): void {
  const t = field.resolvedType;
  if (t === null || t === undefined) {
    if (!scalarOk(field.type, v)) out.push(`${path}: not a ${field.type}`);
    return;
  }
  if (t instanceof protobuf.Enum) {
    if (typeof v === "string" ? !(v in t.values) : !Object.values(t.values).includes(v as number))
      out.push(`${path}: ${JSON.stringify(v)} is not a value of ${t.fullName}`);
    return;
  }
  walkMessage(t as protobuf.Type, v, path, out);
}

function walkAny(value: unknown, path: string, out: string[]): void {
  if (typeof value !== "object" || value === null) {
    out.push(`${path}: expected an Any object`);
    return;
  }
  const { "@type": url, ...rest } = value as Record<string, unknown>;
  if (typeof url !== "string" || !url.startsWith("type.googleapis.com/")) {
    out.push(`${path}: Any without a type.googleapis.com/ @type`);
    return;
  }
  let t: protobuf.Type;
  try {
    t = load().lookupType(url.slice("type.googleapis.com/".length));
  } catch {
    out.push(`${path}: unknown type ${url}`);
    return;
  }
  walkMessage(t, rest, path, out);
}

/** Problems of `config` as the message `type` (default: the bootstrap). Empty: valid. */
export function validateEnvoy(
  config: unknown,
  type = "envoy.config.bootstrap.v3.Bootstrap",
): string[] {
  const out: string[] = [];
  walkMessage(load().lookupType(type), config, "$", out);
  return out;
}
