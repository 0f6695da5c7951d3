/**
 * Writes a deterministic HAR 1.2 file of about the given size (default 500 MB): a recorded API
 * session with request and response headers, JSON and HTML bodies, some errors (401 without a
 * challenge, 429, soft errors, 500 with a stack trace), so every HAR rule has work to do.
 *
 *   node --import tsx bench/gen-har.ts <file> [megabytes=500]
 */
import { createWriteStream } from "node:fs";
import { rng } from "./rng.js";

const h = (name: string, value: string) => ({ name, value });

function body(r: () => number, status: number): { mimeType: string; text: string } {
  if (status === 500 && r() < 0.5)
    return {
      mimeType: "text/html",
      text: `<html><body><pre>TypeError: x is undefined\n    at handler (/srv/api/routes/orders.js:${Math.floor(r() * 300)}:13)\n</pre></body></html>`,
    };
  if (status >= 400)
    return {
      mimeType: "application/json",
      text: JSON.stringify({ error: { message: "request failed", status } }),
    };
  if (r() < 0.03)
    return {
      mimeType: "application/json",
      text: JSON.stringify({ success: false, message: "Payment declined" }),
    };
  const items = Array.from({ length: 5 + Math.floor(r() * 20) }, (_, i) => ({
    id: Math.floor(r() * 1e6),
    name: `item ${i}`,
    price: Math.round(r() * 10000) / 100,
    tags: ["a", "b", "c"].slice(0, 1 + Math.floor(r() * 3)),
  }));
  return { mimeType: "application/json", text: JSON.stringify({ data: items, page: 1 }) };
}

function entry(r: () => number, i: number, t0: number): string {
  const roll = r();
  const status =
    roll < 0.85
      ? 200
      : roll < 0.9
        ? 404
        : roll < 0.93
          ? 401
          : roll < 0.95
            ? 429
            : roll < 0.98
              ? 500
              : 201;
  const method = status === 201 ? "POST" : "GET";
  const path = `/api/v1/${["users", "orders", "products"][i % 3]}/${Math.floor(r() * 100000)}`;
  const b = body(r, status);
  const resHeaders = [
    h("content-type", `${b.mimeType}; charset=utf-8`),
    h("cache-control", "no-store"),
    h("x-request-id", `${i}`),
  ];
  if (status === 429 && r() < 0.5) resHeaders.push(h("retry-after", "30"));
  const e = {
    startedDateTime: new Date(t0 + i * 50).toISOString(),
    time: 10 + r() * 200,
    request: {
      method,
      url: `https://api.example.com${path}?page=${i % 7}`,
      httpVersion: "HTTP/1.1",
      cookies: [],
      headers: [
        h("host", "api.example.com"),
        h("accept", "application/json"),
        h("authorization", `Bearer tok${i % 50}`),
        h("user-agent", "bench/1.0"),
      ],
      queryString: [{ name: "page", value: `${i % 7}` }],
      headersSize: -1,
      bodySize: 0,
    },
    response: {
      status,
      statusText: "",
      httpVersion: "HTTP/1.1",
      cookies: [],
      headers: resHeaders,
      content: { size: b.text.length, mimeType: b.mimeType, text: b.text },
      redirectURL: "",
      headersSize: -1,
      bodySize: b.text.length,
    },
    cache: {},
    timings: { send: 0, wait: 10, receive: 1 },
  };
  return JSON.stringify(e);
}

export async function generateHar(file: string, megabytes: number, seed = 7): Promise<number> {
  const r = rng(seed);
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  const target = megabytes * 1e6;
  let written = 0;
  let buf =
    '{"log":{"version":"1.2","creator":{"name":"truestatus bench","version":"1"},"pages":[],"entries":[\n';
  const t0 = Date.UTC(2026, 10, 24, 12);
  let i = 0;
  while (written + buf.length < target) {
    buf += `${i > 0 ? ",\n" : ""}${entry(r, i, t0)}`;
    i++;
    if (buf.length > 1 << 20) {
      written += buf.length;
      if (!out.write(buf)) await new Promise<void>((res) => out.once("drain", () => res()));
      buf = "";
    }
  }
  out.write(`${buf}\n]}}\n`);
  await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())));
  return i;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) {
    console.error("usage: gen-har.ts <file> [megabytes]");
    process.exit(2);
  }
  console.log(`${await generateHar(file, Number(process.argv[3] ?? 500))} entries`);
}
