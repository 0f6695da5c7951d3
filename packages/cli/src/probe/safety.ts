/**
 * What keeps a probe safe against a real API: one origin (http/https), a request budget, a
 * concurrency cap and a rate cap, and the contract of safe mode (`admit`). Every request a
 * scenario plans passes through `admit` in the client: it is the one place that builds the URL
 * from the planned template and decides whether the request may go out. Pure checks and small
 * counters.
 */
import { ProbeError } from "./errors.js";
import type { Operation } from "./openapi.js";

/** Methods that never change data (RFC 9110 §9.2.1). */
export const SAFE_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS"]);

/** The only methods safe mode sends with a body, and then only the unparseable one. */
export const BODY_METHODS: ReadonlySet<string> = new Set(["POST", "PUT", "PATCH"]);

/** A JSON text no parser accepts (cut in the middle of a member): the only body safe mode sends. */
export const UNPARSEABLE_JSON = '{"truestatus-probe": ';

/** Ids no API has: what safe mode puts in every path parameter of a write. */
export const UNKNOWN_ID = "truestatus-probe-0";
export const UNKNOWN_NUMBER = 987654321;
export const UNKNOWN_UUID = "00000000-0000-4000-8000-00007e575a7e";
const UNKNOWN_IDS: ReadonlySet<string> = new Set([
  UNKNOWN_ID,
  String(UNKNOWN_NUMBER),
  UNKNOWN_UUID,
]);

/** Request headers a safe-mode write may carry (names, lowercase). */
const SAFE_WRITE_HEADERS: ReadonlySet<string> = new Set([
  "authorization",
  "content-type",
  "accept",
  "user-agent",
]);

export const LIMITS = {
  maxRequests: { min: 1, max: 10_000, default: 200 },
  concurrency: { min: 1, max: 32, default: 4 },
  rate: { min: 1, max: 1000, default: 50 },
  timeoutMs: { min: 100, max: 120_000, default: 5000 },
  burst: { min: 0, max: 200, default: 0 },
  perScenario: { min: 1, max: 100, default: 6 },
} as const;

export type LimitName = keyof typeof LIMITS;

/** A limit given by the user, or its default; out of range is a usage error naming the option. */
export function limit(name: LimitName, value: number | undefined, flag: string): number {
  const l = LIMITS[name];
  if (value === undefined) return l.default;
  if (!Number.isInteger(value) || value < l.min || value > l.max)
    throw new ProbeError(
      "TRUESTATUS_PROBE_TARGET",
      `${flag}: expected a whole number from ${l.min} to ${l.max}, got ${String(value)}`,
    );
  return value;
}

/** The probe's target: an http(s) origin with an optional path prefix ("https://h/api/v1"). */
export interface Target {
  readonly origin: string;
  /** The path prefix without a trailing slash ("" for none). */
  readonly prefix: string;
}

export function parseTarget(url: string): Target {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ProbeError(
      "TRUESTATUS_PROBE_TARGET",
      `${url}: not a URL (expected http(s)://host[:port][/prefix])`,
    );
  }
  if (u.protocol !== "http:" && u.protocol !== "https:")
    throw new ProbeError(
      "TRUESTATUS_PROBE_TARGET",
      `${url}: only http: and https: targets are probed, not ${u.protocol}`,
    );
  if (u.username !== "" || u.password !== "")
    throw new ProbeError(
      "TRUESTATUS_PROBE_TARGET",
      `${u.origin}: credentials in the URL are refused; give them with --auth`,
    );
  return { origin: u.origin, prefix: u.pathname.replace(/\/+$/, "") };
}

/**
 * The URL of a request target on the probe's origin, or undefined when it would leave it
 * (an absolute URL, "//other-host", a backslash trick): same-origin only.
 */
export function sameOriginUrl(target: Target, path: string): URL | undefined {
  if (!path.startsWith("/") || path.startsWith("//") || path.includes("\\")) return undefined;
  let u: URL;
  try {
    u = new URL(target.prefix + path, target.origin);
  } catch {
    return undefined;
  }
  return u.origin === target.origin ? u : undefined;
}

/**
 * The request budget: every request takes one; none is sent once it is spent. Requests can be
 * reserved ahead (the state witness's reads after the run), so that no scenario spends them.
 */
export class Budget {
  private used = 0;
  private held = 0;
  private refused = 0;
  constructor(readonly max: number) {}
  take(reserved = false): boolean {
    if (reserved && this.held > 0) {
      this.held--;
      this.used++;
      return true;
    }
    if (this.used + this.held >= this.max) {
      this.refused++;
      return false;
    }
    this.used++;
    return true;
  }
  /** Holds `n` requests for later (`take(true)`); false, holding nothing, when they do not fit. */
  reserve(n: number): boolean {
    if (this.used + this.held + n > this.max) return false;
    this.held += n;
    return true;
  }
  /** Requests not yet taken nor held. */
  get left(): number {
    return this.max - this.used - this.held;
  }
  get sent(): number {
    return this.used;
  }
  /** Requests scenarios wanted to send after the budget was spent. */
  get over(): number {
    return this.refused;
  }
}

/** At most `concurrency` requests in flight, started at most `rate` per second. */
export class Pacer {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private next = 0;
  private readonly interval: number;
  constructor(
    private readonly concurrency: number,
    rate: number,
  ) {
    this.interval = 1000 / rate;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A finishing request hands its slot to the next waiter, so the cap is never passed.
    if (this.active >= this.concurrency)
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      const now = performance.now();
      const at = Math.max(now, this.next);
      this.next = at + this.interval;
      if (at > now) await new Promise((r) => setTimeout(r, at - now));
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next !== undefined) next();
      else this.active--;
    }
  }
}

