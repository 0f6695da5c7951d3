/**
 * nginx: maps over what nginx records of the last upstream attempt decide the error type of
 * nginx's own 502/504 answers (ngx_http_upstream.c: FT_TIMEOUT → 504, every other failure, "no
 * live upstreams" included, → 502). An `error_page` sends those to a named location that answers
 * the status, Proxy-Status and problem+json body the library decides. With proxy_intercept_errors
 * off (the default), error_page sees only nginx's own errors: the upstream's pass through, a 5xx
 * with Proxy-Status received-status.
 *
 * What tells the failures apart (last attempt):
 * - $upstream_addr without a port: the upstream group's name, "no live upstreams" → 503;
 * - $upstream_connect_time "-": the connection (or the TLS handshake) never completed;
 * - $upstream_bytes_received 0: nothing came back before the connection closed (a reset);
 *   more: something came that was not a valid header section.
 * nginx cannot tell a refused connection from a failed TLS handshake (both leave connect_time
 * "-" and nothing received), so behind a TLS upstream that answer carries no error type.
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
  rateLimitAnswer,
  receivedStatusValue,
  unnamedAnswer,
} from "./model.js";

/** nginx single-quoted string: `\` and `'` escaped; a `$` would start a variable, so none allowed. */
export function nginxString(s: string): string {
  if (s.includes("$")) throw new Error(`nginx string cannot hold "$": ${s}`);
  return `'${s.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
}

/** The map key's rows: last status | connect time | bytes received | address | TLS, in order. */
interface Row {
  readonly key: string;
  readonly answer: OwnAnswer;
  readonly why: string;
}

/** Which failures the nginx map names, in the order the regexes are tried. */
function rows(o: GenerateOptions): Row[] {
  const named = (error: ProxyErrorType) => answerFor(error, o);
  return [
    {
      key: "~^\\|",
      answer: named("dns_error"),
      why: "no attempt recorded: the name did not resolve (runtime resolver)",
    },
    {
      key: "~^502\\|[^|]*\\|[^|]*\\|[^:|]*\\|",
      answer: named("destination_unavailable"),
      why: "the address is the group's name: no live upstreams",
    },
    {
      key: "~^504\\|-\\|",
      answer: named("connection_timeout"),
      why: "timed out before the connection (or TLS handshake) completed",
    },
    {
      key: "~^504\\|",
      answer: named("http_response_timeout"),
      why: "connected, timed out waiting for the response",
    },
    {
      key: "~^502\\|-\\|[^|]*\\|[^|]*\\|1$",
      answer: unnamedAnswer(502, o),
      why: "TLS upstream, never connected: refused or TLS handshake failed (nginx cannot tell)",
    },
    {
      key: "~^502\\|-\\|",
      answer: named("connection_refused"),
      why: "never connected: refused (or unreachable)",
    },
    {
      key: "~^502\\|[^|]*\\|0\\|",
      answer: named("connection_terminated"),
      why: "connected, the connection closed before any byte of the response",
    },
    {
      key: "~^502\\|",
      answer: named("http_protocol_error"),
      why: "connected, bytes came back that were not a valid header section",
    },
  ];
}

const V = "truestatus";

function lastOf(variable: string, name: string): string {
  // The last attempt: values are ", "-separated (retries) and " : "-separated (internal redirects).
  return `map $${variable} $${V}_${name} { "~(?<v>[^ ,]+)$" $v; default ""; }`;
}

function indent(text: string, by: string): string {
  return text
    .split("\n")
    .map((l) => (l === "" ? l : by + l))
    .join("\n");
}

function httpPart(o: GenerateOptions): string {
  const r = rows(o);
  const fallback = unnamedAnswer(502, o);
  const key = (row: Row) => `    ${JSON.stringify(row.key)}`;
  const mapOf = (name: string, pick: (a: OwnAnswer) => string, def: string) =>
    [
      `map $${V}_error $${V}_${name} {`,
      ...r.map((row) => `    ${row.answer.error ?? "unnamed"} ${pick(row.answer)};`),
      `    default ${def};`,
      "}",
    ]
      .filter((line, i, all) => all.indexOf(line) === i)
      .join("\n");
  const retryAfter = (a: OwnAnswer) => (a.headers["retry-after"] ?? "") || '""';
  const parts = [
    "# What nginx recorded of the last upstream attempt (retries are ', '-separated).",
    lastOf("upstream_status", "u_status"),
    lastOf("upstream_connect_time", "u_connect"),
    lastOf("upstream_bytes_received", "u_received"),
    lastOf("upstream_addr", "u_addr"),
    "",
    "# nginx's own failure → RFC 9209 error type (first matching row wins).",
    `map "$${V}_u_status|$${V}_u_connect|$${V}_u_received|$${V}_u_addr|$${V}_tls" $${V}_error {`,
    ...r.map((row) => `${key(row)} ${row.answer.error ?? "unnamed"}; # ${row.why}`),
    "    default unnamed;",
    "}",
    mapOf("status", (a) => String(a.status), "502"),
    mapOf("proxy_status", (a) => nginxString(a.proxyStatus), nginxString(fallback.proxyStatus)),
    mapOf("body", (a) => nginxString(a.body), nginxString(fallback.body)),
    mapOf("retry_after", retryAfter, '""'),
    "",
    "# An upstream 5xx passes through with this hop's Proxy-Status received-status; an answer is",
    "# the upstream's when its header time is known (nginx's own 500 is not marked so).",
    lastOf("upstream_header_time", "u_header"),
    `map "$status|$${V}_u_header" $${V}_received { ${JSON.stringify("~^5[0-9][0-9]\\|[0-9]")} ${nginxString(receivedStatusValue(o.name, "__STATUS__")).replace("__STATUS__", "$status")}; default ""; }`,
    "",
    "# Access log that `truestatus analyze` reads without flags (NDJSON), with the upstream facts.",
    `log_format ${V} escape=json '{"time":"$time_iso8601","method":"$request_method","request_uri":"$request_uri","host":"$host","status":"$status","body_bytes_sent":"$body_bytes_sent","request_time":"$request_time","upstream_status":"$upstream_status","upstream_addr":"$upstream_addr","upstream_connect_time":"$upstream_connect_time","upstream_header_time":"$upstream_header_time","upstream_response_time":"$upstream_response_time","upstream_bytes_received":"$upstream_bytes_received","proxy_status":"$sent_http_proxy_status","retry_after":"$sent_http_retry_after"}';`,
    "",
    `upstream ${V}_upstream {`,
    `    server ${hostPort(o.upstream)};`,
    "    keepalive 32;",
    "}",
  ];
  if (o.rateLimit !== undefined) {
    const perMinute = (o.rateLimit.limit * 60) / o.rateLimit.window;
    parts.push(
      "",
      `# Rate limit: ${o.rateLimit.limit} requests per ${o.rateLimit.window} s per client address.`,
      `limit_req_zone $binary_remote_addr zone=${V}_rl:10m rate=${perMinute}r/m;`,
    );
  }
  return parts.join("\n");
}

function proxyLocation(
  o: GenerateOptions,
  match: string,
  target: string,
  tls: boolean,
  sni: string | undefined,
): string {
  const lines = [
    `location ${match} {`,
    `    proxy_pass ${target};`,
    "    proxy_http_version 1.1;",
    '    proxy_set_header Connection "";',
    `    proxy_connect_timeout ${duration(o.connectTimeoutMs)};`,
    `    proxy_read_timeout ${duration(o.headersTimeoutMs)};`,
    `    proxy_send_timeout ${duration(o.headersTimeoutMs)};`,
    "    # off (the default): error_page sees nginx's own errors only; the upstream's pass through.",
    "    proxy_intercept_errors off;",
    `    add_header Proxy-Status $${V}_received always;`,
    `    error_page 502 504 = @${V}_${tls ? "tls" : "plain"};`,
  ];
  if (tls) {
    lines.push(
      "    proxy_ssl_verify on;",
      "    proxy_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;",
      "    proxy_ssl_server_name on;",
    );
    if (sni !== undefined) lines.push(`    proxy_ssl_name ${sni};`);
  }
  if (o.rateLimit !== undefined) {
    lines.push(
      `    limit_req zone=${V}_rl burst=${o.rateLimit.limit} nodelay;`,
      "    limit_req_status 429;",
      `    error_page 429 = @${V}_429;`,
    );
  }
  lines.push("}");
  return lines.join("\n");
}

function namedLocation(tls: boolean): string {
  return [
    `location @${V}_${tls ? "tls" : "plain"} {`,
    `    set $${V}_tls ${tls ? 1 : 0};`,
    "    default_type application/problem+json;",
    `    add_header Proxy-Status $${V}_proxy_status always;`,
    `    add_header Retry-After $${V}_retry_after always;`,
    `    if ($${V}_status = 503) { return 503 $${V}_body; }`,
    `    if ($${V}_status = 504) { return 504 $${V}_body; }`,
    `    return 502 $${V}_body;`,
    "}",
  ].join("\n");
}

function serverPart(o: GenerateOptions): string {
  const up = o.upstream;
  const tls = up.protocol === "https:";
  const parts: string[] = [];
  if (o.accessLog !== undefined)
    parts.push(`access_log ${o.accessLog === "-" ? "/dev/stdout" : o.accessLog} ${V};`, "");
  if (o.checkRoutes !== undefined) {
    parts.push(
      `# The conformance check's routes (truestatus proxy-check): ${CHECK_PREFIX}refused to a port where nothing`,
      "# listens, the TLS route to the fault upstream with certificate verification.",
    );
    const [refused, tlsRoute] = checkRoutes({
      host: up.hostname.replace(/^\[|\]$/g, ""),
      port: Number(hostPort(up).split(":").at(-1)),
      refusedPort: o.checkRoutes.refusedPort,
    });
    parts.push(
      proxyLocation(o, `= ${refused!.path}`, refused!.upstream, false, undefined),
      proxyLocation(o, `= ${tlsRoute!.path}`, tlsRoute!.upstream, true, undefined),
      "",
    );
  }
  const path = up.pathname === "/" ? "" : up.pathname.replace(/\/$/, "");
  parts.push(
    proxyLocation(
      o,
      "/",
      `${tls ? "https" : "http"}://${V}_upstream${path}`,
      tls,
      tls ? up.hostname : undefined,
    ),
    "",
    "# nginx's own 502/504 (the upstream failed): status, Proxy-Status and body by what happened.",
    namedLocation(false),
    namedLocation(true),
  );
  if (o.rateLimit !== undefined) {
    const a = rateLimitAnswer(o.rateLimit, o);
    parts.push(
      "",
      "# The rate limiter's answer: 429 (limit_req answers 503 by default), Retry-After, RateLimit.",
      `location @${V}_429 {`,
      "    default_type application/problem+json;",
      ...Object.entries(a.headers).map(
        ([k, v]) => `    add_header ${headerName(k)} ${nginxString(v)} always;`,
      ),
      `    return 429 ${nginxString(a.body)};`,
      "}",
    );
  }
  return parts.join("\n");
}

function headerName(lower: string): string {
  if (lower === "ratelimit") return "RateLimit";
  if (lower === "ratelimit-policy") return "RateLimit-Policy";
  return lower.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase());
}

export function generateNginx(o: GenerateOptions): string {
  const head = headerComment(o, "nginx");
  const listen = `${o.listen.host !== undefined ? `${o.listen.host}:` : ""}${o.listen.port}`;
  if (o.fragment) {
    return `${head}
#
# Fragment: the first part goes in the http {} block, the second in your server {} block.

# ---- http {} ----
${httpPart(o)}

# ---- server {} ----
${serverPart(o)}
`;
  }
  return `${head}

worker_processes auto;
events { worker_connections 1024; }

http {
    server_tokens off;
${indent(httpPart(o), "    ")}

    server {
        listen ${listen};
${indent(serverPart(o), "        ")}
    }
}
`;
}
