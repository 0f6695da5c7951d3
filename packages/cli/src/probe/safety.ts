/**
 * What keeps a probe safe against a real API: one origin (http/https), a request budget, a
 * concurrency cap and a rate cap, and no request that could change data unless --unsafe.
 * Pure checks and small counters; the client enforces them on every request.
 */
import { ProbeError } from "./errors.js";

/** Methods that never change data (RFC 9110 §9.2.1). */
export const SAFE_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS"]);

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
 * Whether a request could create, change or delete data: any method but GET, HEAD and OPTIONS,
 * unless its body is deliberately unparseable (the operation must reject it before any effect).
 * DELETE never counts as harmless: a server may ignore its body.
 */
export function isUnsafe(method: string, unparseableBody: boolean): boolean {
  const m = method.toUpperCase();
  if (SAFE_METHODS.has(m)) return false;
  if (m === "DELETE") return true;
  return !unparseableBody;
}

/** The request budget: every request takes one; none is sent once it is spent. */
export class Budget {
  private used = 0;
  private refused = 0;
  constructor(readonly max: number) {}
  take(): boolean {
    if (this.used >= this.max) {
      this.refused++;
      return false;
    }
    this.used++;
    return true;
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
