/**
 * truestatus for Koa (2 and 3), as the first middleware:
 *
 *   app.use(truestatus({ policy }));
 *   app.use(router.routes());
 *
 * It wraps everything after it: anything thrown (ctx.throw(), http-errors, failures) is answered
 * with the right status, headers and problem body, and a request nothing answered is a 404, or a
 * 405 with Allow (204 for OPTIONS) when @koa/router has routes for the path with other methods
 * (read from `ctx.matched`, as its allowedMethods() does). Typed structurally: it imports nothing
 * of Koa.
 */
/**
 * What the adapter uses of Koa's Context: declared here, so that truestatus/koa's types need
 * neither koa nor @types/koa (whose types do not check beside Express 5's, skipLibCheck off).
 */
export interface Context {
  readonly method: string;
  readonly path: string;
  status: number;
  body: unknown;
  readonly headerSent: boolean;
  readonly req: AsyncIterable<Uint8Array>;
  readonly response: { get(field: string): string };
  get(field: string): string;
  set(field: string, value: string): void;
  remove(field: string): void;
}

/** A Koa middleware, as this adapter makes them. */
export type Middleware = (ctx: Context, next: () => Promise<unknown>) => Promise<void>;

import { isHttpFailure } from "../semantics/failure.js";
import {
  type AuthOptions,
  createAuthenticator,
  createScopeCheck,
  identityOf,
  requireIdentity,
  setIdentity,
  type Verify,
} from "./auth.js";
import { checkJsonRequest, type JsonBodyOptions, parseJsonText, readLimited } from "./json-body.js";
import { isLevelLogger, writeLog } from "./log.js";
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
export type { JsonBodyOptions } from "./json-body.js";
export type { LevelLogger, LogEntry, LogFunction, Logger } from "./log.js";
export type { OnFailure } from "./respond.js";

/** The middleware's options; `onFailure` gets Koa's Context. */
export type TruestatusOptions = Options<Context>;

function facts(ctx: Context): RequestFacts {
  // koa-pino-logger puts a child logger with the request id on ctx.log.
  const log = (ctx as { log?: unknown }).log;
  return {
    method: ctx.method,
    path: ctx.path,
    accept: ctx.get("accept") || undefined,
    request: ctx,
    logger: isLevelLogger(log) ? log : undefined,
  };
}

/** The methods @koa/router's routes have for the path of this request (`ctx.matched`). */
export function routeMethods(ctx: Context): string[] {
  const matched = (ctx as { matched?: unknown }).matched;
  const out = new Set<string>();
  if (Array.isArray(matched)) {
    for (const layer of matched) {
      const methods = (layer as { methods?: unknown }).methods;
      if (Array.isArray(methods)) for (const m of methods) if (typeof m === "string") out.add(m);
    }
  }
  return [...out];
}

function send(ctx: Context, r: Reply): void {
  for (const name of STALE_HEADERS) ctx.remove(name);
  for (const name in r.headers)
    ctx.set(
      name,
      name === "vary" ? withVary(ctx.response.get("vary") || undefined) : r.headers[name]!,
    );
  ctx.status = r.status;
  // Koa turns a null body into a 204: a HEAD answer gets "" (Koa sends no body for HEAD).
  ctx.body = r.status === 204 ? null : r.body;
}

/**
 * Development: records where a handler set an object body (`ctx.body = { error: ... }`), for the
 * soft-error warning's `at`. Koa's body is an accessor of its Response prototype: this shadows it
 * on this request's response only.
 */
function recordBodySite(ctx: Context): () => string | undefined {
  let stack: string | undefined;
  let proto: object | null = Object.getPrototypeOf(ctx.response);
  let accessor: PropertyDescriptor | undefined;
  while (proto !== null && accessor === undefined) {
    accessor = Object.getOwnPropertyDescriptor(proto, "body");
    proto = Object.getPrototypeOf(proto);
  }
  if (accessor?.get && accessor.set) {
    const { get, set } = accessor;
    Object.defineProperty(ctx.response, "body", {
      configurable: true,
      get() {
        return get.call(this);
      },
      set(value: unknown) {
        if (typeof value === "object" && value !== null) stack = new Error().stack;
        set.call(this, value);
      },
    });
  }
  return () => stack;
}

