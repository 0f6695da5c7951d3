/** RFC 6901 JSON pointers, as OpenAPI `$ref` fragments write them (percent-encoded). No Node APIs. */
import type { JsonPath } from "./rule.js";

export function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** "#/a/b~1c" → ["a", "b/c"] (RFC 6901, after percent-decoding the fragment). */
export function pointerSegments(pointer: string): string[] {
  const p = decodeURIComponentSafe(pointer);
  if (p === "" || p === "/") return p === "/" ? [""] : [];
  return p
    .replace(/^\//, "")
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** The pointer of a path, as a URI fragment writes it: `~` `/` escaped (RFC 6901), `%` percent-encoded. */
export function toPointer(path: JsonPath): string {
  return path
    .map((s) => `/${String(s).replace(/~/g, "~0").replace(/\//g, "~1").replace(/%/g, "%25")}`)
    .join("");
}
