/** Helpers for JSON sources (Caddy, NDJSON, HAR): total, never throwing on odd shapes. */
import type { HeaderBag } from "../exchange.js";
import { keepHeaderValue } from "../redact.js";
import { isCredentialHeader } from "./fields.js";

export { isCredentialHeader };

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const MAX_DEPTH = 64;

/** True when brackets outside strings nest deeper than `max`. One pass, no allocation. */
function tooDeep(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** JSON.parse of one line that must hold an object; undefined for anything else. */
export function parseObjectLine(line: string): JsonObject | undefined {
  const c = line.charCodeAt(0);
  if (c !== 0x7b) {
    const t = line.trimStart();
    if (t.charCodeAt(0) !== 0x7b) return undefined;
  }
  // JSON.parse slows down more than linearly on very deep nesting ('{"a":' × 200,000): long
  // lines are checked for depth first (access-log objects are a few levels deep).
  if (line.length > 16_384 && tooDeep(line, MAX_DEPTH)) return undefined;
  try {
    const v: unknown = JSON.parse(line);
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A header bag from `{Name: [values]}` / `{name: "value"}` (Caddy, pino) or
 * `[{name, value}]` (HAR): names lowercased, repeats kept in order, secret values redacted
 * by keepHeaderValue (credentials keep at most their scheme). Undefined when not headers at all.
 */
export function headerBag(v: Json | undefined): HeaderBag | undefined {
  if (v === undefined || v === null) return undefined;
  const out: Record<string, string[]> = {};
  const add = (name: string, value: Json | undefined) => {
    if (typeof value !== "string" && typeof value !== "number") return;
    const n = name.toLowerCase();
    const text = keepHeaderValue(n, String(value));
    const list = out[n];
    if (list === undefined) out[n] = [text];
    else list.push(text);
  };
  if (Array.isArray(v)) {
    for (const h of v) if (isObject(h) && typeof h.name === "string") add(h.name, h.value);
    return out;
  }
  if (!isObject(v)) return undefined;
  for (const [name, value] of Object.entries(v)) {
    if (Array.isArray(value)) {
      // Caddy 2.6 logs credentials as an empty list, later versions as ["REDACTED"]: sent, hidden.
      if (value.length === 0 && isCredentialHeader(name.toLowerCase())) add(name, "REDACTED");
      for (const x of value) add(name, x);
    } else add(name, value);
  }
  return out;
}

/** A number from a JSON number or a numeric string. */
export function numberOf(v: Json | undefined): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v === "string" && v.length > 0 && v.length < 32) {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

const UNITS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** A Go duration string ("1.5ms", "2m3.1s", "929.675µs") → milliseconds. */
export function goDurationMs(s: string): number | undefined {
  if (s.length === 0 || s.length > 64) return undefined;
  let total = 0;
  let i = 0;
  let any = false;
  while (i < s.length) {
    let j = i;
    while (j < s.length && /[0-9.]/.test(s[j]!)) j++;
    if (j === i) return undefined;
    const value = Number(s.slice(i, j));
    let k = j;
    while (k < s.length && !/[0-9.]/.test(s[k]!)) k++;
    const unit = UNITS[s.slice(j, k)];
    if (unit === undefined || !Number.isFinite(value)) return undefined;
    total += value * unit;
    any = true;
    i = k;
  }
  return any ? total : undefined;
}
