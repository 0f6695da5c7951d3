/**
 * HAR 1.2, streamed: the splitter (har-split.ts) hands out one entry at a time, so a 1 GB HAR
 * is read with bounded memory. Each entry becomes an exchange:
 * - status 0 (Chrome) or -1 (Playwright) is no response: `networkError` takes `_error` /
 *   `_failureText` (e.g. "net::ERR_CONNECTION_REFUSED");
 * - bodies: `content.text`, base64-decoded when `encoding` is "base64", cut to the sample size;
 *   binary bodies (a NUL byte once decoded) are not sampled;
 * - headers keep repeats in order, names lowercased, credentials redacted (scheme kept);
 * - credentials: "present" when Authorization, Cookie, an API-key header, a cookie, or an
 *   access_token/api_key query parameter was sent; otherwise "unknown" when the file may have
 *   been sanitized (Chrome DevTools' default export strips them) or the request lacks the arrays
 *   that would show them, else "absent".
 */

import { CREDENTIAL_ID_FIELDS, credentialId } from "../credential-id.js";
import type { BodySample, Capability, Exchange, HeaderBag } from "../exchange.js";
import type { MalformedRecord, SourceRecord } from "../source.js";
import { InputError } from "./errors.js";
import { requestTarget } from "./fields.js";
import { HarSplitter, HarSyntaxError, TRUNCATION_MARK } from "./har-split.js";
import { GunzipFailure, gzipError, type Input } from "./input.js";
import { headerBag, isCredentialHeader, isObject, type Json, type JsonObject } from "./json.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export const HAR_CAPABILITIES: ReadonlySet<Capability> = new Set<Capability>([
  "time",
  "duration",
  "request.headers",
  "request.credentials",
  "response.headers",
  "response.body",
  "response.size",
]);

/** Creators whose exports may have credentials stripped (Chrome/Edge DevTools "sanitized"). */
const SANITIZING_CREATORS = /^(WebInspector|Chrome DevTools|Microsoft Edge DevTools)/i;

/** Query parameters that carry credentials (RFC 6750 §2.3 access_token, API keys). */
const CREDENTIAL_PARAMS = /^(access_token|api_key|apikey|api-key|key|token|auth)$/i;

export interface HarContext {
  readonly file: string;
  readonly sampleBodyBytes: number;
  /** log.creator.name, when it came before the entries. */
  creator?: string;
}

function malformedEntry(reason: string, file: string, entry: number): MalformedRecord {
  return { malformed: true, reason, file, entry };
}

const num = (v: Json | undefined): number | undefined =>
  typeof v === "number" && Number.isFinite(v) ? v : undefined;

/** A body sample from HAR content / postData: decoded, cut, binary left out. */
function bodySample(
  text: Json | undefined,
  encoding: Json | undefined,
  mimeType: Json | undefined,
  limit: number,
): BodySample | undefined {
  if (typeof text !== "string" || text.length === 0) return undefined;
  let raw = text;
  let cut = false;
  if (raw.endsWith(TRUNCATION_MARK)) {
    raw = raw.slice(0, -1);
    cut = true;
  }
  let decoded: string;
  let truncated = cut;
  if (encoding === "base64") {
    // Decode only what the sample needs: 4 base64 characters per 3 bytes.
    const take = Math.min(raw.length, Math.ceil((limit + 3) / 3) * 4);
    const bytes = Buffer.from(raw.slice(0, take - (take % 4)), "base64");
    if (bytes.subarray(0, 1024).includes(0)) return undefined;
    decoded = bytes.subarray(0, limit).toString("utf8");
    if (bytes.length > limit || take < raw.length) truncated = true;
  } else {
    if (raw.slice(0, 1024).includes("\u0000")) return undefined;
    decoded = raw.length > limit ? raw.slice(0, limit) : raw;
    if (raw.length > limit) truncated = true;
  }
  const sample: Mutable<BodySample> = { text: decoded, truncated };
  if (typeof mimeType === "string" && mimeType.length > 0) sample.mimeType = mimeType;
  return sample;
}

/** The fingerprint of the first token-like credential header, read before redaction. */
function rawCredentialId(headers: Json | undefined): string | undefined {
  if (!Array.isArray(headers)) return undefined;
  for (const field of CREDENTIAL_ID_FIELDS) {
    for (const h of headers) {
      if (
        isObject(h) &&
        typeof h.name === "string" &&
        typeof h.value === "string" &&
        h.name.toLowerCase() === field
      )
        return credentialId(field, h.value);
    }
  }
  return undefined;
}

function credentialsOf(
  req: JsonObject,
  headers: HeaderBag | undefined,
  target: string,
  creator: string | undefined,
): "present" | "absent" | "unknown" {
  if (headers !== undefined && Object.keys(headers).some(isCredentialHeader)) return "present";
  if (Array.isArray(req.cookies) && req.cookies.length > 0) return "present";
  const q = target.indexOf("?");
  if (q !== -1) {
    for (const pair of target.slice(q + 1).split("&")) {
      const eq = pair.indexOf("=");
      if (CREDENTIAL_PARAMS.test(eq === -1 ? pair : pair.slice(0, eq))) return "present";
    }
  }
  if (creator === undefined || SANITIZING_CREATORS.test(creator)) return "unknown";
  if (!Array.isArray(req.cookies) || !Array.isArray(req.headers) || req.headers.length === 0)
    return "unknown";
  return "absent";
}

