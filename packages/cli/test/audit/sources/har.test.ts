import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HarSplitter, TRUNCATION_MARK } from "../../../src/audit/sources/har-split.js";
import { openSource } from "../../../src/audit/sources/open.js";
import { drain, drainWithError, exchanges, malformedOf, tempDir, write } from "./helpers.js";

const dir = tempDir();

function entry(i: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    startedDateTime: "2026-11-24T19:00:00.000Z",
    time: 12.5,
    request: {
      method: "GET",
      url: `http://127.0.0.1:8080/api/items/${i}?x=1`,
      httpVersion: "HTTP/1.1",
      cookies: [],
      headers: [
        { name: "Host", value: "127.0.0.1:8080" },
        { name: "Accept", value: "application/json" },
        { name: "X-Dup", value: "a" },
        { name: "x-dup", value: "b" },
      ],
      queryString: [{ name: "x", value: "1" }],
      headersSize: -1,
      bodySize: 0,
    },
    response: {
      status: 200,
      statusText: "OK",
      httpVersion: "HTTP/1.1",
      cookies: [],
      headers: [{ name: "Content-Type", value: "application/json" }],
      content: { size: 11, mimeType: "application/json", text: '{"id":"é"}' },
      redirectURL: "",
      headersSize: -1,
      bodySize: 11,
    },
    cache: {},
    timings: { send: 0, wait: 10, receive: 2.5 },
    ...over,
  };
}

function har(entries: unknown[], creator = "Playwright"): string {
  return JSON.stringify(
    {
      log: {
        version: "1.2",
        creator: { name: creator, version: "1" },
        pages: [{ id: "p", title: "x]}" }],
        entries,
      },
    },
    null,
    2,
  );
}

function split(text: string, sizes: readonly number[]): string[] {
  const s = new HarSplitter({ maxString: 64 });
  const bytes = Buffer.from(text);
  let pos = 0;
  let k = 0;
  const out: string[] = [];
  while (pos < bytes.length) {
    const n = sizes.length === 0 ? bytes.length : Math.max(1, sizes[k++ % sizes.length]!);
    s.feed(bytes.subarray(pos, pos + n));
    pos += n;
    for (const e of s.events) if (e.kind === "entry") out.push(e.json);
    s.events.length = 0;
  }
  expect(s.done).toBe(true);
  return out;
}

