/**
 * truestatus/upstream: upstream failures (Node, undici, DNS, TLS, HTTP parser errors and the
 * upstream's own 5xx/429) as the 502/503/504 this service should answer, with Proxy-Status.
 */
export { type ClassifyContext, classifyUpstream, type UpstreamFailure } from "./classify.js";
export {
  createUpstreamFetch,
  type UpstreamFetch,
  type UpstreamFetchOptions,
  type UpstreamRequestInit,
  type UpstreamTimeouts,
  upstreamFetch,
} from "./fetch.js";
export {
  DNS_SYSCALL_RULE,
  GOT_TIMEOUT_EVENTS,
  TLS_ALERTS,
  UPSTREAM_CODE_PREFIXES,
  UPSTREAM_ERROR_CODES,
  UPSTREAM_ERROR_NAMES,
  UPSTREAM_KIND_STATUS,
  UPSTREAM_PHASES,
  UPSTREAM_STATUS_RULES,
  type UpstreamKind,
  type UpstreamOutcome,
  type UpstreamPhase,
  type UpstreamPrefixRule,
  type UpstreamRule,
  type UpstreamStatusRule,
} from "./table.js";
