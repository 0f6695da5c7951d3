/**
 * One-way fingerprints of credentials, so that a rule can tell one identity from another (the same
 * token accepted here, refused there) while sources redact every credential as they read it.
 * Only token-like credentials get one (16 characters or more after the scheme: bearer tokens, API
 * keys); Basic credentials (a password) and short values never do, so a fingerprint cannot be
 * used to guess a password offline. Truncated SHA-256 with a fixed prefix (stable across worker
 * threads and machines, so summaries still merge exactly).
 */
import { createRequire } from "node:module";

const MIN_SECRET = 16;

/**
 * node:crypto, loaded on first use: loading it takes ~10 ms, and most analyze workers (logs
 * without credential headers) never need it.
 */
let crypto: typeof import("node:crypto") | undefined;
const loadCrypto = (): typeof import("node:crypto") =>
  (crypto ??= createRequire(import.meta.url)("node:crypto") as typeof import("node:crypto"));

/** The fingerprint of a credential header value, or undefined when it is not token-like. */
export function credentialId(field: string, value: string): string | undefined {
  const v = value.trim();
  const sp = v.indexOf(" ");
  const scheme = sp === -1 ? "" : v.slice(0, sp).toLowerCase();
  const secret = sp === -1 ? v : v.slice(sp + 1).trim();
  if (scheme === "basic" || scheme === "digest" || secret.length < MIN_SECRET) return undefined;
  return loadCrypto()
    .createHash("sha256")
    .update(`truestatus credential\n${field.toLowerCase()}\n${secret}`)
    .digest("hex")
    .slice(0, 16);
}

/** Credential headers fingerprinted, in order of preference. */
export const CREDENTIAL_ID_FIELDS = ["authorization", "x-api-key", "api-key"] as const;
