/**
 * truestatus for NestJS (on Express or Fastify): an exception filter and guards.
 *
 *   app.useGlobalFilters(new TruestatusFilter({ policy }));
 *
 *   const auth = requireAuth<User>(verify);
 *   @UseGuards(auth, requireScope("orders:write"))
 *   @Post("/orders") create(@Req() req: Request) { const user = auth.identity(req); ... }
 *
 * The filter answers anything thrown (Nest's HttpExceptions, ValidationPipe's errors, failures,
 * http-errors, upstream errors) with the right status, headers and problem body; a request no
 * route matched is a 404, or a 405 with Allow (204 for OPTIONS) from the platform's route table.
 * The guards throw 401 / 403 instead of returning false (which Nest answers 403 even for missing
 * credentials). Typed structurally: it imports nothing of Nest.
 */
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
import { routeMethods as expressRouteMethods } from "./express-routes.js";
import { type FastifyRoutesLike, fastifyRouteMethods } from "./fastify-routes.js";
import { isLevelLogger, isNullLogger } from "./log.js";
import { type NodeLikeResponse, sendReply } from "./node-response.js";
import {
  createResponder,
  type TruestatusOptions as Options,
  type Reply,
  type RequestFacts,
  type Responder,
  STALE_HEADERS,
  withVary,
} from "./respond.js";

export { type Refusal, refuse, type Verify } from "./auth.js";
export type { LevelLogger, LogEntry, LogFunction, Logger } from "./log.js";
export type { OnFailure } from "./respond.js";

/** The filter's options; `onFailure` gets the platform's request (Express's or Fastify's). */
export type TruestatusOptions = Options<NestRequest>;

/** What the adapter reads of a request, on either platform. */
export interface NestRequest {
  readonly method?: string;
  readonly url?: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** The parts of Nest's ArgumentsHost / ExecutionContext the filter and guards use. */
export interface HostLike {
  getType?(): string;
  switchToHttp(): { getRequest(): unknown; getResponse(): unknown };
}

interface ExpressRequestLike extends NestRequest {
  readonly path?: string;
  readonly app?: unknown;
  /** Set by Express when a route matched. */
  readonly route?: unknown;
  readonly log?: unknown;
}

interface FastifyRequestLike extends NestRequest {
  readonly server?: FastifyRoutesLike;
  readonly routeOptions?: { readonly url?: string };
  readonly log?: unknown;
}

interface FastifyReplyLike {
  readonly sent: boolean;
  code(status: number): FastifyReplyLike;
  header(name: string, value: string): FastifyReplyLike;
  getHeader(name: string): unknown;
  removeHeader(name: string): FastifyReplyLike;
  send(payload?: unknown): FastifyReplyLike;
}

function isFastifyReply(res: unknown): res is FastifyReplyLike {
  return (
    typeof res === "object" &&
    res !== null &&
    typeof (res as FastifyReplyLike).code === "function" &&
    typeof (res as FastifyReplyLike).send === "function" &&
    typeof (res as { setHeader?: unknown }).setHeader !== "function"
  );
}

function pathOf(req: ExpressRequestLike): string {
  if (typeof req.path === "string") return req.path;
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}

function header(req: NestRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(", ") : v;
}

function facts(req: ExpressRequestLike): RequestFacts {
  return {
    method: req.method ?? "GET",
    path: pathOf(req),
    accept: header(req, "accept"),
    request: req,
    // nestjs-pino / pino-http (Express) and Fastify put a request logger on req.log.
    logger: isLevelLogger(req.log) && !isNullLogger(req.log) ? req.log : undefined,
  };
}

function methodsOf(req: ExpressRequestLike & FastifyRequestLike, path: string): string[] {
  if (req.app !== undefined) return expressRouteMethods(req.app, path);
  if (req.server !== undefined && typeof req.server.findRoute === "function")
    return fastifyRouteMethods(req.server, path);
  return [];
}

/** Nest's answer for a path no route has (`Cannot GET /x`): no route matched this request. */
function noRouteMatched(exception: unknown, req: ExpressRequestLike & FastifyRequestLike): boolean {
  const getStatus = (exception as { getStatus?: unknown } | null)?.getStatus;
  if (typeof getStatus !== "function" || getStatus.call(exception) !== 404) return false;
  if (req.app !== undefined) return req.route === undefined;
  return req.routeOptions?.url === undefined;
}

/**
 * Nest's Express adapter wraps errors that middleware passed to next() (body-parser's, failures)
 * in an HttpException with the original as `cause`, keeping only status and message: the original
 * says more (a failure's kind and facts, body-parser's limit).
 */
function unwrap(exception: unknown): unknown {
  const e = exception as { getStatus?: unknown; cause?: unknown } | null;
  if (typeof e?.getStatus !== "function") return exception;
  const cause = e.cause as { status?: unknown; statusCode?: unknown } | null | undefined;
  if (typeof cause !== "object" || cause === null) return exception;
  return isHttpFailure(cause) ||
    typeof cause.statusCode === "number" ||
    typeof cause.status === "number"
    ? cause
    : exception;
}

function sendFastify(reply: FastifyReplyLike, r: Reply): void {
  for (const name of STALE_HEADERS) reply.removeHeader(name);
  for (const name in r.headers)
    reply.header(name, name === "vary" ? withVary(reply.getHeader("vary")) : r.headers[name]!);
  // A Buffer: Fastify would append "; charset=utf-8" to a JSON media type sent as a string.
  reply.code(r.status).send(r.body === "" ? undefined : Buffer.from(r.body));
}

function send(responder: Responder, res: unknown, r: Reply, f: RequestFacts): void {
  const once = (reply: Reply): void => {
    if (isFastifyReply(res)) sendFastify(res, reply);
    else sendReply(res as NodeLikeResponse, reply);
  };
  try {
    once(r);
  } catch (e) {
    once(responder.replyBroken(f, e));
  }
}

/**
 * The exception filter: `app.useGlobalFilters(new TruestatusFilter(options))`, or provided as
 * APP_FILTER. It catches everything (it has no @Catch() list); outside HTTP (RPC, WebSockets) it
 * throws the exception on to Nest.
 */
export class TruestatusFilter {
  readonly #responder: Responder;

