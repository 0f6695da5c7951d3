/**
 * OpenTelemetry, with the real SDK: @opentelemetry/instrumentation-http makes the server spans
 * (as in an app), the in-memory exporter collects what was exported, and every adapter's answered
 * failures must show on their server span; upstreamFetch's calls as client spans.
 */
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import { type Attributes, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { closedPort } from "../../../test/helpers/faulty-upstream.js";
import { createUpstreamFetch } from "../src/upstream/fetch.js";
import { closing, listening, type Started } from "./server/apps/domain.js";

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
registerInstrumentations({ instrumentations: [new HttpInstrumentation()] });
// require-in-the-middle patches node:http the next time it is required.
createRequire(import.meta.url)("node:http");

const { ADAPTERS } = await import("./server/apps/index.js");

/** The server span of the request to `path` (instrumentation-http names it by method). */
async function serverSpan(path: string): Promise<ReadableSpan> {
  for (let i = 0; i < 50; i++) {
    const span = exporter
      .getFinishedSpans()
      .find((s) => s.kind === SpanKind.SERVER && s.attributes["url.path"] === path);
    if (span) return span;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(
    `no server span for ${path}: ${exporter
      .getFinishedSpans()
      .map((s) => `${s.kind} ${s.name} ${JSON.stringify(s.attributes)}`)
      .join("\n")}`,
  );
}

function failureAttributes(a: Attributes) {
  return {
    status: a["http.response.status_code"],
    errorType: a["error.type"],
    failureClass: a["truestatus.failure_class"],
  };
}

afterAll(async () => {
  await provider.shutdown();
});

for (const [name, start] of Object.entries(ADAPTERS)) {
  describe(`${name}: failures on the server span`, () => {
    let app: Started;
    let refused: string;
    beforeAll(async () => {
      refused = `http://127.0.0.1:${await closedPort()}`;
      app = await start({ log: () => {}, refusedUrl: refused, hangingUrl: refused });
    });
    afterAll(() => app.close());
    beforeEach(() => exporter.reset());

    it("401: status code and class auth; no error.type and span status unset (a 4xx is not a server error)", async () => {
      await (await fetch(`${app.url}/me`)).arrayBuffer();
      const span = await serverSpan("/me");
      expect(failureAttributes(span.attributes)).toEqual({
        status: 401,
        errorType: undefined,
        failureClass: "auth",
      });
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
    });

    it("502 from a refused upstream: the RFC 9209 error type, class dependency, status Error", async () => {
      await (await fetch(`${app.url}/upstream/refused`)).arrayBuffer();
      const span = await serverSpan("/upstream/refused");
      expect(failureAttributes(span.attributes)).toEqual({
        status: 502,
        errorType: "connection_refused",
        failureClass: "dependency",
      });
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
    });

    it("500 from a bug: class server_bug, status Error", async () => {
      await (await fetch(`${app.url}/crash`)).arrayBuffer();
      const span = await serverSpan("/crash");
      expect(failureAttributes(span.attributes)).toEqual({
        status: 500,
        errorType: "internal",
        failureClass: "server_bug",
      });
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
    });

    it("a 2xx gets none of them", async () => {
      await (
        await fetch(`${app.url}/me`, { headers: { authorization: "Bearer reader-token" } })
      ).arrayBuffer();
      const span = await serverSpan("/me");
      expect(span.attributes["error.type"]).toBeUndefined();
      expect(span.attributes["truestatus.failure_class"]).toBeUndefined();
    });
  });
}

describe("upstreamFetch: client spans", () => {
  let upstream: Server;
  let url: string;
  const seen: (string | undefined)[] = [];
  const fetchUpstream = createUpstreamFetch({ connectTimeout: 1_000, timeout: 2_000 });
  beforeAll(async () => {
    upstream = createServer((req, res) => {
      seen.push(req.headers.traceparent as string | undefined);
      res.statusCode = req.url === "/down" ? 503 : req.url === "/gone" ? 404 : 200;
      res.end("{}");
    });
    upstream.listen(0, "127.0.0.1");
    url = await listening(upstream);
  });
  afterAll(async () => {
    await fetchUpstream.close();
    await closing(upstream);
  });
  beforeEach(() => exporter.reset());

  const clientSpans = () =>
    exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.CLIENT && s.name === "GET");

  it("a success: method, server, status; no error; traceparent sent upstream", async () => {
    const res = await fetchUpstream(`${url}/ok?token=secret`);
    await res.text();
    const [span] = clientSpans();
    expect(span?.attributes).toMatchObject({
      "http.request.method": "GET",
      "server.address": "127.0.0.1",
      "http.response.status_code": 200,
      "url.full": `${url}/ok`,
    });
    expect(span?.attributes["error.type"]).toBeUndefined();
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
    expect(seen.at(-1)).toContain(span?.spanContext().spanId);
  });

  it("an upstream 503: error.type 503, class dependency, status Error", async () => {
    await expect(fetchUpstream(`${url}/down`)).rejects.toMatchObject({ status: 503 });
    const [span] = clientSpans();
    expect(failureAttributes(span!.attributes)).toEqual({
      status: 503,
      errorType: "503",
      failureClass: "dependency",
    });
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
  });

  it("a 4xx returned as it is: still an Error on a client span", async () => {
    const res = await fetchUpstream(`${url}/gone`);
    await res.text();
    const [span] = clientSpans();
    expect(span?.attributes["error.type"]).toBe("404");
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
  });

  it("a refused connection: the RFC 9209 error type", async () => {
    const refused = `http://127.0.0.1:${await closedPort()}`;
    await expect(fetchUpstream(`${refused}/x`)).rejects.toMatchObject({ status: 502 });
    const [span] = clientSpans();
    expect(failureAttributes(span!.attributes)).toEqual({
      status: undefined,
      errorType: "connection_refused",
      failureClass: "dependency",
    });
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
  });
});
