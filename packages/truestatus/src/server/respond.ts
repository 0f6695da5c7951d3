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

import { annotateServerSpan, errorTypeOf } from "../otel/trace.js";
import { type Decision, decide } from "../semantics/decide.js";
import {
  FAILURE_KINDS,
  type Failure,
  internal,
  methodNotAllowed,
  notFound,
} from "../semantics/failure.js";
import { assertFieldValue } from "../semantics/headers/syntax.js";
import { definePolicy, type Policy, type PolicyOptions } from "../semantics/policy.js";
import { type Problem, RESERVED_MEMBERS, serializeProblem } from "../semantics/problem.js";
import { reasonPhrase } from "../semantics/status.js";
import { allowList } from "./allow.js";
import { consoleLogger, type LogEntry, type Logger, writeLog } from "./log.js";
import { MEDIA_TYPES, negotiateProblem, type ProblemMedia } from "./negotiate.js";
import { type OtherStatus, recognise } from "./to-failure.js";

/**
 * Called with every failure an adapter answers, with the decision and the framework's request:
 * to observe it (metrics, audit), or to add members to the problem body by returning them
 * (`{ requestId: req.id }`). The standard members (type, title, status, detail, instance) cannot
 * be replaced. A hook that throws is logged and changes nothing.
 */
export type OnFailure<Req = unknown> = (
  failure: Failure,
  decision: Decision,
  request: Req,
) => Readonly<Record<string, unknown>> | undefined;

export interface TruestatusOptions<Req = unknown> {
  /** A policy from definePolicy(), or its options. Default: the default policy. */
  readonly policy?: Policy | PolicyOptions;
  /**
   * Where answered failures are logged: a function called with each entry, or a level logger
   * (pino, bunyan: `logger.error(fields, message)`). 5xx at "error" with the cause, 4xx at "info"
   * without. Default: the framework's request logger where it has one (Fastify's `request.log`,
   * pino-http's `req.log`, koa-pino-logger's `ctx.log`), else one JSON line per 5xx on stderr.
   */
  readonly logger?: Logger;
  /** Development: warn when a 2xx carries a body that looks like an error. Default: off. */
  readonly softErrors?: boolean;
  /** Observe every failure answered, or add members to its problem body. */
  readonly onFailure?: OnFailure<Req>;
}

