/**
 * truestatus for Express (4 and 5). After your routes:
 *
 *   app.use(truestatus({ policy }));
 *
 * installs a 404 / 405 handler (from the app's own router: the methods its routes have for the
 * path) and an error handler that answers anything thrown or passed to next() with the right
 * status, headers and problem body. Installed before the routes by mistake, it notices on the
 * first request, says so in one log line, and runs after them too.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ErrorRequestHandler, Request, RequestHandler, Response } from "express";
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
import { createContentTypeCheck, hasContent } from "./content-type.js";
import { type RouteLayer, routeMethods, stackOf } from "./express-routes.js";
import { checkJsonRequest, type JsonBodyOptions, parseJsonText, readLimited } from "./json-body.js";
import { isLevelLogger, type Logger, writeLog } from "./log.js";
import { sendReply } from "./node-response.js";
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

/** The adapter's options; `onFailure` gets Express's request. */
export type TruestatusOptions = Options<Request>;

/**
 * A middleware typed on Node's request and response, like `express.json()`. Typed as Express's
 * `RequestHandler`, it would fix a route's parameter types to `ParamsDictionary`
 * (`req.params.id: string | string[]` in `app.get("/orders/:id", auth, (req) => ...)`).
 */
export type Middleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (err?: unknown) => void,
) => void;

/** Express's handler as a Middleware (the same function, typed so that it pins nothing). */
function asMiddleware(handler: RequestHandler): Middleware {
  return handler as unknown as Middleware;
}

function facts(req: Request): RequestFacts {
  // pino-http (and express-pino-logger) put a child logger with the request id on req.log.
  const log = (req as { log?: unknown }).log;
  return {
    method: req.method,
    path: req.path,
    accept: req.headers.accept,
    request: req,
    logger: isLevelLogger(log) ? log : undefined,
  };
}

/** Sends a reply; if Node refuses it (a header value), the 500 that says nothing about it. */
function send(responder: Responder, res: Response, reply: Reply, req: Request): void {
  try {
    sendReply(res, reply);
  } catch (e) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    for (const name of res.getHeaderNames()) if (name in reply.headers) res.removeHeader(name);
    sendReply(res, responder.replyBroken(facts(req), e));
  }
}

// ---- the route table (express-routes.ts, shared with the NestJS adapter) --------------------

export { routeMethods } from "./express-routes.js";

/** How many routes (or mounted routers) the app's stack has after the layer of `handle`. */
function routesAfter(app: unknown, handle: unknown): number {
  const stack = stackOf(app) as readonly RouteLayer[] | undefined;
  if (stack === undefined) return 0;
  const at = stack.findIndex((l) => (l as { handle?: unknown }).handle === handle);
  if (at === -1) return 0; // installed in a mounted router: not ours to judge
  let n = 0;
  for (const layer of stack.slice(at + 1))
    if (layer.route || Array.isArray(layer.handle?.stack)) n++;
  return n;
}

// ---- the handlers ---------------------------------------------------------------------------

/**
 * The 404/405 handler and the error handler, to install after every route with
 * `app.use(truestatus(options))`.
 */
export function truestatus(options: TruestatusOptions = {}): [RequestHandler, ErrorRequestHandler] {
  const responder = createResponder(options);
  // Apps whose stack was checked, and those where this pair was found before routes.
  const checked = new WeakSet<object>();
  const misplaced = new WeakSet<object>();

  const pair = (last: boolean): [RequestHandler, ErrorRequestHandler] => {
    const truestatusNotFound: RequestHandler = (req, res, next) => {
      const app = req.app;
      if (!last) {
        if (!checked.has(app)) {
          checked.add(app);
          const n = routesAfter(app, truestatusNotFound);
          if (n > 0) {
            misplaced.add(app);
            // Appended during the request: Express reads its stack's length as it goes.
            app.use(pair(true));
            const logger: Logger | undefined = options.logger ?? facts(req).logger;
            const entry = {
              level: "warn",
              event: "setup",
              message: `truestatus/express: app.use(truestatus()) comes before ${n} route${n === 1 ? "" : "s"}, where it would answer them 404/405 and never see their errors; it now also runs after them. Move it after your last route.`,
            } as const;
            if (logger) writeLog(logger, entry);
            else console.error(JSON.stringify(entry));
          }
        }
        if (misplaced.has(app)) {
          next();
          return;
        }
      }
      send(responder, res, responder.noRoute(facts(req), routeMethods(app, req.path)), req);
    };
    const truestatusErrors: ErrorRequestHandler = (err, req, res, next) => {
      if (res.headersSent) {
        // Too late for a status: Express's default handler closes the connection, which is the
        // only truthful signal left.
        next(err);
        return;
      }
      send(
        responder,
        res,
        responder.reply(err, facts(req), () => routeMethods(req.app, req.path)),
        req,
      );
    };
    return [truestatusNotFound, truestatusErrors];
  };
  return pair(false);
}

