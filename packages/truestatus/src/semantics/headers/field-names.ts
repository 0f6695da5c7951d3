/** Canonical spellings of field names, for people to read (HTTP itself is case-insensitive). */
const SPECIAL: Readonly<Record<string, string>> = {
  "www-authenticate": "WWW-Authenticate",
  ratelimit: "RateLimit",
  "ratelimit-policy": "RateLimit-Policy",
  etag: "ETag",
  te: "TE",
  "content-md5": "Content-MD5",
  dnt: "DNT",
};

export function canonicalFieldName(name: string): string {
  const lower = name.toLowerCase();
  return (
    SPECIAL[lower] ??
    lower.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase())
  );
}
