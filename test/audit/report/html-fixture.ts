/**
 * A deterministic HAR of two hours of an API's traffic, for the HTML report tests and
 * `npm run screenshot`, with the usual lies (401 without a challenge, 429 without Retry-After, 200
 * answering a failure, 500 with a stack trace, HTML error pages from a JSON API, a burst of
 * upstream failures), and secrets planted in Authorization headers, query strings and an error
 * body, that must never reach the report.
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
  body?: string;
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
      body: "<!doctype html><html><body><h1>404 Not Found</h1></body></html>",
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
  if (roll < 0.94)
    return {
      method: "POST",
      uri: "/api/payments",
      status: 503,
      reqHeaders: auth,
      resHeaders: json,
      size: 60,
    };
  if (roll < 0.95)
    return {
      method: "POST",
      uri: "/api/payments",
      status: 200,
      reqHeaders: auth,
      resHeaders: json,
      size: 60,
      body: JSON.stringify({ success: false, error: "card declined" }),
    };
  if (roll < 0.97)
    return { method: "GET", uri: "/health", status: 204, reqHeaders: {}, resHeaders: {}, size: 0 };
  return {
    method: "GET",
    uri: `/api/orders/${id}/invoice`,
    status: 500,
    reqHeaders: auth,
    resHeaders: { "Content-Type": ["text/plain"] },
    size: 700,
    body: `TypeError: Cannot read properties of undefined (reading 'total') calling billing with Authorization: Bearer ${PLANTED_HEADER_TOKEN}\n    at renderInvoice (/srv/shop/src/invoice.js:42:17)\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)`,
  };
}

const headers = (h: Record<string, string[]>) =>
  Object.entries(h).flatMap(([name, values]) => values.map((value) => ({ name, value })));

/** A HAR (1.2) of `count` exchanges, one every ~4.5 s from 2026-11-24 09:00 UTC. */
export function fixtureHar(count = 1600): string {
  const r = rng(42);
  const entries: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const e = exchangeAt(r, i);
    const started = new Date((START + i * 4.5 + r()) * 1000).toISOString();
    const url = new URL(`https://api.example.com${e.uri}`);
    const body = e.body ?? (e.size > 0 && e.status < 300 ? '{"ok":true}' : "");
    const mime = e.resHeaders["Content-Type"]?.[0] ?? "application/octet-stream";
    entries.push({
      startedDateTime: started,
      time: 4 + r() * 50,
      request: {
        method: e.method,
        url: url.href,
        httpVersion: "HTTP/1.1",
        cookies: [],
        headers: headers({ "User-Agent": ["shop-web/3.1"], ...e.reqHeaders }),
        queryString: [...url.searchParams].map(([name, value]) => ({ name, value })),
        headersSize: -1,
        bodySize: 0,
      },
      response: {
        status: e.status,
        statusText: "",
        httpVersion: "HTTP/1.1",
        cookies: [],
        headers: headers({ Server: ["envoy"], ...e.resHeaders }),
        content: { size: body.length, mimeType: mime, text: body },
        redirectURL: "",
        headersSize: -1,
        bodySize: body.length,
      },
      cache: {},
      timings: { send: 0, wait: 4, receive: 1 },
    });
  }
  return JSON.stringify({
    log: { version: "1.2", creator: { name: "truestatus-fixture", version: "1" }, entries },
  });
}
