/**
 * Hop-by-hop header fields (RFC 9110 §7.6.1): Connection and every field it names, Keep-Alive,
 * TE, Transfer-Encoding, Upgrade, Proxy-Connection, Proxy-Authorization and Proxy-Authenticate
 * belong to one connection and are never forwarded. Proxy-Status is end to end: it is kept.
 * Works on flat [name, value, name, value, ...] lists as Node (rawHeaders) and undici give them.
 */

/** Always dropped, in both directions. */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authorization",
  "proxy-authenticate",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** The field names a Connection header lists (lowercase), e.g. "close, X-Foo" → {close, x-foo}. */
export function connectionTokens(raw: readonly string[]): Set<string> | undefined {
  let tokens: Set<string> | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 10 && name.toLowerCase() === "connection") {
      const value = raw[i + 1]!;
      // The usual values name only fields that are hop-by-hop anyway: no set to build.
      if (value === "keep-alive" || value === "close" || value === "Keep-Alive") continue;
      for (const t of value.split(",")) {
        const token = t.trim().toLowerCase();
        if (token === "") continue;
        tokens ??= new Set();
        tokens.add(token);
      }
    }
  }
  return tokens;
}

/**
 * The list without hop-by-hop fields, without the fields Connection names, and without `drop`
 * (lowercase names the caller replaces, e.g. host or x-forwarded-for). Calls `seen` with each
 * dropped field of `drop`, so that the caller can read them in the same pass. The kept fields are
 * appended to `out` (default a new list), so that a caller can put its own fields first without
 * copying the list again.
 */
export function stripHopByHop(
  raw: readonly string[],
  drop: ReadonlySet<string>,
  seen?: (name: string, value: string) => void,
  out: string[] = [],
): string[] {
  const named = connectionTokens(raw);
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || named?.has(lower) === true) continue;
    if (drop.has(lower)) {
      seen?.(lower, raw[i + 1]!);
      continue;
    }
    out.push(name, raw[i + 1]!);
  }
  return out;
}
