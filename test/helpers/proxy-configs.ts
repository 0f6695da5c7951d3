/**
 * The configs the proxy-check tests and bench run: each proxy's stock configuration (its
 * defaults, with only the check's routes and a 2 s response timeout so that the stall check ends
 * in time) and the generated one (`truestatus proxy-config ... --check-routes`), wrapped in what
 * a proxy needs to run from a temporary folder. The truestatus gateway gets the same routes.
 */

import { generateConfig } from "../../packages/cli/src/proxykit/generate/index.js";
import type { GenerateOptions } from "../../packages/cli/src/proxykit/generate/model.js";
import type { CheckLayout } from "../../packages/cli/src/proxykit/layout.js";
import { checkRoutes } from "../../packages/cli/src/proxykit/layout.js";
import { nginxPrelude, type ProxyConfigContext, type ProxyName } from "./proxies.js";

/** The proxy's response timeout in these configs, and a check deadline well above it. */
export const RESPONSE_TIMEOUT_MS = 2_000;
export const CHECK_DEADLINE_MS = 8_000;

function routes(l: CheckLayout) {
  const [refused, tls, main] = checkRoutes(l);
  return { refused: refused!, tls: tls!, main: main! };
}

/** Stock configs: the proxy's defaults, the check's three routes, a 2 s response timeout. */
export const STOCK: Readonly<
  Record<ProxyName, (l: CheckLayout) => (c: ProxyConfigContext) => string>
> = {
  nginx: (l) => (c) => {
    const r = routes(l);
    const pre = nginxPrelude(c.dir);
    return `${pre.main}
http {
${pre.http}
access_log ${c.accessLog};
server {
    listen 127.0.0.1:${c.port};
    proxy_read_timeout ${RESPONSE_TIMEOUT_MS}ms;
    location = ${r.refused.path} { proxy_pass ${r.refused.upstream}; }
    location = ${r.tls.path} { proxy_pass ${r.tls.upstream}; }
    location / { proxy_pass ${r.main.upstream}; }
}
}
`;
  },
  haproxy: (l) => (c) => {
    const r = routes(l);
    const hp = (u: string) => new URL(u).host;
    return `global
    log stdout format raw local0
defaults
    mode http
    log global
    option httplog
    timeout connect 5s
    timeout client 30s
    timeout server ${RESPONSE_TIMEOUT_MS}ms
frontend fe
    bind 127.0.0.1:${c.port}
    use_backend refused if { path ${r.refused.path} }
    use_backend tls if { path ${r.tls.path} }
    default_backend app
backend app
    server app ${hp(r.main.upstream)}
backend refused
    server refused ${hp(r.refused.upstream)}
backend tls
    server tls ${hp(r.tls.upstream)} ssl verify required ca-file @system-ca
`;
  },
  caddy: (l) => (c) => {
    const r = routes(l);
    return `{
    admin off
    auto_https off
}
http://127.0.0.1:${c.port} {
    log {
        output file ${c.accessLog}
        format json
    }
    handle ${r.refused.path} {
        reverse_proxy ${r.refused.upstream}
    }
    handle ${r.tls.path} {
        reverse_proxy ${r.tls.upstream}
    }
    handle {
        reverse_proxy ${r.main.upstream} {
            transport http {
                response_header_timeout ${RESPONSE_TIMEOUT_MS}ms
            }
        }
    }
}
`;
  },
};

/** The generator's options for the check: the fault upstream, the check's routes. */
export function checkOptions(l: CheckLayout, version: string, accessLog?: string): GenerateOptions {
  return {
    upstream: new URL(`http://${l.host}:${l.port}`),
    name: "edge",
    listen: { host: "127.0.0.1", port: 8080 },
    version,
    connectTimeoutMs: 1_000,
    headersTimeoutMs: RESPONSE_TIMEOUT_MS,
    retryAfter: 5,
    fragment: true,
    checkRoutes: { refusedPort: l.refusedPort },
    ...(accessLog !== undefined ? { accessLog } : {}),
    command: "truestatus proxy-config (test)",
  };
}

/** Generated configs (the --fragment form, in the proxy's own surroundings). */
export const GENERATED: Readonly<
  Record<ProxyName, (l: CheckLayout, version: string) => (c: ProxyConfigContext) => string>
> = {
  nginx: (l, version) => (c) => {
    const pre = nginxPrelude(c.dir);
    const text = generateConfig("nginx", checkOptions(l, version, c.accessLog));
    const [, http, server] = text.split(/# ---- (?:http|server) \{\} ----/);
    return `${pre.main}\nhttp {\n${pre.http}\n${http}\nserver {\n    listen 127.0.0.1:${c.port};\n${server}\n}\n}\n`;
  },
  haproxy: (l, version) => (c) =>
    generateConfig("haproxy", {
      ...checkOptions(l, version),
      fragment: false,
      listen: { host: "127.0.0.1", port: c.port },
    }),
  caddy: (l, version) => (c) =>
    `{\n    admin off\n    auto_https off\n}\nhttp://127.0.0.1:${c.port} {\n${generateConfig("caddy", checkOptions(l, version, c.accessLog))}\n}\n`,
};

/** The truestatus gateway's config (checkConfig input) for the check's routes. */
export function gatewayCheckConfig(l: CheckLayout): Record<string, unknown> {
  const r = routes(l);
  const timeouts = { connect: "1s", headers: `${RESPONSE_TIMEOUT_MS}ms` };
  return {
    upstreams: {
      refused: { targets: [r.refused.upstream] },
      tls: { targets: [r.tls.upstream] },
      faults: { targets: [r.main.upstream] },
    },
    routes: [
      { path: r.refused.path, upstream: "refused", timeouts },
      { path: r.tls.path, upstream: "tls", timeouts },
      { path: "/", upstream: "faults", timeouts },
    ],
  };
}
