/**
 * A deterministic Caddy JSON access log for the HTML report tests and `npm run screenshot`: two
 * hours of an API's traffic with the usual lies (401 without a challenge, 429 without Retry-After,
 * 500 with a stack trace, 500 that masks a dead upstream, HTML error pages from a JSON API), and
 * secrets planted in Authorization headers and query strings that must never reach the report.
 */
export const PLANTED_HEADER_TOKEN = "PLANTEDhdr7f3a9c1e5b2d8Token";
export const PLANTED_QUERY_TOKEN = "PLANTEDqry4e8b2a6c0d9Secret";

/** A small seeded generator (mulberry32): the same log every time. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Line {
  method: string;
  uri: string;
  status: number;
  reqHeaders: Record<string, string[]>;
  resHeaders: Record<string, string[]>;
  size: number;
}

const START = Date.UTC(2026, 10, 24, 9, 0, 0) / 1000;

function pick(r: () => number, n: number): number {
  return Math.floor(r() * n);
}

function exchangeAt(r: () => number, i: number): Line {
  const id = 1000 + pick(r, 9000);
  const auth = { Authorization: [`Bearer ${PLANTED_HEADER_TOKEN}`] };
  const json = { "Content-Type": ["application/json"] };
  const problem = { "Content-Type": ["application/problem+json"] };
  const roll = r();
  // A burst of upstream failures in the second hour makes the timeline worth looking at.
  const burst = i > 1100 && i < 1300;
  if (burst && roll < 0.35)
    return {
      method: "GET",
      uri: `/api/orders/${id}`,
      status: roll < 0.2 ? 502 : 500,
      reqHeaders: auth,
      resHeaders: { "Content-Type": ["text/plain"] },
      size: 40,
    };
  if (roll < 0.55)
    return {
      method: "GET",
      uri: `/api/orders/${id}`,
      status: 200,
      reqHeaders: auth,
      resHeaders: json,
      size: 320,
    };
  if (roll < 0.65)
    return {
      method: "GET",
      uri: "/api/products",
      status: 200,
      reqHeaders: {},
      resHeaders: json,
      size: 2048,
    };
  if (roll < 0.7)
    return {
      method: "POST",
      uri: "/api/orders",
      status: 201,
      reqHeaders: auth,
      resHeaders: { ...json, Location: [`/api/orders/${id}`] },
      size: 120,
    };
  if (roll < 0.75)
    return {
      method: "GET",
      uri: `/api/users/${id}?access_token=${PLANTED_QUERY_TOKEN}`,
      status: 401,
      reqHeaders: {},
      resHeaders: json,
      size: 30,
    };
  if (roll < 0.78)
    return {
      method: "GET",
      uri: "/api/me",
      status: 401,
      reqHeaders: auth,
      resHeaders: { ...problem, "Www-Authenticate": ['Bearer realm="api", error="invalid_token"'] },
      size: 90,
    };
  if (roll < 0.82)
    return {
      method: "POST",
      uri: "/api/search",
      status: 429,
      reqHeaders: auth,
      resHeaders: json,
      size: 20,
    };
  if (roll < 0.84)
    return {
      method: "POST",
      uri: "/api/search",
      status: 429,
      reqHeaders: auth,
      resHeaders: { ...problem, "Retry-After": ["30"] },
      size: 90,
    };
  if (roll < 0.88)
    return {
      method: "GET",
      uri: `/api/products/${id}/reviews`,
      status: 404,
      reqHeaders: {},
      resHeaders: { "Content-Type": ["text/html"] },
      size: 512,
    };
  if (roll < 0.91)
    return {
      method: "PATCH",
      uri: `/api/orders/${id}`,
      status: 422,
      reqHeaders: auth,
      resHeaders: problem,
      size: 140,
    };
  if (roll < 0.93)
    return {
      method: "DELETE",
      uri: `/api/orders/${id}`,
      status: 405,
      reqHeaders: auth,
      resHeaders: problem,
      size: 80,
    };
  if (roll < 0.95)
    return {
      method: "POST",
      uri: "/api/payments",
      status: 503,
      reqHeaders: auth,
      resHeaders: json,
      size: 60,
    };
  if (roll < 0.97)
    return { method: "GET", uri: "/health", status: 204, reqHeaders: {}, resHeaders: {}, size: 0 };
  return {
    method: "GET",
    uri: `/api/orders/${id}/invoice`,
    status: 500,
    reqHeaders: auth,
    resHeaders: { "Content-Type": ["text/html"] },
    size: 700,
  };
}

/** `count` Caddy JSON access-log lines (one per ~4.5 s from 2026-11-24 09:00 UTC), newline-ended. */
export function fixtureLog(count = 1600): string {
  const r = rng(42);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const e = exchangeAt(r, i);
    const ts = START + i * 4.5 + r();
    out.push(
      JSON.stringify({
        level: e.status >= 500 ? "error" : "info",
        ts,
        logger: "http.log.access.log0",
        msg: "handled request",
        request: {
          remote_ip: "10.0.0.7",
          remote_port: "51234",
          proto: "HTTP/1.1",
          method: e.method,
          host: "api.example.com",
          uri: e.uri,
          headers: { "User-Agent": ["shop-web/3.1"], ...e.reqHeaders },
        },
        user_id: "",
        duration: 0.004 + r() * 0.05,
        size: e.size,
        status: e.status,
        resp_headers: { Server: ["Caddy"], ...e.resHeaders },
      }),
    );
  }
  return `${out.join("\n")}\n`;
}
