/**
 * The request target, normalised once before routing, and forwarded as normalised: the route
 * that is judged (rate limit, stripPrefix, upstream) is the route the upstream serves, whatever
 * spelling the client chose. RFC 3986 §6.2.2: percent-encoded unreserved characters are decoded
 * (`/%6cogin` → `/login`), other percent-encodings get upper-case hex, dot-segments are removed
 * (§5.2.4), and duplicate slashes are merged (an option, on by default, as nginx's merge_slashes).
 *
 * Spellings an upstream could read two ways are refused (400) rather than guessed at:
 * a dot-segment that climbs above the root, `..` or `.` hidden behind an encoded slash or
 * backslash (`..%2f`, `%2e%2e%5c`) or before a path parameter (`..;` — servlet containers read it
 * as `..`), a raw backslash (WHATWG URL parsers read it as `/`), `%00`, a malformed
 * percent-encoding, and overlong UTF-8 lead bytes (%C0, %C1). The fragment is dropped (a request
 * target has none; nginx ignores it too); the query is kept as sent.
 *
 * `key` is what routes are matched against: the path with each segment's `;parameters` removed
 * and encoded slashes read as slashes, so that `/login;jsessionid=1` is judged by the `/login`
 * route (as a servlet container serves it), and `/admin%2Fx` by `/admin` (as an upstream that
 * decodes it serves it); the upstream still gets the path as normalised, `%2F` kept.
 */

export interface PathOptions {
  /** Merge `//` into `/` (default true). */
  readonly mergeSlashes: boolean;
}

export interface NormalTarget {
  /** The normalised path (starts with "/"). */
  readonly path: string;
  /** "" or "?" and the query as sent. */
  readonly search: string;
  /** The path routes are matched against (path parameters removed). */
  readonly key: string;
  /** The authority of an absolute-form target (it replaces Host, RFC 9112 §3.2.2). */
  readonly authority?: string;
}

export interface RefusedTarget {
  /** Why the target is refused (a 400's detail; no echo of the target itself). */
  readonly refused: string;
}

/** Unreserved characters (RFC 3986 §2.3), by code. */
const UNRESERVED = (() => {
  const t = new Uint8Array(128);
  for (let c = 0x30; c <= 0x39; c++) t[c] = 1;
  for (let c = 0x41; c <= 0x5a; c++) t[c] = 1;
  for (let c = 0x61; c <= 0x7a; c++) t[c] = 1;
  t[0x2d] = 1;
  t[0x2e] = 1;
  t[0x5f] = 1;
  t[0x7e] = 1;
  return t;
})();

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