/** requireAuth's middleware, and the typed identity it verified. */
export interface AuthMiddleware<I> extends Middleware {
  /** The identity of a request this middleware authenticated (a 500 on any other request). */
  identity(req: IncomingMessage): I;
}

/**
 * 401 unless the request carries credentials `verify` accepts. The identity, typed:
 * `auth.identity(req)`. `verify` returns the identity, or null / refuse.invalid() / refuse.expired().
 */
export function requireAuth<I>(verify: Verify<I>, options: AuthOptions = {}): AuthMiddleware<I> {
  const authenticate = createAuthenticator(verify, options);
  const middleware: RequestHandler = function truestatusRequireAuth(req, _res, next) {
    authenticate(req.headers.authorization).then((r) => {
      if (isHttpFailure(r)) next(r);
      else {
        setIdentity(req, r);
        next();
      }
    }, next);
  };
  return Object.assign(asMiddleware(middleware), {
    identity: (req: IncomingMessage) => requireIdentity<I>(req, "auth.identity(req)"),
  });
}

/** 403 insufficient_scope unless the identity requireAuth verified has every scope. */
export function requireScope(...scopes: string[]): Middleware {
  const check = createScopeCheck(scopes);
  return function truestatusRequireScope(req, _res, next) {
    next(check(identityOf(req)));
  };
}

/** 415 with Accept-Post / Accept-Patch for a request whose content is not of these media types. */
export function requireContentType(...types: string[]): Middleware {
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
 * A JSON body parser that refuses truthfully: 415 (with Accept-Post / Accept-Patch) for another
 * media type, 413 over `limit` bytes (default 100 KiB), 400 for bytes that are not UTF-8 or text
 * that is not JSON. Sets `req.body`; a request without content is let through with no body.
 */
export function jsonBody(options: JsonBodyOptions = {}): Middleware {
  return function truestatusJsonBody(req, _res, next) {
    const headers = {
      contentType: req.headers["content-type"],
      contentLength: req.headers["content-length"],
      transferEncoding: req.headers["transfer-encoding"],
    };
    // Already read (another body parser ran), or nothing to read.
    if ((req as { _body?: unknown })._body === true || !hasContent(headers)) {
      next();
      return;
    }
    let limit: number;
    try {
      limit = checkJsonRequest(headers, options);
    } catch (e) {
      next(e);
      return;
    }
    readLimited(req, limit).then((text) => {
      let body: unknown;
      try {
        body = parseJsonText(text);
      } catch (e) {
        next(e);
        return;
      }
      (req as { body?: unknown }).body = body;
      (req as { _body?: boolean })._body = true;
      next();
    }, next);
  };
}

/**
 * Development: warns (log + `truestatus-soft-error` header) when a 2xx is sent with res.json() /
 * res.send() of a body that looks like an error. Install it before the routes.
 */
export function softErrors(options: { readonly logger?: Logger } = {}): Middleware {
  const logger = createResponder(options).logger;
  return asMiddleware(function truestatusSoftErrors(req, res, next) {
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
        writeLog(options.logger ?? facts(req).logger ?? logger, warning.entry);
      }
      return json.call(this, body);
    };
    next();
  } as RequestHandler);
}
