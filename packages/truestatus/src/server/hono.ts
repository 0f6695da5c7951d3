/**
 * truestatus for Hono 4, on Node (@hono/node-server) and on any Web-standard runtime:
 *
 *   truestatus(app, { policy });
 *
 * sets app.onError (anything thrown, HTTPException included) and app.notFound (404, or 405 with
 * Allow from the app's own router). Nothing here imports a Node module.
 */
import type { Context, Env, ErrorHandler, Hono, MiddlewareHandler, NotFoundHandler } from "hono";
import { invalid, isHttpFailure } from "../semantics/failure.js";
import {
  type AuthOptions,
  createAuthenticator,
  createScopeCheck,
  requireIdentity,
  setIdentity,
  type Verify,
} from "./auth.js";
import { type BodyHeaders, hasContent } from "./content-type.js";
import {
  checkJsonRequest,
  type JsonBodyOptions,
  parseJsonText,
  readLimited,
  streamChunks,
} from "./json-body.js";
import { type Logger, writeLog } from "./log.js";
import { isZodError, zodFieldErrors } from "./recognize/zod.js";
import {
  createResponder,
  type TruestatusOptions as Options,
  type Reply,
  type RequestFacts,
  type Responder,
} from "./respond.js";
import { SOFT_ERROR_HEADER, softErrorReason, softErrorWarning } from "./soft-error.js";

export { type Refusal, refuse, type Verify } from "./auth.js";
export type { JsonBodyOptions } from "./json-body.js";
export type { LevelLogger, LogEntry, LogFunction, Logger } from "./log.js";
export type { OnFailure } from "./respond.js";

/** The adapter's options; `onFailure` gets Hono's Context. */
export type TruestatusOptions = Options<Context>;

function facts(c: Context): RequestFacts {
  return { method: c.req.method, path: c.req.path, accept: c.req.header("accept"), request: c };
}

function toResponse(c: Context, r: Reply): Response {
  // Not c.res: reading it makes a Response, which c.body() then copies. Middleware that adds to
  // Vary after next() (CORS) still sees and extends this one.
  const headers = r.headers as Record<string, string>;
  // The status is any the responder chose (4xx, 5xx, 204); Hono's types only want to know it exists.
  const status = r.status as 200;
  return r.body === "" ? c.body(null, status, headers) : c.body(r.body, status, headers);
}

/** The Response of a reply; if it cannot be built as it is, the 500 that says nothing about why. */
function respond(responder: Responder, c: Context, r: Reply): Response {
  try {
    return toResponse(c, r);
  } catch (e) {
    return toResponse(c, responder.replyBroken(facts(c), e));
  }
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
      respond(
        responder,
        c,
        responder.reply(err, facts(c), () => routeMethods(table, c.req.path)),
      ),
    notFound: (c) =>
      respond(responder, c, responder.noRoute(facts(c), routeMethods(table, c.req.path))),
  };
}

/** Installs the error and not-found handlers on an app; returns the app. */
export function truestatus<E extends Env>(app: Hono<E>, options: TruestatusOptions = {}): Hono<E> {
  const h = createHandlers(app, options);
  app.onError(h.onError);
  app.notFound(h.notFound);
  return app;
}

/** requireAuth's middleware, and the typed identity it verified. */
export type AuthMiddleware<I> = MiddlewareHandler<{ Variables: { auth: I } }> & {
  /** The identity of a request this middleware authenticated (a 500 on any other request). */
  identity(c: Context): I;
};

/**
 * Middleware: 401 unless the request carries credentials `verify` accepts; the identity is then
 * `c.get("auth")` and, typed wherever the app's Variables are not, `auth.identity(c)`. `verify`
 * returns the identity, or null / refuse.invalid() / refuse.expired().
 */