const HEX = "0123456789ABCDEF";
const ABSOLUTE = /^([A-Za-z][A-Za-z0-9+.-]{0,15}):\/\/([^/?#]*)/;

/**
 * Normalises a request target as Node gives it (`req.url`): origin-form or absolute-form.
 * Pure and linear in the target's length.
 */
export function normalizeTarget(
  target: string,
  options: PathOptions = { mergeSlashes: true },
): NormalTarget | RefusedTarget {
  let rest = target;
  let authority: string | undefined;
  if (rest.charCodeAt(0) !== 0x2f) {
    const m = ABSOLUTE.exec(rest);
    if (m === null) return { refused: "The request target is not a path." };
    const scheme = m[1]!.toLowerCase();
    if (scheme !== "http" && scheme !== "https")
      return { refused: "The request target's scheme is not http or https." };
    authority = m[2]!;
    if (authority === "" || authority.includes("@"))
      return { refused: "The request target's authority is empty or has user information." };
    rest = rest.slice(m[0].length);
    if (rest === "" || rest.charCodeAt(0) !== 0x2f) rest = `/${rest}`;
  }
  const hash = rest.indexOf("#");
  if (hash !== -1) rest = rest.slice(0, hash);
  const q = rest.indexOf("?");
  const search = q === -1 ? "" : rest.slice(q);
  const raw = q === -1 ? rest : rest.slice(0, q);
  if (isPlain(raw)) {
    return authority === undefined
      ? { path: raw, search, key: raw }
      : { path: raw, search, key: raw, authority };
  }

  // One pass: decode unreserved, upper-case the rest, split into segments.
  const segments: string[] = [];
  let seg = "";
  /** The segment holds an encoded "/" or "\" (checked for hidden dot-segments). */
  let encodedSlash = false;
  const len = raw.length;
  for (let i = 1; i <= len; i++) {
    const c = i < len ? raw.charCodeAt(i) : 0x2f;
    if (c === 0x2f) {
      const refused = push(segments, seg, encodedSlash, i === len, options.mergeSlashes);
      if (refused !== undefined) return { refused };
      seg = "";
      encodedSlash = false;
      continue;
    }
    if (c === 0x5c) return { refused: "The path holds a backslash." };
    if (c === 0x25) {
      const h = i + 2 < len ? hexValue(raw.charCodeAt(i + 1)) : -1;
      const l = h === -1 ? -1 : hexValue(raw.charCodeAt(i + 2));
      if (l === -1) return { refused: "The path holds a malformed percent-encoding." };
      const byte = h * 16 + l;
      if (byte === 0) return { refused: "The path holds an encoded NUL." };
      if (byte === 0xc0 || byte === 0xc1)
        return { refused: "The path holds an overlong UTF-8 encoding." };
      i += 2;
      if (byte < 128 && UNRESERVED[byte] === 1) {
        seg += String.fromCharCode(byte);
        continue;
      }
      if (byte === 0x2f || byte === 0x5c) encodedSlash = true;
      seg += `%${HEX[h]}${HEX[l]}`;
      continue;
    }
    seg += raw[i];
  }
  const path = `/${segments.join("/")}`;
  const key = /[;%.]|\/\//.test(path) ? routeKey(segments, options) : path;
  return authority === undefined ? { path, search, key } : { path, search, key, authority };
}

/**
 * The path as an upstream that drops `;parameters`, decodes encoded slashes and drops trailing
 * dots and spaces serves it ("/a;x/;/b%2Fc" → "/a/b/c", "/login." → "/login"), for matching
 * routes: a route then applies to every spelling such an upstream reads as under it.
 */
function routeKey(segments: readonly string[], options: PathOptions): string {
  const parts: string[] = [];
  const last = segments.length - 1;
  segments.forEach((seg, i) => {
    const semi = seg.indexOf(";");
    let name = semi === -1 ? seg : seg.slice(0, semi);
    // Trailing dots and spaces: Windows servers (IIS, ASP.NET) drop them ("/login." is /login).
    name = trimDotsAndSpaces(name);
    if (name.includes("%2F") || name.includes("%5C")) name = name.replace(/%2F|%5C/g, "/");
    if (name === "" && i < last && options.mergeSlashes) return;
    parts.push(name);
  });
  const key = `/${parts.join("/")}`;
  return options.mergeSlashes ? key.replace(/\/{2,}/g, "/") : key;
}

/** "login.%20." → "login"; a name of dots and spaces only is kept (it is not a word). */
function trimDotsAndSpaces(name: string): string {
  let end = name.length;
  for (;;) {
    if (end > 0 && name.charCodeAt(end - 1) === 0x2e) end--;
    else if (end >= 3 && name.endsWith("%20", end)) end -= 3;
    else break;
  }
  return end === 0 ? name : name.slice(0, end);
}

/** True when the path needs no work: no %, ".", "\\", ";" and no "//" (most paths). */
function isPlain(raw: string): boolean {
  let prev = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x25 || c === 0x2e || c === 0x5c || c === 0x3b || (c === 0x2f && prev === 0x2f))
      return false;
    prev = c;
  }
  return true;
}

/**
 * Adds one segment to the output (RFC 3986 §5.2.4 on a list of segments). `last`: the segment
 * ends the path (a trailing "" keeps the trailing slash). Returns a reason when it is refused.
 */
function push(
  out: string[],
  seg: string,
  encodedSlash: boolean,
  last: boolean,
  mergeSlashes: boolean,
): string | undefined {
  if (seg === "." || seg === "..") {
    if (seg === "..") {
      if (out.length === 0) return "The path climbs above the root.";
      out.pop();
    }
    // "/a/b/.." is "/a/": the directory keeps its trailing slash.
    if (last) out.push("");
    return undefined;
  }
  const semi = seg.indexOf(";");
  if (semi !== -1) {
    const name = seg.slice(0, semi);
    if (name === "." || name === "..") return "The path holds a dot-segment with a path parameter.";
    // "/;%2Fadmin": an upstream that drops parameters serves "/", one that decodes first "/admin".
    if (encodedSlash && /%2F|%5C/.test(seg.slice(semi)))
      return "The path holds an encoded slash inside a path parameter.";
  }
  if (encodedSlash) {
    for (const piece of seg.split(/%2F|%5C/)) {
      const name = piece.split(";", 1)[0];
      if (name === "." || name === "..")
        return "The path holds a dot-segment behind an encoded slash.";
    }
  }
  if (seg === "" && !last && mergeSlashes) return undefined;
  out.push(seg);
  return undefined;
}

export function isRefused(t: NormalTarget | RefusedTarget): t is RefusedTarget {
  return (t as RefusedTarget).refused !== undefined;
}
