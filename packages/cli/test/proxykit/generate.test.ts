/**
 * The generated configs: accepted by the real proxies' own checks (nginx -t, haproxy -c, caddy
 * adapt) for the Debian versions, Envoy's validated against its API definitions, every string
 * the library decides (Proxy-Status values, problem bodies) carried as decided, and the rate
 * limiters answering 429 + Retry-After + problem+json on real nginx and HAProxy.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseProblem, parseProxyStatus } from "truestatus";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { validateEnvoy } from "../../../../test/helpers/envoy-schema.js";
import { nginxPrelude, startProxy } from "../../../../test/helpers/proxies.js";
import { type FaultUpstream, startFaultUpstream } from "../../src/proxykit/fault-upstream.js";
import { envoyConfig } from "../../src/proxykit/generate/envoy.js";
import {
  generateConfig,
  PROXY_KINDS,
  PROXY_VERSIONS,
  type ProxyKind,
} from "../../src/proxykit/generate/index.js";
import {
  answerFor,
  type GenerateOptions,
  rateLimitAnswer,
} from "../../src/proxykit/generate/model.js";

function options(over: Partial<GenerateOptions> = {}): GenerateOptions {
  return {
    upstream: new URL("http://127.0.0.1:3000"),
    name: "edge",
    listen: { port: 8080 },
    version: "",
    connectTimeoutMs: 5_000,
    headersTimeoutMs: 30_000,
    retryAfter: 5,
    fragment: false,
    command: "truestatus proxy-config (test)",
    ...over,
  };
}

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "truestatus-gen-"));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The quoted strings of a config that look like Proxy-Status values or problem bodies. */
function strings(text: string): string[] {
  return [...text.matchAll(/'((?:[^'\\]|\\.)*)'|`([^`]*)`/g)].map((m) =>
    (m[1] ?? m[2] ?? "").replaceAll("\\'", "'").replaceAll("\\{", "{").replaceAll("\\}", "}"),
  );
}

