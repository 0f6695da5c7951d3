/**
 * truestatus for Fastify 5, as a plugin:
 *
 *   await app.register(truestatus, { policy });
 *
 * sets the error handler (anything thrown, Fastify's own content-type parser and schema validation
 * errors included) and the not-found handler (404, or 405 with Allow from Fastify's own router).
 * It applies to the whole instance (like fastify-plugin, without depending on it).
 */
import type {
  FastifyInstance,
  FastifyPluginCallback,
  FastifyReply,
  FastifyRequest,
  preHandlerAsyncHookHandler,
} from "fastify";
import { isHttpFailure } from "../semantics/failure.js";
import { type AuthOptions, createAuthenticator, createScopeCheck, type Verify } from "./auth.js";
import {
  createResponder,
  type Reply,
  type RequestFacts,
  STALE_HEADERS,
  type TruestatusOptions,
  withVary,
} from "./respond.js";
import { SOFT_ERROR_HEADER, softErrorReason, softErrorWarning } from "./soft-error.js";

export { type Refusal, refuse, type Verify } from "./auth.js";
export type { LogEntry, Logger } from "./log.js";
export type { TruestatusOptions } from "./respond.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The identity requireAuth() verified. */
    auth: unknown;
  }
}

function pathOf(url: string): string {
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}

function facts(request: FastifyRequest): RequestFacts {
  return { method: request.method, path: pathOf(request.url), accept: request.headers.accept };
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

/** The methods Fastify's router has for a path (HEAD routes included, as Fastify adds them). */
export function routeMethods(fastify: FastifyInstance, path: string): string[] {
  const out: string[] = [];
  for (const method of fastify.supportedMethods) {
    if (fastify.findRoute({ method: method as "GET", url: path })) out.push(method);
  }
  return out;
}

const plugin: FastifyPluginCallback<TruestatusOptions> = (fastify, options, done) => {
  const responder = createResponder(options);
  if (!fastify.hasRequestDecorator("auth")) fastify.decorateRequest("auth", null);

  fastify.setErrorHandler(function truestatusErrors(error, request, reply) {
    send(
      reply,
      responder.reply(error, facts(request), () => routeMethods(fastify, facts(request).path)),
    );
  });
  fastify.setNotFoundHandler(function truestatusNotFound(request, reply) {
    const f = facts(request);
    send(reply, responder.noRoute(f, routeMethods(fastify, f.path)));
  });

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
          responder.logger(warning.entry);
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

/**
 * A preHandler hook: 401 unless the request carries credentials `verify` accepts; the identity is
 * then `request.auth`. `verify` returns the identity, or null / refuse.invalid() / refuse.expired().
 */
export function requireAuth<I>(
  verify: Verify<I>,
  options: AuthOptions = {},
): preHandlerAsyncHookHandler {
  const authenticate = createAuthenticator(verify, options);
  return async function truestatusRequireAuth(request) {
    const r = await authenticate(request.headers.authorization);
    if (isHttpFailure(r)) throw r;
    request.auth = r;
  };
}

/** A preHandler hook: 403 insufficient_scope unless `request.auth` has every scope. */
export function requireScope(...scopes: string[]): preHandlerAsyncHookHandler {
  const check = createScopeCheck(scopes);
  return async function truestatusRequireScope(request) {
    const failure = check(request.auth);
    if (failure) throw failure;
  };
}
