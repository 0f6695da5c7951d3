/**
 * Redaction for everything a report may show: header values, request targets, body excerpts.
 * A secret never survives: credentials headers keep at most their scheme ("Bearer [REDACTED]"),
 * cookies their names, query parameters their names; JWTs, bearer/basic tokens and
 * `password=…`-shaped pairs are cut out of free text. Every regular expression here is linear
 * (no nested or overlapping quantifiers), so hostile input cannot make it slow.
 */
import type { HeaderBag } from "./exchange.js";

export const REDACTED = "[REDACTED]";

/** Header names whose values are credentials or session state (lowercase). */
export const SECRET_HEADERS: ReadonlySet<string> = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "x-api-key",
  "api-key",
  "apikey",
  "x-auth-token",
  "x-access-token",
  "x-refresh-token",
  "x-id-token",
  "x-session-token",
  "x-session-id",
  "x-csrf-token",
  "x-xsrf-token",
  "x-amz-security-token",
  "x-goog-api-key",
  "x-vault-token",
  "private-token",
  "x-hub-signature",
  "x-hub-signature-256",
  "x-signature",
  "x-client-secret",
  "ocp-apim-subscription-key",
]);

/** Any header whose name says it carries a secret, beyond the list above. */
const SECRET_NAME =
  /(token|secret|passw(or)?d|passphrase|api[-_]?key|private[-_]?key|access[-_]?key|auth|session|signature|credential|cookie|connection[-_]?string)/i;

/** Names the pattern above would catch that carry no secret (challenges, CORS flags). */
const NOT_SECRET: ReadonlySet<string> = new Set([
  "www-authenticate",
  "proxy-authenticate",
  "authentication-info",
  "proxy-authentication-info",
  "access-control-allow-credentials",
  "access-control-allow-headers",
  "access-control-request-headers",
]);

const secretCache = new Map<string, boolean>();

/** True when a header's value must never be shown (case-insensitive name). */
export function isSecretHeader(name: string): boolean {
  let hit = secretCache.get(name);
  if (hit === undefined) {
    const n = name.toLowerCase();
    hit = SECRET_HEADERS.has(n) || (!NOT_SECRET.has(n) && SECRET_NAME.test(n));
    if (secretCache.size > 4096) secretCache.clear();
    secretCache.set(name, hit);
  }
  return hit;
}

/**
 * What a source keeps of a header value: credentials and other secret headers redacted (the
 * scheme or cookie names kept), every other value as it is. Reports redact free text again
 * (redactHeaderValue) when they show it.
 */
export function keepHeaderValue(name: string, value: string): string {
  return isSecretHeader(name) ? redactHeaderValue(name, value) : value;
}

/** Query parameter and JSON/form key names whose values are secrets. */
const SECRET_PARAM =
  /^(access_?token|refresh_?token|id_?token|token|auth|authorization|api_?key|apikey|key|secret|client_?secret|signature|sig|x-amz-signature|x-amz-credential|x-amz-security-token|password|passwd|pwd|pass|session|sessionid|session_id|code|jwt|bearer|credentials?)$/i;

/** True for a query parameter (or form/JSON key) name that carries a secret. */
export function isSecretParam(name: string): boolean {
  let n = name;
  try {
    n = decodeURIComponent(name);
  } catch {
    // keep the raw name
  }
  return SECRET_PARAM.test(n) || SECRET_NAME.test(n);
}

function redactCookiePairs(value: string): string {
  return value
    .split(";")
    .map((pair) => {
      const eq = pair.indexOf("=");
      const name = eq === -1 ? "" : pair.slice(0, eq).trim();
      return name.length === 0 ? REDACTED : `${name}=${REDACTED}`;
    })
    .join("; ");
}

/** Set-Cookie attributes (RFC 6265 §4.1 and later drafts): shown as they are. */
const COOKIE_ATTRIBUTES =
  /^(expires|max-age|domain|path|secure|httponly|samesite|partitioned|priority)$/i;

/** The value of a header as it may be shown: secrets replaced, the scheme or names kept. */
export function redactHeaderValue(name: string, value: string): string {
  const n = name.toLowerCase();
  if (n === "authorization" || n === "proxy-authorization") {
    const sp = value.indexOf(" ");
    const scheme = sp > 0 ? value.slice(0, sp) : "";
    return /^[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]{0,30}$/.test(scheme) && value.length > sp + 1
      ? `${scheme} ${REDACTED}`
      : REDACTED;
  }
  if (n === "cookie") return redactCookiePairs(value);
  if (n === "set-cookie") {
    const semi = value.indexOf(";");
    const first = semi === -1 ? value : value.slice(0, semi);
    const eq = first.indexOf("=");
    const cookieName = (eq === -1 ? "" : first.slice(0, eq)).trim();
    const attrs =
      semi === -1
        ? ""
        : value
            .slice(semi)
            .split(";")
            .slice(1)
            .map((a) => {
              const name = a.split("=")[0]!.trim();
              return COOKIE_ATTRIBUTES.test(name) ? `;${a}` : `; ${REDACTED}`;
            })
            .join("");
    return `${cookieName.length > 0 ? `${cookieName}=` : ""}${REDACTED}${attrs}`;
  }
  if (isSecretHeader(n)) return REDACTED;
  return redactText(value);
}

