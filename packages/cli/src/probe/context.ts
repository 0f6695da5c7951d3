/**
 * What every scenario is given: the API model, the identities, the client (which enforces the
 * safety rules), what earlier scenarios learned (ids from identity A's responses, GET statuses),
 * and `send`, which records the exchange for the engine.
 */
import type { Exchange, ProbeFacts } from "../audit/exchange.js";
import type { ProbeClient, ProbeRequest } from "./client.js";
import type { ApiModel, Operation, Parameter } from "./openapi.js";
import type { Step } from "./scenario-file.js";

export interface Identity {
  readonly label: "A" | "B";
  /** The Authorization value (a secret: never printed). */
  readonly authorization: string;
  readonly scheme: string;
}

export interface ProbeContext {
  readonly api: ApiModel;
  readonly client: ProbeClient;
  readonly a?: Identity;
  readonly b?: Identity;
  /** Operations (or paths) each scenario tries at most. */
  readonly perScenario: number;
  readonly burst: number;
  readonly steps: readonly Step[];
  /** Ids seen in identity A's responses, by collection path ("/orders" → ["o1", "o2"]). */
  readonly ids: Map<string, string[]>;
  /** The status and identity of each GET target already sent (for HEAD and other-identity). */
  readonly gets: Map<string, { status: number; identity: string }>;
  /** One line each: what a scenario could not do, and why. */
  readonly notes: string[];
  send(req: ProbeRequest, facts: ProbeFacts): Promise<Exchange | undefined>;
}

/** A value no API has: the id of the "unknown id" requests. */
export const UNKNOWN_ID = "truestatus-probe-0";
export const UNKNOWN_NUMBER = 987654321;

/** "Authorization" headers for an identity (none for undefined). */
export function authHeaders(who: Identity | undefined): Record<string, string> {
  return who === undefined ? {} : { authorization: who.authorization };
}

/** The identity to call an operation with: A when it is secured, none when it is public. */
export function callerFor(ctx: ProbeContext, op: Operation): Identity | undefined | null {
  if (!op.secured) return undefined;
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

/** The collection a templated path's first parameter indexes: "/orders/{id}/pay" → "/orders". */
export function collectionOf(path: string): string | undefined {
  const i = path.indexOf("/{");
  return i <= 0 ? undefined : path.slice(0, i);
}

/**
 * A concrete target for an operation: path parameters from A's ids (or the document's examples)
 * when `known`, or ids that cannot exist when not; required query parameters from examples.
 * Undefined when a known id is needed and none is known.
 */
export function fillPath(ctx: ProbeContext, op: Operation, known: boolean): string | undefined {
  let missing = false;
  const path = op.path.replace(/\{([^}/]+)\}/g, (_, name: string) => {
    const p = op.parameters.find((x) => x.in === "path" && x.name === name) ?? {
      name,
      in: "path" as const,
      required: true,
    };
    if (!known) return encodeURIComponent(String(isNumeric(p) ? UNKNOWN_NUMBER : UNKNOWN_ID));
    const col = collectionOf(op.path);
    const learned = col === undefined ? undefined : ctx.ids.get(col)?.[0];
    const v = learned ?? exampleOf(p);
    if (v === undefined) {
      missing = true;
      return "";
    }
    return encodeURIComponent(String(v));
  });
  if (missing) return undefined;
  const query: string[] = [];
  for (const p of op.parameters) {
    if (p.in !== "query" || !p.required) continue;
    const v = exampleOf(p);
    if (v === undefined) return undefined;
    query.push(`${encodeURIComponent(p.name)}=${encodeURIComponent(String(v))}`);
  }
  return query.length === 0 ? path : `${path}?${query.join("&")}`;
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

/** Operations taking a JSON body. */
export function jsonBodyOps(ctx: ProbeContext): Operation[] {
  return ctx.api.operations.filter((o) => o.body?.mediaTypes.some((m) => /\bjson\b/i.test(m)));
}

/** A JSON text no parser accepts (cut in the middle of a member). */
export const UNPARSEABLE_JSON = '{"truestatus-probe": ';

/**
 * Sends the body no parser accepts to an operation that takes JSON, labelled `contentType`, as
 * its caller (A when secured), with ids that cannot exist: a 404 is then an honest answer too.
 */
export function sendUnparseable(
  ctx: ProbeContext,
  op: Operation,
  contentType: string,
  facts: { scenario: string; did: string; expect: number },
): Promise<Exchange | undefined> {
  const who = callerFor(ctx, op) ?? undefined;
  return ctx.send(
    {
      method: op.method,
      path: fillPath(ctx, op, false)!,
      headers: { ...authHeaders(who), "content-type": contentType },
      body: UNPARSEABLE_JSON,
      unparseable: true,
      identity: who?.label ?? "none",
    },
    {
      scenario: facts.scenario,
      did: facts.did,
      expect: hasParams(op) ? [facts.expect, 404] : [facts.expect],
    },
  );
}

/** Runs tasks of one scenario together (the client's pacer caps concurrency and rate). */
export async function all(tasks: readonly (() => Promise<unknown>)[]): Promise<void> {
  await Promise.all(tasks.map((t) => t()));
}