describe("every generator, every version it knows", () => {
  it("writes a config and a fragment, with no placeholder left and only parseable values", () => {
    for (const kind of PROXY_KINDS) {
      for (const version of PROXY_VERSIONS[kind]) {
        for (const fragment of [false, true]) {
          const text = generateConfig(
            kind,
            options({
              version,
              fragment,
              checkRoutes: { refusedPort: 1 },
              ...(kind !== "caddy" ? { rateLimit: { limit: 100, window: 1 } } : {}),
            }),
          );
          expect(text, `${kind} ${version}`).not.toMatch(/__S__|__STATUS__|undefined|NaN|\[object/);
          let bodies = 0;
          for (const s of strings(text)) {
            if (s.startsWith('{"')) {
              bodies++;
              const p = parseProblem(s);
              expect(p.ok, s).toBe(true);
            } else if (s.startsWith("edge;"))
              expect(parseProxyStatus(s.replace("$status", "500")).ok, s).toBe(true);
          }
          // nginx and Caddy quote their bodies: the loop above saw them.
          if (kind === "nginx" || kind === "caddy") expect(bodies).toBeGreaterThanOrEqual(8);
        }
      }
    }
  });

  it("carries the library's answers: each error type's Proxy-Status and body as decide() makes them", () => {
    const nginx = generateConfig("nginx", options({ version: "1.22", name: "gw-1" }));
    const haproxy = generateConfig("haproxy", options({ version: "2.6", name: "gw-1" }));
    const caddy = generateConfig("caddy", options({ version: "2.6", name: "gw-1" }));
    for (const error of [
      "connection_refused",
      "connection_terminated",
      "http_response_timeout",
    ] as const) {
      const a = answerFor(error, { name: "gw-1", retryAfter: 5 });
      expect(a.proxyStatus).toBe(`gw-1;error=${error}`);
      expect(nginx).toContain(`'${a.body}'`);
      expect(caddy).toContain(`\`${a.body.replaceAll("{", "\\{").replaceAll("}", "\\}")}\``);
    }
    expect(haproxy).toContain('set-header Proxy-Status "gw-1;error=connection_refused"');
    expect(haproxy).toContain('add-header Proxy-Status "gw-1;received-status=%[status]"');
    // The 503 for no usable upstream carries the --retry-after the library puts in Retry-After.
    expect(answerFor("destination_unavailable", { name: "e", retryAfter: 9 }).headers).toEqual({
      "retry-after": "9",
    });
  });

  it("HAProxy names its 502 by termination state from 2.9 on, not before", () => {
    expect(generateConfig("haproxy", options({ version: "2.6" }))).not.toContain(
      "txn.sess_term_state",
    );
    const v31 = generateConfig("haproxy", options({ version: "3.1" }));
    expect(v31).toContain(
      'error=connection_terminated" if truestatus_own502 { txn.sess_term_state -m beg SH }',
    );
    expect(v31).toContain(
      'error=http_protocol_error" if truestatus_own502 { txn.sess_term_state -m beg PH }',
    );
  });
});

describe("the proxies' own checks accept the complete configs (Debian's versions)", () => {
  const upstreams = [
    "http://127.0.0.1:3000",
    "https://127.0.0.1:8443/v1",
    "https://localhost:8443",
  ];

  it("nginx -t", () => {
    for (const u of upstreams) {
      const dir = tmp();
      const file = join(dir, "nginx.conf");
      writeFileSync(
        file,
        generateConfig(
          "nginx",
          options({
            upstream: new URL(u),
            version: "1.22",
            rateLimit: { limit: 10, window: 1 },
            checkRoutes: { refusedPort: 1 },
            accessLog: join(dir, "access.log"),
          }),
        ),
      );
      const r = spawnSync(
        "nginx",
        ["-t", "-p", dir, "-c", file, "-e", join(dir, "error.log"), "-g", `pid ${dir}/nginx.pid;`],
        {
          encoding: "utf8",
        },
      );
      expect(r.status, `${u}: ${r.stderr}`).toBe(0);
    }
  });

  it("haproxy -c", () => {
    for (const u of upstreams) {
      const dir = tmp();
      const file = join(dir, "haproxy.cfg");
      writeFileSync(
        file,
        generateConfig(
          "haproxy",
          options({
            upstream: new URL(u),
            version: "2.6",
            rateLimit: { limit: 10, window: 1 },
            checkRoutes: { refusedPort: 1 },
          }),
        ),
      );
      const r = spawnSync("haproxy", ["-c", "-f", file], { encoding: "utf8" });
      expect(r.status, `${u}: ${r.stdout}${r.stderr}`).toBe(0);
    }
  });

  it("caddy adapt (and the Caddyfile is formatted as caddy fmt writes it)", () => {
    for (const u of upstreams) {
      const dir = tmp();
      const file = join(dir, "Caddyfile");
      writeFileSync(
        file,
        generateConfig(
          "caddy",
          options({
            upstream: new URL(u),
            version: "2.6",
            checkRoutes: { refusedPort: 1 },
            accessLog: join(dir, "a.log"),
          }),
        ),
      );
      const env = { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir };
      const r = spawnSync("caddy", ["adapt", "--config", file, "--adapter", "caddyfile"], {
        encoding: "utf8",
        env,
      });
      expect(r.status, `${u}: ${r.stderr}`).toBe(0);
      expect(r.stderr).not.toContain("not formatted");
    }
  });
});

describe("Envoy: validated against Envoy's API definitions (protobuf, field by field)", () => {
  it("the bootstrap, with and without TLS, rate limit and the check's routes", () => {
    for (const u of ["http://127.0.0.1:3000", "https://api.example:8443/v1"]) {
      for (const extra of [
        {},
        { rateLimit: { limit: 100, window: 60 }, checkRoutes: { refusedPort: 1 } },
      ]) {
        const config = envoyConfig(options({ upstream: new URL(u), version: "1.34", ...extra }));
        expect(validateEnvoy(config)).toEqual([]);
        // the YAML printed is the same document
        const text = generateConfig(
          "envoy",
          options({ upstream: new URL(u), version: "1.34", ...extra }),
        );
        expect(parse(text)).toEqual(config);
      }
    }
  });

  it("the fragment is a valid HttpConnectionManager", () => {
    const text = generateConfig("envoy", options({ version: "1.34", fragment: true }));
    const hcm = parse(text) as Record<string, unknown>;
    const { "@type": _t, ...rest } = hcm;
    expect(
      validateEnvoy(
        rest,
        "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
      ),
    ).toEqual([]);
  });

  it("the validator catches what Envoy would refuse (so an empty list means something)", () => {
    // biome-ignore lint/suspicious/noExplicitAny: a config broken on purpose, path by path
    const config = envoyConfig(options({ version: "1.34" })) as Record<string, any>;
    const bad = structuredClone(config);
    bad.static_resources.clusters[0].conect_timeout = "1s";
    bad.static_resources.clusters[0].type = "STATICK";
    bad.static_resources.listeners[0].filter_chains[0].filters[0].typed_config.proxy_status_config.literal_proxy_name = 7;
    delete bad.static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config
      .virtual_hosts[0].routes[0].match.prefix;
    const problems = validateEnvoy(bad).join("\n");
    expect(problems).toContain("conect_timeout: no such field in envoy.config.cluster.v3.Cluster");
    expect(problems).toContain('"STATICK" is not a value of');
    expect(problems).toContain("literal_proxy_name: not a string");
    expect(problems).toMatch(/match: one of .*prefix.* required/);
  });
});

describe("rate limiters answer 429 + Retry-After + problem+json (real nginx and HAProxy)", () => {
  let upstream: FaultUpstream;
  beforeAll(async () => {
    upstream = await startFaultUpstream();
  });
  afterAll(async () => {
    await upstream?.close();
  });

  function get(
    url: string,
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
    return new Promise((resolve, reject) => {
      http
        .get(url, { agent: false }, (res) => {
          let body = "";
          res.on("data", (c: Buffer) => (body += c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        })
        .on("error", reject);
    });
  }

  for (const kind of ["nginx", "haproxy"] as const satisfies readonly ProxyKind[]) {
    it(kind, { timeout: 30_000 }, async () => {
      const rate = { limit: 2, window: 60 };
      const o = (port: number) =>
        options({
          upstream: new URL(`http://127.0.0.1:${upstream.layout.port}`),
          version: kind === "nginx" ? "1.22" : "2.6",
          rateLimit: rate,
          fragment: kind === "nginx",
          listen: { host: "127.0.0.1", port },
        });
      const proxy = await startProxy(kind, (c) => {
        if (kind === "haproxy") return generateConfig(kind, o(c.port));
        const pre = nginxPrelude(c.dir);
        const [, httpPart, server] = generateConfig(kind, o(c.port)).split(
          /# ---- (?:http|server) \{\} ----/,
        );
        return `${pre.main}\nhttp {\n${pre.http}\n${httpPart}\nserver {\n    listen 127.0.0.1:${c.port};\n${server}\n}\n}\n`;
      });
      try {
        const replies = [];
        for (let i = 0; i < 6; i++) replies.push(await get(`${proxy.url}/truestatus-check/ok`));
        expect(replies[0]!.status).toBe(200);
        const limited = replies.filter((r) => r.status === 429);
        expect(limited.length, JSON.stringify(replies.map((r) => r.status))).toBeGreaterThanOrEqual(
          1,
        );
        const expected = rateLimitAnswer(rate, { name: "edge" });
        for (const r of limited) {
          expect(r.headers["retry-after"]).toBe(expected.headers["retry-after"]);
          expect(r.headers["content-type"]).toBe("application/problem+json");
          expect(r.body).toBe(expected.body);
        }
        expect(replies.every((r) => r.status === 200 || r.status === 429)).toBe(true);
      } finally {
        await proxy.stop();
      }
    });
  }
});
