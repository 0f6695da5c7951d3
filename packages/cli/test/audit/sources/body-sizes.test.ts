/**
 * Body-on-the-wire rules (head-with-body, no-content-with-body) fire only on evidence of body
 * bytes on the wire. Real servers, real logs: nginx's $bytes_sent and HAProxy's %B count the
 * header section, Caddy's `size` counts what a handler wrote (Go drops a HEAD body and logs it as
 * written). None of them may read as a body; each source says so in the coverage.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeInputs } from "../../../src/audit/analyze.js";
import { openSource } from "../../../src/audit/sources/open.js";
import type { Summary } from "../../../src/audit/summary.js";
import { stop, waitForPort } from "../../fixtures/make-fixtures.js";
import { freePort } from "../../fixtures/upstream.js";
import { drain, exchanges, tempDir, write } from "./helpers.js";

const dir = tempDir();
const BODY_RULES = ["head-with-body", "no-content-with-body"];

/** One request; resolves when the answer (or its header section, for HEAD) has been read. */
function send(port: number, method: string, path: string): Promise<number> {
  return new Promise((done, fail) => {
    const req = request({ host: "127.0.0.1", port, method, path, agent: false }, (res) => {
      res.resume();
      res.on("end", () => done(res.statusCode ?? 0));
    });
    req.on("error", fail);
    req.end();
  });
}

async function run(
  child: ChildProcess,
  port: number,
  name: string,
  requests: readonly [string, string][],
): Promise<void> {
  let err = "";
  child.stderr?.on("data", (d: Buffer) => {
    err += d.toString();
  });
  try {
    await waitForPort(port, child, `${name} (${err.slice(-300)})`);
    for (const [m, p] of requests) await send(port, m, p);
    await new Promise((r) => setTimeout(r, 300));
  } finally {
    await stop(child, name === "nginx" ? "SIGQUIT" : "SIGTERM");
  }
}

function bodyFindings(s: Summary): number {
  return BODY_RULES.reduce((n, id) => n + (s.findings[id]?.count ?? 0), 0);
}