/** A header bag with every value passed through redactHeaderValue. */
export function redactHeaders(headers: HeaderBag): HeaderBag {
  const out: Record<string, readonly string[]> = {};
  for (const [name, values] of Object.entries(headers))
    out[name] = values.map((v) => redactHeaderValue(name, v));
  return out;
}

/**
 * A request target (or URL) with the values of secret query parameters, path parameters
 * (`;jsessionid=`) and fragment parameters (`#access_token=`) replaced, any token-looking text in
 * the rest redacted, and credentials in URLs cut out, percent-encoded or not:
 * "/cb?code=abc&state=1" → "/cb?code=[REDACTED]&state=1",
 * "/login?next=https%3A%2F%2Fu%3Apw%40evil%2F" → "/login?next=https%3A%2F%2F[REDACTED]%40evil%2F".
 */
export function redactTarget(target: string): string {
  const hash = target.indexOf("#");
  const beforeHash = hash === -1 ? target : target.slice(0, hash);
  const q = beforeHash.indexOf("?");
  const path = q === -1 ? beforeHash : beforeHash.slice(0, q);
  let out = redactUserinfo(redactText(redactPathParams(path)));
  if (q !== -1) out += `?${redactParams(beforeHash.slice(q + 1))}`;
  if (hash !== -1) out += `#${redactParams(target.slice(hash + 1))}`;
  return out;
}

/** `a=1&token=x&next=…`: secret names' values replaced, every value redacted as text. */
function redactParams(query: string): string {
  return query
    .split("&")
    .map((p) => {
      const eq = p.indexOf("=");
      if (eq === -1) return redactValue(p);
      const name = p.slice(0, eq);
      return isSecretParam(name)
        ? `${name}=${REDACTED}`
        : `${name}=${redactValue(p.slice(eq + 1))}`;
    })
    .join("&");
}

/**
 * A query value redacted as text, and as the text it encodes: a percent-encoded URL with
 * credentials (`https%3A%2F%2Fu%3Apw%40host`) is decoded, redacted, and encoded again.
 */
function redactValue(value: string): string {
  const plain = redactText(value);
  if (!value.includes("%")) return plain;
  let decoded: string;
  try {
    decoded = decodeURIComponent(value.replaceAll("+", " "));
  } catch {
    return plain;
  }
  const redacted = redactUserinfo(redactText(decoded));
  if (redacted === decoded) return plain;
  return encodeURIComponent(redacted).replaceAll(encodeURIComponent(REDACTED), REDACTED);
}

/** `/app;jsessionid=abc/x` → `/app;jsessionid=[REDACTED]/x` (path parameters, RFC 3986 §3.3). */
function redactPathParams(path: string): string {
  if (!path.includes(";")) return path;
  return path
    .split("/")
    .map((seg) => {
      const semi = seg.indexOf(";");
      if (semi === -1) return seg;
      const params = seg
        .slice(semi + 1)
        .split(";")
        .map((p) => {
          const eq = p.indexOf("=");
          if (eq === -1) return p;
          const name = p.slice(0, eq);
          return isSecretParam(name) ? `${name}=${REDACTED}` : p;
        });
      return `${seg.slice(0, semi)};${params.join(";")}`;
    })
    .join("/");
}

