/**
 * What every scenario is given: the API model, the identities, the client (which enforces the
 * safety rules), what earlier scenarios learned (ids from identity A's answers, GET statuses,
 * resources A created), and `send`, which records the exchange for the engine.
 */
import type { Exchange, ProbeFacts } from "../audit/exchange.js";
import type { ProbeClient, ProbeRequest } from "./client.js";
import type { ApiModel, Operation, Parameter } from "./openapi.js";
import { UNKNOWN_ID, UNKNOWN_NUMBER, UNKNOWN_UUID, UNPARSEABLE_JSON } from "./safety.js";
import type { Step } from "./scenario-file.js";

export { UNKNOWN_ID, UNKNOWN_NUMBER, UNKNOWN_UUID, UNPARSEABLE_JSON };

export interface Identity {
  readonly label: "A" | "B";
  /** The Authorization value (a secret: never printed). */
  readonly authorization: string;
  readonly scheme: string;
}

/** The id-like fields of one object in a list ("id", "slug", "username", …), as strings. */
export type IdRecord = Readonly<Record<string, string>>;

/** A target as planned: a template and the values of its variables (safety.ts fills it). */
export interface PlannedTarget {
  readonly template: string;
  readonly vars: Readonly<Record<string, string>>;
}

/** A GET already answered: where, as whom, and with what status. */
export interface SeenGet {
  readonly path: string;
  readonly status: number;
  readonly identity: "A" | "B" | "none";
}

export interface ProbeContext {
  readonly api: ApiModel;
  readonly client: ProbeClient;
  readonly a?: Identity;
  readonly b?: Identity;
  readonly unsafe: boolean;
  /** Operations (or paths) each scenario tries at most. */
  readonly perScenario: number;
  readonly burst: number;
  readonly steps: readonly Step[];
  /** Objects (their id-like fields) in identity A's list answers, by concrete collection path. */
  readonly ids: Map<string, IdRecord[]>;
  /** The targets of A's list answers (those `ids` came from), by concrete collection path. */
  readonly lists: Map<string, PlannedTarget>;
  /** The same lists as identity B sees them (what B may list is not A's alone). */
  readonly idsB: Map<string, IdRecord[]>;
  /** Concrete paths of resources identity A created or read in scenario steps. */
  readonly created: string[];
  /** The GETs already answered, by concrete path (for HEAD, burst and two identities). */
  readonly gets: Map<string, SeenGet>;
  /** One line each: what a scenario could not do, and why. */
  readonly notes: string[];
  send(req: ProbeRequest, facts: ProbeFacts): Promise<Exchange | undefined>;
  /** Adds facts to an exchange already recorded (what a later read showed). */
  amend(ex: Exchange, facts: Partial<ProbeFacts>): void;
}

/** "Authorization" headers for an identity (none for undefined). */
export function authHeaders(who: Identity | undefined): Record<string, string> {
  return who === undefined ? {} : { authorization: who.authorization };
}

/**
 * The identity to call an operation with: A when authentication is required (null when A is not
 * given), A when it is optional and A is given (A's view), none when the operation is public.
 */
export function callerFor(ctx: ProbeContext, op: Operation): Identity | undefined | null {
  if (op.auth === "none") return undefined;
  if (op.auth === "optional") return ctx.a;
  return ctx.a ?? null;
}

function exampleOf(p: Parameter): unknown {
  if (p.example !== undefined) return p.example;
  const s = p.schema;
  if (s === undefined) return undefined;
  if (s.example !== undefined) return s.example;
  if (s.examples?.[0] !== undefined) return s.examples[0];
  if (s.default !== undefined) return s.default;
  if (s.enum?.[0] !== undefined) return s.enum[0];
  return undefined;
}

function isNumeric(p: Parameter): boolean {
  const t = p.schema?.type;
  return (
    t === "integer" ||
    t === "number" ||
    (Array.isArray(t) && (t.includes("integer") || t.includes("number")))
  );
}

/** An id no API has, of the parameter's type. */
export function unknownIdFor(p: Parameter | undefined): string {
  if (p !== undefined && isNumeric(p)) return String(UNKNOWN_NUMBER);
  if (p?.schema?.format === "uuid") return UNKNOWN_UUID;
  return UNKNOWN_ID;
}

/** The collection a templated path's first parameter indexes: "/orders/{id}/pay" → "/orders". */
export function collectionOf(path: string): string | undefined {
  const i = path.indexOf("/{");
  return i <= 0 ? undefined : path.slice(0, i);
}

/** Generic id fields, in the order they are tried when no field is named like the parameter. */
export const ID_KEYS = ["id", "uuid", "_id", "key", "slug", "name", "username"];

