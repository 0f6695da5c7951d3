/**
 * Failure → { status, headers, body }: the framework-neutral half of every adapter. Made once per
 * adapter (a factory: the policy is validated and the fixed answers are built at start-up); the
 * adapters only copy the reply onto their framework's response.
 *
 * - A 5xx gets an `instance` id (`urn:uuid:…`) in its body, and is logged with the full error
 *   under the same id. Its body never carries the error's message, stack, SQL, paths or upstream
 *   hosts unless the policy's `exposeInternals` (development only) is on.
 * - The body is application/problem+json, application/json or text/plain (negotiate.ts); empty
 *   for HEAD.
 */
import { decide } from "../semantics/decide.js";
import { FAILURE_KINDS, type Failure, methodNotAllowed, notFound } from "../semantics/failure.js";
import { definePolicy, type Policy, type PolicyOptions } from "../semantics/policy.js";
import { type Problem, serializeProblem } from "../semantics/problem.js";
import { reasonPhrase } from "../semantics/status.js";
import { allowList } from "./allow.js";
import { consoleLogger, type Logger } from "./log.js";
import { MEDIA_TYPES, negotiateProblem, type ProblemMedia } from "./negotiate.js";
import { type OtherStatus, recognise } from "./to-failure.js";

export interface TruestatusOptions {
  /** A policy from definePolicy(), or its options. Default: the default policy. */
  readonly policy?: Policy | PolicyOptions;
  /** Where 5xx (and soft-error warnings) are logged. Default: one JSON line per entry on stderr. */
  readonly logger?: Logger;
  /** Development: warn when a 2xx carries a body that looks like an error. Default: off. */
  readonly softErrors?: boolean;
}

/** What the adapters need to know of a request. */
export interface RequestFacts {
  readonly method: string;
  /** The path, without the query. */
  readonly path: string;
  readonly accept?: string | undefined;
}

export interface Reply {
  readonly status: number;
  /** Lowercase header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Empty for HEAD and for 204. */
  readonly body: string;
}

export interface Responder {
  readonly policy: Policy;
  readonly logger: Logger;
  readonly softErrors: boolean;
  /** Anything thrown → the reply. `allow` lists the methods of the path, for a 405 without them. */
  reply(thrown: unknown, request: RequestFacts, allow?: () => readonly string[]): Reply;
  /** A failure → the reply. */
  replyFailure(failure: Failure, request: RequestFacts, cause?: unknown): Reply;
  /**
   * No route matched: 404 for an unknown path; for a path that has routes (`methods`, from the
   * framework's route table), 405 with Allow, or 204 with Allow for OPTIONS.
   */
  noRoute(request: RequestFacts, methods: Iterable<string>): Reply;
}

/** Headers of a response being prepared that describe content the error reply replaces. */
export const STALE_HEADERS = [
  "content-disposition",
  "content-encoding",
  "content-language",
  "content-length",
  "content-range",
  "etag",
  "last-modified",
] as const;

/** Vary with Accept added to what a response already varies on. */
export function withVary(existing: unknown): string {
  if (typeof existing !== "string" || existing === "") return "Accept";
  if (existing === "*" || /(^|,)\s*accept\s*(,|$)/i.test(existing)) return existing;
  return `${existing}, Accept`;
}

function newInstance(): string {
  return `urn:uuid:${globalThis.crypto.randomUUID()}`;
}

function textBody(problem: Problem): string {
  let s = `${problem.status} ${problem.title}\n`;
  if (problem.detail) s += `${problem.detail}\n`;
  const errors = problem.errors;
  if (Array.isArray(errors)) {
    for (const e of errors as { pointer?: string; parameter?: string; detail?: string }[])
      s += `- ${e.pointer ?? e.parameter ?? ""}: ${e.detail ?? ""}\n`;
  }
  if (problem.instance) s += `instance: ${problem.instance}\n`;
  return s;
}

