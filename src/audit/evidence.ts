/**
 * Evidence for findings: the request line and short excerpts, redacted. Nothing secret leaves an
 * exchange through here: credentials in headers, query parameters and bodies are masked.
 */
import type { Exchange, HeaderBag } from "./exchange.js";
import type { Evidence } from "./rule.js";

export const REDACTED = "[redacted]";

/** Header fields whose values are secrets, by lowercase name. */
const SECRET_HEADERS = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "x-api-key",
  "api-key",
  "x-auth-token",
  "x-access-token",
  "x-csrf-token",
  "x-xsrf-token",
]);

const SECRET_NAME =
  /(token|secret|passw|pwd|api[-_]?key|apikey|authorization|cookie|session|jwt|signature|sig$|credential|private)/i;

/** Whether a header or parameter name holds a secret. */
export function isSecretName(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase()) || SECRET_NAME.test(name);
}

const JWT = /\beyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]*/g;
const BEARER = /\b(Bearer|Basic|Digest|Token)\s+[A-Za-z0-9._~+/=-]{6,}/gi;
// "password": "x", 'token': 'y', api_key=z: the value after a secret-looking name.
const JSON_SECRET =
  /("[^"\\]{0,64}(?:token|secret|passw|pwd|api[-_]?key|apikey|authorization|cookie|session|jwt|credential)[^"\\]{0,64}"\s*:\s*)("(?:[^"\\]|\\.){0,4096}"|[^,}\]\s]{1,256})/gi;
// password=x, token: "y", api_key='z' (forms, logs, header-like text).
const KV_SECRET =
  /\b([A-Za-z0-9_.-]{0,64}(?:token|secret|passw|pwd|api[-_]?key|apikey|session|jwt|signature|credential)[A-Za-z0-9_.-]{0,64}\s{0,3}[=:]\s{0,3})("[^"\n]{0,4096}"|'[^'\n]{0,4096}'|[^&\s,;"']{1,4096})/gi;

/** Masks credentials in free text (a body excerpt, a header line, a URL). */
export function redactText(text: string): string {
  return text
    .replace(JWT, REDACTED)
    .replace(BEARER, `$1 ${REDACTED}`)
    .replace(JSON_SECRET, `$1"${REDACTED}"`)
    .replace(KV_SECRET, `$1${REDACTED}`);
}

/** A request target with secret-looking query parameter values masked. */
export function redactTarget(target: string): string {
  const q = target.indexOf("?");
  if (q === -1) return target;
  const parts = target
    .slice(q + 1)
    .split("&")
    .map((p) => {
      const eq = p.indexOf("=");
      if (eq === -1) return p;
      return isSecretName(decodeSafe(p.slice(0, eq))) ? `${p.slice(0, eq)}=${REDACTED}` : p;
    });
  return redactText(`${target.slice(0, q)}?${parts.join("&")}`);
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Printable, single-line, at most `max` characters. */
export function clip(text: string, max = 160): string {
  // Control characters (escape sequences, CR/LF) never reach a terminal or a report line.
  let flat = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    flat += c < 0x20 || c === 0x7f ? " " : text[i];
  }
  flat = flat.replace(/ {2,}/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** "GET /users/42?token=[redacted]" (the target clipped to 200 characters). */
export function requestLine(ex: Exchange): string {
  return `${ex.request.method} ${clip(redactTarget(ex.request.target), 200)}`;
}

/** A header line for evidence, the value masked when the header is secret. */
export function headerLine(headers: HeaderBag | undefined, name: string): string | undefined {
  const values = headers?.[name.toLowerCase()];
  if (values === undefined || values.length === 0) return undefined;
  const value = isSecretName(name) ? REDACTED : redactText(values.join(", "));
  return clip(`${name}: ${value}`);
}

/** An excerpt of `text` around `index`, redacted and clipped. */
export function excerptAround(text: string, index: number, max = 160): string {
  const start = Math.max(0, index - 40);
  const slice = text.slice(start, start + max * 2);
  return clip(`${start > 0 ? "…" : ""}${redactText(slice)}`, max);
}

/** The evidence of an exchange: request line, status and an optional (already redacted) excerpt. */
export function evidence(ex: Exchange, excerpt?: string): Evidence {
  const base = { request: requestLine(ex) };
  const withStatus = ex.response ? { ...base, status: ex.response.status } : base;
  return excerpt === undefined ? withStatus : { ...withStatus, excerpt };
}
