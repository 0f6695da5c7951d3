/** One codec per header: `parseX` never throws, `buildX` refuses what must not reach the wire. */
export { buildAllow, parseAllow } from "./allow.js";
export { canonicalFieldName } from "./field-names.js";
export { formatHttpDate, parseHttpDate } from "./http-date.js";
export {
  buildProxyStatus,
  isProxyErrorType,
  PROXY_ERROR_TYPES,
  PROXY_STATUS_PARAMS,
  type ProxyErrorType,
  type ProxyErrorTypeInfo,
  type ProxyStatusEntry,
  type ProxyStatusParam,
  parseProxyStatus,
} from "./proxy-status.js";
export {
  buildRateLimit,
  buildRateLimitPolicy,
  parseRateLimit,
  parseRateLimitPolicy,
  type RateLimit,
  type RateLimitPolicy,
} from "./ratelimit.js";
export {
  MAX_FIELD_LENGTH,
  type ParseError,
  type ParseErrorCode,
  type ParseResult,
} from "./result.js";
export {
  buildRetryAfter,
  MAX_DELAY_SECONDS,
  parseRetryAfter,
  type RetryAfter,
  retryAfterSeconds,
} from "./retry-after.js";
export {
  type BareItem,
  type Dictionary,
  DisplayString,
  type InnerList,
  type Item,
  isInnerList,
  type List,
  type Member,
  type Parameters,
  parseDictionary,
  parseItem,
  parseList,
  serializeDictionary,
  serializeItem,
  serializeList,
  Token,
} from "./structured-fields.js";
export { assertFieldValue, isToken } from "./syntax.js";
export {
  type BearerChallengeOptions,
  type BearerError,
  bearerChallenge,
  buildWwwAuthenticate,
  type Challenge,
  findChallenge,
  parseWwwAuthenticate,
} from "./www-authenticate.js";