describe("sizes that include the header section are not body sizes (real servers)", () => {
  it("nginx: $bytes_sent on HEAD is the header section, never a body; $body_bytes_sent is", async () => {
    const d = join(dir, "nginx");
    mkdirSync(join(d, "tmp"), { recursive: true });
    const port = await freePort();
    writeFileSync(
      join(d, "nginx.conf"),
      `daemon off;
worker_processes 1;
pid ${d}/nginx.pid;
error_log ${d}/error.log warn;
${process.getuid?.() === 0 ? "user root;" : ""}
events { worker_connections 64; }
http {
  client_body_temp_path ${d}/tmp/body;
  proxy_temp_path ${d}/tmp/proxy;
  fastcgi_temp_path ${d}/tmp/fastcgi;
  uwsgi_temp_path ${d}/tmp/uwsgi;
  scgi_temp_path ${d}/tmp/scgi;
  log_format total '$remote_addr - $remote_user [$time_local] "$request" $status $bytes_sent';
  log_format body '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent';
  access_log ${d}/total.log total;
  access_log ${d}/body.log body;
  server {
    listen 127.0.0.1:${port};
    location / { return 200 "hello from nginx, twenty-nine\\n"; }
  }
}
`,
    );
    const child = spawn(
      "nginx",
      ["-p", d, "-c", join(d, "nginx.conf"), "-e", join(d, "error.log")],
      {
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    await run(child, port, "nginx", [
      ["GET", "/x"],
      ["HEAD", "/x"],
    ]);
    const total = join(d, "total.log");
    const lines = readFileSync(total, "utf8").trim().split("\n");
    // What nginx wrote: the HEAD line counts bytes (its header section).
    expect(lines[1]).toMatch(/"HEAD \/x HTTP\/1\.1" 200 [1-9]\d*$/);
    const totalFormat = '$remote_addr - $remote_user [$time_local] "$request" $status $bytes_sent';
    const ex = exchanges(await drain(await openSource(total, { logFormat: totalFormat })));
    expect(ex[1]?.response).toEqual({
      status: 200,
      totalSize: Number(lines[1]!.split(" ").pop()),
    });
    const { summary } = await analyzeInputs([total], { logFormat: totalFormat });
    expect(bodyFindings(summary)).toBe(0);
    for (const id of BODY_RULES)
      expect(summary.coverage[id]?.notChecked[total]).toEqual(["response.size"]);
    // $body_bytes_sent is a body size: the rules run, and nginx sent no body on HEAD.
    const bodyLog = join(d, "body.log");
    const bodyFormat =
      '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent';
    expect(readFileSync(bodyLog, "utf8")).toMatch(/"HEAD \/x HTTP\/1\.1" 200 0\n/);
    const b = await analyzeInputs([bodyLog], { logFormat: bodyFormat });
    expect(bodyFindings(b.summary)).toBe(0);
    for (const id of BODY_RULES) expect(b.summary.coverage[id]?.checked).toBe(2);
  });

  it("HAProxy: %B (bytes_read) counts the header section: a HEAD logs bytes, and is no finding", async () => {
    const d = join(dir, "haproxy");
    mkdirSync(d, { recursive: true });
    const port = await freePort();
    writeFileSync(
      join(d, "haproxy.cfg"),
      `global
  log stdout format rfc3164 local0
defaults
  mode http
  log global
  option httplog
  option dontlognull
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend fe
  bind 127.0.0.1:${port}
  http-request return status 200 content-type text/plain string "hello from haproxy"
`,
    );
    const child = spawn("haproxy", ["-db", "-f", join(d, "haproxy.cfg")], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout?.on("data", (b: Buffer) => {
      out += b.toString();
    });
    await run(child, port, "haproxy", [
      ["GET", "/x"],
      ["HEAD", "/x"],
    ]);
    const log = write(dir, "haproxy.log", out);
    const head = out.split("\n").find((l) => l.includes('"HEAD /x'));
    // What HAProxy wrote: status 200, then %B > 0 for a response that had no body.
    expect(head).toMatch(/ 200 [1-9]\d* /);
    // HAProxy logs a request when its session ends: the two lines may come in either order.
    const ex = exchanges(await drain(await openSource(log))).sort((a, b) =>
      a.request.method < b.request.method ? -1 : 1,
    );
    expect(ex.map((e) => [e.request.method, e.response?.size])).toEqual([
      ["GET", undefined],
      ["HEAD", undefined],
    ]);
    expect(ex[1]?.response?.totalSize).toBeGreaterThan(0);
    const { summary } = await analyzeInputs([log]);
    expect(summary.sources[log]?.format).toBe("haproxy");
    expect(bodyFindings(summary)).toBe(0);
    for (const id of BODY_RULES)
      expect(summary.coverage[id]?.notChecked[log]).toEqual(["response.size"]);
  });

  it("Caddy: size counts a HEAD body Go dropped; 204 and 304 bodies are never sent", async () => {
    const d = join(dir, "caddy");
    mkdirSync(d, { recursive: true });
    const port = await freePort();
    writeFileSync(
      join(d, "Caddyfile"),
      `{
  admin off
  auto_https off
}
http://127.0.0.1:${port} {
  log {
    output file ${d}/access.log
    format json
  }
  route /nc* {
    respond "a body on a no-content status" 204
  }
  respond "hello from caddy respond" 200
}
`,
    );
    const child = spawn(
      "caddy",
      ["run", "--config", join(d, "Caddyfile"), "--adapter", "caddyfile"],
      {
        stdio: ["ignore", "ignore", "pipe"],
        env: { ...process.env, HOME: d, XDG_DATA_HOME: d, XDG_CONFIG_HOME: d },
      },
    );
    await run(child, port, "caddy", [
      ["GET", "/x"],
      ["HEAD", "/x"],
      ["GET", "/nc"],
    ]);
    const log = join(d, "access.log");
    const logged = readFileSync(log, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { request: { method: string }; status: number; size: number });
    // What Caddy wrote: the HEAD line says 24 bytes, though none went on the wire.
    expect(logged.map((l) => [l.request.method, l.status, l.size])).toEqual([
      ["GET", 200, 24],
      ["HEAD", 200, 24],
      ["GET", 204, 0],
    ]);
    const { summary } = await analyzeInputs([log]);
    expect(summary.sources[log]?.format).toBe("caddy");
    expect(bodyFindings(summary)).toBe(0);
    for (const id of BODY_RULES)
      expect(summary.coverage[id]?.notChecked[log]).toEqual(["response.size"]);
  });
});

describe("sizes from the formats' documentation", () => {
  it("ALB: sent_bytes includes the headers, so a HEAD with sent_bytes is no finding", async () => {
    // AWS's documented example entry, for a HEAD (the documentation's GET, method changed).
    const line =
      'http 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "HEAD http://www.example.com:80/ HTTP/1.1" "curl/7.46.0" - - arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337262-36d228ad5d99923122bbe354" "-" "-" 0 2018-07-02T22:22:48.364000Z "forward" "-" "-" "10.0.0.1:80" "200" "-" "-"';
    const log = write(dir, "alb.log", `${line}\n`);
    const ex = exchanges(await drain(await openSource(log)));
    expect(ex[0]?.response).toEqual({ status: 200, totalSize: 366 });
    const { summary } = await analyzeInputs([log]);
    expect(bodyFindings(summary)).toBe(0);
    expect(summary.coverage["head-with-body"]?.notChecked[log]).toEqual(["response.size"]);
  });

  it("Envoy: %BYTES_SENT% is body bytes, so a HEAD that sent a body is still found", async () => {
    const line =
      '[2026-11-24T19:00:00.001Z] "HEAD /api/ok HTTP/1.1" 200 - 0 11 3 2 "-" "curl/8.5.0" "id-1" "api.example.test" "10.0.2.1:8080"';
    const log = write(dir, "envoy.log", `${line}\n`);
    const { summary } = await analyzeInputs([log]);
    expect(summary.findings["head-with-body"]?.count).toBe(1);
  });
});
