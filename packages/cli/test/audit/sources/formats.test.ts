/**
 * The formats of issue 22 on their fixtures (test/fixtures/logs/README.md says where each comes
 * from): detected without being named, and read field by field.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Exchange } from "../../../src/audit/exchange.js";
import { compileEnvoy, compileHaproxy, logFormatKind } from "../../../src/audit/sources/custom.js";
import { openSource } from "../../../src/audit/sources/open.js";
import { drain, exchanges, malformedOf, tempDir, write } from "./helpers.js";

const dir = tempDir();
const fixture = (name: string) => new URL(`../../fixtures/logs/${name}`, import.meta.url).pathname;
const text = (name: string) => readFileSync(fixture(name), "utf8");

async function read(path: string, options = {}) {
  const src = await openSource(path, options);
  const records = await drain(src);
  return { src, records, ex: exchanges(records), bad: malformedOf(records) };
}

const byTarget = (ex: readonly Exchange[], target: string) =>
  ex.find((e) => e.request.target === target);

describe("W3C extended", () => {
  it("IIS: every #Fields layout of the file, sc-bytes as totalSize, time-taken in ms", async () => {
    const { src, ex, bad } = await read(fixture("w3c-iis.log"));
    expect(src.format).toBe("w3c");
    expect(ex).toHaveLength(3);
    expect(ex[0]).toEqual({
      format: "w3c",
      location: { file: fixture("w3c-iis.log"), line: 5 },
      request: { method: "GET", target: "/?q=100", path: "/", headers: expect.any(Object) },
      response: { status: 200 },
      durationMs: 123,
      time: Date.UTC(2018, 0, 1, 8, 9, 10) - 123,
    });
    expect(ex[1]).toMatchObject({
      request: { host: "example.com", credentials: "absent" },
      response: { status: 200, totalSize: 123 },
      durationMs: 789,
    });
    expect(ex[1]!.response).not.toHaveProperty("size");
    expect(ex[0]!.request.headers?.["user-agent"]?.[0]).toContain("Mozilla/5.0 (Windows NT 6.1;");
    // The file's last two lines follow the first layout, not the one in force: said so.
    expect(bad.map((b) => [b.line, b.reason])).toEqual([
      [16, "not a W3C line: 15 fields where #Fields: names 22"],
      [17, "not a W3C line: 15 fields where #Fields: names 22"],
    ]);
  });

  it("CloudFront: tabs, seconds, x-host-header, origin errors and clients gone", async () => {
    const { src, ex, bad } = await read(fixture("w3c-cloudfront.log"));
    expect(src.format).toBe("w3c");
    expect(src.capabilities.has("upstream")).toBe(true);
    expect(bad).toEqual([]);
    expect(ex).toHaveLength(5);
    expect(ex[0]).toMatchObject({
      request: { method: "GET", target: "/index.html", host: "d111111abcdef8.cloudfront.net" },
      response: { status: 200, totalSize: 392 },
      durationMs: 1,
      time: Date.UTC(2019, 11, 4, 21, 2, 31) - 1,
      upstream: { details: "Hit" },
    });
    expect(ex[1]).toMatchObject({
      request: { target: "/api/items?page=2", host: "api.example.com" },
      durationMs: 115,
    });
    expect(byTarget(ex, "/api/orders/42")).toMatchObject({
      response: { status: 502 },
      upstream: { details: "OriginConnectError", targetStatus: null, generatedBy: "proxy" },
    });
    const gone = byTarget(ex, "/videos/big.mp4")!;
    expect(gone.response).toBeUndefined();
    expect(gone.clientAborted).toBe(true);
  });

  it("a layout that changes every few lines, quoted values, and lines before any #Fields", async () => {
    const lines = ["2026-01-01 00:00:00 GET /early 200"];
    for (let block = 0; block < 4; block++) {
      lines.push(
        block % 2 === 0
          ? "#Fields: date time cs-method cs-uri-stem sc-status time-taken"
          : "#Fields: time sc-status cs-uri-stem cs-method date cs(User-Agent)",
      );
      for (let i = 0; i < 3; i++) {
        const n = block * 3 + i;
        lines.push(
          block % 2 === 0
            ? `2026-01-01 00:00:0${i} GET /a/${n} 20${i} 5`
            : `00:00:0${i} 40${i} /b/${n} POST 2026-01-01 "agent ""x"" 1"`,
        );
      }
    }
    const { ex, bad } = await read(write(dir, "layouts.log", `${lines.join("\n")}\n`), {
      inputFormat: "w3c",
    });
    expect(bad.map((b) => b.reason)).toEqual(["W3C line before any #Fields: directive"]);
    expect(ex.map((e) => `${e.request.method} ${e.request.target} ${e.response?.status}`)).toEqual(
      [0, 1, 2, 3].flatMap((block) =>
        [0, 1, 2].map((i) =>
          block % 2 === 0 ? `GET /a/${block * 3 + i} 20${i}` : `POST /b/${block * 3 + i} 40${i}`,
        ),
      ),
    );
    expect(ex[3]!.request.headers?.["user-agent"]).toEqual(['agent "x" 1']);
  });
});

describe("AWS S3 server access logs and Classic Load Balancer", () => {
  it("S3: requester says whether credentials were sent; bytes_sent is the body; own operations skipped", async () => {
    const { src, ex, bad } = await read(fixture("s3.log"));
    expect(src.format).toBe("s3");
    expect(bad).toEqual([]);
    expect(ex).toHaveLength(6);
    expect(ex[0]).toMatchObject({
      request: {
        method: "GET",
        target: "/awsexamplebucket1?versioning",
        host: "awsexamplebucket1.s3.us-west-1.amazonaws.com",
        credentials: "present",
      },
      response: { status: 200, size: 113 },
      durationMs: 7,
      time: Date.UTC(2019, 1, 6, 0, 0, 38),
    });
    expect(byTarget(ex, "/awsexamplebucket1/private/report.pdf")).toMatchObject({
      request: { credentials: "absent" },
      response: { status: 403, size: 243 },
    });
    expect(byTarget(ex, "/awsexamplebucket1/index.html")).toMatchObject({
      request: { method: "HEAD" },
      response: { status: 200, size: 0 },
    });
  });

  it("Classic ELB: backend status - or 0 is no answer; TCP lines are no HTTP exchange", async () => {
    const { src, ex, bad } = await read(fixture("elb.log"));
    expect(src.format).toBe("elb");
    expect(bad).toEqual([]);
    expect(ex).toHaveLength(5);
    expect(ex[0]).toMatchObject({
      request: { method: "GET", target: "/", host: "www.example.com:80" },
      response: { status: 200, size: 29 },
      durationMs: 1.178,
      upstream: { targetStatus: 200, generatedBy: "upstream" },
    });
    expect(byTarget(ex, "/api/orders")?.upstream).toMatchObject({
      targetStatus: 500,
      generatedBy: "upstream",
    });
    expect(byTarget(ex, "/api/items")?.upstream).toEqual({
      targetStatus: null,
      generatedBy: "proxy",
    });
    expect(byTarget(ex, "/api/slow")).toMatchObject({
      response: { status: 504 },
      upstream: { targetStatus: null, generatedBy: "proxy" },
    });
    expect(byTarget(ex, "/api/slow")?.durationMs).toBeUndefined();
  });
});

describe("Traefik and ingress-nginx", () => {
  it("Traefik common: detected before combined; duration and router fields read", async () => {
    const { src, ex, bad } = await read(fixture("traefik.log"));
    expect(src.format).toBe("traefik");
    expect(bad).toEqual([]);
    expect(ex[0]).toMatchObject({
      format: "traefik",
      request: { method: "GET", target: "/whoami" },
      response: { status: 200, size: 412 },
      durationMs: 3,
      time: Date.UTC(2026, 10, 24, 10),
    });
    expect(byTarget(ex, "/api/orders")?.request.credentials).toBe("present");
    expect(byTarget(ex, "/api/slow")?.durationMs).toBe(30001);
    expect(src.capabilities.has("upstream")).toBe(false);
  });

  it("Traefik JSON: OriginStatus feeds the upstream facts; headers kept are the ones logged", async () => {
    const { src, ex, bad } = await read(fixture("traefik-json.log"));
    expect(src.format).toBe("traefik");
    expect(bad).toEqual([]);
    expect(ex).toHaveLength(4);
    expect(src.loggedHeaders?.response).toEqual(new Set(["content-type", "www-authenticate"]));
    expect(ex[0]).toMatchObject({
      request: { method: "GET", target: "/whoami", host: "whoami.localhost" },
      response: { status: 200, size: 412 },
      durationMs: 3.025,
      time: Date.parse("2026-11-24T10:00:00.123Z"),
      upstream: { targetStatus: 200, generatedBy: "upstream" },
    });
    expect(byTarget(ex, "/api/me")?.response?.headers?.["www-authenticate"]).toEqual([
      'Bearer realm="api"',
    ]);
    expect(byTarget(ex, "/api/orders?page=2")?.upstream).toMatchObject({
      targetStatus: null,
      generatedBy: "proxy",
      details: "2 retries",
    });
    expect(byTarget(ex, "/")?.upstream).toEqual({ generatedBy: "proxy" });
  });

  it("ingress-nginx (real nginx, its default log-format-upstream): upstream facts, not combined", async () => {
    const { src, ex, bad } = await read(fixture("ingress-nginx.log"));
    expect(src.format).toBe("ingress-nginx");
    expect(src.capabilities.has("upstream")).toBe(true);
    expect(bad).toEqual([]);
    const refused = byTarget(ex, "/refused/ok")!;
    expect(refused.response?.status).toBe(502);
    expect(refused.upstream?.attempts?.[0]?.status).toBe(502);
    expect(byTarget(ex, "/api/ok")?.upstream?.attempts?.[0]?.status).toBe(200);
  });

  it("ingress-nginx with several attempts (elastic/beats' test lines)", async () => {
    const line =
      '192.168.64.14 - - [07/Feb/2020:12:02:42 +0000] "GET /v2/some HTTP/1.1" 200 61 "-" "Mozilla/5.0" 348 0.001 [default-web2-8080] [] 172.17.0.6:8080, 172.17.0.7:8080 61, 100 0.100, 0.004 200, 203 835136ae24486dbb4156dcbe21f5d402';
    const { src, ex } = await read(write(dir, "ingress.log", `${line}\n`));
    expect(src.format).toBe("ingress-nginx");
    expect(ex[0]!.upstream?.attempts).toEqual([
      { status: 200, timeMs: 100, addr: "172.17.0.6:8080" },
      { status: 203, timeMs: 4, addr: "172.17.0.7:8080" },
    ]);
  });
});

describe("JSON logs of load balancers, CDNs and gateways", () => {
  it("GCP load balancer: responseSize counts headers; statusDetails says who answered", async () => {
    const { src, ex, bad } = await read(fixture("gcp-lb.log"));
    expect(src.format).toBe("gcp-lb");
    expect(bad).toEqual([]);
    expect(src.capabilities.has("response.size")).toBe(false);
    expect(ex[0]).toMatchObject({
      request: { method: "GET", target: "/v1/items/42", host: "api.example.com" },
      response: { status: 200, totalSize: 1289 },
      durationMs: 12.934,
      upstream: { details: "response_sent_by_backend", generatedBy: "upstream", targetStatus: 200 },
    });
    expect(byTarget(ex, "/v1/orders")?.upstream).toEqual({
      details: "backend_timeout",
      generatedBy: "proxy",
      targetStatus: null,
    });
    const gone = byTarget(ex, "/v1/report")!;
    expect(gone.response).toBeUndefined();
    expect(gone.clientAborted).toBe(true);
  });

  it("Cloudflare: body and total bytes apart, 52x without an origin answer, secrets redacted", async () => {
    const { src, ex } = await read(fixture("cloudflare.log"));
    expect(src.format).toBe("cloudflare");
    expect(ex[0]).toMatchObject({
      request: {
        method: "GET",
        target: "/v1/items/42",
        host: "api.example.com",
        credentials: "present",
        headers: { authorization: ["Bearer [REDACTED]"] },
      },
      response: { status: 200, size: 812, totalSize: 1102 },
      durationMs: 40,
      upstream: { targetStatus: 200, generatedBy: "upstream" },
    });
    expect(byTarget(ex, "/v1/orders")?.upstream).toMatchObject({
      targetStatus: null,
      generatedBy: "proxy",
    });
    expect(byTarget(ex, "/logo.png")?.upstream).toEqual({ generatedBy: "proxy" });
    expect(JSON.stringify(ex)).not.toContain("abc.def.ghi");
  });

  it("Kong: tries as attempts, consumers and API keys as credentials", async () => {
    const { src, ex } = await read(fixture("kong.log"));
    expect(src.format).toBe("kong");
    expect(ex[0]).toMatchObject({
      request: { method: "GET", target: "/get", credentials: "present" },
      response: { status: 200, totalSize: 434 },
      durationMs: 16,
      time: 1700000000000,
      upstream: { attempts: [{ addr: "172.18.0.5:80", status: 200 }], generatedBy: "upstream" },
    });
    expect(ex[1]).toMatchObject({
      request: { credentials: "absent" },
      response: { status: 401 },
      upstream: { generatedBy: "proxy" },
    });
    expect(ex[2]!.upstream?.attempts).toEqual([
      { addr: "172.18.0.6:8080", status: 502 },
      { addr: "172.18.0.7:8080", status: 502 },
    ]);
    expect(JSON.stringify(ex)).not.toContain("my-key");
  });

  it("OpenTelemetry: OTLP batches and flat records, old and new conventions; other logs skipped", async () => {
    const { src, records, ex } = await read(fixture("otel.log"));
    expect(src.format).toBe("otel");
    expect(records).toHaveLength(3);
    expect(
      ex.map((e) => [e.location.line, e.request.method, e.request.target, e.response?.status]),
    ).toEqual([
      [1, "GET", "/api/items/1", 200],
      [1, "GET", "/api/me", 401],
      [2, "DELETE", "/api/items/1?force=1", 204],
    ]);
    expect(ex[0]).toMatchObject({ response: { size: 42 }, time: 1764000000000 });
    expect(src.loggedHeaders?.response).toEqual(new Set(["content-type"]));
  });

  it("JSON lines no map reads: the error names the missing field and the --field flag", async () => {
    const path = write(
      dir,
      "app.json",
      `${JSON.stringify({ ts: 1, req: { verb: "GET", u: "/a" }, code: 200 })}\n`,
    );
    await expect(openSource(path)).rejects.toThrow(
      /JSON lines, but no HTTP status field \(looked for status, status_code, .*\); map it with --field status=<json\.path> \(and --field method=<json\.path>\); the first line has: ts, req\.verb, req\.u, code/,
    );
    const ok = await read(path, {
      fieldMap: { status: "code", method: "req.verb", target: "req.u" },
    });
    expect(ok.ex[0]).toMatchObject({
      request: { method: "GET", target: "/a" },
      response: { status: 200 },
    });
  });
});

describe("wrapped lines", () => {
  const plain = text("nginx-combined.log").split("\n").filter(Boolean).slice(0, 30);
  const key = (e: Exchange) => ({
    request: e.request,
    response: e.response,
    time: e.time,
    line: e.location.line,
  });

  async function same(
    name: string,
    wrappedText: string,
    wrapper: string,
    lineOf = (i: number) => i + 1,
  ) {
    const { src, ex, bad } = await read(write(dir, name, wrappedText));
    expect(src.format).toBe("combined");
    expect(src.wrapper).toBe(wrapper);
    expect(bad).toEqual([]);
    const base = exchanges(
      await drain(await openSource(write(dir, `${name}.plain`, `${plain.join("\n")}\n`))),
    );
    expect(ex.map((e) => ({ ...key(e), line: 0 }))).toEqual(
      base.map((e) => ({ ...key(e), line: 0 })),
    );
    expect(ex.map((e) => e.location.line)).toEqual(base.map((_, i) => lineOf(i)));
  }

  it("docker json-file: stdout read, the error log on stderr left out, split lines joined", async () => {
    const lines: string[] = [];
    plain.forEach((l, i) => {
      if (i === 3) {
        // Docker splits lines over 16 KiB: parts without "\n", the last with it.
        lines.push(JSON.stringify({ log: l.slice(0, 25), stream: "stdout", time: "t" }));
        lines.push(JSON.stringify({ log: `${l.slice(25)}\n`, stream: "stdout", time: "t" }));
      } else lines.push(JSON.stringify({ log: `${l}\n`, stream: "stdout", time: "t" }));
      if (i % 4 === 0)
        lines.push(
          JSON.stringify({
            log: "2026/11/24 10:00:00 [error] 7#7: *1 connect() failed\n",
            stream: "stderr",
            time: "t",
          }),
        );
    });
    const { src, ex, bad } = await read(write(dir, "docker.log", `${lines.join("\n")}\n`));
    expect(src.wrapper).toBe("docker json-file");
    expect(bad).toEqual([]);
    const base = (await read(write(dir, "docker.plain", `${plain.join("\n")}\n`))).ex;
    expect(ex.map((e) => [e.request.target, e.response?.status, e.time])).toEqual(
      base.map((e) => [e.request.target, e.response?.status, e.time]),
    );
  });

  it("Kubernetes CRI: partial lines (P) joined with their final part (F)", async () => {
    const lines = plain.flatMap((l, i) =>
      i % 5 === 0
        ? [
            `2026-11-24T10:00:00.123456789Z stdout P ${l.slice(0, 30)}`,
            `2026-11-24T10:00:00.123456789Z stdout F ${l.slice(30)}`,
          ]
        : [`2026-11-24T10:00:00.123456789Z stdout F ${l}`],
    );
    const { src, ex, bad } = await read(write(dir, "cri.log", `${lines.join("\n")}\n`));
    expect(src.wrapper).toBe("cri");
    expect(bad).toEqual([]);
    const base = (await read(write(dir, "cri.plain", `${plain.join("\n")}\n`))).ex;
    expect(ex.map((e) => [e.request.target, e.response?.status, e.time])).toEqual(
      base.map((e) => [e.request.target, e.response?.status, e.time]),
    );
  });

  it('{"message": …} of log shippers, and fixed prefixes (docker compose, Envoy\'s ACCESS)', async () => {
    await same(
      "message.log",
      plain
        .map((l) => `${JSON.stringify({ "@timestamp": "x", message: l, host: { name: "h" } })}\n`)
        .join(""),
      "message",
    );
    await same("compose.log", plain.map((l) => `web-1  | ${l}\n`).join(""), 'prefix "| "');
    const envoy = text("envoy.log").split("\n").filter(Boolean);
    const { src, ex } = await read(
      write(
        dir,
        "envoy-access.log",
        envoy.map((l) => `[2026-11-24 10:00:00.000][14][info][misc] ACCESS ${l}\n`).join(""),
      ),
    );
    expect(src.format).toBe("envoy");
    expect(src.wrapper).toBe('prefix "ACCESS "');
    const base = (await read(fixture("envoy.log"))).ex;
    expect(ex.map((e) => e.upstream)).toEqual(base.map((e) => e.upstream));
  });

  it("a plain log is never read as wrapped, and a CRI line is not a combined line with a long user", async () => {
    expect((await read(fixture("nginx-combined.log"))).src.wrapper).toBeUndefined();
    const cri = `2026-11-24T10:00:00.123456789Z stdout F ${plain[0]}\n`;
    expect((await read(write(dir, "one-cri.log", cri))).src.wrapper).toBe("cri");
  });
});

describe("HARP and custom formats", () => {
  it("HARP: onInputData({...}); is read as the HAR inside it", async () => {
    const har = text("chromium.har");
    const a = await read(write(dir, "s.harp", `onInputData(${har});\n`));
    const b = await read(fixture("chromium.har"));
    expect(a.src.format).toBe("har");
    expect(a.ex.map((e) => e.request.target)).toEqual(b.ex.map((e) => e.request.target));
    expect(a.ex.length).toBeGreaterThan(5);
    const cut = write(dir, "cut.harp", `onInputData(${har}`);
    await expect(drain(await openSource(cut))).rejects.toThrow(/truncated HAR/);
  });

  it("tells nginx, HAProxy and Envoy formats apart", () => {
    expect(logFormatKind('$remote_addr [$time_local] "$request" $status')).toBe("nginx");
    expect(logFormatKind("%ci:%cp [%tr] %ST %B %{+Q}r")).toBe("haproxy");
    expect(logFormatKind('[%START_TIME%] "%REQ(:METHOD)%" %RESPONSE_CODE%')).toBe("envoy");
    expect(() => compileHaproxy("%ci %B")).toThrow(/no %ST/);
    expect(() => compileHaproxy("%ST%B")).toThrow(/nothing between them/);
    expect(() => compileEnvoy("%REQ(:PATH)% %BYTES_SENT%")).toThrow(/no %RESPONSE_CODE%/);
  });

  it("Envoy format strings: request and response headers, flags, details", async () => {
    const format =
      '[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% %BYTES_SENT% %DURATION% "%REQ(AUTHORIZATION)%" "%RESP(WWW-AUTHENTICATE)%" "%UPSTREAM_HOST%"';
    const lines = [
      '[2026-11-24T10:00:00.000Z] "GET /api/me HTTP/1.1" 401 - via_upstream 12 3 "-" "-" "10.0.0.5:8080"',
      '[2026-11-24T10:00:01.000Z] "GET /api/me HTTP/1.1" 200 - via_upstream 99 4 "Bearer abc.def" "-" "10.0.0.5:8080"',
      '[2026-11-24T10:00:02.000Z] "GET /api/slow HTTP/1.1" 504 UT upstream_response_timeout 24 15000 "-" "-" "10.0.0.5:8080"',
    ];
    const { src, ex, bad } = await read(write(dir, "envoy-custom.log", `${lines.join("\n")}\n`), {
      logFormat: format,
    });
    expect(src.format).toBe("envoy");
    expect(bad).toEqual([]);
    expect(src.loggedHeaders).toEqual({
      request: new Set(["authorization"]),
      response: new Set(["www-authenticate"]),
    });
    expect(ex[0]).toMatchObject({
      request: { method: "GET", target: "/api/me", credentials: "absent" },
      response: { status: 401, size: 12 },
      durationMs: 3,
      upstream: { flags: [], details: "via_upstream", generatedBy: "upstream" },
    });
    expect(ex[1]!.request.credentials).toBe("present");
    expect(JSON.stringify(ex)).not.toContain("abc.def");
    expect(ex[2]!.upstream).toMatchObject({ flags: ["UT"], generatedBy: "proxy" });
  });
});
