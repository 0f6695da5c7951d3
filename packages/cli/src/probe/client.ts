/**
 * The probe's HTTP client (undici): every request a scenario plans passes `admit` (safety.ts: the
 * one place that fills the path and enforces safe mode and the origin), the budget, the state
 * witness (safe mode: the resources a write touches are read before it), the pacer (concurrency
 * and rate caps) and a per-request deadline; redirects are never followed; at most 64 KiB of each
 * body is read. It returns an Exchange (format "probe") with the
 * secrets given on the command line scrubbed from everything the server sent back.
 */
import { Agent, request } from "undici";
import { credentialId } from "../audit/credential-id.js";
import type { Exchange, HeaderBag, ProbeFacts } from "../audit/exchange.js";
import { redactHeaders } from "../audit/redact.js";
import {
  admit,
  type Budget,
  type Pacer,
  type PlannedRequest,
  type Refusal,
  SAFE_METHODS,
  type Target,
} from "./safety.js";

/** Body bytes kept per response (the rules read samples, never whole bodies). */
export const BODY_SAMPLE_BYTES = 64 * 1024;

export interface ProbeRequest extends PlannedRequest {
  /** Which identity the Authorization header belongs to, for the request list. */
  readonly identity?: string;
}

/** One request the safety rules did not let out, and why (the report lists each). */
export interface RefusedRequest {
  readonly scenario: string;
  /** What the request would have done (the scenario's own words). */
  readonly did: string;
  readonly method: string;
  /** The planned path (its template when a variable could not be filled). */
  readonly target: string;
  readonly identity: string;
  readonly skip: Refusal;
  readonly reason: string;
}

/** One line of the list of requests sent (the report lists every one). */
export interface SentRequest {
  readonly n: number;
  readonly scenario: string;
  readonly method: string;
  readonly target: string;
  readonly identity: string;
  readonly status?: number;
  readonly error?: string;
  readonly ms: number;
}

export type Skip = "budget" | Refusal;

export interface ClientOptions {
  readonly target: Target;
  readonly budget: Budget;
  readonly pacer: Pacer;
  readonly timeoutMs: number;
  readonly unsafe: boolean;
  /** Values never to show: the credentials given (and their token part). */
  readonly secrets: readonly string[];
}

/** Called before a write goes out (the state witness reads what it touches first). */
export type BeforeWrite = (req: ProbeRequest, path: string) => Promise<boolean>;

/** Replaces every occurrence of the secrets with "[redacted]". */
export function scrubber(secrets: readonly string[]): (text: string) => string {
  const list = [...new Set(secrets.filter((s) => s.length >= 4))].sort(
    (a, b) => b.length - a.length,
  );
  if (list.length === 0) return (t) => t;
  return (text) => {
    let out = text;
    for (const s of list) if (out.includes(s)) out = out.split(s).join("[redacted]");
    return out;
  };
}

