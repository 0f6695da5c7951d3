/**
 * RateLimit and RateLimit-Policy (draft-ietf-httpapi-ratelimit-headers-11): Structured Field
 * Lists of named quota policies and of current service limits.
 *   RateLimit-Policy: "burst";q=100;w=60,"daily";q=1000;w=86400
 *   RateLimit: "default";r=50;t=30
 */
import { HeaderValueError } from "../errors.js";
import { fail, ok, type ParseResult } from "./result.js";
import {
  type BareItem,
  isInnerList,
  type Member,
  type Parameters,
  parseList,
  serializeList,
} from "./structured-fields.js";

export interface RateLimitPolicy {
  /** The policy's name (an sf-string). */
  readonly name: string;
  /** q: the quota, in quota units (REQUIRED). */
  readonly quota: number;
  /** qu: the quota unit; "requests" when absent. */
  readonly unit?: "requests" | "content-bytes" | "concurrent-requests" | (string & {});
  /** w: the time window in seconds. */
  readonly window?: number;
  /** pk: the partition key (a byte sequence). */
  readonly partitionKey?: Uint8Array;
  /** Other (vendor or future) parameters, kept in order. */
  readonly params?: Readonly<Record<string, BareItem>>;
}

export interface RateLimit {
  /** The policy's name (an sf-string). */
  readonly name: string;
  /** r: the quota still available (REQUIRED). */
  readonly remaining: number;
  /** t: seconds within which the client can use no more than `remaining`. */
  readonly reset?: number;
  readonly partitionKey?: Uint8Array;
  readonly params?: Readonly<Record<string, BareItem>>;
}

const isNonNegInt = (v: unknown): v is number =>
  typeof v === "number" && Number.isInteger(v) && v >= 0;

interface ParamSpec {
  readonly key: string;
  readonly prop: string;
  readonly check: (v: BareItem) => boolean;
  readonly what: string;
  readonly required?: true;
}

const POLICY_PARAMS: readonly ParamSpec[] = [
  { key: "q", prop: "quota", check: isNonNegInt, what: "a non-negative integer", required: true },
  { key: "qu", prop: "unit", check: (v) => typeof v === "string", what: "a string" },
  { key: "w", prop: "window", check: (v) => isNonNegInt(v) && v > 0, what: "a positive integer" },
  {
    key: "pk",
    prop: "partitionKey",
    check: (v) => v instanceof Uint8Array,
    what: "a byte sequence",
  },
];

const LIMIT_PARAMS: readonly ParamSpec[] = [
  {
    key: "r",
    prop: "remaining",
    check: isNonNegInt,
    what: "a non-negative integer",
    required: true,
  },
  { key: "t", prop: "reset", check: isNonNegInt, what: "a non-negative integer" },
  {
    key: "pk",
    prop: "partitionKey",
    check: (v) => v instanceof Uint8Array,
    what: "a byte sequence",
  },
];

function decode<T>(
  field: string,
  members: readonly Member[],
  specs: readonly ParamSpec[],
): ParseResult<T[]> {
  const out: T[] = [];
  for (let n = 0; n < members.length; n++) {
    const m = members[n]!;
    if (isInnerList(m) || typeof m.value !== "string") {
      return fail(
        "wrong_type",
        `${field}: member ${n + 1} must be a policy name in quotes (an sf-string)`,
        0,
      );
    }
    const entry: Record<string, unknown> = { name: m.value };
    for (const spec of specs) {
      const v = m.params.get(spec.key);
      if (v === undefined) {
        if (spec.required) {
          return fail(
            "missing_parameter",
            `${field}: policy "${m.value}" lacks its required "${spec.key}" parameter`,
            0,
          );
        }
        continue;
      }
      if (!spec.check(v))
        return fail(
          "wrong_type",
          `${field}: policy "${m.value}": "${spec.key}" must be ${spec.what}`,
          0,
        );
      entry[spec.prop] = v;
    }
    let extra: Record<string, BareItem> | undefined;
    for (const [k, v] of m.params) {
      if (specs.some((s) => s.key === k)) continue;
      extra ??= Object.create(null) as Record<string, BareItem>;
      extra[k] = v;
    }
    if (extra) entry.params = extra;
    out.push(entry as T);
  }
  return ok(out);
}

function encode(field: string, entries: readonly object[], specs: readonly ParamSpec[]): string {
  if (entries.length === 0) throw new HeaderValueError(field, "needs at least one policy");
  return serializeList(
    entries.map((e) => {
      const rec = e as Record<string, unknown>;
      if (typeof rec.name !== "string")
        throw new HeaderValueError(`${field} name`, "a policy needs a name");
      const params: Parameters = new Map();
      for (const spec of specs) {
        const v = rec[spec.prop];
        if (v === undefined) {
          if (spec.required)
            throw new HeaderValueError(
              `${field} ${spec.key}`,
              `policy "${rec.name}" needs ${spec.prop}`,
            );
          continue;
        }
        if (!spec.check(v as BareItem)) {
          throw new HeaderValueError(
            `${field} ${spec.key}`,
            `${spec.prop} must be ${spec.what}, got ${String(v)}`,
          );
        }
        params.set(spec.key, v as BareItem);
      }
      const extra = rec.params as Record<string, BareItem> | undefined;
      if (extra) {
        for (const [k, v] of Object.entries(extra)) {
          if (specs.some((s) => s.key === k))
            throw new HeaderValueError(
              `${field} ${k}`,
              "set it with its own property, not in params",
            );
          params.set(k, v);
        }
      }
      return { value: rec.name, params };
    }),
    field,
  );
}

/** Parses RateLimit-Policy. A non-empty List is required (draft §3). */
export function parseRateLimitPolicy(
  value: string | readonly string[],
): ParseResult<RateLimitPolicy[]> {
  const list = parseList(value, "RateLimit-Policy");
  if (!list.ok) return list;
  if (list.value.length === 0) return fail("empty", "RateLimit-Policy has no policy", 0);
  return decode<RateLimitPolicy>("RateLimit-Policy", list.value, POLICY_PARAMS);
}

export function buildRateLimitPolicy(
  policies: RateLimitPolicy | readonly RateLimitPolicy[],
): string {
  return encode(
    "RateLimit-Policy",
    Array.isArray(policies) ? policies : [policies as RateLimitPolicy],
    POLICY_PARAMS,
  );
}

/** Parses RateLimit. */
export function parseRateLimit(value: string | readonly string[]): ParseResult<RateLimit[]> {
  const list = parseList(value, "RateLimit");
  if (!list.ok) return list;
  if (list.value.length === 0) return fail("empty", "RateLimit has no service limit", 0);
  return decode<RateLimit>("RateLimit", list.value, LIMIT_PARAMS);
}

export function buildRateLimit(limits: RateLimit | readonly RateLimit[]): string {
  return encode("RateLimit", Array.isArray(limits) ? limits : [limits as RateLimit], LIMIT_PARAMS);
}
