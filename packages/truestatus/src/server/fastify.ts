/**
 * truestatus for Fastify 5, as a plugin:
 *
 *   await app.register(truestatus, { policy });
 *
 * sets the error handler (anything thrown, Fastify's own content-type parser and schema validation
 * errors included) and the not-found handler (404, or 405 with Allow from Fastify's own router).
 * It applies to the whole instance (like fastify-plugin, without depending on it).
 */
import { Transform } from "node:stream";
import type {
  FastifyInstance,
  FastifyPluginCallback,
  FastifyReply,
  FastifyRequest,
  preHandlerAsyncHookHandler,
} from "fastify";
import { isHttpFailure, malformed } from "../semantics/failure.js";
import {
  type AuthOptions,
  createAuthenticator,
  createScopeCheck,
  identityOf,
  requireIdentity,
  setIdentity,
  type Verify,
} from "./auth.js";
import { mediaTypeOf } from "./content-type.js";
import { fastifyRouteMethods } from "./fastify-routes.js";
import { isLevelLogger, isNullLogger, writeLog } from "./log.js";
import {
  createResponder,
  type TruestatusOptions as Options,
  type Reply,
  type RequestFacts,
  type Responder,
  STALE_HEADERS,
  withVary,
} from "./respond.js";
import { SOFT_ERROR_HEADER, softErrorReason, softErrorWarning } from "./soft-error.js";

export { type Refusal, refuse, type Verify } from "./auth.js";
export type { LevelLogger, LogEntry, LogFunction, Logger } from "./log.js";
export type { OnFailure } from "./respond.js";

/**
 * The plugin's options; `onFailure` gets Fastify's request. Without a `logger`, failures are
 * logged through `request.log` (with the request id), like Fastify's own errors.
 */
export interface TruestatusOptions extends Options<FastifyRequest> {
  /**
   * Refuse a JSON body whose bytes are not UTF-8 with a 400 (Fastify's parser would decode them
   * as U+FFFD and accept it). Default: true.
   */
  readonly strictUtf8?: boolean;
}

function pathOf(url: string): string {
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}

function facts(request: FastifyRequest): RequestFacts {
  return {
    method: request.method,
    path: pathOf(request.url),
    accept: request.headers.accept,
    request,
    // Fastify's logger when it is off is a no-op: a 5xx would be logged nowhere.
    logger: isLevelLogger(request.log) && !isNullLogger(request.log) ? request.log : undefined,
  };
}

// The bytes of the shared (frozen) answers to constant failures, made once.
const bytes = new WeakMap<Reply, Buffer>();

function payload(r: Reply): Buffer {
  let b = bytes.get(r);
  if (b === undefined) {
    b = Buffer.from(r.body);
    if (Object.isFrozen(r)) bytes.set(r, b);
  }
  return b;
}

function send(reply: FastifyReply, r: Reply): void {
  for (const name of STALE_HEADERS) reply.removeHeader(name);
  for (const name in r.headers) {
    reply.header(name, name === "vary" ? withVary(reply.getHeader("vary")) : r.headers[name]!);
  }
  // A Buffer: Fastify would append "; charset=utf-8" to a JSON media type sent as a string.
  reply.code(r.status).send(r.body === "" ? undefined : payload(r));
}

/** Sends a reply; if it cannot be sent as built, the 500 that says nothing about why. */
function sendSafely(responder: Responder, reply: FastifyReply, r: Reply, f: RequestFacts): void {
  try {
    send(reply, r);
  } catch (e) {
    if (reply.sent) return;
    for (const name in r.headers) reply.removeHeader(name);
    send(reply, responder.replyBroken(f, e));
  }
}

function isJson(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const media = mediaTypeOf(contentType);
  return media === "application/json" || media.endsWith("+json");
}

/**
 * The request content, checked as it streams: bytes that are not UTF-8 end it with a 400. The
 * bytes pass unchanged (Fastify still checks them against Content-Length and bodyLimit).
 */
