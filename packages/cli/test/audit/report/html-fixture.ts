/**
 * A deterministic HAR of two hours of an API's traffic, for the HTML report tests and
 * `npm run screenshot`, with the usual lies (401 without a challenge, 429 without Retry-After, 200
 * answering a failure, 500 with a stack trace, HTML error pages from a JSON API, a burst of
 * upstream failures), and secrets planted in Authorization headers, query strings and an error
 * body, that must never reach the report.
 */
import { rng } from "../../../../../bench/rng.js";

export const PLANTED_HEADER_TOKEN = "PLANTEDhdr7f3a9c1e5b2d8Token";
export const PLANTED_QUERY_TOKEN = "PLANTEDqry4e8b2a6c0d9Secret";

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

type Headers = Record<string, string[]>;

function line(
  method: string,
  uri: string,
  status: number,
  reqHeaders: Headers,
  resHeaders: Headers,
  size: number,
  body?: string,
): Line {
  return { method, uri, status, reqHeaders, resHeaders, size, ...(body ? { body } : {}) };
}

function exchangeAt(r: () => number, i: number): Line {
  const id = 1000 + pick(r, 9000);
  const auth = { Authorization: [`Bearer ${PLANTED_HEADER_TOKEN}`] };
  const json = { "Content-Type": ["application/json"] };
  const problem = { "Content-Type": ["application/problem+json"] };
  const text = { "Content-Type": ["text/plain"] };
  const html = { "Content-Type": ["text/html"] };
  const roll = r();
  // A burst of upstream failures in the second hour makes the timeline worth looking at.
  if (i > 1100 && i < 1300 && roll < 0.35)
    return line("GET", `/api/orders/${id}`, roll < 0.2 ? 502 : 500, auth, text, 40);
  if (roll < 0.55) return line("GET", `/api/orders/${id}`, 200, auth, json, 320);
  if (roll < 0.65) return line("GET", "/api/products", 200, {}, json, 2048);
  if (roll < 0.7)
    return line(
      "POST",
      "/api/orders",
      201,
      auth,
      { ...json, Location: [`/api/orders/${id}`] },
      120,
    );
  if (roll < 0.75)
    return line("GET", `/api/users/${id}?access_token=${PLANTED_QUERY_TOKEN}`, 401, {}, json, 30);
  if (roll < 0.78) {
    const challenge = { "Www-Authenticate": ['Bearer realm="api", error="invalid_token"'] };
    return line("GET", "/api/me", 401, auth, { ...problem, ...challenge }, 90);
  }
  if (roll < 0.82) return line("POST", "/api/search", 429, auth, json, 20);
  if (roll < 0.84)
    return line("POST", "/api/search", 429, auth, { ...problem, "Retry-After": ["30"] }, 90);
  if (roll < 0.88) {
    const page = "<!doctype html><html><body><h1>404 Not Found</h1></body></html>";
    return line("GET", `/api/products/${id}/reviews`, 404, {}, html, 512, page);
  }
  if (roll < 0.91) return line("PATCH", `/api/orders/${id}`, 422, auth, problem, 140);
  if (roll < 0.93) return line("DELETE", `/api/orders/${id}`, 405, auth, problem, 80);
  if (roll < 0.94) return line("POST", "/api/payments", 503, auth, json, 60);
  if (roll < 0.95) {
    const declined = JSON.stringify({ success: false, error: "card declined" });
    return line("POST", "/api/payments", 200, auth, json, 60, declined);
  }
  if (roll < 0.97) return line("GET", "/health", 204, {}, {}, 0);
  const trace = `TypeError: Cannot read properties of undefined (reading 'total') calling billing with Authorization: Bearer ${PLANTED_HEADER_TOKEN}\n    at renderInvoice (/srv/shop/src/invoice.js:42:17)\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)`;
  return line("GET", `/api/orders/${id}/invoice`, 500, auth, text, 700, trace);
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
