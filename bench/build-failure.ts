/**
 * Figure A: building a 401 / 429 / 503 failure with its header fields and a serialized JSON body,
 * truestatus against http-errors (+ hand-set headers) and @hapi/boom, in the same process.
 * Every case returns { headers, body } with body a JSON string, so each does the same kind of work.
 *
 *   node --import tsx bench/build-failure.ts            # 3 pinned processes, medians
 *   node --import tsx bench/build-failure.ts --show     # one output of each case
 */
import Boom from "@hapi/boom";
import createError from "http-errors";
import {
  decide,
  definePolicy,
  HttpFailure,
  rateLimited,
  serializeProblem,
  unauthenticated,
  unavailable,
} from "../packages/truestatus/src/index.js";
import { type Case, type Comparison, main } from "./harness.js";

// Realm "api", as in the Boom call, so that every 401 case sends the same challenge parameters.
const policy = definePolicy({ realm: "api" });

const MSG_401 = "The access token is invalid";
const CHALLENGE_401 = `Bearer realm="api", error="invalid_token", error_description="${MSG_401}"`;
const TYPE = "https://example.com/problems/";
// Not constants: read through an object so the optimiser cannot fold the header templates.
const input = { retryAfter: 30, quota: 100, window: 60 };

interface Out {
  readonly headers: Readonly<Record<string, unknown>>;
  readonly body: string;
}

function truestatusThrowable(build: () => Parameters<typeof decide>[0]): () => Out {
  return () => {
    const e = new HttpFailure(build() as never);
    const d = decide(e, policy);
    return { headers: d.headers, body: serializeProblem(d.problem) };
  };
}

function truestatusPlain(build: () => Parameters<typeof decide>[0]): () => Out {
  return () => {
    const d = decide(build(), policy);
    return { headers: d.headers, body: serializeProblem(d.problem) };
  };
}

/** http-errors as users use it: the error, headers set by hand, a problem body by hand. */
function httpErrorsBody(e: createError.HttpError, slug: string): string {
  return JSON.stringify({ type: TYPE + slug, title: e.name, status: e.status, detail: e.message });
}

function withoutStack<T>(fn: () => T): () => T {
  return () => {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return fn();
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
}

// ---- 401 ------------------------------------------------------------------------------------------
const build401 = () => unauthenticated({ reason: "invalid" });
const httpErrors401 = (): Out => {
  const e = createError(401, MSG_401);
  e.headers = { "www-authenticate": CHALLENGE_401 };
  return { headers: e.headers, body: httpErrorsBody(e, "unauthenticated") };
};
const boom401 = (): Out => {
  const e = Boom.unauthorized(MSG_401, "Bearer", { realm: "api", error: "invalid_token" });
  return { headers: e.output.headers, body: JSON.stringify(e.output.payload) };
};

// ---- 429 ------------------------------------------------------------------------------------------
const build429 = () =>
  rateLimited({
    retryAfter: input.retryAfter,
    quota: { quota: input.quota, window: input.window },
  });
// The peers set the same three fields truestatus sends: Retry-After, RateLimit, RateLimit-Policy.
const headers429 = (): Record<string, string> => ({
  "retry-after": String(input.retryAfter),
  ratelimit: `"default";r=0;t=${input.retryAfter}`,
  "ratelimit-policy": `"default";q=${input.quota};w=${input.window}`,
});
const MSG_429 = "The request quota is exhausted; retry after 30 seconds.";
const httpErrors429 = (): Out => {
  const e = createError(429, MSG_429);
  e.headers = headers429();
  return { headers: e.headers, body: httpErrorsBody(e, "rate-limited") };
};
const boom429 = (): Out => {
  const e = Boom.tooManyRequests(MSG_429);
  Object.assign(e.output.headers, headers429());
  return { headers: e.output.headers, body: JSON.stringify(e.output.payload) };
};

// ---- 503 ------------------------------------------------------------------------------------------
const build503 = () => unavailable({ retryAfter: input.retryAfter });
const MSG_503 = "The service cannot handle this request now; retry later.";
const httpErrors503 = (): Out => {
  const e = createError(503, MSG_503);
  e.headers = { "retry-after": String(input.retryAfter) };
  return { headers: e.headers, body: httpErrorsBody(e, "unavailable") };
};
const boom503 = (): Out => {
  const e = Boom.serverUnavailable(MSG_503);
  e.output.headers["Retry-After"] = String(input.retryAfter);
  return { headers: e.output.headers, body: JSON.stringify(e.output.payload) };
};

const cases: Case[] = [];
const comparisons: Comparison[] = [];
for (const [status, build, httpErrors, boom] of [
  ["401", build401, httpErrors401, boom401],
  ["429", build429, httpErrors429, boom429],
  ["503", build503, httpErrors503, boom503],
] as const) {
  const group = `${status}: failure + header fields + JSON body`;
  const t = `truestatus ${status} HttpFailure→decide→serialize`;
  const p = `truestatus ${status} plain decide→serialize`;
  const he = `http-errors ${status} + headers + JSON`;
  const bo = `boom ${status} + headers + JSON`;
  const he0 = `http-errors ${status} with Error.stackTraceLimit=0 (NOT default)`;
  cases.push(
    { name: t, group, fn: truestatusThrowable(build) },
    { name: p, group, fn: truestatusPlain(build) },
    { name: he, group, fn: httpErrors },
    { name: bo, group, fn: boom },
    { name: he0, group, fn: withoutStack(httpErrors) },
  );
  comparisons.push(
    { group, subject: t, peer: he, minRatio: 1 },
    { group, subject: t, peer: bo, minRatio: 1, strict: true },
    { group, subject: p, peer: he, minRatio: 1 },
    { group, subject: p, peer: bo, minRatio: 1, strict: true },
    { group, subject: t, peer: he0, note: "info: peer without stack" },
    { group, subject: p, peer: he0, note: "info: peer without stack" },
  );
}

await main({ title: "A. Building a failure (401 / 429 / 503)", cases, comparisons });
