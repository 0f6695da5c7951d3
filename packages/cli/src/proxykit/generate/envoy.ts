/**
 * Envoy (a static bootstrap, API v3): Envoy sends RFC 9209 Proxy-Status itself when asked
 * (HttpConnectionManager.proxy_status_config), naming the error type from its response flags.
 * Local replies are rewritten by response flag (local_reply_config mappers) to the status the
 * library decides for that error type (Envoy answers 503 for a refused or reset connection), with
 * its problem+json body; `set_recommended_response_code` gives the same statuses, so the order in
 * which Envoy applies the two does not matter. An upstream 5xx gets received-status from a small
 * Lua filter (a local reply carries no x-envoy-upstream-service-time; an upstream answer does).
 *
 * Generated, not run here: Envoy is not in Debian. The tests validate the output against Envoy's
 * published API (its protobuf definitions, field by field).
 */

import type { ProxyErrorType } from "truestatus";
import { stringify } from "yaml";
import { CHECK_PREFIX, checkRoutes } from "../layout.js";
import {
  answerFor,
  type GenerateOptions,
  headerComment,
  hostPort,
  type OwnAnswer,
  rateLimitAnswer,
  receivedStatusValue,
} from "./model.js";

/** Envoy response flags → the error type Envoy's Proxy-Status names (stream_info/utility.cc). */
export const ENVOY_FLAGS: readonly {
  readonly flags: readonly string[];
  readonly error: ProxyErrorType;
}[] = [
  { flags: ["UF"], error: "connection_refused" },
  { flags: ["UC", "UR"], error: "connection_terminated" },
  { flags: ["UT"], error: "http_response_timeout" },
  { flags: ["UH", "URX"], error: "destination_unavailable" },
  { flags: ["UO"], error: "connection_limit_reached" },
  { flags: ["UPE"], error: "http_protocol_error" },
  { flags: ["NR"], error: "destination_not_found" },
];

const V = "truestatus";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function seconds(ms: number): string {
  return `${ms / 1000}s`;
}

function problemJsonFormat(a: OwnAnswer): Json {
  return {
    json_format: JSON.parse(a.body) as Json,
    content_type: "application/problem+json",
  };
}

function headersToAdd(a: OwnAnswer): Json[] {
  return Object.entries(a.headers).map(([key, value]) => ({
    header: { key, value },
    append_action: "OVERWRITE_IF_EXISTS_OR_ADD",
  }));
}

function cluster(name: string, url: URL, connectTimeoutMs: number): Json {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const port = Number(hostPort(url).split(":").at(-1));
  const isIp = /^[0-9.]+$/.test(host) || host.includes(":");
  const c: Record<string, Json> = {
    name,
    type: isIp ? "STATIC" : "STRICT_DNS",
    connect_timeout: seconds(connectTimeoutMs),
    load_assignment: {
      cluster_name: name,
      endpoints: [
        {
          lb_endpoints: [
            { endpoint: { address: { socket_address: { address: host, port_value: port } } } },
          ],
        },
      ],
    },
  };
  if (url.protocol === "https:") {
    c.transport_socket = {
      name: "envoy.transport_sockets.tls",
      typed_config: {
        "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
        ...(isIp ? {} : { sni: host }),
        common_tls_context: {
          validation_context: {
            trusted_ca: { filename: "/etc/ssl/certs/ca-certificates.crt" },
            ...(isIp
              ? {}
              : { match_typed_subject_alt_names: [{ san_type: "DNS", matcher: { exact: host } }] }),
          },
        },
      },
    };
  }
  return c;
}

function luaReceivedStatus(o: GenerateOptions): string {
  const [before, after] = receivedStatusValue(o.name, "__S__").split("__S__");
  return [
    "function envoy_on_response(handle)",
    '  local status = tonumber(handle:headers():get(":status"))',
    '  if status ~= nil and status >= 500 and handle:headers():get("x-envoy-upstream-service-time") ~= nil then',
    `    handle:headers():add("proxy-status", ${JSON.stringify(before)} .. status .. ${JSON.stringify(after ?? "")})`,
    "  end",
    "end",
    "",
  ].join("\n");
}

