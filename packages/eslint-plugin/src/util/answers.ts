/**
 * What a handler answers, read from the AST: the status a call, assignment or throw sets, for
 * Express, Fastify, Hono, Koa, NestJS, node:http and http-errors. Syntax first (it works on plain
 * JavaScript); when type information is there (typescript-eslint's project service), a receiver
 * whose type is known and is not a response, reply or context is not taken for one.
 */
import {
  AST_NODE_TYPES,
  ESLintUtils,
  type TSESLint,
  type TSESTree,
} from "@typescript-eslint/utils";

export type Framework = "express" | "fastify" | "hono" | "koa" | "nestjs" | "http-errors" | "node";

export interface Answer {
  /** The status, when it is a literal (or a NestJS constant); undefined when computed. */
  readonly status: number | undefined;
  /** The node to report. */
  readonly node: TSESTree.Node;
  readonly framework: Framework;
  /** The body argument, when the same call sends one (res.status(400).json(body), c.json(body, 400)). */
  readonly body?: TSESTree.Node;
  /** The receiver (`res` in res.status(400)), when there is one. */
  readonly receiver?: TSESTree.Expression;
  /** An error thrown (or passed on) for an error handler to answer, not an answer written here. */
  readonly thrown?: boolean;
}

/** NestJS' built-in exceptions and HttpStatus members (the ones that matter here). */
export const NEST_EXCEPTIONS: Readonly<Record<string, number>> = {
  BadRequestException: 400,
  UnauthorizedException: 401,
  ForbiddenException: 403,
  NotFoundException: 404,
  MethodNotAllowedException: 405,
  NotAcceptableException: 406,
  RequestTimeoutException: 408,
  ConflictException: 409,
  GoneException: 410,
  PayloadTooLargeException: 413,
  UnsupportedMediaTypeException: 415,
  UnprocessableEntityException: 422,
  InternalServerErrorException: 500,
  NotImplementedException: 501,
  BadGatewayException: 502,
  ServiceUnavailableException: 503,
  GatewayTimeoutException: 504,
};
const HTTP_STATUS: Readonly<Record<string, number>> = {
  OK: 200,
  CREATED: 201,
  ACCEPTED: 202,
  NO_CONTENT: 204,
  METHOD_NOT_ALLOWED: 405,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNPROCESSABLE_ENTITY: 422,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
  BAD_GATEWAY: 502,
  SERVICE_UNAVAILABLE: 503,
  GATEWAY_TIMEOUT: 504,
};

/** Receiver type names that are responses, replies or contexts. */
const RESPONSE_TYPES =
  /^(Response|ServerResponse|FastifyReply|Context|ParameterizedContext|ExtendableContext|DefaultContext|RouterContext|HonoContext|Reply|OutgoingMessage)\b/;

/** A status literal: 100..599. */
export function statusOf(node: TSESTree.Node | undefined): number | undefined {
  if (node === undefined) return undefined;
  if (node.type === AST_NODE_TYPES.Literal && typeof node.value === "number")
    return Number.isInteger(node.value) && node.value >= 100 && node.value <= 599
      ? node.value
      : undefined;
  // HttpStatus.UNAUTHORIZED (NestJS), httpStatus.UNAUTHORIZED (http-status), StatusCodes.UNAUTHORIZED
  // (http-status-codes)
  if (
    node.type === AST_NODE_TYPES.MemberExpression &&
    node.object.type === AST_NODE_TYPES.Identifier &&
    /^(HttpStatus|httpStatus|StatusCodes|HttpStatusCode|HTTP_STATUS|status)$/.test(
      node.object.name,
    ) &&
    node.property.type === AST_NODE_TYPES.Identifier
  )
    return HTTP_STATUS[node.property.name];
  return undefined;
}

const isStatusLike = (node: TSESTree.Node | undefined) =>
  node !== undefined && node.type !== AST_NODE_TYPES.SpreadElement;

function name(node: TSESTree.Node): string | undefined {
  if (node.type === AST_NODE_TYPES.Identifier) return node.name;
  if (
    node.type === AST_NODE_TYPES.MemberExpression &&
    !node.computed &&
    node.property.type === AST_NODE_TYPES.Identifier
  )
    return node.property.name;
  return undefined;
}