function utf8Checked(): Transform {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const refused = () => malformed({ detail: "The request body is not valid UTF-8." });
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      try {
        decoder.decode(chunk, { stream: true });
      } catch {
        callback(refused());
        return;
      }
      callback(null, chunk);
    },
    flush(callback) {
      try {
        decoder.decode();
      } catch {
        callback(refused());
        return;
      }
      callback();
    },
  });
}

/** The methods Fastify's router has for a path (HEAD routes included, as Fastify adds them). */
export function routeMethods(fastify: FastifyInstance, path: string): string[] {
  return fastifyRouteMethods(fastify, path);
}

const plugin: FastifyPluginCallback<TruestatusOptions> = (fastify, options, done) => {
  const responder = createResponder(options);

  fastify.setErrorHandler(function truestatusErrors(error, request, reply) {
    const f = facts(request);
    sendSafely(
      responder,
      reply,
      responder.reply(error, f, () => routeMethods(fastify, f.path)),
      f,
    );
  });
  fastify.setNotFoundHandler(function truestatusNotFound(request, reply) {
    const f = facts(request);
    sendSafely(responder, reply, responder.noRoute(f, routeMethods(fastify, f.path)), f);
  });

  if (options.strictUtf8 !== false) {
    fastify.addHook("preParsing", (request, _reply, payload, next) => {
      if (!isJson(request.headers["content-type"])) {
        next(null, payload);
        return;
      }
      const checked = utf8Checked();
      payload.on("error", (e) => checked.destroy(e));
      next(null, payload.pipe(checked));
    });
  }

  if (responder.softErrors) {
    fastify.addHook("onRequest", (request, reply, next) => {
      // Wrap send for this reply, to know the line that sent the body.
      const original = reply.send;
      reply.send = function guardedSend(this: FastifyReply, payload?: unknown) {
        const reason = typeof payload === "string" ? undefined : softErrorReason(payload);
        const warning = softErrorWarning(
          reply.statusCode,
          reason,
          facts(request),
          new Error().stack,
        );
        if (warning) {
          reply.header(SOFT_ERROR_HEADER, warning.header);
          writeLog(options.logger ?? facts(request).logger ?? responder.logger, warning.entry);
        }
        return original.call(this, payload);
      };
      next();
    });
  }
  done();
};

// Equivalent of fastify-plugin: the handlers apply to the instance that registers the plugin.
Object.assign(plugin, {
  [Symbol.for("skip-override")]: true,
  [Symbol.for("fastify.display-name")]: "truestatus",
});

/** The plugin: `await app.register(truestatus, options)`. */
export const truestatus: FastifyPluginCallback<TruestatusOptions> = plugin;

/** requireAuth's hook, and the typed identity it verified. */
export interface AuthHook<I> extends preHandlerAsyncHookHandler {
  /** The identity of a request this hook authenticated (a 500 on any other request). */
  identity(request: FastifyRequest): I;
}

/**
 * A hook (use it as `onRequest`, before body parsing): 401 unless the request carries credentials
 * `verify` accepts. The identity, typed: `auth.identity(request)`. `verify` returns the identity,
 * or null / refuse.invalid() / refuse.expired().
 */
export function requireAuth<I>(verify: Verify<I>, options: AuthOptions = {}): AuthHook<I> {
  const authenticate = createAuthenticator(verify, options);
  const hook: preHandlerAsyncHookHandler = async function truestatusRequireAuth(request) {
    const r = await authenticate(request.headers.authorization);
    if (isHttpFailure(r)) throw r;
    setIdentity(request, r);
  };
  return Object.assign(hook, {
    identity: (request: FastifyRequest) => requireIdentity<I>(request, "auth.identity(request)"),
  });
}

/** A hook: 403 insufficient_scope unless the identity requireAuth verified has every scope. */
export function requireScope(...scopes: string[]): preHandlerAsyncHookHandler {
  const check = createScopeCheck(scopes);
  return async function truestatusRequireScope(request) {
    const failure = check(identityOf(request));
    if (failure) throw failure;
  };
}