/** One HAR entry (already parsed) → an exchange, or a malformed record saying what is missing. */
export function harEntryToExchange(entry: Json, index: number, ctx: HarContext): SourceRecord {
  const file = ctx.file;
  if (!isObject(entry)) return malformedEntry("HAR entry is not an object", file, index);
  const req = entry.request;
  const res = entry.response;
  if (!isObject(req)) return malformedEntry("HAR entry has no request object", file, index);
  if (typeof req.method !== "string" || typeof req.url !== "string")
    return malformedEntry("HAR entry request has no method or url", file, index);
  const rt = requestTarget(req.method, req.url);
  const request: Mutable<Exchange["request"]> = rt as Mutable<Exchange["request"]>;
  const headers = headerBag(req.headers);
  if (headers !== undefined) {
    request.headers = headers;
    const host = headers.host?.[0] ?? headers[":authority"]?.[0];
    if (request.host === undefined && host !== undefined) request.host = host;
  }
  request.credentials = credentialsOf(req, headers, rt.target, ctx.creator);
  const id = rawCredentialId(req.headers);
  if (id !== undefined) request.credentialId = id;
  if (isObject(req.postData)) {
    const b = bodySample(req.postData.text, undefined, req.postData.mimeType, ctx.sampleBodyBytes);
    if (b !== undefined) request.body = b;
  }
  const ex: Mutable<Exchange> = { format: "har", location: { file, entry: index }, request };
  if (typeof entry.startedDateTime === "string") {
    const t = Date.parse(entry.startedDateTime);
    if (!Number.isNaN(t)) ex.time = t;
  }
  const total = num(entry.time);
  if (total !== undefined && total >= 0) ex.durationMs = total;
  if (!isObject(res)) return malformedEntry("HAR entry has no response object", file, index);
  const status = num(res.status);
  if (status === undefined)
    return malformedEntry("HAR entry response has no numeric status", file, index);
  if (status <= 0) {
    const error = res._error ?? res._failureText ?? entry._error ?? entry._failureText;
    ex.networkError =
      typeof error === "string" && error.length > 0 ? error : "no response (status 0)";
    return ex;
  }
  const response: Mutable<NonNullable<Exchange["response"]>> = { status };
  const rh = headerBag(res.headers);
  if (rh !== undefined) response.headers = rh;
  const content = isObject(res.content) ? res.content : undefined;
  const size = num(content?.size);
  const bodySize = num(res.bodySize);
  if (size !== undefined && size >= 0) response.size = size;
  else if (bodySize !== undefined && bodySize >= 0) response.size = bodySize;
  if (content !== undefined) {
    const b = bodySample(content.text, content.encoding, content.mimeType, ctx.sampleBodyBytes);
    if (b !== undefined) response.body = b;
  }
  ex.response = response;
  return ex;
}

/**
 * The records of a HAR input, in batches (one per chunk read). Throws InputError TRUNCATED when
 * the document ends early, CORRUPT for a JSON syntax error, UNKNOWN_FORMAT when there is no
 * log.entries at all; always after yielding every entry read before.
 */
export async function* harBatches(
  input: Input,
  sampleBodyBytes: number,
  jsonp = false,
): AsyncGenerator<readonly SourceRecord[]> {
  const file = input.file;
  const splitter = new HarSplitter({
    maxString: Math.max(256 * 1024, sampleBodyBytes * 6),
    jsonp,
  });
  const ctx: HarContext = { file, sampleBodyBytes };
  try {
    for await (const chunk of input.chunks()) {
      splitter.feed(chunk);
      if (splitter.events.length === 0) continue;
      const out: SourceRecord[] = [];
      for (const ev of splitter.events) {
        if (ev.kind === "creator") {
          try {
            const c: unknown = JSON.parse(ev.json);
            if (isObject(c) && typeof c.name === "string") ctx.creator = c.name;
          } catch {
            // an unreadable creator only costs the sanitizing hint
          }
        } else if (ev.kind === "oversized")
          out.push(malformedEntry(`HAR entry ${ev.reason}`, file, ev.index));
        else {
          let parsed: Json;
          try {
            parsed = JSON.parse(ev.json) as Json;
          } catch (e) {
            out.push(
              malformedEntry(
                `HAR entry is not valid JSON (${(e as Error).message})`,
                file,
                ev.index,
              ),
            );
            continue;
          }
          out.push(harEntryToExchange(parsed, ev.index, ctx));
        }
      }
      splitter.events.length = 0;
      if (out.length > 0) yield out;
    }
  } catch (e) {
    if (e instanceof HarSyntaxError)
      throw new InputError(
        "TRUESTATUS_INPUT_CORRUPT",
        file,
        `invalid HAR at byte ${e.offset} (${e.message}) after ${e.entries} entries; the entries before were read`,
        { cause: e },
      );
    if (e instanceof GunzipFailure) throw gzipError(file, e.original);
    if (e instanceof InputError) throw e;
    throw new InputError("TRUESTATUS_INPUT_UNREADABLE", file, `read failed (${String(e)})`, {
      cause: e,
    });
  }
  if (!splitter.done)
    throw new InputError(
      "TRUESTATUS_INPUT_TRUNCATED",
      file,
      `truncated HAR: the document ends ${splitter.describe()}; the ${splitter.entries} entries before were read`,
    );
  if (!splitter.hasEntries)
    throw new InputError(
      "TRUESTATUS_INPUT_UNKNOWN_FORMAT",
      file,
      splitter.hasLog
        ? "HAR document without log.entries"
        : 'JSON document without a "log" member: not a HAR file',
    );
}
