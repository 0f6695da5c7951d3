/**
 * truestatus for Express (4 and 5). After your routes:
 *
 *   app.use(truestatus({ policy }));
 *
 * installs a 404 / 405 handler (from the app's own router: the methods its routes have for the
 * path) and an error handler that answers anything thrown or passed to next() with the right
 * status, headers and problem body.
 */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from "express";
import { isHttpFailure } from "../semantics/failure.js";
import { type AuthOptions, createAuthenticator, createScopeCheck, type Verify } from "./auth.js";
import { createContentTypeCheck } from "./content-type.js";
import type { Logger } from "./log.js";
import { sendReply } from "./node-response.js";
import { createResponder, type RequestFacts, type TruestatusOptions } from "./respond.js";
import { SOFT_ERROR_HEADER, softErrorReason, softErrorWarning } from "./soft-error.js";

export { type Refusal, refuse, type Verify } from "./auth.js";
export type { LogEntry, Logger } from "./log.js";
export type { TruestatusOptions } from "./respond.js";

declare global {
  namespace Express {
    interface Request {
      /** The identity requireAuth() verified. */
      auth?: unknown;
    }
  }
}

function facts(req: Request): RequestFacts {
  return { method: req.method, path: req.path, accept: req.headers.accept };
}

// ---- the route table ------------------------------------------------------------------------

interface Layer {
  match(path: string): boolean | { path: string };
  path?: string;
  route?: { methods: Record<string, boolean> };
  handle?: { stack?: unknown };
}

function collect(stack: readonly Layer[], path: string, out: Set<string>, depth: number): void {
  for (const layer of stack) {
    let m: ReturnType<Layer["match"]>;
    try {
      m = layer.match(path);
    } catch {
      continue; // a malformed %-escape in the path: the router would not match it either
    }
    if (!m) continue;
    if (layer.route) {
      for (const method of Object.keys(layer.route.methods)) if (method !== "_all") out.add(method);
    } else if (Array.isArray(layer.handle?.stack) && depth < 16) {
      // A mounted router: match the rest of the path against its own stack.
      const matched = typeof m === "object" ? m.path : (layer.path ?? "");
      const rest = path.slice(matched.length);
      collect(
        layer.handle.stack as Layer[],
        rest.startsWith("/") ? rest : `/${rest}`,
        out,
        depth + 1,
      );
    }
  }
}

/** The methods the app's routes have for a path (Express 5 `app.router`, Express 4 `app._router`). */
export function routeMethods(app: unknown, path: string): string[] {
  const a = app as { router?: { stack?: unknown }; _router?: { stack?: unknown } };
  const stack = (a.router ?? a._router)?.stack;
  const out = new Set<string>();
  if (Array.isArray(stack)) collect(stack as Layer[], path, out, 0);
  return [...out];
}

// ---- the handlers ---------------------------------------------------------------------------

/**
 * The 404/405 handler and the error handler, to install after every route with
 * `app.use(truestatus(options))`.
 */
export function truestatus(options: TruestatusOptions = {}): [RequestHandler, ErrorRequestHandler] {
  const responder = createResponder(options);
  const truestatusNotFound: RequestHandler = (req, res) => {
    sendReply(res, responder.noRoute(facts(req), routeMethods(req.app, req.path)));
  };
  const truestatusErrors: ErrorRequestHandler = (err, req, res, next) => {
    if (res.headersSent) {
      // Too late for a status: Express's default handler closes the connection, which is the
      // only truthful signal left.
      next(err);
      return;
    }
    sendReply(
      res,
      responder.reply(err, facts(req), () => routeMethods(req.app, req.path)),
    );
  };
  return [truestatusNotFound, truestatusErrors];
}

/**
 * 401 unless the request carries credentials `verify` accepts; the identity is then `req.auth`.
 * `verify` returns the identity, or null / refuse.invalid() / refuse.expired().
 */
export function requireAuth<I>(verify: Verify<I>, options: AuthOptions = {}): RequestHandler {
  const authenticate = createAuthenticator(verify, options);
  return function truestatusRequireAuth(req, _res, next) {
    authenticate(req.headers.authorization).then((r) => {
      if (isHttpFailure(r)) next(r);
      else {
        req.auth = r;
        next();
      }
    }, next);
  };
}

/** 403 insufficient_scope unless `req.auth` has every scope (its `scopes` array or `scope` string). */
export function requireScope(...scopes: string[]): RequestHandler {
  const check = createScopeCheck(scopes);
  return function truestatusRequireScope(req, _res, next) {
    next(check(req.auth));
  };
}

/** 415 with Accept-Post / Accept-Patch for a request whose content is not of these media types. */
export function requireContentType(...types: string[]): RequestHandler {
  const check = createContentTypeCheck(types);
  return function truestatusRequireContentType(req, _res, next) {
    next(
      check({
        contentType: req.headers["content-type"],
        contentLength: req.headers["content-length"],
        transferEncoding: req.headers["transfer-encoding"],
      }),
    );
  };
}

/**
 * Development: warns (log + `truestatus-soft-error` header) when a 2xx is sent with res.json() /
 * res.send() of a body that looks like an error. Install it before the routes.
 */
export function softErrors(options: { readonly logger?: Logger } = {}): RequestHandler {
  const logger = createResponder(options).logger;
  return function truestatusSoftErrors(req, res, next) {
    const json = res.json;
    res.json = function guardedJson(this: Response, body?: unknown) {
      const warning = softErrorWarning(
        res.statusCode,
        softErrorReason(body),
        facts(req),
        new Error().stack,
      );
      if (warning && !res.headersSent) {
        res.setHeader(SOFT_ERROR_HEADER, warning.header);
        logger(warning.entry);
      }
      return json.call(this, body);
    };
    next();
  };
}