export function requireAuth<I>(verify: Verify<I>, options: AuthOptions = {}): AuthMiddleware<I> {
  const authenticate = createAuthenticator(verify, options);
  const middleware: MiddlewareHandler<{ Variables: { auth: I } }> =
    async function truestatusRequireAuth(c, next) {
      const r = await authenticate(c.req.header("authorization"));
      if (isHttpFailure(r)) throw r;
      c.set("auth", r as I);
      setIdentity(c, r);
      await next();
    };
  return Object.assign(middleware, {
    identity: (c: Context) => requireIdentity<I>(c, "auth.identity(c)"),
  });
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

/** What a validator middleware's hook receives (@hono/zod-validator, @hono/standard-validator). */
export interface ValidationResult {
  readonly success: boolean;
  readonly error?: unknown;
  /** json, form, query, param, header, cookie. */
  readonly target?: string;
}

/**
 * The hook of `zValidator` (@hono/zod-validator), so that a failed validation is answered by
 * truestatus, not by the validator's own `400 {"success":false,...}`: 400 (or 422 under
 * `validationStatus: 422`) with field `errors` (JSON Pointers for json and form, parameter names
 * for query, param, header and cookie). `zValidator("json", schema, validationHook)`.
 */
export function validationHook(result: ValidationResult, _c?: unknown): void {
  if (result.success) return;
  const location = result.target === "json" || result.target === "form" ? "body" : "parameter";
  const error = result.error;
  if (typeof error === "object" && error !== null && isZodError(error as never)) {
    throw invalid({ errors: zodFieldErrors(error as never, location) });
  }
  // Standard Schema results carry `issues` the same way Zod's errors do.
  const issues = (error as { issues?: unknown } | undefined)?.issues;
  if (Array.isArray(issues))
    throw invalid({ errors: zodFieldErrors({ issues } as never, location) });
  throw invalid();
}

/**
 * Reads a JSON body truthfully: 415 for another media type, 413 over the limit, 400 for text that
 * is not JSON. `const body = await readJson(c, { limit: 10_000 })`.
 */
export async function readJson(c: Context, options: JsonBodyOptions = {}): Promise<unknown> {
  const limit = checkJsonRequest(bodyHeaders(c), options);
  const body = c.req.raw.body;
  return parseJsonText(body === null ? "" : await readLimited(streamChunks(body), limit));
}

function bodyHeaders(c: Context): BodyHeaders {
  const contentLength = c.req.header("content-length");
  const transferEncoding = c.req.header("transfer-encoding");
  return {
    contentType: c.req.header("content-type"),
    contentLength,
    // A Request made in code (app.request(), a Worker's fetch) can have content without either.
    transferEncoding:
      transferEncoding ??
      (contentLength === undefined && c.req.raw.body !== null ? "chunked" : undefined),
  };
}

/**
 * Middleware that reads a JSON body truthfully before a validator or handler reads it: 415 (with
 * Accept-Post / Accept-Patch) for another media type, 413 over `limit` bytes (default 100 KiB), 400
 * for bytes that are not UTF-8 or text that is not JSON. The text is then what `c.req.json()`,
 * `c.req.text()` and `zValidator("json", ...)` read: without it, `c.req.json()` turns bytes that are
 * not UTF-8 into U+FFFD, reads any size, and the validator takes a body of another type as `{}`.
 * A request without content is let through.
 */
export function jsonBody(options: JsonBodyOptions = {}): MiddlewareHandler {
  return async function truestatusJsonBody(c, next) {
    const headers = bodyHeaders(c);
    if (hasContent(headers)) {
      const limit = checkJsonRequest(headers, options);
      const body = c.req.raw.body;
      const text = body === null ? "" : await readLimited(streamChunks(body), limit);
      const value = parseJsonText(text);
      // Hono's body cache (what c.req.json() and its validators read): the text, and for Hono
      // versions that cache json() separately, the value.
      const cache = c.req.bodyCache as Record<string, Promise<unknown>>;
      cache.text = Promise.resolve(text);
      cache.json = Promise.resolve(value);
    }
    await next();
  };
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
      writeLog(logger, warning.entry);
    }
  };
}
