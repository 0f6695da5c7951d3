/**
 * Reading a JSON body where the framework has no parser that refuses truthfully (node:http, Hono):
 * 415 for another media type, 413 over the limit (before reading when Content-Length says so),
 * 400 for text that is not JSON.
 */
import { HttpFailure, malformed, payloadTooLarge } from "../semantics/failure.js";
import { type BodyHeaders, createContentTypeCheck } from "./content-type.js";

export interface JsonBodyOptions {
  /** Largest body in bytes. Default 100 KiB (Express's default). */
  readonly limit?: number;
  /** Media types accepted. Default ["application/json"]. */
  readonly types?: readonly string[];
}

export const DEFAULT_JSON_LIMIT = 102_400;

export function tooLarge(limit: number): HttpFailure {
  return new HttpFailure(payloadTooLarge({ limit }));
}

/** Content-Length over the limit (checked before reading). */
function declaredTooLarge(contentLength: string | undefined, limit: number): boolean {
  if (contentLength === undefined) return false;
  const n = Number(contentLength);
  return Number.isFinite(n) && n > limit;
}

/** The checks before reading: throws the 415 or the 413; returns the limit to read up to. */
export function checkJsonRequest(headers: BodyHeaders, options: JsonBodyOptions): number {
  const limit = options.limit ?? DEFAULT_JSON_LIMIT;
  const failure = createContentTypeCheck(options.types ?? ["application/json"])(headers);
  if (failure) throw failure;
  if (declaredTooLarge(headers.contentLength, limit)) throw tooLarge(limit);
  return limit;
}

/** JSON.parse, with a 400 for text that is not JSON. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpFailure(malformed({ detail: "The request body is not valid JSON." }));
  }
}

/**
 * Reads chunks up to `limit` bytes and decodes them as UTF-8; a 413 as soon as the limit is passed
 * (memory stays bounded whatever the client sends, Content-Length or not), a 400 for bytes that are
 * not UTF-8 (JSON is UTF-8, RFC 8259 §8.1: a lenient decoder would turn them into U+FFFD and store
 * text the client never sent).
 */
export async function readLimited(
  chunks: AsyncIterable<Uint8Array>,
  limit: number,
): Promise<string> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.byteLength;
    if (size > limit) throw tooLarge(limit);
    parts.push(chunk);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const p of parts) {
    all.set(p, offset);
    offset += p.byteLength;
  }
  return decodeUtf8(all);
}

/** Strict UTF-8: a 400 for bytes that are not UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw malformed({ detail: "The request body is not valid UTF-8." });
  }
}

/** A Web ReadableStream as an async iterable (not every runtime makes streams iterable). */
export async function* streamChunks(stream: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}
