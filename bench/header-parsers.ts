/**
 * Figure B: every header parser on a typical value, target ≥ 1,000,000 parses/s, with the ratio
 * to a named peer measured in the same process:
 * - WWW-Authenticate: the `auth-header` package (most used WWW-Authenticate parser on npm);
 * - Retry-After HTTP-date: `Date.parse` (lenient, local-time fallbacks; ours is strict);
 * - RateLimit, RateLimit-Policy, Proxy-Status: `structured-headers` parseList (the raw
 *   Structured Field List, without the field-specific decoding and checks ours adds);
 * - Retry-After delay-seconds and Allow have no parser package worth naming: the peer is a naive
 *   baseline (`Number`, `split(",")` + `trim`), shown for scale only.
 *
 *   node --import tsx bench/header-parsers.ts            # 3 pinned processes, medians
 *   node --import tsx bench/header-parsers.ts --show     # one output of each case
 */
import authHeader from "auth-header";
import * as sh from "structured-headers";
import {
  parseAllow,
  parseList,
  parseProxyStatus,
  parseRateLimit,
  parseRateLimitPolicy,
  parseRetryAfter,
  parseWwwAuthenticate,
} from "../packages/truestatus/src/semantics/headers/index.js";
import { type Case, type Comparison, main } from "./harness.js";

const V = {
  wwwAuthenticate: `Bearer realm="api", error="invalid_token", error_description="The access token expired"`,
  delay: "120",
  date: "Wed, 21 Oct 2026 07:28:00 GMT",
  rateLimit: `"default";r=50;t=30`,
  rateLimitPolicy: `"burst";q=100;w=60,"daily";q=1000;w=86400`,
  proxyStatus: `truestatus;error=connection_refused;next-hop="10.0.0.5:5432"`,
  allow: "GET, HEAD, PUT",
};

const DELAYS = [V.delay, V.delay, V.delay, V.delay];
let turn = 0;

const MIN = 1_000_000;
const cases: Case[] = [];
const comparisons: Comparison[] = [];

function pair(
  group: string,
  ours: () => unknown,
  peerName: string,
  peer: () => unknown,
  peerIsBaseline = false,
): void {
  const subject = `truestatus ${group}`;
  cases.push({ name: subject, group, fn: ours }, { name: peerName, group, fn: peer });
  comparisons.push({
    group,
    subject,
    peer: peerName,
    minOps: MIN,
    ...(peerIsBaseline ? { note: "naive baseline" } : {}),
  });
}

pair(
  "WWW-Authenticate",
  () => parseWwwAuthenticate(V.wwwAuthenticate),
  "auth-header parse",
  () => authHeader.parse(V.wwwAuthenticate),
);
pair(
  "Retry-After delay-seconds",
  () => parseRetryAfter(V.delay),
  "baseline Number(v)",
  // Read through a changing index, or the optimiser hoists the pure Number() out of the loop.
  () => {
    turn = (turn + 1) & 3;
    return Number(DELAYS[turn]);
  },
  true,
);
pair(
  "Retry-After HTTP-date",
  () => parseRetryAfter(V.date),
  "Date.parse",
  () => Date.parse(V.date),
);
pair(
  "RateLimit",
  () => parseRateLimit(V.rateLimit),
  "structured-headers parseList (RateLimit)",
  () => sh.parseList(V.rateLimit),
);
pair(
  "RateLimit-Policy",
  () => parseRateLimitPolicy(V.rateLimitPolicy),
  "structured-headers parseList (RateLimit-Policy)",
  () => sh.parseList(V.rateLimitPolicy),
);
pair(
  "Proxy-Status",
  () => parseProxyStatus(V.proxyStatus),
  "structured-headers parseList (Proxy-Status)",
  () => sh.parseList(V.proxyStatus),
);
pair(
  "Allow",
  () => parseAllow(V.allow),
  "baseline split+trim",
  () => V.allow.split(",").map((m) => m.trim()),
  true,
);
// The bare Structured Field List parser, without RateLimit-Policy's decoding (for attribution).
pair(
  "SF parseList (RateLimit-Policy value)",
  () => parseList(V.rateLimitPolicy),
  "structured-headers parseList (same value)",
  () => sh.parseList(V.rateLimitPolicy),
);

await main({ title: "B. Header parsers (typical values)", cases, comparisons });