export function envoyConfig(o: GenerateOptions): Json {
  const routes: Json[] = [];
  const clusters: Json[] = [cluster(`${V}_upstream`, o.upstream, o.connectTimeoutMs)];
  const route = (cluster: string) => ({ cluster, timeout: seconds(o.headersTimeoutMs) });
  if (o.checkRoutes !== undefined) {
    const [refused, tls] = checkRoutes({
      host: o.upstream.hostname.replace(/^\[|\]$/g, ""),
      port: Number(hostPort(o.upstream).split(":").at(-1)),
      refusedPort: o.checkRoutes.refusedPort,
    });
    routes.push(
      { match: { path: refused!.path }, route: route(`${V}_check_refused`) },
      { match: { path: tls!.path }, route: route(`${V}_check_tls`) },
    );
    clusters.push(
      cluster(`${V}_check_refused`, new URL(refused!.upstream), o.connectTimeoutMs),
      cluster(`${V}_check_tls`, new URL(tls!.upstream), o.connectTimeoutMs),
    );
  }
  const path = o.upstream.pathname === "/" ? undefined : o.upstream.pathname.replace(/\/$/, "");
  routes.push({
    match: { prefix: "/" },
    route: {
      ...route(`${V}_upstream`),
      ...(path !== undefined ? { prefix_rewrite: `${path}/` } : {}),
    },
  });
  const mappers: Json[] = ENVOY_FLAGS.map(({ flags, error }) => {
    const a = answerFor(error, o);
    return {
      filter: { response_flag_filter: { flags: [...flags] } },
      status_code: a.status,
      ...(Object.keys(a.headers).length > 0 ? { headers_to_add: headersToAdd(a) } : {}),
      body_format_override: problemJsonFormat(a),
    };
  });
  const httpFilters: Json[] = [];
  if (o.rateLimit !== undefined) {
    const r = o.rateLimit;
    const a = rateLimitAnswer(r, o);
    mappers.push({
      filter: { response_flag_filter: { flags: ["RL"] } },
      status_code: 429,
      body_format_override: problemJsonFormat(a),
    });
    httpFilters.push({
      name: "envoy.filters.http.local_ratelimit",
      typed_config: {
        "@type":
          "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit",
        stat_prefix: `${V}_rate_limit`,
        token_bucket: {
          max_tokens: r.limit,
          tokens_per_fill: r.limit,
          fill_interval: `${r.window}s`,
        },
        filter_enabled: { default_value: { numerator: 100, denominator: "HUNDRED" } },
        filter_enforced: { default_value: { numerator: 100, denominator: "HUNDRED" } },
        response_headers_to_add: headersToAdd(a),
      },
    });
  }
  httpFilters.push(
    {
      name: "envoy.filters.http.lua",
      typed_config: {
        "@type": "type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua",
        default_source_code: { inline_string: luaReceivedStatus(o) },
      },
    },
    {
      name: "envoy.filters.http.router",
      typed_config: {
        "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router",
      },
    },
  );
  const accessLogPath =
    o.accessLog === undefined || o.accessLog === "-" ? "/dev/stdout" : o.accessLog;
  const hcm: Record<string, Json> = {
    "@type":
      "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
    stat_prefix: V,
    proxy_status_config: {
      literal_proxy_name: o.name,
      remove_details: true,
      remove_connection_termination_details: true,
      remove_response_flags: true,
      set_recommended_response_code: true,
    },
    // No format given: Envoy's default format, which `truestatus analyze` reads without flags.
    access_log: [
      {
        name: "envoy.access_loggers.file",
        typed_config: {
          "@type": "type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog",
          path: accessLogPath,
        },
      },
    ],
    local_reply_config: { mappers },
    route_config: {
      name: `${V}_routes`,
      virtual_hosts: [{ name: `${V}_all`, domains: ["*"], routes }],
    },
    http_filters: httpFilters,
  };
  return {
    static_resources: {
      listeners: [
        {
          name: `${V}_edge`,
          address: {
            socket_address: { address: o.listen.host ?? "0.0.0.0", port_value: o.listen.port },
          },
          filter_chains: [
            {
              filters: [
                { name: "envoy.filters.network.http_connection_manager", typed_config: hcm },
              ],
            },
          ],
        },
      ],
      clusters,
    },
  };
}

export function generateEnvoy(o: GenerateOptions): string {
  const head = headerComment(o, "envoy");
  const config = envoyConfig(o) as { static_resources: { listeners: Json[] } };
  if (o.fragment) {
    const listener = config.static_resources.listeners[0] as {
      filter_chains: { filters: { typed_config: Json }[] }[];
    };
    return `${head}
#
# Fragment: the typed_config of your listener's envoy.filters.network.http_connection_manager.
# Generated, not run here: validated against Envoy's API definitions (see docs/proxies/envoy.md).

${stringify(listener.filter_chains[0]!.filters[0]!.typed_config, { lineWidth: 0 })}`;
  }
  return `${head}
#
# A static bootstrap: envoy -c this.yaml. Generated, not run here: validated against Envoy's API
# definitions (see docs/proxies/envoy.md). Routes to ${CHECK_PREFIX}... exist only with --check-routes.

${stringify(config, { lineWidth: 0 })}`;
}
