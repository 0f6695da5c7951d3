/**
 * The catalogue of formats: which exist, in which order detection tries them, and how options
 * build each line format.
 */
import type { SourceFormat } from "../exchange.js";
import type { LineFormat } from "../source.js";
import { alb } from "./alb.js";
import { caddy } from "./caddy.js";
import { clf, combined } from "./clf.js";
import { envoyFormat, haproxyFormat } from "./custom.js";
import { elb } from "./elb.js";
import { envoy } from "./envoy.js";
import { haproxy } from "./haproxy.js";
import { ndjsonFormat } from "./ndjson.js";
import { ingressNginx, nginxFormat } from "./nginx.js";
import { otelFormat } from "./otel.js";
import { s3 } from "./s3.js";
import { cloudflareFormat, gcpLb, kong } from "./shippers.js";
import { traefik, traefikJson } from "./traefik.js";
import { w3cFormat } from "./w3c.js";

export interface LineFormatOptions {
  readonly logFormat?: string;
  readonly fieldMap?: Readonly<Record<string, string>>;
}

/** Formats tried by auto-detection, in order (HAR first, then line formats). */
export const DETECTION_ORDER: readonly SourceFormat[] = [
  "har",
  "caddy",
  "traefik",
  "gcp-lb",
  "cloudflare",
  "kong",
  "otel",
  "ndjson",
  "w3c",
  "envoy",
  "alb",
  "elb",
  "s3",
  "haproxy",
  "ingress-nginx",
  "combined",
  "clf",
];

/** Formats an input can be read as (`--input-format`). */
export const INPUT_FORMATS: readonly SourceFormat[] = [
  "har",
  "clf",
  "combined",
  "nginx",
  "ingress-nginx",
  "envoy",
  "alb",
  "elb",
  "s3",
  "w3c",
  "haproxy",
  "traefik",
  "caddy",
  "gcp-lb",
  "cloudflare",
  "kong",
  "otel",
  "ndjson",
];

/** Line formats detection tries, in DETECTION_ORDER; `sample` lets NDJSON find its fields. */
export function detectionCandidates(
  options: LineFormatOptions,
  sample: readonly string[],
): LineFormat[] {
  return [
    caddy,
    traefikJson(sample),
    gcpLb,
    cloudflareFormat(sample),
    kong,
    otelFormat(sample),
    ndjsonFormat(options.fieldMap, sample),
    w3cFormat(sample),
    envoy,
    alb,
    elb,
    s3,
    haproxy,
    ...ingressNginx,
    traefik,
    combined,
    clf,
  ];
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
    case "ingress-nginx":
      return ingressNginx.find((f) => sample.some((l) => f.detect(l))) ?? ingressNginx[0];
    case "envoy":
      return options.logFormat === undefined ? envoy : envoyFormat(options.logFormat);
    case "alb":
      return alb;
    case "elb":
      return elb;
    case "s3":
      return s3;
    case "w3c":
      return w3cFormat(sample);
    case "traefik":
      return sample[0]?.trimStart().startsWith("{") ? traefikJson(sample) : traefik;
    case "haproxy":
      return options.logFormat === undefined ? haproxy : haproxyFormat(options.logFormat);
    case "caddy":
      return caddy;
    case "gcp-lb":
      return gcpLb;
    case "cloudflare":
      return cloudflareFormat(sample);
    case "kong":
      return kong;
    case "otel":
      return otelFormat(sample);
    case "ndjson":
      return ndjsonFormat(options.fieldMap, sample);
    default:
      return undefined;
  }
}
