/**
 * Caddy: `handle_errors` runs for Caddy's own errors only (an upstream's 5xx is a response, not
 * an error), and `{http.error.message}` holds the Go error the proxy met. A `map` over that text
 * names the failure (RFC 9209 error type and status: Caddy 2.6 answers 502 for a dial timeout,
 * which is a 504), a second map gives the Proxy-Status and problem+json body the library decides.
 * Upstream 5xx pass through a `handle_response` that adds Proxy-Status received-status and copies
 * the response (status, fields, body) as it came.
 *
 * The error text is Go's (net, crypto/x509, net/http), not an API: the patterns below are those
 * of Go 1.19 to 1.23 (Caddy 2.6 to 2.9); an unknown text gets the status Caddy chose and
 * Proxy-Status without an error type.
 */
import type { ProxyErrorType } from "truestatus";
import { CHECK_PREFIX, checkRoutes } from "../layout.js";
import {
  answerFor,
  duration,
  type GenerateOptions,
  headerComment,
  hostPort,
  type OwnAnswer,
  receivedStatusValue,
  unnamedAnswer,
} from "./model.js";

/** Go error text → failure, first match wins (RE2 syntax). */
export const CADDY_MESSAGES: readonly {
  readonly pattern: string;
  readonly error: ProxyErrorType;
}[] = [
  { pattern: "no upstreams available", error: "destination_unavailable" },
  { pattern: "x509: |certificate", error: "tls_certificate_error" },
  { pattern: "tls: ", error: "tls_protocol_error" },
  { pattern: "no such host|server misbehaving", error: "dns_error" },
  { pattern: "^dial tcp .*(i/o timeout|deadline exceeded)", error: "connection_timeout" },
  { pattern: "connection refused", error: "connection_refused" },
  { pattern: "no route to host|network is unreachable", error: "destination_ip_unroutable" },
  { pattern: "timeout awaiting response headers", error: "http_response_timeout" },
  { pattern: "i/o timeout|deadline exceeded", error: "connection_read_timeout" },
  {
    pattern: "malformed|invalid|too long|bad|unsupported transfer encoding",
    error: "http_protocol_error",
  },
  {
    pattern: "connection reset by peer|broken pipe|EOF|server closed",
    error: "connection_terminated",
  },
];

const V = "truestatus";

/** A Caddyfile token: backquoted, braces escaped (they would be placeholders). */
function token(s: string): string {
  if (s.includes("`")) throw new Error(`Caddyfile token cannot hold a backquote: ${s}`);
  return `\`${s.replaceAll("{", "\\{").replaceAll("}", "\\}")}\``;
}

function indent(text: string, by: string): string {
  return text
    .split("\n")
    .map((l) => (l === "" ? l : by + l))
    .join("\n");
}

function reverseProxy(o: GenerateOptions, target: string): string {
  const lines = [
    `reverse_proxy ${target} {`,
    "    transport http {",
    `        dial_timeout ${duration(o.connectTimeoutMs)}`,
    `        response_header_timeout ${duration(o.headersTimeoutMs)}`,
  ];
  const url = new URL(target);
  if (url.protocol === "https:" && !/^[0-9.[\]:]+$/.test(url.hostname))
    lines.push(`        tls_server_name ${url.hostname}`);
  lines.push(
    "    }",
    "    # An upstream 5xx passes through (status, fields, body) with Proxy-Status received-status.",
    `    @${V}_5xx status 5xx`,
    `    handle_response @${V}_5xx {`,
    `        header +Proxy-Status ${token(receivedStatusValue(o.name, "__S__")).replace("__S__", "{http.reverse_proxy.status_code}")}`,
    "        copy_response",
    "    }",
    "}",
  );
  return lines.join("\n");
}

function errors(o: GenerateOptions): string {
  const named = new Map<string, OwnAnswer>();
  for (const m of CADDY_MESSAGES) named.set(m.error, answerFor(m.error, o));
  const unnamed = ([502, 503, 504] as const).map((s) => [s, unnamedAnswer(s, o)] as const);
  const retryAfter = answerFor("destination_unavailable", o).headers["retry-after"];
  const rows: string[] = [];
  for (const m of CADDY_MESSAGES)
    rows.push(
      `            ${JSON.stringify(`~${m.pattern}`)} ${m.error} ${named.get(m.error)!.status}`,
    );
  const answers: string[] = [];
  for (const [error, a] of named)
    answers.push(`            ${error} ${token(a.proxyStatus)} ${token(a.body)}`);
  for (const [status, a] of unnamed)
    answers.push(`            unnamed_${status} ${token(a.proxyStatus)} ${token(a.body)}`);
  return [
    "# Caddy's own 502/503/504 (the upstream failed): status, Proxy-Status, problem+json body.",
    "handle_errors {",
    `    @${V}_gateway expression \`{http.error.status_code} in [502, 503, 504]\``,
    `    handle @${V}_gateway {`,
    `        map {http.error.message} {${V}_error} {${V}_status} {`,
    ...rows,
    `            default unnamed_{http.error.status_code} {http.error.status_code}`,
    "        }",
    `        map {${V}_error} {${V}_proxy_status} {${V}_body} {`,
    ...answers,
    "        }",
    `        @${V}_retry vars {${V}_status} 503`,
    `        header @${V}_retry Retry-After ${retryAfter}`,
    `        header Proxy-Status {${V}_proxy_status}`,
    "        header Content-Type application/problem+json",
    `        respond {${V}_body} {${V}_status}`,
    "    }",
    "}",
  ].join("\n");
}

function siteBody(o: GenerateOptions): string {
  const up = o.upstream;
  const main = `${up.protocol}//${hostPort(up)}`;
  const parts: string[] = [];
  const log =
    o.accessLog === "-"
      ? "output stdout"
      : `output file ${o.accessLog ?? "/var/log/caddy/truestatus-access.log"}`;
  parts.push(
    "# JSON access log (response fields included): `truestatus analyze` reads it without flags.",
    "log {",
    `    ${log}`,
    "    format json",
    "}",
    "",
  );
  if (o.checkRoutes !== undefined) {
    const [refused, tls] = checkRoutes({
      host: up.hostname.replace(/^\[|\]$/g, ""),
      port: Number(hostPort(up).split(":").at(-1)),
      refusedPort: o.checkRoutes.refusedPort,
    });
    parts.push(
      `# The conformance check's routes (truestatus proxy-check): ${CHECK_PREFIX}refused to a port where`,
      "# nothing listens, the TLS route to the fault upstream (Caddy verifies certificates).",
      `handle ${refused!.path} {`,
      indent(reverseProxy(o, refused!.upstream), "    "),
      "}",
      `handle ${tls!.path} {`,
      indent(reverseProxy(o, tls!.upstream), "    "),
      "}",
      "handle {",
      indent(reverseProxy(o, main), "    "),
      "}",
    );
  } else parts.push(reverseProxy(o, main));
  parts.push("", errors(o));
  return parts.join("\n");
}

/** Caddyfile indentation is tabs (`caddy fmt`). */
function tabs(text: string): string {
  return text.replace(/^(?: {4})+/gm, (m) => "\t".repeat(m.length / 4));
}

export function generateCaddy(o: GenerateOptions): string {
  return tabs(caddyText(o));
}

function caddyText(o: GenerateOptions): string {
  const head = headerComment(o, "caddy");
  if (o.fragment)
    return `${head}
#
# Fragment: the directives of one site block.

${siteBody(o)}
`;
  const address = `http://${o.listen.host ?? ""}:${o.listen.port}`;
  return `${head}

${address} {
${indent(siteBody(o), "    ")}
}
`;
}
