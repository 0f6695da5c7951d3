/**
 * truestatus for Hono 4, on Node (@hono/node-server) and on any Web-standard runtime:
 *
 *   truestatus(app, { policy });
 *
 * sets app.onError (anything thrown, HTTPException included) and app.notFound (404, or 405 with
 * Allow from the app's own router). Nothing here imports a Node module.
 */
import type { Context, Env, ErrorHandler, Hono, MiddlewareHandler, NotFoundHandler } from "hono";
import { isHttpFailure } from "../semantics/failure.js";
import { type AuthOptions, createAuthenticator, createScopeCheck, type Verify } from "./auth.js";
import {
  checkJsonRequest,
  type JsonBodyOptions,
  parseJsonText,
  readLimited,
  streamChunks,
} from "./json-body.js";
import type { Logger } from "./log.js";
import {
  createResponder,
  type Reply,
  type RequestFacts,
  type TruestatusOptions,
} from "./respond.js";
import { SOFT_ERROR_HEADER, softErrorReason, softErrorWarning } from "./soft-error.js";

export { type Refusal, refuse, type Verify } from "./auth.js";
export type { JsonBodyOptions } from "./json-body.js";
export type { LogEntry, Logger } from "./log.js";
export type { TruestatusOptions } from "./respond.js";

function facts(c: Context): RequestFacts {
  return { method: c.req.method, path: c.req.path, accept: c.req.header("accept") };
}

function toResponse(c: Context, r: Reply): Response {
  // Not c.res: reading it makes a Response, which c.body() then copies. Middleware that adds to
  // Vary after next() (CORS) still sees and extends this one.
  const headers = r.headers as Record<string, string>;
  // The status is any the responder chose (4xx, 5xx, 204); Hono's types only want to know it exists.
  const status = r.status as 200;
  return r.body === "" ? c.body(null, status, headers) : c.body(r.body, status, headers);
}

interface RouteEntry {
  readonly method: string;
}
type MatchEntry = readonly [readonly [unknown, RouteEntry], ...unknown[]];

/** The methods the app's router has routes for on a path (middleware, app.use and app.all excluded). */
export function routeMethods(app: Hono<never>, path: string): string[] {
  const out: string[] = [];
  const methods = new Set<string>();
  for (const r of app.routes) if (r.method !== "ALL") methods.add(r.method);
  for (const method of methods) {
    const [matches] = app.router.match(method, path) as unknown as [readonly MatchEntry[]];
    if (matches.some((entry) => entry[0][1].method === method)) out.push(method);
  }
  return out;
}

export interface HonoHandlers {
  readonly onError: ErrorHandler;
  readonly notFound: NotFoundHandler;
}

/** The two handlers, for apps that set them themselves: `app.onError(h.onError)`. */
export function createHandlers<E extends Env>(
  app: Hono<E>,
  options: TruestatusOptions = {},
): HonoHandlers {
  const responder = createResponder(options);
  const table = app as unknown as Hono<never>;
  return {
    onError: (err, c) =>
      toResponse(
        c,
        responder.reply(err, facts(c), () => routeMethods(table, c.req.path)),
      ),
    notFound: (c) => toResponse(c, responder.noRoute(facts(c), routeMethods(table, c.req.path))),
  };
}

/** Installs the error and not-found handlers on an app; returns the app. */
export function truestatus<E extends Env>(app: Hono<E>, options: TruestatusOptions = {}): Hono<E> {
  const h = createHandlers(app, options);
  app.onError(h.onError);
  app.notFound(h.notFound);
  return app;
}

/**
 * Middleware: 401 unless the request carries credentials `verify` accepts; the identity is then
 * `c.get("auth")`. `verify` returns the identity, or null / refuse.invalid() / refuse.expired().
 */
export function requireAuth<I>(
  verify: Verify<I>,
  options: AuthOptions = {},
): MiddlewareHandler<{ Variables: { auth: I } }> {
  const authenticate = createAuthenticator(verify, options);
  return async function truestatusRequireAuth(c, next) {
    const r = await authenticate(c.req.header("authorization"));
    if (isHttpFailure(r)) throw r;
    c.set("auth", r as I);
    await next();
  };
}

/** Middleware: 403 insufficient_scope unless `c.get("auth")` has every scope. */
export function requireScope(
  ...scopes: string[]
): MiddlewareHandler<{ Variables: { auth: unknown } }> {
  const check = createScopeCheck(scopes);
  return async function truestatusRequireScope(c, next) {
    const failure = check(c.get("auth"));
    if (failure) throw failure;
    await next();
  };
}

/**
 * Reads a JSON body truthfully: 415 for another media type, 413 over the limit, 400 for text that
 * is not JSON. `const body = await readJson(c, { limit: 10_000 })`.
 */
export async function readJson(c: Context, options: JsonBodyOptions = {}): Promise<unknown> {
  const limit = checkJsonRequest(
    {
      contentType: c.req.header("content-type"),
      contentLength: c.req.header("content-length"),
      transferEncoding: c.req.header("transfer-encoding"),
    },
    options,
  );
  const body = c.req.raw.body;
  return parseJsonText(body === null ? "" : await readLimited(streamChunks(body), limit));
}

/**
 * Development: warns (log + `truestatus-soft-error` header) when a 2xx is sent with c.json() of a
 * body that looks like an error. Install it before the routes: `app.use(softErrors())`.
 */
export function softErrors(options: { readonly logger?: Logger } = {}): MiddlewareHandler {
  const logger = createResponder(options).logger;
  return async function truestatusSoftErrors(c, next) {
    let warning: ReturnType<typeof softErrorWarning>;
    const json = c.json;
    c.json = ((body: unknown, ...rest: unknown[]) => {
      const status = typeof rest[0] === "number" ? rest[0] : 200;
      warning = softErrorWarning(status, softErrorReason(body), facts(c), new Error().stack);
      return (json as (...a: unknown[]) => Response)(body, ...rest);
    }) as typeof c.json;
    await next();
    if (warning && c.res.status >= 200 && c.res.status < 300) {
      c.res.headers.set(SOFT_ERROR_HEADER, warning.header);
      logger(warning.entry);
    }
  };
}