function sendSafely(responder: Responder, ctx: Context, r: Reply): void {
  try {
    send(ctx, r);
  } catch (e) {
    for (const name in r.headers) ctx.remove(name);
    send(ctx, responder.replyBroken(facts(ctx), e));
  }
}

/** The middleware: install it first, so that it wraps every other one. */
export function truestatus(options: TruestatusOptions = {}): Middleware {
  const responder = createResponder(options);
  return async function truestatusKoa(ctx, next) {
    const site = responder.softErrors ? recordBodySite(ctx) : undefined;
    try {
      await next();
    } catch (e) {
      if (ctx.headerSent) throw e; // too late for a status: Koa cuts the connection
      sendSafely(
        responder,
        ctx,
        responder.reply(e, facts(ctx), () => routeMethods(ctx)),
      );
      return;
    }
    // Koa's default answer to a request nothing answered is "404 Not Found" as text.
    if (ctx.status === 404 && ctx.body == null && !ctx.headerSent) {
      sendSafely(responder, ctx, responder.noRoute(facts(ctx), routeMethods(ctx)));
      return;
    }
    if (responder.softErrors && ctx.status >= 200 && ctx.status < 300) {
      const warning = softErrorWarning(ctx.status, softErrorReason(ctx.body), facts(ctx), site?.());
      if (warning && !ctx.headerSent) {
        ctx.set(SOFT_ERROR_HEADER, warning.header);
        writeLog(options.logger ?? facts(ctx).logger ?? responder.logger, warning.entry);
      }
    }
  };
}

/** requireAuth's middleware, and the typed identity it verified. */
export interface AuthMiddleware<I> extends Middleware {
  /** The identity of a request this middleware authenticated (a 500 on any other request). */
  identity(ctx: Context): I;
}

/**
 * 401 unless the request carries credentials `verify` accepts. The identity, typed:
 * `auth.identity(ctx)`. `verify` returns the identity, or null / refuse.invalid() / refuse.expired().
 */
export function requireAuth<I>(verify: Verify<I>, options: AuthOptions = {}): AuthMiddleware<I> {
  const authenticate = createAuthenticator(verify, options);
  const middleware: Middleware = async function truestatusRequireAuth(ctx, next) {
    const r = await authenticate(ctx.get("authorization") || undefined);
    if (isHttpFailure(r)) throw r;
    setIdentity(ctx, r);
    await next();
  };
  return Object.assign(middleware, {
    identity: (ctx: Context) => requireIdentity<I>(ctx, "auth.identity(ctx)"),
  });
}

/** 403 insufficient_scope unless the identity requireAuth verified has every scope. */
export function requireScope(...scopes: string[]): Middleware {
  const check = createScopeCheck(scopes);
  return async function truestatusRequireScope(ctx, next) {
    const failure = check(identityOf(ctx));
    if (failure) throw failure;
    await next();
  };
}

/**
 * Reads a JSON body truthfully: 415 for another media type, 413 over the limit, 400 for bytes that
 * are not UTF-8 or text that is not JSON. `const body = await readJson(ctx, { limit: 10_000 })`.
 */
export async function readJson(ctx: Context, options: JsonBodyOptions = {}): Promise<unknown> {
  const limit = checkJsonRequest(
    {
      contentType: ctx.get("content-type") || undefined,
      contentLength: ctx.get("content-length") || undefined,
      transferEncoding: ctx.get("transfer-encoding") || undefined,
    },
    options,
  );
  return parseJsonText(await readLimited(ctx.req, limit));
}