/** The value for a path parameter from an object's id-like fields: its own name first. */
export function idFor(record: IdRecord, param: string): string | undefined {
  if (record[param] !== undefined) return record[param];
  const lower = param.toLowerCase();
  const exact = Object.keys(record).find((k) => k.toLowerCase() === lower);
  if (exact !== undefined) return record[exact];
  // "orderId", "order_id", "id": the object's own id.
  if (/(?:^|_|[a-z])id$/i.test(param))
    for (const k of ["id", "uuid", "_id"]) if (record[k] !== undefined) return record[k];
  for (const k of ["id", "uuid", "_id", "key", "slug", "name"])
    if (record[k] !== undefined) return record[k];
  return undefined;
}

/** The path parameter named `name` of an operation (a bare one when the document omits it). */
function paramOf(op: Operation, name: string): Parameter {
  return (
    op.parameters.find((x) => x.in === "path" && x.name === name) ?? {
      name,
      in: "path",
      required: true,
    }
  );
}

/**
 * A target for an operation: path parameters from what A's lists showed (by the concrete path of
 * the collection before each parameter) or the document's examples when `known`, or ids that
 * cannot exist when not; required query parameters from examples. Undefined when a known id is
 * needed and none is known, or a required query parameter has no example.
 */
export function fillPath(
  ctx: ProbeContext,
  op: Operation,
  known: boolean,
): PlannedTarget | undefined {
  const vars: Record<string, string> = {};
  let concrete = "";
  let missing = false;
  for (const part of op.path.split(/(\{[^{}/]+\})/)) {
    const m = /^\{([^{}/]+)\}$/.exec(part);
    if (m === null) {
      concrete += part;
      continue;
    }
    const name = m[1]!;
    const p = paramOf(op, name);
    let v: string | undefined;
    if (!known) v = unknownIdFor(p);
    else {
      const collection = concrete.replace(/\/$/, "");
      for (const r of ctx.ids.get(collection) ?? []) {
        v = idFor(r, name);
        if (v !== undefined) break;
      }
      if (v === undefined) {
        const ex = exampleOf(p);
        if (typeof ex === "string" || typeof ex === "number") v = String(ex);
      }
    }
    if (v === undefined || v === "") {
      missing = true;
      break;
    }
    vars[name] = v;
    concrete += encodeURIComponent(v);
  }
  if (missing) return undefined;
  const query: string[] = [];
  for (const p of op.parameters) {
    if (p.in !== "query" || !p.required) continue;
    const v = exampleOf(p);
    if (v === undefined) return undefined;
    query.push(`${encodeURIComponent(p.name)}=${encodeURIComponent(String(v))}`);
  }
  return { template: query.length === 0 ? op.path : `${op.path}?${query.join("&")}`, vars };
}

/** The concrete path of a planned target (as `admit` will fill it), for keys and messages. */
export function concretePath(t: PlannedTarget): string {
  return t.template.replace(/\{([^{}/]+)\}/g, (_, n: string) =>
    encodeURIComponent(t.vars[n] ?? ""),
  );
}

/** A concrete path as a target (no variables). */
export function literal(path: string): PlannedTarget {
  return { template: path, vars: {} };
}

export const hasParams = (op: Operation): boolean => op.path.includes("{");

/** The first `n` items whose key is new, in order. */
export function distinct<T>(items: readonly T[], key: (t: T) => string, n: number): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const t of items) {
    const k = key(t);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(t);
    if (out.length >= n) break;
  }
  return out;
}

const isJsonType = (m: string) => /\bjson\b/i.test(m);

/** Operations taking a JSON body. */
export function jsonBodyOps(ctx: ProbeContext): Operation[] {
  return ctx.api.operations.filter((o) => o.body?.mediaTypes.some(isJsonType));
}

/**
 * Sends the body no parser accepts to an operation that takes JSON, labelled `contentType`, as
 * `who`, with ids that cannot exist (`expect` should then allow a 404 where it is honest).
 */
export function sendUnparseable(
  ctx: ProbeContext,
  op: Operation,
  who: Identity | undefined,
  contentType: string,
  facts: { scenario: string; did: string; expect: readonly number[] },
): Promise<Exchange | undefined> {
  const t = fillPath(ctx, op, false);
  if (t === undefined) {
    ctx.notes.push(
      `${facts.scenario}: ${op.method} ${op.path} not sent (a required query parameter has no example)`,
    );
    return Promise.resolve(undefined);
  }
  return ctx.send(
    {
      method: op.method,
      ...t,
      headers: { ...authHeaders(who), "content-type": contentType },
      body: UNPARSEABLE_JSON,
      op,
      identity: who?.label ?? "none",
    },
    facts,
  );
}

/** Runs tasks of one scenario together (the client's pacer caps concurrency and rate). */
export async function all(tasks: readonly (() => Promise<unknown>)[]): Promise<void> {
  await Promise.all(tasks.map((t) => t()));
}