/** True unless type information says the receiver is something else than a response/reply/context. */
export function mayBeResponse(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  receiver: TSESTree.Expression,
): boolean {
  // Plain JavaScript (espree) or typescript-eslint without a project: the syntax decides.
  if (!context.sourceCode.parserServices?.program) return true;
  const services = ESLintUtils.getParserServices(context, true);
  if (services.program === null) return true;
  const type = services.getTypeAtLocation(receiver);
  const flags = type.getFlags();
  // any (1) or unknown (2): the types do not know better than the syntax
  if ((flags & 1) !== 0 || (flags & 2) !== 0) return true;
  const text = services.program.getTypeChecker().typeToString(type);
  const symbol = (type.getSymbol() ?? type.aliasSymbol)?.getName() ?? "";
  return (
    RESPONSE_TYPES.test(symbol) || RESPONSE_TYPES.test(text) || /Response|Reply|Context/.test(text)
  );
}

/** The answer a call expression gives, if it is one. */
export function answerOfCall(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  node: TSESTree.CallExpression,
): Answer | undefined {
  const callee = node.callee;
  // http-errors: createError(401), createHttpError(429, "...")
  if (callee.type === AST_NODE_TYPES.Identifier && /^create(Http)?Error$/.test(callee.name)) {
    const s = statusOf(node.arguments[0]);
    return s === undefined
      ? undefined
      : { status: s, node, framework: "http-errors", thrown: true };
  }
  if (callee.type !== AST_NODE_TYPES.MemberExpression || callee.computed) return undefined;
  const method =
    callee.property.type === AST_NODE_TYPES.Identifier ? callee.property.name : undefined;
  if (method === undefined) return undefined;
  const receiver = callee.object;
  const args = node.arguments;
  switch (method) {
    case "status":
    case "code":
    case "sendStatus":
    case "writeHead": {
      if (args.length === 0 || !isStatusLike(args[0])) return undefined;
      const s = statusOf(args[0]);
      const lit = args[0]?.type === AST_NODE_TYPES.Literal;
      // A computed status (res.status(err.status || 500)) is an answer with an unknown status.
      if (!lit && s === undefined && method !== "status" && method !== "code") return undefined;
      if (!mayBeResponse(context, receiver)) return undefined;
      const fw: Framework =
        method === "code" ? "fastify" : method === "writeHead" ? "node" : "express";
      // res.status(400).json(body): the body is the argument of the call this one is the object of
      const parent = node.parent;
      const body =
        parent?.type === AST_NODE_TYPES.MemberExpression &&
        parent.parent?.type === AST_NODE_TYPES.CallExpression &&
        parent.parent.callee === parent
          ? parent.parent.arguments[0]
          : undefined;
      return { status: s, node, framework: fw, receiver, ...(body ? { body } : {}) };
    }
    case "json":
    case "text":
    case "html":
    case "body":
    case "newResponse": {
      // Hono: c.json(body, 404) / c.json(body, { status: 404 }); a second argument only
      if (args.length < 2) return undefined;
      let s = statusOf(args[1]);
      if (s === undefined && args[1]?.type === AST_NODE_TYPES.ObjectExpression) {
        const p = args[1].properties.find(
          (x) => x.type === AST_NODE_TYPES.Property && name(x.key) === "status",
        ) as TSESTree.Property | undefined;
        s = statusOf(p?.value);
      }
      if (s === undefined || !mayBeResponse(context, receiver)) return undefined;
      return {
        status: s,
        node,
        framework: "hono",
        receiver,
        ...(args[0] ? { body: args[0] } : {}),
      };
    }
    case "throw":
    case "assert": {
      // Koa: ctx.throw(401, "..."), ctx.assert(user, 401)
      const s = statusOf(method === "throw" ? args[0] : args[1]);
      if (s === undefined || !mayBeResponse(context, receiver)) return undefined;
      return { status: s, node, framework: "koa", receiver, thrown: true };
    }
    default:
      return undefined;
  }
}