describe("HarSplitter", () => {
  it("hands out each entry's JSON, whatever the chunk boundaries", () => {
    const doc = har([
      entry(1),
      entry(2, { request: { method: "POST", url: '/a"]}\\', headers: [] } }),
      entry(3),
    ]);
    const whole = split(doc, []);
    expect(whole.map((j) => JSON.parse(j))).toEqual(JSON.parse(doc).log.entries);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 }),
        (sizes) => {
          expect(split(doc, sizes)).toEqual(whole);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("cuts long strings at a safe point (never inside an escape or a UTF-8 sequence) and marks them", () => {
    const long = `${'é\\"\u20ac\n'.repeat(50)}end`;
    const doc = har([entry(1, { response: { status: 200, content: { text: long, size: 9999 } } })]);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 5 }),
        (sizes) => {
          const [json] = split(doc, sizes);
          const text = JSON.parse(json!).response.content.text as string;
          expect(text.endsWith(TRUNCATION_MARK)).toBe(true);
          expect(long.startsWith(text.slice(0, -1))).toBe(true);
          expect(text.length).toBeLessThan(80);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("HAR memory bound", () => {
  it("keeps a few hundred KiB of a 48 MiB body, and reads the entries around it", async () => {
    // The body is written in 1 MiB pieces: the test itself never holds the whole file either.
    const { createWriteStream } = await import("node:fs");
    const path = `${dir}/big.har`;
    const out = createWriteStream(path);
    const head = har([entry(1)]).replace(/\]\s*\}\s*\}\s*$/, "");
    out.write(
      `${head}, {"startedDateTime":"2026-11-24T19:00:00Z","time":1,"request":{"method":"GET","url":"http://h/big","headers":[],"cookies":[]},"response":{"status":200,"headers":[],"content":{"size":50331648,"mimeType":"application/octet-stream","encoding":"base64","text":"`,
    );
    const piece = Buffer.alloc(1 << 20, "QUJD"); // base64 of "ABC", repeated
    for (let i = 0; i < 48; i++)
      if (!out.write(piece)) await new Promise<void>((r) => out.once("drain", () => r()));
    out.write(`"}}}, ${JSON.stringify(entry(3))}]}}`);
    await new Promise<void>((r) => out.end(() => r()));
    const records = await drain(await openSource(path, { sampleBodyBytes: 1024 }));
    const ex = exchanges(records);
    expect(ex.map((e) => e.request.path)).toEqual(["/api/items/1", "/big", "/api/items/3"]);
    expect(ex[1]?.response?.body).toEqual({
      text: "ABC".repeat(342).slice(0, 1024),
      truncated: true,
      mimeType: "application/octet-stream",
    });
    // content.size is the entity, not bytes on the wire: never read as a body size.
    expect(ex[1]?.response?.size).toBeUndefined();
  });

  it("an entry nested deeper than 128 levels is a malformed record, not a slow parse", async () => {
    const deep = `${'{"a":'.repeat(5000)}1${"}".repeat(5000)}`;
    const path = write(
      dir,
      "deep.har",
      har([entry(1), "__DEEP__", entry(3)]).replace('"__DEEP__"', deep),
    );
    const records = await drain(await openSource(path));
    expect(malformedOf(records)).toEqual([
      { malformed: true, reason: "HAR entry nested deeper than 128 levels", file: path, entry: 1 },
    ]);
    expect(exchanges(records)).toHaveLength(2);
  });

  it("the splitter hands out at most maxString bytes of any string", () => {
    const s = new HarSplitter({ maxString: 1000 });
    s.feed(Buffer.from('{"log":{"entries":[{"a":"'));
    for (let i = 0; i < 64; i++) s.feed(Buffer.alloc(1 << 16, "x"));
    s.feed(Buffer.from('"}]}}'));
    expect(s.done).toBe(true);
    expect(s.events).toHaveLength(1);
    const ev = s.events[0]!;
    expect(ev.kind === "entry" && ev.json.length).toBeLessThan(1100);
  });
});

describe("HAR source", () => {
  it("reads entries into exchanges: headers with repeats, body, timing, credentials", async () => {
    const path = write(dir, "a.har", har([entry(1)]));
    const src = await openSource(path);
    expect(src.format).toBe("har");
    expect(src.lineFormat).toBeUndefined();
    expect([...src.capabilities].sort()).toEqual([
      "duration",
      "request.credentials",
      "request.headers",
      "response.body",
      "response.headers",
      "time",
    ]);
    expect(await drain(src)).toEqual([
      {
        format: "har",
        location: { file: path, entry: 0 },
        time: Date.UTC(2026, 10, 24, 19),
        durationMs: 12.5,
        request: {
          method: "GET",
          target: "/api/items/1?x=1",
          path: "/api/items/1",
          host: "127.0.0.1:8080",
          headers: { host: ["127.0.0.1:8080"], accept: ["application/json"], "x-dup": ["a", "b"] },
          credentials: "absent",
        },
        response: {
          status: 200,
          headers: { "content-type": ["application/json"] },
          body: { text: '{"id":"é"}', truncated: false, mimeType: "application/json" },
        },
      },
    ]);
  });

  it("status 0 and _error are network errors; base64 bodies are decoded and cut to the sample size", async () => {
    const body = Buffer.from(`{"error":"${"x".repeat(200)}"}`).toString("base64");
    const path = write(
      dir,
      "b.har.gz",
      gzipSync(
        har(
          [
            entry(1, {
              response: {
                status: 0,
                headers: [],
                content: { size: 0 },
                _error: "net::ERR_CONNECTION_REFUSED",
              },
            }),
            entry(2, {
              response: {
                status: 500,
                headers: [],
                content: {
                  size: 212,
                  encoding: "base64",
                  text: body,
                  mimeType: "application/json",
                },
              },
            }),
            entry(3, {
              request: {
                method: "GET",
                url: "http://h/x",
                headers: [{ name: "Authorization", value: "Bearer s3cr3t-t0ken" }],
                cookies: [],
              },
            }),
            "not an entry",
          ],
          "WebInspector",
        ),
      ),
    );
    const records = await drain(await openSource(path, { sampleBodyBytes: 16 }));
    const [refused, failed, auth] = exchanges(records);
    expect(refused).toMatchObject({
      networkError: "net::ERR_CONNECTION_REFUSED",
      request: { credentials: "unknown" },
    });
    expect(refused?.response).toBeUndefined();
    expect(failed?.response?.body).toEqual({
      text: '{"error":"xxxxxx',
      truncated: true,
      mimeType: "application/json",
    });
    expect(auth?.request).toMatchObject({
      credentials: "present",
      headers: { authorization: ["Bearer [REDACTED]"] },
    });
    expect(JSON.stringify(records)).not.toContain("s3cr3t");
    expect(malformedOf(records)).toEqual([
      { malformed: true, reason: "HAR entry is not an object", file: path, entry: 3 },
    ]);
  });

  it("throws TRUNCATED after the entries of a cut HAR, CORRUPT on a syntax error", async () => {
    const doc = har([entry(1), entry(2), entry(3)]);
    const cut = write(
      dir,
      "cut.har",
      doc.slice(0, doc.indexOf('"startedDateTime"', doc.indexOf("items/2"))),
    );
    const r = await drainWithError(await openSource(cut));
    expect(exchanges(r.records)).toHaveLength(2);
    expect(r.error).toMatchObject({ code: "TRUESTATUS_INPUT_TRUNCATED", partial: true });
    expect((r.error as Error).message).toMatch(
      /cut\.har: truncated HAR: the document ends inside entry 2; the 2 entries before were read$/,
    );

    const bad = write(dir, "bad.har", doc.replace('"entries": [', '"entries": [\n{"a":1} x'));
    const b = await drainWithError(await openSource(bad));
    expect(b.error).toMatchObject({ code: "TRUESTATUS_INPUT_CORRUPT" });
  });
});