/**
 * A request as a scenario plans it: the path is a template whose variables (`{id}` as an OpenAPI
 * document writes them, `{{orderId}}` as a scenario file does) `admit` fills from `vars`.
 */
export interface PlannedRequest {
  readonly method: string;
  /** "/orders/{id}", "/orders/{{orderId}}/pay", "/things?limit=1": a path on the target, from "/". */
  readonly template: string;
  /** Values of the template's variables (raw; `admit` encodes them). */
  readonly vars?: Readonly<Record<string, string | undefined>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** The documented operation the request exercises: a safe-mode write must name one. */
  readonly op?: Pick<Operation, "method" | "path" | "body">;
}

export type Refusal = "unsafe" | "origin" | "path";

export type Admission =
  | { readonly ok: true; readonly path: string; readonly url: URL }
  | { readonly ok: false; readonly skip: Refusal; readonly reason: string };

const VARIABLE = /\{\{(\w+)\}\}|\{([^{}/?#]+)\}/g;

/** The names of a template's variables, in order. */
export function templateVars(template: string): string[] {
  return [...template.matchAll(VARIABLE)].map((m) => m[1] ?? m[2]!);
}

const isJsonType = (m: string) => /^application\/(?:[\w.+-]*\+)?json\s*(?:;|$)/i.test(m.trim());

const refuse = (skip: Refusal, reason: string): Admission => ({ ok: false, skip, reason });

/**
 * The contract, in one place. In every mode: the template's variables are all bound to non-empty
 * values that are not dot segments, the path has no empty segment (no "//", and a trailing "/"
 * only where the template has one), and the URL stays on the target's origin. Without --unsafe,
 * also:
 * - GET, HEAD and OPTIONS go out without a body;
 * - POST, PUT and PATCH go out only to a documented operation of that method whose document
 *   declares a required JSON request body, at that operation's own path, without a query, with
 *   every path parameter an id no API has (a path without parameters: POST only), with
 *   `Content-Type: application/json`, no headers but Authorization, Content-Type, Accept and
 *   User-Agent, and the body UNPARSEABLE_JSON;
 * - nothing else (DELETE, any other method) goes out.
 */
export function admit(req: PlannedRequest, target: Target, unsafe: boolean): Admission {
  const method = req.method.toUpperCase();
  const template = req.template;
  if (!template.startsWith("/")) return refuse("origin", `${template}: not a path on the target`);
  const q = template.indexOf("?");
  const pathTemplate = q === -1 ? template : template.slice(0, q);
  if (/\/\//.test(pathTemplate)) return refuse("path", `${pathTemplate}: an empty path segment`);
  let missing: string | undefined;
  const filled = template.replace(
    VARIABLE,
    (whole, a: string | undefined, b: string | undefined) => {
      const name = a ?? b!;
      const v = req.vars?.[name];
      if (v === undefined || v === "" || v === "." || v === "..") {
        missing ??=
          v === undefined
            ? `${whole} was never bound`
            : `${whole} is ${v === "" ? "empty" : `"${v}"`} (an empty or dot path segment)`;
        return "";
      }
      return encodeURIComponent(v);
    },
  );
  if (missing !== undefined) return refuse("path", `${template}: ${missing}`);
  if (/[{}]/.test(filled)) return refuse("path", `${template}: an unbalanced "{" or "}"`);
  const fq = filled.indexOf("?");
  const path = fq === -1 ? filled : filled.slice(0, fq);
  const segments = path.split("/").slice(1);
  if (segments.some((s) => /^(?:\.|%2e){1,2}$/i.test(s)))
    return refuse("path", `${path}: a dot segment ("." or "..")`);
  const url = sameOriginUrl(target, filled);
  if (url === undefined) return refuse("origin", `${filled}: it leaves the target's origin`);
  if (!unsafe) {
    const why = safeModeRefusal(method, req, pathTemplate, q !== -1);
    if (why !== undefined) return refuse("unsafe", why);
  }
  return { ok: true, path: filled, url };
}

/** Why safe mode does not send a request (undefined: it may). */
function safeModeRefusal(
  method: string,
  req: PlannedRequest,
  pathTemplate: string,
  hasQuery: boolean,
): string | undefined {
  if (SAFE_METHODS.has(method))
    return req.body === undefined ? undefined : `a body on ${method} is sent only with --unsafe`;
  if (!BODY_METHODS.has(method)) return `${method} could change data`;
  const op = req.op;
  if (op === undefined || op.method.toUpperCase() !== method || op.path !== pathTemplate)
    return `${method} ${pathTemplate} is not a documented operation with a required JSON body`;
  if (op.body?.required !== true || !op.body.mediaTypes.some(isJsonType))
    return `${method} ${op.path}: the document does not declare a required JSON request body`;
  if (hasQuery) return `${method} ${op.path} with a query`;
  const vars = templateVars(pathTemplate);
  if (vars.length === 0 && method !== "POST")
    return `${method} ${op.path} changes the resource at that path (no id that cannot exist)`;
  for (const v of vars)
    if (!UNKNOWN_IDS.has(req.vars?.[v] ?? ""))
      return `${method} ${op.path} on a real resource ({${v}} is not an id that cannot exist)`;
  const headers = Object.entries(req.headers ?? {});
  const type = headers.find(([k]) => k.toLowerCase() === "content-type")?.[1];
  if (type !== "application/json")
    return `${method} ${op.path} with Content-Type: ${type ?? "(none)"}`;
  const extra = headers.find(([k]) => !SAFE_WRITE_HEADERS.has(k.toLowerCase()));
  if (extra !== undefined) return `${method} ${op.path} with a ${extra[0]} header`;
  if (req.body !== UNPARSEABLE_JSON) return `${method} ${op.path} with a body a parser accepts`;
  return undefined;
}
