/**
 * HAR 1.2, streamed: the splitter (har-split.ts) hands out one entry at a time, so a 1 GB HAR
 * is read with bounded memory. Each entry becomes an exchange:
 * - status 0 (Chrome) or -1 (Playwright) is no response: `networkError` takes `_error` /
 *   `_failureText` (e.g. "net::ERR_CONNECTION_REFUSED");
 * - bodies: `content.text`, base64-decoded when `encoding` is "base64", cut to the sample size;
 *   binary bodies (a NUL byte once decoded) are recorded as binary, not sampled; a response
 *   without `content.text` has a recorded (empty) body only when `content.size` is 0, otherwise
 *   its body was not recorded (Playwright's `content: "omit"`, sanitized or trimmed exports);
 * - sizes: none. `content.size` is the decoded entity, not bytes on the wire, and `bodySize` is
 *   what the client read: browsers report the cached entity on a 304 (Chrome in `content.size`,
 *   Firefox and Firebug in `bodySize` too), and no client reads a body after HEAD, 204 or 304.
 *   A HAR is no evidence of bytes on the wire, so the body-on-the-wire rules are not run on it;
 * - headers keep repeats in order, names lowercased, credentials redacted (scheme kept);
 * - credentials: "present" when Authorization, Cookie, an API-key header, a cookie, or an
 *   access_token/api_key query parameter was sent; otherwise "unknown" when the file may have
 *   been sanitized (Chrome DevTools' default export strips them), the request lacks the arrays
 *   that would show them, or its headers are a browser's provisional ones (no Host, :authority,
 *   Accept-Encoding or Connection: the network stack adds the cookies after), else "absent". A 403 of a possibly sanitized export is held back to the
 *   end of the file: when the same file shows Authorization or Cookie sent to (or Set-Cookie from)
 *   that origin, what the sanitizer removes was kept for it, so the 403's request sent none
 *   ("absent"). An API-key header is no such proof: sanitizing leaves it in place.
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
  /** Origins of the file seen with what a sanitizer removes (Authorization, Cookie, Set-Cookie). */
  readonly credentialed?: Set<string>;
  /** 403s whose credentials may have been sanitized away, with their origin (see above). */
  readonly held?: { readonly ex: Mutable<Exchange>; readonly origin: string }[];
}

/** 403s held back at most per file (beyond, they stay "unknown"): bounded memory. */
const HELD_LIMIT = 10_000;

/** Headers a sanitized export removes (Chrome, Edge: "Export HAR (sanitized)"). */
const SANITIZED_HEADERS = new Set(["authorization", "cookie", "set-cookie", "proxy-authorization"]);

/** "https://api.example.com:8443" of an absolute URL, lowercased; undefined otherwise. */
export function originOf(url: string): string | undefined {
  const scheme = url.indexOf("://");
  if (scheme <= 0 || scheme > 8) return undefined;
  let end = url.length;
  for (const c of ["/", "?", "#"]) {
    const i = url.indexOf(c, scheme + 3);
    if (i !== -1 && i < end) end = i;
  }
  return url.slice(0, end).toLowerCase();
}

/** Whether a request or response shows what a sanitizer would have removed. */
function showsSanitizable(req: JsonObject, res: Json | undefined): boolean {
  const has = (v: Json | undefined): boolean =>
    Array.isArray(v) &&
    v.some(
      (h) =>
        isObject(h) &&
        typeof h.name === "string" &&
        SANITIZED_HEADERS.has(h.name.toLowerCase()) &&
        typeof h.value === "string" &&
        h.value.length > 0,
    );
  if (has(req.headers) || (Array.isArray(req.cookies) && req.cookies.length > 0)) return true;
  return (
    isObject(res) && (has(res.headers) || (Array.isArray(res.cookies) && res.cookies.length > 0))
  );
}

function malformedEntry(reason: string, file: string, entry: number): MalformedRecord {
  return { malformed: true, reason, file, entry };
}

const num = (v: Json | undefined): number | undefined =>
  typeof v === "number" && Number.isFinite(v) ? v : undefined;

/**
 * A body sample from HAR content / postData: decoded, cut; a binary body is `binary` (no text)
 * when `keepBinary`, else left out.
 */