function render(
  status: number,
  headers: Readonly<Record<string, string>>,
  problem: Problem,
  request: RequestFacts,
  media: ProblemMedia = negotiateProblem(request.accept),
): Reply {
  const out: Record<string, string> = { ...headers };
  out["content-type"] = MEDIA_TYPES[media];
  out.vary = "Accept";
  if (request.method === "HEAD") return { status, headers: out, body: "" };
  const body = media === "text" ? textBody(problem) : serializeProblem(problem);
  return { status, headers: out, body };
}

/**
 * The cache key of a failure whose answer is the same every time: a client failure that carries
 * nothing but its kind and reason (`notFound()`, `unauthenticated({ reason: "expired" })`, ...).
 * Undefined for anything with a detail, errors, allow list, instance, extensions, ...
 */
function constantKey(failure: Failure): string | undefined {
  for (const key in failure) if (key !== "kind" && key !== "reason") return undefined;
  const reason = (failure as { reason?: string }).reason;
  return reason === undefined ? failure.kind : `${failure.kind}/${reason}`;
}

/** Makes the responder of an adapter: options merged and validated once, here. */
export function createResponder(options: TruestatusOptions = {}): Responder {
  const policy = definePolicy({ ...options.policy });
  const logger = options.logger ?? consoleLogger;
  const softErrors = options.softErrors === true;
  const notFoundFailure = notFound();

  function log(
    status: number,
    kind: string,
    instance: string | undefined,
    request: RequestFacts,
    error: unknown,
  ): void {
    try {
      logger({
        level: "error",
        event: "server_failure",
        message: `${status} ${kind}: ${request.method} ${request.path}`,
        status,
        ...(instance === undefined ? {} : { instance }),
        method: request.method,
        path: request.path,
        kind,
        error,
      });
    } catch {
      // A logger that throws must not turn an answer into a crash.
    }
  }

  // Answers to constant client failures, by key, media and HEAD: built once, then shared (frozen).
  const constant = new Map<string, Reply>();

  function replyFailure(failure: Failure, request: RequestFacts, cause?: unknown): Reply {
    const server = FAILURE_KINDS[failure.kind].status >= 500;
    const key = server ? undefined : constantKey(failure);
    if (key !== undefined) {
      const media = negotiateProblem(request.accept);
      const k = `${key} ${media}${request.method === "HEAD" ? " HEAD" : ""}`;
      let reply = constant.get(k);
      if (reply === undefined) {
        const d = decide(failure, policy, { method: request.method });
        reply = render(d.status, d.headers, d.problem, request, media);
        Object.freeze(reply.headers);
        constant.set(k, Object.freeze(reply));
      }
      return reply;
    }
    const d = decide(failure, policy, {
      method: request.method,
      ...(server ? { instance: newInstance() } : {}),
    });
    if (d.status >= 500) log(d.status, d.kind, d.problem.instance, request, cause ?? failure);
    return render(d.status, d.headers, d.problem, request);
  }

  function replyOther(o: OtherStatus, request: RequestFacts): Reply {
    const problem: Record<string, unknown> = {
      type: "about:blank",
      title: reasonPhrase(o.status),
      status: o.status,
    };
    if (o.status >= 500) {
      problem.instance = newInstance();
      log(o.status, "other_status", problem.instance as string, request, o.cause);
    } else if (o.detail !== undefined) {
      problem.detail = o.detail;
    }
    return render(o.status, {}, problem, request);
  }

  return {
    policy,
    logger,
    softErrors,
    replyFailure,
    reply(thrown, request, allow) {
      const { failure } = recognise(thrown);
      if (failure.kind === "other_status") return replyOther(failure, request);
      if (failure.kind === "method_not_allowed" && failure.allow.length === 0 && allow) {
        return replyFailure(
          methodNotAllowed({ ...failure, allow: allowList(allow()) }),
          request,
          thrown,
        );
      }
      return replyFailure(failure, request, thrown);
    },
    noRoute(request, methods) {
      const allow = allowList(methods);
      if (allow.length === 0) return replyFailure(notFoundFailure, request);
      if (request.method === "OPTIONS")
        return { status: 204, headers: { allow: allow.join(", ") }, body: "" };
      return replyFailure(methodNotAllowed({ allow }), request);
    },
  };
}
