/**
 * The sources of `truestatus analyze`: open an input, recognise its format, stream its records.
 * Subpath export `@truestatus/cli/audit/sources` (Node only: it reads files and streams).
 */
export { alb } from "./alb.js";
export { caddy } from "./caddy.js";
export { clf, combined } from "./clf.js";
export { envoyFormat, haproxyFormat, logFormatKind } from "./custom.js";
export { elb } from "./elb.js";
export { envoy } from "./envoy.js";
export { InputError, type InputErrorCode, isInputError } from "./errors.js";
export { DETECTION_ORDER, INPUT_FORMATS } from "./formats.js";
export { haproxy } from "./haproxy.js";
export { harEntryToExchange } from "./har.js";
export { MAX_LINE_BYTES } from "./lines.js";
export { NDJSON_FIELDS, type NdjsonField, ndjsonFormat } from "./ndjson.js";
export {
  compileLogFormat,
  INGRESS_NGINX_FORMATS,
  ingressNginx,
  NGINX_COMBINED,
  nginxFormat,
} from "./nginx.js";
export {
  DEFAULT_SAMPLE_BODY_BYTES,
  expandInputs,
  type OpenedSource,
  type OpenOptions,
  openSource,
} from "./open.js";
export { otelFormat } from "./otel.js";
export { alignRange, type ByteRange, rangeBatches, splitRanges } from "./range.js";
export { s3 } from "./s3.js";
export { cloudflareFormat, gcpLb, kong } from "./shippers.js";
export { traefik, traefikJson } from "./traefik.js";
export { w3cFormat } from "./w3c.js";