/** "https://user:pass@host/…" → "https://[REDACTED]@host/…" (at the start). */
function redactUserinfo(s: string): string {
  return s.replace(/^([a-zA-Z][a-zA-Z0-9+.-]{0,20}:\/\/)[^/@?#\s]{1,512}@/, `$1${REDACTED}@`);
}

/**
 * Credentials in URLs anywhere in text: "postgres://admin:pw@db" → "postgres://[REDACTED]@db",
 * and the percent-encoded form. Bounded repetition, one anchor ("://" or "%3A%2F%2F") per try:
 * linear in the text.
 */
const URL_USERINFO = /\b([a-zA-Z][a-zA-Z0-9+.-]{0,20}:\/\/)[^\s/?#@"'<>`]{1,256}@/g;
const ENCODED_USERINFO = /\b([a-zA-Z][a-zA-Z0-9+.-]{0,20}%3A%2F%2F)[^\s/?#@&"'<>`]{1,256}?%40/gi;

// JWT / JWS / JWE compact: base64url segments separated by dots, the first starting "eyJ".
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{2,}(?:\.[A-Za-z0-9_-]+){0,3}/g;
// "Bearer <token>", "Basic <b64>", … : a scheme followed by a token68 credential (not by an
// auth-param such as realm="api", which a challenge carries and which is no secret).
const SCHEME_TOKEN =
  /\b(Bearer|Basic|Digest|Token|Negotiate|NTLM|ApiKey|Api-Key)([ \t]{1,8})([A-Za-z0-9._~+/:-]{6,}=*)/gi;
/** An auth-param name and its "=" (realm=, error_description=): the start of a challenge, kept. */
const AUTH_PARAM = /^[A-Za-z_-]{1,24}=$/;

function schemeToken(
  m: string,
  scheme: string,
  space: string,
  token: string,
  offset: number,
  text: string,
): string {
  const next = text.charCodeAt(offset + m.length);
  const quoteOrLetter =
    next === 0x22 || (next >= 0x41 && next <= 0x5a) || (next >= 0x61 && next <= 0x7a);
  return AUTH_PARAM.test(token) && quoteOrLetter ? m : `${scheme}${space}${REDACTED}`;
}
// Well-known key shapes: AWS access key ids, GitHub, Slack, Stripe, Google API keys, private keys.
const KNOWN_KEYS =
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b|\bgh[pousr]_[A-Za-z0-9]{30,255}\b|\bxox[abprs]-[A-Za-z0-9-]{10,200}|\b[sr]k_(?:live|test)_[A-Za-z0-9]{10,200}|\bAIza[A-Za-z0-9_-]{35}\b|-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----[\s\S]{0,8192}?(?:-----END [A-Z ]{0,40}PRIVATE KEY-----|$)/g;

/**
 * Free text (a body excerpt, a header value, a log line) with secrets cut out: JWTs, scheme
 * tokens (Bearer, Basic, …), `password=…` / `"token": "…"` / `"privateKey": "…"` pairs,
 * credentials in URLs (`postgres://user:pw@host`), and well-known key shapes.
 */
export function redactText(text: string): string {
  if (text.length === 0) return text;
  let t = text
    .replace(KNOWN_KEYS, REDACTED)
    .replace(JWT, REDACTED)
    .replace(SCHEME_TOKEN, schemeToken);
  if (t.includes("://")) t = t.replace(URL_USERINFO, `$1${REDACTED}@`);
  if (t.includes("%3A%2F%2F") || t.includes("%3a%2f%2f"))
    t = t.replace(ENCODED_USERINFO, `$1${REDACTED}%40`);
  return redactPairs(t);
}

const isKeyChar = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) ||
  (c >= 0x41 && c <= 0x5a) ||
  (c >= 0x61 && c <= 0x7a) ||
  c === 0x5f ||
  c === 0x2d ||
  c === 0x2e;
const isBlank = (c: number): boolean => c === 0x20 || c === 0x09;
/** Characters that end an unquoted value. */
const isValueEnd = (c: number): boolean =>
  c <= 0x20 ||
  c === 0x22 ||
  c === 0x27 ||
  c === 0x26 ||
  c === 0x2c ||
  c === 0x3b ||
  c === 0x7b ||
  c === 0x7d ||
  c === 0x3c ||
  c === 0x3e;

/**
 * `password=…`, `token: …`, `"api_key": "…"`: the value after a secret key is replaced. One
 * pass; each separator looks back at most 60 characters for its key, so the time is linear.
 */
function redactPairs(text: string): string {
  let out = "";
  let from = 0;
  let i = 0;
  const len = text.length;
  while (i < len) {
    let sep = i;
    while (sep < len) {
      const c = text.charCodeAt(sep);
      if (c === 0x3a || c === 0x3d) break;
      sep++;
    }
    if (sep >= len) break;
    i = sep + 1;
    let k = sep - 1;
    for (let n = 0; n < 4 && k >= from && isBlank(text.charCodeAt(k)); n++) k--;
    const q = k >= from ? text.charCodeAt(k) : 0;
    if (q === 0x22 || q === 0x27) k--;
    const keyEnd = k + 1;
    for (let n = 0; n < 60 && k >= from && isKeyChar(text.charCodeAt(k)); n++) k--;
    if (keyEnd - k - 1 === 0 || !isSecretParam(text.slice(k + 1, keyEnd))) continue;
    let v = sep + 1;
    for (let n = 0; n < 4 && v < len && isBlank(text.charCodeAt(v)); n++) v++;
    const open = text.charCodeAt(v);
    let start = v;
    let end: number;
    let after: number;
    if (open === 0x22 || open === 0x27) {
      start = v + 1;
      end = start;
      while (end < len && text.charCodeAt(end) !== open) {
        if (text.charCodeAt(end) === 0x5c) end++;
        end++;
      }
      end = Math.min(end, len);
      after = end;
    } else {
      end = v;
      while (end < len && !isValueEnd(text.charCodeAt(end))) end++;
      after = end;
    }
    if (end === start) continue;
    // Already redacted, or a scheme whose credential was ("Authorization: Bearer [REDACTED]").
    if (text.startsWith(REDACTED, start)) continue;
    if (
      text.startsWith(` ${REDACTED}`, end) &&
      /^[A-Za-z][A-Za-z-]{0,20}$/.test(text.slice(start, end))
    )
      continue;
    out += text.slice(from, start) + REDACTED;
    from = i = after;
  }
  return from === 0 ? text : out + text.slice(from);
}