/** The secrets of an Authorization value: the whole value and the credentials after the scheme. */
export function secretsOf(value: string | undefined): string[] {
  if (value === undefined) return [];
  const v = value.trim();
  const sp = v.indexOf(" ");
  if (sp === -1) return [v];
  const credentials = v.slice(sp + 1).trim();
  if (v.slice(0, sp).toLowerCase() !== "basic") return [v, credentials];
  // Basic: the decoded "user:password" and the password alone are secrets too.
  const decoded = Buffer.from(credentials, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return [v, credentials, decoded, ...(colon === -1 ? [] : [decoded.slice(colon + 1)])];
}

export class ProbeClient {
  private readonly agent: Agent;
  private readonly scrub: (text: string) => string;
  readonly sent: SentRequest[] = [];
  readonly refused: RefusedRequest[] = [];
  readonly skipped: Record<Skip, number> = { budget: 0, unsafe: 0, origin: 0, path: 0 };
  /** Set by the state witness (safe mode). */
  beforeWrite: BeforeWrite | undefined;

  constructor(private readonly options: ClientOptions) {
    this.agent = new Agent({
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connectTimeout: options.timeoutMs,
    });
    this.scrub = scrubber(options.secrets);
  }

  get budget(): Budget {
    return this.options.budget;
  }

  get unsafe(): boolean {
    return this.options.unsafe;
  }

  /** A Location (absolute or not) as a path on the target, or undefined when it is elsewhere. */
  pathOnTarget(location: string): string | undefined {
    const { origin, prefix } = this.options.target;
    let u: URL;
    try {
      u = new URL(location, `${origin}${prefix}/`);
    } catch {
      return undefined;
    }
    if (u.origin !== origin || !u.pathname.startsWith(`${prefix}/`)) return undefined;
    return u.pathname.slice(prefix.length);
  }

  /**
   * Sends one request, or returns the reason it was not sent: `admit` refused it (recorded with its
   * reason), the budget is spent, or the state witness could not read what it would touch.
   * `reserved`: the request uses a reservation of the budget (the witness's reads after the run).
   */
  async send(req: ProbeRequest, facts: ProbeFacts, reserved = false): Promise<Exchange | Skip> {
    const admitted = admit(req, this.options.target, this.options.unsafe);
    if (!admitted.ok) {
      this.skipped[admitted.skip]++;
      this.refused.push({
        scenario: facts.scenario,
        did: facts.did,
        method: req.method,
        target: req.template,
        identity: req.identity ?? "none",
        skip: admitted.skip,
        reason: admitted.reason,
      });
      return admitted.skip;
    }
    if (!SAFE_METHODS.has(req.method.toUpperCase()) && this.beforeWrite !== undefined) {
      if (!(await this.beforeWrite(req, admitted.path))) {
        this.skipped.budget++;
        return "budget";
      }
    }
    if (!this.options.budget.take(reserved)) {
      this.skipped.budget++;
      return "budget";
    }
    const n = this.sent.length;
    const placeholder: { -readonly [K in keyof SentRequest]: SentRequest[K] } = {
      n: n + 1,
      scenario: facts.scenario,
      method: req.method,
      target: admitted.path,
      identity: req.identity ?? "none",
      ms: 0,
    };
    this.sent.push(placeholder);
    return this.options.pacer.run(async () => {
      const start = performance.now();
      const ex = await this.exchange(admitted.url, admitted.path, req, facts, n);
      placeholder.ms = Math.round(performance.now() - start);
      if (ex.response !== undefined) placeholder.status = ex.response.status;
      if (ex.networkError !== undefined) placeholder.error = ex.networkError;
      return ex;
    });
  }

  private async exchange(
    url: URL,
    path: string,
    req: ProbeRequest,
    facts: ProbeFacts,
    n: number,
  ): Promise<Exchange> {
    const headers: Record<string, string> = { "user-agent": "truestatus-probe", ...req.headers };
    const auth = headers.authorization;
    const reqBag: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(headers)) reqBag[k.toLowerCase()] = [v];
    const cid = auth === undefined ? undefined : credentialId("authorization", auth);
    const base = {
      format: "probe" as const,
      // The request number of the list of requests sent (1-based), so a finding names its request.
      location: { file: this.options.target.origin, entry: n + 1 },
      time: Date.now(),
      request: {
        method: req.method,
        target: path,
        path: url.pathname.slice(this.options.target.prefix.length) || "/",
        host: url.host,
        headers: redactHeaders(reqBag),
        credentials: auth === undefined ? ("absent" as const) : ("present" as const),
        ...(cid !== undefined ? { credentialId: cid } : {}),
        ...(req.body !== undefined
          ? { body: { text: req.body.slice(0, 4096), truncated: req.body.length > 4096 } }
          : {}),
      },
      probe: facts,
    };
    const start = performance.now();
    // A timer of its own (cleared below), so that no request leaves one behind.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.options.timeoutMs);
    const signal = abort.signal;
    try {
      const res = await request(url, {
        method: req.method as "GET",
        headers,
        ...(req.body !== undefined ? { body: req.body } : {}),
        dispatcher: this.agent,
        signal,
        maxRedirections: 0,
      });
      const chunks: Buffer[] = [];
      let kept = 0;
      let total = 0;
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        total += chunk.length;
        if (kept < BODY_SAMPLE_BYTES) {
          const part = chunk.subarray(0, BODY_SAMPLE_BYTES - kept);
          chunks.push(part);
          kept += part.length;
        }
        if (kept >= BODY_SAMPLE_BYTES) {
          res.body.destroy();
          break;
        }
      }
      const resBag: Record<string, string[]> = {};
      for (const [k, v] of Object.entries(res.headers)) {
        if (v === undefined) continue;
        resBag[k.toLowerCase()] = (Array.isArray(v) ? v : [v]).map((x) => this.scrub(String(x)));
      }
      const truncated = total > kept;
      const text = this.scrub(Buffer.concat(chunks).toString("utf8"));
      const mime = resBag["content-type"]?.[0];
      const bag: HeaderBag = resBag;
      return {
        ...base,
        response: {
          status: res.statusCode,
          headers: bag,
          ...(req.method === "HEAD" && total === 0
            ? {}
            : { body: { text, truncated, ...(mime !== undefined ? { mimeType: mime } : {}) } }),
          ...(truncated ? {} : { size: total }),
        },
        durationMs: Math.round(performance.now() - start),
      };
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      const what =
        signal.aborted || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT"
          ? `no answer within ${this.options.timeoutMs} ms`
          : typeof code === "string"
            ? code
            : String((e as Error).message ?? e);
      return {
        ...base,
        networkError: this.scrub(what),
        durationMs: Math.round(performance.now() - start),
      };
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.agent.destroy();
  }
}
