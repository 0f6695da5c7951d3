/**
 * The 415 check for a request with content: its media type must be one of those accepted.
 * Express's and Hono's JSON parsers skip a body of another type instead of refusing it (the handler
 * then sees no body and answers a misleading 400); this makes it the 415 it is (RFC 9110 §15.5.16).
 */
import { HttpFailure, unsupportedMediaType } from "../semantics/failure.js";

export interface BodyHeaders {
  readonly contentType: string | undefined;
  readonly contentLength: string | undefined;
  readonly transferEncoding: string | undefined;
}

/** Whether the request has content (RFC 9112 §6.3: Transfer-Encoding, or a non-zero Content-Length). */
export function hasContent(h: BodyHeaders): boolean {
  if (h.transferEncoding !== undefined) return true;
  return h.contentLength !== undefined && h.contentLength !== "0";
}

/** The media type of a Content-Type value, lowercased, without parameters. */
export function mediaTypeOf(contentType: string): string {
  const semi = contentType.indexOf(";");
  return (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

/**
 * Makes the check for a list of media types. A structured-syntax suffix counts: accepting
 * application/json accepts application/merge-patch+json. Returns the failure, or undefined.
 */
export function createContentTypeCheck(
  types: readonly string[],
): (h: BodyHeaders) => HttpFailure | undefined {
  const accepted = types.map((t) => t.toLowerCase());
  const suffixes = accepted
    .filter((t) => t.startsWith("application/") && !t.includes("+"))
    .map((t) => `+${t.slice("application/".length)}`);
  const failure = unsupportedMediaType({ accept: types });
  return (h) => {
    if (!hasContent(h)) return undefined;
    if (h.contentType !== undefined) {
      const media = mediaTypeOf(h.contentType);
      if (accepted.includes(media) || suffixes.some((s) => media.endsWith(s))) return undefined;
    }
    return new HttpFailure(failure);
  };
}