/** Koa: ctx.status = 401 / ctx.response.status = 401. */
export function answerOfAssignment(node: TSESTree.AssignmentExpression): Answer | undefined {
  if (node.operator !== "=" || node.left.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  if (name(node.left) !== "status") return undefined;
  const s = statusOf(node.right);
  if (s === undefined) return undefined;
  return { status: s, node, framework: "koa", receiver: node.left.object };
}

/** NestJS and Hono exceptions: new UnauthorizedException(), new HttpException(x, 429), new HTTPException(401). */
export function answerOfNew(node: TSESTree.NewExpression): Answer | undefined {
  const callee = name(node.callee);
  if (callee === undefined) return undefined;
  const nest = NEST_EXCEPTIONS[callee];
  if (nest !== undefined) return { status: nest, node, framework: "nestjs", thrown: true };
  if (callee === "HttpException") {
    const s = statusOf(node.arguments[1]);
    return s === undefined ? undefined : { status: s, node, framework: "nestjs", thrown: true };
  }
  if (callee === "HTTPException") {
    const s = statusOf(node.arguments[0]);
    return s === undefined ? undefined : { status: s, node, framework: "hono", thrown: true };
  }
  // An application's own HTTP error class: new ApiError(401, "..."), new HttpError(msg, 429)
  if (/(Error|Exception)$/.test(callee)) {
    const s = statusOf(node.arguments[0]) ?? statusOf(node.arguments[1]);
    return s === undefined
      ? undefined
      : { status: s, node, framework: "http-errors", thrown: true };
  }
  return undefined;
}

/** Every answer in the file, in order, through one visitor. */
export function answerVisitor(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  onAnswer: (a: Answer) => void,
): TSESLint.RuleListener {
  return {
    CallExpression(node) {
      const a = answerOfCall(context, node);
      if (a !== undefined) onAnswer(a);
    },
    AssignmentExpression(node) {
      const a = answerOfAssignment(node);
      if (a !== undefined) onAnswer(a);
    },
    NewExpression(node) {
      const a = answerOfNew(node);
      if (a !== undefined) onAnswer(a);
    },
  };
}

type FunctionNode =
  | TSESTree.FunctionDeclaration
  | TSESTree.FunctionExpression
  | TSESTree.ArrowFunctionExpression;

const isFunction = (n: TSESTree.Node): n is FunctionNode =>
  n.type === AST_NODE_TYPES.FunctionDeclaration ||
  n.type === AST_NODE_TYPES.FunctionExpression ||
  n.type === AST_NODE_TYPES.ArrowFunctionExpression;

/** The innermost function around a node. */
export function enclosingFunction(node: TSESTree.Node): FunctionNode | undefined {
  for (let n = node.parent; n; n = n.parent as TSESTree.Node | undefined)
    if (isFunction(n)) return n;
  return undefined;
}

/** The outermost function around a node (a route callback and the callbacks inside it). */
export function outermostFunction(node: TSESTree.Node): FunctionNode | undefined {
  let found: FunctionNode | undefined;
  for (let n = node.parent; n; n = n.parent as TSESTree.Node | undefined)
    if (isFunction(n)) found = n;
  return found;
}

/**
 * The text a header could be set in for this answer: the outermost function around it with, for a
 * class method (NestJS), the method's decorators (@Header(...)). Module-level constants referenced
 * there count too (const CHALLENGE = { "WWW-Authenticate": ... }).
 */
export function scopeText(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node): string {
  const fn = outermostFunction(node);
  if (fn === undefined) return sourceCode.getText(node);
  let text = sourceCode.getText(fn);
  const method = fn.parent;
  if (method?.type === AST_NODE_TYPES.MethodDefinition)
    for (const d of method.decorators ?? []) text += `\n${sourceCode.getText(d)}`;
  // Module-level declarations the function mentions by name.
  const program = sourceCode.ast;
  for (const stmt of program.body) {
    const decl =
      stmt.type === AST_NODE_TYPES.VariableDeclaration
        ? stmt
        : stmt.type === AST_NODE_TYPES.ExportNamedDeclaration &&
            stmt.declaration?.type === AST_NODE_TYPES.VariableDeclaration
          ? stmt.declaration
          : undefined;
    if (decl === undefined) continue;
    for (const d of decl.declarations)
      if (
        d.id.type === AST_NODE_TYPES.Identifier &&
        d.init &&
        new RegExp(`\\b${d.id.name}\\b`).test(text)
      )
        text += `\n${sourceCode.getText(d.init)}`;
  }
  return text;
}
