/**
 * The formats added for issue 22, each with a factory (stateful ones need a fresh instance) and
 * real lines from its fixture: shared by the property tests and bench/fuzz-sources.ts.
 */
import { readFileSync } from "node:fs";
import type { LineFormat } from "../../../src/audit/source.js";
import { caddy } from "../../../src/audit/sources/caddy.js";
import { combined } from "../../../src/audit/sources/clf.js";
import { envoyFormat, haproxyFormat } from "../../../src/audit/sources/custom.js";
import { elb } from "../../../src/audit/sources/elb.js";
import { ingressNginx } from "../../../src/audit/sources/nginx.js";
import { otelFormat } from "../../../src/audit/sources/otel.js";
import { s3 } from "../../../src/audit/sources/s3.js";
import { cloudflareFormat, gcpLb, kong } from "../../../src/audit/sources/shippers.js";
import { traefik, traefikJson } from "../../../src/audit/sources/traefik.js";
import { w3cFormat } from "../../../src/audit/sources/w3c.js";
import { WRAPPERS, wrapped } from "../../../src/audit/sources/wrap.js";
import { HAPROXY_LOG_FORMAT } from "../../fixtures/make-fixtures.js";

export const fixtureLines = (name: string): string[] =>
  readFileSync(new URL(`../../fixtures/logs/${name}`, import.meta.url), "utf8")
    .split("\n")
    .filter(Boolean);

/** An Envoy format string and lines written in it. */
export const ENVOY_CUSTOM_FORMAT =
  '[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% %BYTES_SENT% %DURATION% "%REQ(AUTHORIZATION)%" "%RESP(WWW-AUTHENTICATE)%" "%UPSTREAM_HOST%"';
const ENVOY_CUSTOM_LINES = [
  '[2026-11-24T10:00:00.000Z] "GET /api/me HTTP/1.1" 401 - via_upstream 12 3 "-" "-" "10.0.0.5:8080"',
  '[2026-11-24T10:00:02.000Z] "GET /api/slow HTTP/1.1" 504 UT upstream_response_timeout 24 15000 "Bearer x" "-" "10.0.0.5:8080"',
];

const nginxLines = () => fixtureLines("nginx-combined.log").slice(0, 40);

export const NEW_PARSERS: readonly (readonly [string, () => LineFormat, readonly string[]])[] = [
  ["w3c iis", () => w3cFormat(), fixtureLines("w3c-iis.log").slice(0, 10)],
  ["w3c cloudfront", () => w3cFormat(), fixtureLines("w3c-cloudfront.log")],
  ["s3", () => s3, fixtureLines("s3.log")],
  ["elb", () => elb, fixtureLines("elb.log")],
  ["traefik common", () => traefik, fixtureLines("traefik.log")],
  [
    "traefik json",
    () => traefikJson(fixtureLines("traefik-json.log")),
    fixtureLines("traefik-json.log").slice(0, 4),
  ],
  ["ingress-nginx", () => ingressNginx[0]!, fixtureLines("ingress-nginx.log")],
  ["gcp-lb", () => gcpLb, fixtureLines("gcp-lb.log")],
  [
    "cloudflare",
    () => cloudflareFormat(fixtureLines("cloudflare.log")),
    fixtureLines("cloudflare.log"),
  ],
  ["kong", () => kong, fixtureLines("kong.log")],
  ["otel", () => otelFormat(fixtureLines("otel.log")), fixtureLines("otel.log")],
  [
    "haproxy log-format",
    () => haproxyFormat(HAPROXY_LOG_FORMAT),
    fixtureLines("haproxy-custom.log").filter((l) => l.includes('"')),
  ],
  ["envoy format string", () => envoyFormat(ENVOY_CUSTOM_FORMAT), ENVOY_CUSTOM_LINES],
  [
    "docker json-file",
    () => wrapped(combined, WRAPPERS[0]!()),
    nginxLines().map((l) => JSON.stringify({ log: `${l}\n`, stream: "stdout", time: "t" })),
  ],
  [
    "cri",
    () => wrapped(combined, WRAPPERS[1]!()),
    nginxLines().map((l) => `2026-11-24T10:00:00.123456789Z stdout F ${l}`),
  ],
  [
    "message",
    () => wrapped(caddy, WRAPPERS[2]!()),
    fixtureLines("caddy.log")
      .slice(0, 20)
      .map((l) => JSON.stringify({ message: l })),
  ],
];
