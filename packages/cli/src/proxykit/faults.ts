/**
 * The faults the conformance check injects, and what a truthful proxy answers to each. The
 * answers are not kept here: a transport fault names the error a Node client of the broken
 * upstream meets (what the truestatus gateway's undici sees), and the library's classifier and
 * decide() turn it into the status, the Proxy-Status error type and the problem body. Upstream
 * answers pass through as the gateway passes them: unchanged, with `received-status` on a 5xx.
 */
import { decide, type ProxyErrorType } from "truestatus";
import { classifyUpstream } from "truestatus/upstream";

export const FAULT_IDS = [
  "refused",
  "reset-before-status",
  "reset-mid-body",
  "stall-before-headers",
  "invalid-status-line",
  "invalid-header",
  "tls-certificate",
  "upstream-503",
  "upstream-429",
  "upstream-500",
  "ok",
] as const;

export type FaultId = (typeof FAULT_IDS)[number];

/** Which of the proxy's check routes a fault is reached through (layout.ts). */
export type FaultRoute = "main" | "refused" | "tls";

/** One property of an answer the check judges. */
export const CRITERIA = [
  "status",
  "proxy-status",
  "error-type",
  "received-status",
  "retry-after",
  "problem-body",
  "no-internals",
  "body-intact",
  "incomplete",
  "no-error-type",
] as const;

export type Criterion = (typeof CRITERIA)[number];

export const CRITERION_TITLES: Readonly<Record<Criterion, string>> = {
  status: "the status a truthful proxy answers",
  "proxy-status": "a Proxy-Status field that parses as RFC 9209, with this proxy's member",
  "error-type": "the RFC 9209 error type of what happened",
  "received-status": "Proxy-Status received-status naming the upstream's status",
  "retry-after": "the upstream's Retry-After kept",
  "problem-body": "an application/problem+json body whose status member matches",
  "no-internals": "no upstream address or error text in the body or Proxy-Status",
  "body-intact": "the upstream's body passed through intact",
  incomplete: "the client can tell the response is incomplete",
  "no-error-type": "no Proxy-Status error on a success",
};

/** The error a Node client (the gateway's undici) meets for a transport fault. */
interface NodeError {
  readonly code: string;
  readonly syscall?: string;
}

/** What the fault upstream answers on a pass-through route. */
export interface UpstreamAnswer {
  readonly status: number;
  readonly reason: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface Fault {
  readonly id: FaultId;
  /** What the upstream (or the route) does, in a few words. */
  readonly title: string;
  readonly route: FaultRoute;
  /** A transport failure: the proxy must answer itself. */
  readonly nodeError?: NodeError;
  /** An answer of the upstream the proxy must pass through. */
  readonly answer?: UpstreamAnswer;
  /** The failure comes after the header section: the client must see an incomplete response. */
  readonly midBody?: true;
}

const json = (value: unknown) => JSON.stringify(value);

export const FAULTS: readonly Fault[] = [
  {
    id: "refused",
    title: "nothing listens on the upstream's port (connection refused)",
    route: "refused",
    nodeError: { code: "ECONNREFUSED", syscall: "connect" },
  },
  {
    id: "reset-before-status",
    title: "the upstream resets the connection before the status line",
    route: "main",
    nodeError: { code: "ECONNRESET", syscall: "read" },
  },
  {
    id: "reset-mid-body",
    title: "the upstream resets the connection in the middle of the body",
    route: "main",
    midBody: true,
  },
  {
    id: "stall-before-headers",
    title: "the upstream accepts the request and never answers",
    route: "main",
    nodeError: { code: "UND_ERR_HEADERS_TIMEOUT" },
  },
  {
    id: "invalid-status-line",
    title: "the upstream answers an invalid status line",
    route: "main",
    nodeError: { code: "HPE_INVALID_STATUS" },
  },
  {
    id: "invalid-header",
    title: "the upstream answers a header field with invalid bytes",
    route: "main",
    nodeError: { code: "HPE_INVALID_HEADER_TOKEN" },
  },
  {
    id: "tls-certificate",
    title: "the upstream presents an expired, self-signed TLS certificate",
    route: "tls",
    nodeError: { code: "DEPTH_ZERO_SELF_SIGNED_CERT" },
  },
  {
    id: "upstream-503",
    title: "the upstream answers 503 with Retry-After: 17",
    route: "main",
    answer: {
      status: 503,
      reason: "Service Unavailable",
      headers: { "content-type": "application/json", "retry-after": "17" },
      body: json({ error: "upstream-503", from: "the fault upstream" }),
    },
  },
  {
    id: "upstream-429",
    title: "the upstream answers 429 with Retry-After: 23",
    route: "main",
    answer: {
      status: 429,
      reason: "Too Many Requests",
      headers: { "content-type": "application/json", "retry-after": "23" },
      body: json({ error: "upstream-429", from: "the fault upstream" }),
    },
  },
  {
    id: "upstream-500",
    title: "the upstream answers 500",
    route: "main",
    answer: {
      status: 500,
      reason: "Internal Server Error",
      headers: { "content-type": "application/json" },
      body: json({ error: "upstream-500", from: "the fault upstream" }),
    },
  },
  {
    id: "ok",
    title: "the upstream answers 200",
    route: "main",
    answer: {
      status: 200,
      reason: "OK",
      headers: { "content-type": "application/json" },
      body: json({ ok: true, from: "the fault upstream" }),
    },
  },
];

export const FAULT_BY_ID: ReadonlyMap<FaultId, Fault> = new Map(FAULTS.map((f) => [f.id, f]));

/** What a truthful proxy answers to a fault, and the criteria it is judged by. */
export interface Expectation {
  /** Undefined for a mid-body failure (the status is already sent). */
  readonly status?: number;
  readonly error?: ProxyErrorType;
  readonly receivedStatus?: number;
  readonly retryAfter?: string;
  readonly criteria: readonly Criterion[];
}

/** The expectation of a fault, from the decision model (see the file comment). */
export function expectationOf(fault: Fault): Expectation {
  if (fault.midBody) return { criteria: ["incomplete"] };
  if (fault.answer !== undefined) {
    const a = fault.answer;
    const retryAfter = a.headers["retry-after"];
    const criteria: Criterion[] = ["status"];
    if (retryAfter !== undefined) criteria.push("retry-after");
    // The gateway appends received-status to the upstream's 5xx it passes through.
    if (a.status >= 500) criteria.push("received-status");
    criteria.push("body-intact");
    if (a.status < 400) criteria.push("no-error-type");
    return {
      status: a.status,
      ...(a.status >= 500 ? { receivedStatus: a.status } : {}),
      ...(retryAfter !== undefined ? { retryAfter } : {}),
      criteria,
    };
  }
  const failure = classifyUpstream(fault.nodeError);
  if (failure === undefined || failure.error === undefined)
    throw new Error(`the classifier has no answer for ${fault.id} (${fault.nodeError?.code})`);
  const decision = decide(failure);
  return {
    status: decision.status,
    error: failure.error,
    criteria: ["status", "proxy-status", "error-type", "problem-body", "no-internals"],
  };
}
