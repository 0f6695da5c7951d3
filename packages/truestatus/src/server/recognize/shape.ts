/** Reading foreign error objects without trusting their shape. */

export type Bag = Readonly<Record<string, unknown>>;

export function isObject(value: unknown): value is Bag {
  return typeof value === "object" && value !== null;
}

export function stringProp(o: Bag, key: string): string | undefined {
  const v = o[key];
  return typeof v === "string" ? v : undefined;
}

export function numberProp(o: Bag, key: string): number | undefined {
  const v = o[key];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** A header of a foreign error: a plain object (http-errors, Boom) or a Headers (Hono's HTTPException). */
export function headerOf(headers: unknown, name: string): string | undefined {
  if (!isObject(headers)) return undefined;
  const get = headers.get;
  if (typeof get === "function") {
    const v: unknown = get.call(headers, name);
    return typeof v === "string" ? v : undefined;
  }
  const lower = name.toLowerCase();
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === lower) {
      const v = headers[key];
      if (typeof v === "string") return v;
      if (typeof v === "number") return String(v);
      if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v.join(", ");
    }
  }
  return undefined;
}
