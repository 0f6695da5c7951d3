/**
 * The catalogue of formats: which exist, in which order detection tries them, and how options
 * build each line format.
 */
import type { SourceFormat } from "../exchange.js";
import type { LineFormat } from "../source.js";
import { alb } from "./alb.js";
import { caddy } from "./caddy.js";
import { clf, combined } from "./clf.js";
import { envoy } from "./envoy.js";
import { haproxy } from "./haproxy.js";
import { ndjsonFormat } from "./ndjson.js";
import { nginxFormat } from "./nginx.js";

export interface LineFormatOptions {
  readonly logFormat?: string;
  readonly fieldMap?: Readonly<Record<string, string>>;
}

/** Formats tried by auto-detection, in order (HAR first, then line formats). */
export const DETECTION_ORDER: readonly SourceFormat[] = [
  "har",
  "caddy",
  "ndjson",
  "envoy",
  "alb",
  "haproxy",
  "combined",
  "clf",
];

/** Formats an input can be read as (`--input-format`). */
export const INPUT_FORMATS: readonly SourceFormat[] = [
  "har",
  "clf",
  "combined",
  "nginx",
  "envoy",
  "alb",
  "haproxy",
  "caddy",
  "ndjson",
];

/** Line formats detection tries, in DETECTION_ORDER; `sample` lets NDJSON find its fields. */
export function detectionCandidates(
  options: LineFormatOptions,
  sample: readonly string[],
): LineFormat[] {
  return [caddy, ndjsonFormat(options.fieldMap, sample), envoy, alb, haproxy, combined, clf];
}

/**
 * The line format for a format name, or undefined for HAR (not a line format). Throws
 * InputError INVALID_LOG_FORMAT / INVALID_FIELD_MAP for bad options.
 */
export function lineFormatFor(
  format: SourceFormat,
  options: LineFormatOptions,
  sample: readonly string[] = [],
): LineFormat | undefined {
  switch (format) {
    case "clf":
      return clf;
    case "combined":
      return combined;
    case "nginx":
      return nginxFormat(options.logFormat);
    case "envoy":
      return envoy;
    case "alb":
      return alb;
    case "haproxy":
      return haproxy;
    case "caddy":
      return caddy;
    case "ndjson":
      return ndjsonFormat(options.fieldMap, sample);
    default:
      return undefined;
  }
}