  constructor(options: TruestatusOptions = {}) {
    this.#responder = createResponder(options);
  }

  catch(exception: unknown, host: HostLike): void {
    if (host.getType !== undefined && host.getType() !== "http") throw exception;
    const http = host.switchToHttp();
    const req = http.getRequest() as ExpressRequestLike & FastifyRequestLike;
    const res = http.getResponse();
    const f = facts(req);
    const headersSent = isFastifyReply(res)
      ? res.sent
      : (res as { headersSent?: boolean }).headersSent === true;
    if (headersSent) {
      // Too late for a status: log it, and cut the response so the client sees it is incomplete.
      this.#responder.replyFailure({ kind: "internal", cause: exception }, f, exception);
      (res as { destroy?: () => void; raw?: { destroy?: () => void } }).destroy?.();
      return;
    }
    const reply = noRouteMatched(exception, req)
      ? this.#responder.noRoute(f, methodsOf(req, f.path))
      : this.#responder.reply(unwrap(exception), f, () => methodsOf(req, f.path));
    send(this.#responder, res, reply, f);
  }
}

/** A guard's shape (Nest's CanActivate). */
export interface Guard {
  canActivate(context: HostLike): Promise<boolean>;
}

/** requireAuth's guard, and the typed identity it verified. */
export interface AuthGuard<I> extends Guard {
  /** The identity of a request this guard authenticated (a 500 on any other request). */
  identity(req: object): I;
}

/**
 * A guard: 401 unless the request carries credentials `verify` accepts (thrown, not `false`,
 * which Nest would answer 403). The identity, typed: `auth.identity(req)`. `verify` returns the
 * identity, or null / refuse.invalid() / refuse.expired().
 */
export function requireAuth<I>(verify: Verify<I>, options: AuthOptions = {}): AuthGuard<I> {
  const authenticate = createAuthenticator(verify, options);
  return {
    async canActivate(context) {
      const req = context.switchToHttp().getRequest() as NestRequest;
      const r = await authenticate(header(req, "authorization"));
      if (isHttpFailure(r)) throw r;
      setIdentity(req, r);
      return true;
    },
    identity: (req: object) => requireIdentity<I>(req, "auth.identity(req)"),
  };
}

/** A guard: 403 insufficient_scope unless the identity requireAuth verified has every scope. */
export function requireScope(...scopes: string[]): Guard {
  const check = createScopeCheck(scopes);
  return {
    async canActivate(context) {
      const failure = check(identityOf(context.switchToHttp().getRequest() as object));
      if (failure) throw failure;
      return true;
    },
  };
}