function bodySample(
  text: Json | undefined,
  encoding: Json | undefined,
  mimeType: Json | undefined,
  limit: number,
  keepBinary = false,
): BodySample | undefined {
  if (typeof text !== "string" || text.length === 0) return undefined;
  const binary = (): BodySample | undefined => {
    if (!keepBinary) return undefined;
    const b: Mutable<BodySample> = { text: "", truncated: true, binary: true };
    if (typeof mimeType === "string" && mimeType.length > 0) b.mimeType = mimeType;
    return b;
  };
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
    if (bytes.subarray(0, 1024).includes(0)) return binary();
    decoded = bytes.subarray(0, limit).toString("utf8");
    if (bytes.length > limit || take < raw.length) truncated = true;
  } else {
    if (raw.slice(0, 1024).includes("\u0000")) return binary();
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
  if (!Array.isArray(req.cookies) || !onTheWire(headers)) return "unknown";
  return "absent";
}

/**
 * Whether the request's headers are the ones sent on the wire, not a browser's provisional
 * headers (Accept, Referer, User-Agent: what the page asked for, before the network stack adds
 * Host, Accept-Encoding and the cookies). Chrome records provisional headers when it lacks the
 * network's view (chrome-har from a log without the extra-info events, Safari, requests served
 * by a service worker): their missing Cookie says nothing.
 */
function onTheWire(headers: HeaderBag | undefined): boolean {
  if (headers === undefined) return false;
  return (
    headers.host !== undefined ||
    headers[":authority"] !== undefined ||
    headers["accept-encoding"] !== undefined ||
    headers.connection !== undefined
  );
}

/** One HAR entry (already parsed) → an exchange, or a malformed record saying what is missing. */
export function harEntryToExchange(
  entry: Json,
  index: number,
  ctx: Pick<HarContext, "file" | "sampleBodyBytes" | "creator">,
): SourceRecord {
  // Without `held`, nothing is held back.
  return readEntry(entry, index, {
    file: ctx.file,
    sampleBodyBytes: ctx.sampleBodyBytes,
    ...(ctx.creator !== undefined ? { creator: ctx.creator } : {}),
  }) as SourceRecord;
}

/**
 * harEntryToExchange, or HELD when the context holds the entry back (a 403 of a possibly sanitized
 * export: see HarContext).
 */
function readEntry(entry: Json, index: number, ctx: HarContext): SourceRecord | typeof HELD {
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
  const origin = ctx.credentialed !== undefined ? originOf(req.url) : undefined;
  if (origin !== undefined && showsSanitizable(req, res)) ctx.credentialed!.add(origin);
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
  if (content !== undefined) {
    const b = bodySample(
      content.text,
      content.encoding,
      content.mimeType,
      ctx.sampleBodyBytes,
      true,
    );
    if (b !== undefined) response.body = b;
    else if (num(content.size) === 0) {
      // No text and nothing to have: an empty body, recorded as such.
      const empty: Mutable<BodySample> = { text: "", truncated: false };
      if (typeof content.mimeType === "string" && content.mimeType.length > 0)
        empty.mimeType = content.mimeType;
      response.body = empty;
    }
  }
  ex.response = response;
  if (
    status === 403 &&
    origin !== undefined &&
    request.credentials === "unknown" &&
    mayBeSanitized(req, headers, ctx.creator) &&
    ctx.held !== undefined &&
    ctx.held.length < HELD_LIMIT
  ) {
    ctx.held.push({ ex, origin });
    return HELD;
  }
  return ex;
}

/** A record harEntryToExchange kept back (see HarContext.held): nothing to hand out yet. */
const HELD: unique symbol = Symbol("held");

/** "unknown" only because the export may be sanitized (its headers are those on the wire). */
function mayBeSanitized(
  req: JsonObject,
  headers: HeaderBag | undefined,
  creator: string | undefined,
): boolean {
  return (
    (creator === undefined || SANITIZING_CREATORS.test(creator)) &&
    Array.isArray(req.cookies) &&
    onTheWire(headers)
  );
}

/**
 * The held-back 403s, decided: "absent" when their origin showed what a sanitizer removes
 * elsewhere in the file, else still "unknown".
 */
function releaseHeld(ctx: HarContext): Exchange[] {
  const out: Exchange[] = [];
  for (const { ex, origin } of ctx.held ?? []) {
    if (ctx.credentialed?.has(origin)) ex.request = { ...ex.request, credentials: "absent" };
    out.push(ex);
  }
  ctx.held?.splice(0);
  return out;
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
  const ctx: HarContext = { file, sampleBodyBytes, credentialed: new Set(), held: [] };
  let failure: unknown;
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
          const r = readEntry(parsed, ev.index, ctx);
          if (r !== HELD) out.push(r);
        }
      }
      splitter.events.length = 0;
      if (out.length > 0) yield out;
    }
  } catch (e) {
    failure = e;
  }
  // Every entry read is handed out, the held-back ones too, before any error is thrown.
  const held = releaseHeld(ctx);
  if (held.length > 0) yield held;
  if (failure !== undefined) {
    const e = failure;
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
