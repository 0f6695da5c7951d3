/**
 * @truestatus/cli/gateway: a reverse proxy that answers every upstream failure with the most specific
 * status and an RFC 9209 Proxy-Status, with retries where safe, rate limiting, load shedding,
 * Prometheus metrics and an access log `truestatus analyze` reads.
 */
export { type AccessLogEntry, formatAccessLog, LOGGED_RESPONSE_HEADERS } from "./access-log.js";
export {
  checkConfig,
  configFromFlags,
  type GatewayConfig,
  GatewayConfigError,
  type GatewayFlags,
  loadConfig,
  parseConfig,
  type RateLimitConfig,
  type RouteConfig,
  type Timeouts,
  type UpstreamConfig,
} from "./config.js";
export { classOfStatus } from "./failure-class.js";
export { clientAddress } from "./forwarded.js";
export { connectionTokens, HOP_BY_HOP, stripHopByHop } from "./hop-by-hop.js";
export { GatewayMetrics, METRIC_NAMES } from "./metrics.js";
export { isRetryable, RetryBudget } from "./retry.js";
export { createGateway, Gateway, type GatewayOptions } from "./server.js";
export { parseDuration, parseSize } from "./units.js";