/** What the adapters need to know of a request. */
export interface RequestFacts {
  readonly method: string;
  /** The path, without the query. */
  readonly path: string;
  readonly accept?: string | undefined;
  /** The framework's request, handed to onFailure. */
  readonly request?: unknown;
  /** The framework's logger of this request (used when no `logger` option is given). */
  readonly logger?: Logger | undefined;
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
   * Nothing answered the request. `methods` (from the framework's route table) are those the path
   * has: none → 404; some, but not this one → 405 with Allow (204 with Allow for OPTIONS); this
   * one → 404 (its route exists and let the request through: there is nothing at this address).
   */
  noRoute(request: RequestFacts, methods: Iterable<string>): Reply;
  /** The 500 to send when sending an answer failed (a header refused by the runtime, ...); logged. */
  replyBroken(request: RequestFacts, error: unknown): Reply;
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
  // The last check before the wire, whatever built the values: Node would throw mid-answer.
  for (const name in headers) assertFieldValue(headers[name]!, name);
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

interface Answer {
  readonly decision: Decision;
  readonly reply: Reply;
}

// The last resort when building an answer fails: nothing of the failure, nothing internal.
const BROKEN_BODY = JSON.stringify({
  type: "about:blank",
  title: "Internal Server Error",
  status: 500,
});

/** Makes the responder of an adapter: options merged and validated once, here. */
export function createResponder<Req = unknown>(options: TruestatusOptions<Req> = {}): Responder {
  const policy = definePolicy({ ...options.policy });
  const given = options.logger;
  const logger = given ?? consoleLogger;
  const softErrors = options.softErrors === true;
  const onFailure = options.onFailure;
  const notFoundFailure = notFound();

  /** The logger of a request: the option, else the framework's, else stderr. */
  const loggerOf = (request: RequestFacts): Logger => given ?? request.logger ?? consoleLogger;

  function log(request: RequestFacts, entry: Omit<LogEntry, "method" | "path">): void {
    const target = loggerOf(request);
    // The default logger drops 4xx entries: do not build them.
    if (entry.level === "info" && target === consoleLogger) return;
    writeLog(target, { ...entry, method: request.method, path: request.path });
  }

  function logFailure(d: Decision, request: RequestFacts, cause: unknown): void {
    const server = d.status >= 500;
    const base = {
      message: `${d.status} ${d.kind}: ${request.method} ${request.path}`,
      status: d.status,
      kind: d.kind,
      class: d.class,
    };
    if (server) {
      log(request, {
        level: "error",
        event: "server_failure",
        ...base,
        ...(d.problem.instance === undefined ? {} : { instance: d.problem.instance }),
        error: cause,
      });
    } else {
      log(request, { level: "info", event: "client_failure", ...base });
    }
  }

  function newBroken(request: RequestFacts, error: unknown): Reply {
    const instance = newInstance();
    log(request, {
      level: "error",
      event: "server_failure",
      message: `500 internal: ${request.method} ${request.path}: the answer could not be built or sent`,
      status: 500,
      kind: "internal",
      class: "server_bug",
      instance,
      error,
    });
    annotateServerSpan({ status: 500, errorType: "internal", failureClass: "server_bug" });
    try {
      const d = decide(internal(), policy, { instance });
      return render(500, {}, d.problem, request);
    } catch {
      const body = request.method === "HEAD" ? "" : BROKEN_BODY;
      return {
        status: 500,
        headers: { "content-type": MEDIA_TYPES.problem, vary: "Accept" },
        body,
      };
    }
  }

  // Answers to constant client failures, by key, media and HEAD: built once, then shared (frozen).
  const constant = new Map<string, Answer>();

  function build(failure: Failure, request: RequestFacts): Answer {
    const server = FAILURE_KINDS[failure.kind].status >= 500;
    const key = server ? undefined : constantKey(failure);
    if (key !== undefined) {
      const media = negotiateProblem(request.accept);
      const k = `${key} ${media}${request.method === "HEAD" ? " HEAD" : ""}`;
      let answer = constant.get(k);
      if (answer === undefined) {
        const decision = decide(failure, policy, { method: request.method });
        const reply = render(decision.status, decision.headers, decision.problem, request, media);
        Object.freeze(reply.headers);
        answer = Object.freeze({ decision, reply: Object.freeze(reply) });
        constant.set(k, answer);
      }
      return answer;
    }
    const decision = decide(failure, policy, {
      method: request.method,
      ...(server ? { instance: newInstance() } : {}),
    });
    return {
      decision,
      reply: render(decision.status, decision.headers, decision.problem, request),
    };
  }

  /** The hook's members added to the answer (a new reply: the shared ones stay as they are). */
  function hooked(failure: Failure, answer: Answer, request: RequestFacts): Reply {
    let extra: Readonly<Record<string, unknown>> | undefined;
    try {
      extra = onFailure?.(failure, answer.decision, request.request as Req);
    } catch (e) {
      log(request, {
        level: "warn",
        event: "server_failure",
        message: `onFailure threw for ${answer.decision.status} ${answer.decision.kind}; answered without it`,
        error: e,
      });
      return answer.reply;
    }
    if (extra === undefined || extra === null || typeof extra !== "object") return answer.reply;
    const problem: Record<string, unknown> = { ...answer.decision.problem };
    let added = false;
    for (const key of Object.keys(extra)) {
      if (RESERVED_MEMBERS.includes(key as never)) continue;
      problem[key] = extra[key];
      added = true;
    }
    if (!added) return answer.reply;
    const d = answer.decision;
    return render(d.status, d.headers, problem as Problem, request);
  }

  function replyFailure(failure: Failure, request: RequestFacts, cause?: unknown): Reply {
    try {
      const answer = build(failure, request);
      const d = answer.decision;
      logFailure(d, request, cause ?? failure);
      annotateServerSpan({
        status: d.status,
        errorType: errorTypeOf(failure),
        failureClass: d.class,
      });
      return onFailure === undefined ? answer.reply : hooked(failure, answer, request);
    } catch (e) {
      // A value no header can carry, a problem member JSON cannot serialize, ...: a bug, and
      // the answer to it says nothing about it.
      return newBroken(request, { error: e, failure, cause });
    }
  }

  function replyOther(o: OtherStatus, request: RequestFacts): Reply {
    try {
      const problem: Record<string, unknown> = {
        type: "about:blank",
        title: reasonPhrase(o.status),
        status: o.status,
      };
      if (o.status >= 500) {
        problem.instance = newInstance();
        log(request, {
          level: "error",
          event: "server_failure",
          message: `${o.status} other_status: ${request.method} ${request.path}`,
          status: o.status,
          instance: problem.instance as string,
          kind: "other_status",
          class: "server_bug",
          error: o.cause,
        });
      } else {
        if (o.detail !== undefined) problem.detail = o.detail;
        log(request, {
          level: "info",
          event: "client_failure",
          message: `${o.status} other_status: ${request.method} ${request.path}`,
          status: o.status,
          kind: "other_status",
        });
      }
      annotateServerSpan({
        status: o.status,
        errorType: String(o.status),
        failureClass: o.status >= 500 ? "server_bug" : "validation",
      });
      return render(o.status, {}, problem, request);
    } catch (e) {
      return newBroken(request, e);
    }
  }

  return {
    policy,
    logger,
    softErrors,
    replyFailure,
    replyBroken: newBroken,
    reply(thrown, request, allow) {
      const { failure } = recognise(thrown);
      if (failure.kind === "other_status") return replyOther(failure, request);
      if (failure.kind === "method_not_allowed" && failure.allow.length === 0 && allow) {
        let methods: string[];
        try {
          methods = allowList(allow());
        } catch (e) {
          return newBroken(request, e);
        }
        return replyFailure(methodNotAllowed({ ...failure, allow: methods }), request, thrown);
      }
      return replyFailure(failure, request, thrown);
    },
    noRoute(request, methods) {
      const allow = allowList(methods);
      if (allow.length === 0) return replyFailure(notFoundFailure, request);
      if (request.method === "OPTIONS")
        return { status: 204, headers: { allow: allow.join(", ") }, body: "" };
      // The method has a route that let the request through (Express next(), Fastify
      // callNotFound()): the resource is not there, the method is.
      const method = request.method.toUpperCase();
      if (allow.includes(method)) return replyFailure(notFoundFailure, request);
      return replyFailure(methodNotAllowed({ allow }), request);
    },
  };
}
