/**
 * truestatus for node:http: a handler wrapper.
 *
 *   http.createServer(truestatus(async (req, res) => { ... }, { policy }));
 *
 * Anything the handler throws (or its promise rejects with) is answered with the right status,
 * headers and problem body. node:http has no router: `byMethod({ GET, POST })` dispatches on the
 * method and answers 405 with Allow (and OPTIONS) from its own keys; throw `notFound()` for a path
 * you do not serve.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { HttpFailure, isHttpFailure, methodNotAllowed } from "../semantics/failure.js";
import { allowList } from "./allow.js";
import { type AuthOptions, createAuthenticator, createScopeCheck, type Verify } from "./auth.js";
import { checkJsonRequest, type JsonBodyOptions, parseJsonText, readLimited } from "./json-body.js";
import { writeLog } from "./log.js";
import { sendReply } from "./node-response.js";
import {
  createResponder,
  type TruestatusOptions as Options,
  type Reply,
  type RequestFacts,
  type Responder,
} from "./respond.js";
import { SOFT_ERROR_HEADER, softErrorReasonOfText, softErrorWarning } from "./soft-error.js";

export { type Refusal, refuse, type Verify } from "./auth.js";
export type { JsonBodyOptions } from "./json-body.js";
export type { LevelLogger, LogEntry, LogFunction, Logger } from "./log.js";
export type { OnFailure } from "./respond.js";

/** The wrapper's options; `onFailure` gets the IncomingMessage. */
export type TruestatusOptions = Options<IncomingMessage>;

export type Handler = (req: IncomingMessage, res: ServerResponse) => unknown;

function pathOf(url: string | undefined): string {
  if (url === undefined) return "/";
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}

function facts(req: IncomingMessage): RequestFacts {
  return {
    method: req.method ?? "GET",
    path: pathOf(req.url),
    accept: req.headers.accept,
    request: req,
  };
}

/** Sends a reply; if Node refuses it (a header value), the 500 that says nothing about it. */
function send(responder: Responder, res: ServerResponse, reply: Reply, req: IncomingMessage): void {
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

/**
 * Development: checks the body a 2xx ends with. writeHead is held back until the body is known,
 * so the warning header can still be added when the handler wrote the head first.
 */
function guardSoftErrors(
  req: IncomingMessage,
  res: ServerResponse,
  log: (w: NonNullable<ReturnType<typeof softErrorWarning>>) => void,
): void {
  const { writeHead, write, end } = res as unknown as Record<string, (...a: unknown[]) => unknown>;
  let held: unknown[] | undefined;
  const flush = (): void => {
    if (held === undefined) return;
    const args = held;
    held = undefined;
    writeHead!.apply(res, args);
  };
  Object.assign(res, {
    writeHead(...args: unknown[]) {
      held = args;
      if (typeof args[0] === "number") res.statusCode = args[0];
      return res;
    },
    write(...args: unknown[]) {
      flush();
      return write!.apply(res, args);
    },
    end(...args: unknown[]) {
      const chunk = args[0];
      if (typeof chunk === "string" || chunk instanceof Uint8Array) {
        const text = typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
        const reason = softErrorReasonOfText(text);
        const warning = softErrorWarning(res.statusCode, reason, facts(req), new Error().stack);
        if (warning && !res.headersSent) {
          res.setHeader(SOFT_ERROR_HEADER, warning.header);
          log(warning);
        }
      }
      flush();
      return end!.apply(res, args);
    },
  });
}

/** Wraps a request handler: whatever it throws is answered truthfully. */
export function truestatus(
  handler: Handler,
  options: TruestatusOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const responder = createResponder(options);
  return function truestatusHandler(req, res) {
    const fail = (e: unknown): void => {
      if (res.headersSent) {
        // Too late for a status: log it, and cut the response so the client sees it is incomplete.
        responder.replyFailure({ kind: "internal", cause: e }, facts(req), e);
        res.destroy();
        return;
      }
      send(responder, res, responder.reply(e, facts(req)), req);
    };
    if (responder.softErrors) guardSoftErrors(req, res, (w) => writeLog(responder.logger, w.entry));
    let result: unknown;
    try {
      result = handler(req, res);
    } catch (e) {
      fail(e);
      return;
    }
    if (result instanceof Promise) result.then(undefined, fail);
  };
}

/**
 * Dispatches on the method: 405 with Allow for one it does not have, 204 with Allow for OPTIONS
 * (unless given), and HEAD with the GET handler (unless given).
 */
export function byMethod(handlers: Readonly<Record<string, Handler>>): Handler {
  const table = new Map<string, Handler>();
  for (const [m, h] of Object.entries(handlers)) table.set(m.toUpperCase(), h);
  const allow = allowList(table.keys());
  const notAllowed = methodNotAllowed({ allow });
  const allowHeader = allow.join(", ");
  return function truestatusByMethod(req, res) {
    const method = req.method ?? "GET";
    const h = table.get(method) ?? (method === "HEAD" ? table.get("GET") : undefined);
    if (h) return h(req, res);
    if (method === "OPTIONS") {
      res.writeHead(204, { allow: allowHeader });
      res.end();
      return undefined;
    }
    throw new HttpFailure(notAllowed);
  };
}

/** Reads a JSON body: 415 for another media type, 413 over the limit, 400 for text that is not JSON. */
export async function readJson(
  req: IncomingMessage,
  options: JsonBodyOptions = {},
): Promise<unknown> {
  const limit = checkJsonRequest(
    {
      contentType: req.headers["content-type"],
      contentLength: req.headers["content-length"],
      transferEncoding: req.headers["transfer-encoding"],
    },
    options,
  );
  return parseJsonText(await readLimited(req, limit));
}

/**
 * Makes an authenticator: `const user = await authenticate(req)` resolves to the identity `verify`
 * accepted, or throws the 401 to answer.
 */
export function requireAuth<I>(
  verify: Verify<I>,
  options: AuthOptions = {},
): (req: IncomingMessage) => Promise<I> {
  const authenticate = createAuthenticator(verify, options);
  return async (req) => {
    const r = await authenticate(req.headers.authorization);
    if (isHttpFailure(r)) throw r;
    return r;
  };
}

/** Makes a scope check: `requireScope("orders:write")(user)` throws 403 insufficient_scope (or 401 without identity). */
export function requireScope(...scopes: string[]): (identity: unknown) => void {
  const check = createScopeCheck(scopes);
  return (identity) => {
    const failure = check(identity);
    if (failure) throw failure;
  };
}
