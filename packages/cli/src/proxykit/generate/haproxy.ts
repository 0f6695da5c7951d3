/**
 * HAProxy: its own errors come from `http-error` (the body, built when the error is) and are
 * corrected by `http-after-response` (status, Proxy-Status), the one rule set that runs on
 * HAProxy-generated answers. HAProxy answers 503 for every connection failure (src/http_ana.c
 * http_return_srv_error: refused, connect timeout, TLS handshake, no server), so:
 *
 * - no usable server: nbsrv() of the backend is 0 → 503 destination_unavailable + Retry-After;
 * - a connect timeout takes at least (retries + 1) × timeout connect, a refused connection
 *   about retries × min(timeout connect, 1 s) (the turn-around between retries): the time since
 *   the request tells them apart (the threshold sits halfway) → 504 connection_timeout;
 * - otherwise a refused connection (502 connection_refused), or a TLS handshake that failed:
 *   bc_err names SSL errors, ssl_bc_err_str the OpenSSL reason → tls_certificate_error for a
 *   certificate that did not verify, else tls_protocol_error.
 *
 * HAProxy's 502 (reset or invalid answer before the header section) is one 502 up to 2.8; from
 * 2.9, txn.sess_term_state (SH: the server closed, PH: HAProxy refused what it sent) names it.
 * Its 504 is a server timeout before the headers (sH): http_response_timeout.
 */
import type { ProxyErrorType } from "truestatus";
import { CHECK_PREFIX, checkRoutes } from "../layout.js";
import {
  answerFor,
  duration,
  type GenerateOptions,
  headerComment,
  hostPort,
  internalAnswer,
  type OwnAnswer,
  rateLimitAnswer,
  receivedStatusValue,
  unnamedAnswer,
} from "./model.js";

/** Retries of a failed connection, and the turn-around HAProxy waits between them (≤ 1 s). */
export const HAPROXY_RETRIES = 1;

const V = "truestatus";
const OWN = `x-${V}-own`;

/** A string inside a double-quoted HAProxy word: `\` and `"` escaped; `%` is log-format syntax. */
function word(s: string): string {
  return s.replaceAll("\\", "\\\\").replaceAll('"', '\\"');
}

/** Text for a log-format string (lf-string, hdr): `%` doubled so it stays literal. */
function lf(s: string): string {
  return word(s).replaceAll("%", "%%");
}

/** True when the version has txn.sess_term_state (2.9+). */
export function hasTermState(version: string): boolean {
  const [major, minor] = version.split(".").map(Number) as [number, number];
  return major > 2 || (major === 2 && minor >= 9);
}

/**
 * A problem+json body chosen at error time among variants, one `%[cond,iif(...)]` per field
 * value that differs: HAProxy has no if/else, but exclusive conditions concatenate to one value.
 */
function variantBody(variants: readonly { cond: string; answer: OwnAnswer }[]): string {
  const objects = variants.map((v) => JSON.parse(v.answer.body) as Record<string, unknown>);
  const keys = Object.keys(objects[0]!);
  const parts: string[] = [];
  for (const key of keys) {
    const values = objects.map((o) => o[key]);
    const same = values.every((v) => JSON.stringify(v) === JSON.stringify(values[0]));
    let text: string;
    if (same) text = lf(JSON.stringify(values[0]));
    else {
      const quoted = typeof values[0] === "string";
      const inner = variants
        .map((v, i) => {
          const raw = JSON.stringify(values[i]);
          const value = quoted ? raw.slice(1, -1) : raw;
          // The iif argument is a quoted string of the sample expression, itself in a quoted word.
          return `%[${v.cond},iif(\\"${word(word(value))}\\",\\"\\")]`;
        })
        .join("");
      text = quoted ? `\\"${inner}\\"` : inner;
    }
    parts.push(`${lf(JSON.stringify(key))}:${text}`);
  }
  return `{${parts.join(",")}}`;
}

interface BackendSpec {
  readonly name: string;
  readonly server: string;
}

function backend(o: GenerateOptions, spec: BackendSpec): string {
  const be = spec.name;
  const c = o.connectTimeoutMs;
  const turnaround = Math.min(c, 1000);
  // Halfway between a refused connection's time and a connect timeout's.
  const threshold = Math.round((HAPROXY_RETRIES * turnaround + (HAPROXY_RETRIES + 1) * c) / 2);
  const elapsed = `date(0,ms),sub(txn.${V}_t0),div(${threshold}),bool`;
  const noServer = `nbsrv(${be}),bool,not`;
  const timedOut = `${elapsed},and(txn.${V}_up)`;
  const refused = `${elapsed},not,and(txn.${V}_up)`;
  const a = (e: ProxyErrorType) => answerFor(e, o);
  const unavailable = a("destination_unavailable");
  const timeout = a("connection_timeout");
  const connectFailed = a("connection_refused");
  const own502 = unnamedAnswer(502, o);
  const own504 = a("http_response_timeout");
  // HAProxy's own 500 (an internal error): marked too, so that it never looks like the upstream's.
  const own500 = internalAnswer(o);
  const body503 = variantBody([
    { cond: noServer, answer: unavailable },
    { cond: timedOut, answer: timeout },
    { cond: refused, answer: connectFailed },
  ]);
  const ps = (answer: OwnAnswer) => `"${lf(answer.proxyStatus)}"`;
  const lines = [
    `backend ${be}`,
    `    server ${spec.server}`,
    `    # When the request left, and whether a server was usable (for HAProxy's own 503).`,
    `    http-request set-var(txn.${V}_t0) date(0,ms)`,
    `    http-request set-var(txn.${V}_up) nbsrv(${be}),bool`,
    "",
    `    # HAProxy's own errors: problem+json bodies; the 503 one is written for what happened.`,
    `    http-error status 503 content-type application/problem+json hdr ${OWN} 503 lf-string "${body503}"`,
    `    http-error status 502 content-type application/problem+json hdr ${OWN} 502 lf-string "${lf(own502.body)}"`,
    `    http-error status 504 content-type application/problem+json hdr ${OWN} 504 lf-string "${lf(own504.body)}"`,
    `    http-error status 500 content-type application/problem+json hdr ${OWN} 500 lf-string "${lf(own500.body)}"`,
    "",
    "    # ... their status and Proxy-Status (http-after-response is what runs on them).",
    `    http-after-response set-var(txn.${V}_own) res.hdr(${OWN})`,
    `    acl ${V}_own503 var(txn.${V}_own) -m str 503`,
    `    acl ${V}_own502 var(txn.${V}_own) -m str 502`,
    `    acl ${V}_own504 var(txn.${V}_own) -m str 504`,
    `    acl ${V}_own500 var(txn.${V}_own) -m str 500`,
    `    acl ${V}_nosrv nbsrv(${be}) eq 0`,
    `    acl ${V}_slow ${elapsed} -m bool`,
    "    acl truestatus_tls bc_err ge 24",
    '    acl truestatus_cert ssl_bc_err_str -m sub "certificate verify failed"',
    `    http-after-response del-header ${OWN}`,
    `    http-after-response set-status 504 if ${V}_own503 !${V}_nosrv ${V}_slow`,
    `    http-after-response set-status 502 if ${V}_own503 !${V}_nosrv !${V}_slow`,
    `    http-after-response set-header Proxy-Status ${ps(unavailable)} if ${V}_own503 ${V}_nosrv`,
    `    http-after-response set-header Retry-After ${unavailable.headers["retry-after"]} if ${V}_own503 ${V}_nosrv`,
    `    http-after-response set-header Proxy-Status ${ps(timeout)} if ${V}_own503 !${V}_nosrv ${V}_slow`,
    `    http-after-response set-header Proxy-Status ${ps(a("tls_certificate_error"))} if ${V}_own503 !${V}_nosrv !${V}_slow ${V}_tls ${V}_cert`,
    `    http-after-response set-header Proxy-Status ${ps(a("tls_protocol_error"))} if ${V}_own503 !${V}_nosrv !${V}_slow ${V}_tls !${V}_cert`,
    `    http-after-response set-header Proxy-Status ${ps(connectFailed)} if ${V}_own503 !${V}_nosrv !${V}_slow !${V}_tls`,
    `    http-after-response set-header Proxy-Status ${ps(own504)} if ${V}_own504`,
    `    http-after-response set-header Proxy-Status ${ps(own500)} if ${V}_own500`,
  ];
  if (hasTermState(o.version)) {
    lines.push(
      `    http-after-response set-header Proxy-Status ${ps(a("connection_terminated"))} if ${V}_own502 { txn.sess_term_state -m beg SH }`,
      `    http-after-response set-header Proxy-Status ${ps(a("http_protocol_error"))} if ${V}_own502 { txn.sess_term_state -m beg PH }`,
      `    http-after-response set-header Proxy-Status ${ps(own502)} if ${V}_own502 !{ txn.sess_term_state -m beg SH } !{ txn.sess_term_state -m beg PH }`,
    );
  } else {
    lines.push(
      `    # Before 2.9 a reset and an invalid answer are one 502: no error type (docs/proxies/haproxy.md).`,
      `    http-after-response set-header Proxy-Status ${ps(own502)} if ${V}_own502`,
    );
  }
  lines.push(
    "",
    "    # An upstream 5xx passes through with this hop's Proxy-Status received-status.",
    `    http-after-response add-header Proxy-Status "${lf(receivedStatusValue(o.name, "__S__")).replace("__S__", "%[status]")}" if !{ var(txn.${V}_own) -m found } { status ge 500 }`,
  );
  return lines.join("\n");
}

function serverLine(name: string, url: URL): string {
  const tls = url.protocol === "https:";
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const sni = /^[0-9.]+$/.test(host) || host.includes(":") ? "" : ` sni str(${host})`;
  return `${name} ${hostPort(url)}${tls ? ` ssl verify required ca-file @system-ca${sni}` : ""}`;
}

export function generateHaproxy(o: GenerateOptions): string {
  const head = headerComment(o, "haproxy");
  const listen = `${o.listen.host ?? ""}:${o.listen.port}`;
  const routes: string[] = [];
  const backends: string[] = [];
  if (o.checkRoutes !== undefined) {
    const [refused, tls] = checkRoutes({
      host: o.upstream.hostname.replace(/^\[|\]$/g, ""),
      port: Number(hostPort(o.upstream).split(":").at(-1)),
      refusedPort: o.checkRoutes.refusedPort,
    });
    routes.push(
      `    # The conformance check's routes (truestatus proxy-check): ${CHECK_PREFIX}refused to a port where`,
      "    # nothing listens, the TLS route to the fault upstream with certificate verification.",
      `    use_backend ${V}_check_refused if { path ${refused!.path} }`,
      `    use_backend ${V}_check_tls if { path ${tls!.path} }`,
    );
    backends.push(
      backend(o, {
        name: `${V}_check_refused`,
        server: serverLine("refused", new URL(refused!.upstream)),
      }),
      backend(o, { name: `${V}_check_tls`, server: serverLine("tls", new URL(tls!.upstream)) }),
    );
  }
  backends.unshift(backend(o, { name: `${V}_upstream`, server: serverLine("app", o.upstream) }));
  const limit: string[] = [];
  if (o.rateLimit !== undefined) {
    const r = o.rateLimit;
    const a = rateLimitAnswer(r, o);
    const hdrs = Object.entries(a.headers)
      .map(([k, v]) => ` hdr ${k} "${lf(v)}"`)
      .join("");
    limit.push(
      `    # Rate limit: ${r.limit} requests per ${r.window} s per client address, answered 429.`,
      `    stick-table type ip size 100k expire ${r.window}s store http_req_rate(${r.window}s)`,
      "    http-request track-sc0 src",
      `    http-request deny deny_status 429 content-type application/problem+json${hdrs} lf-string "${lf(a.body)}" if { sc_http_req_rate(0) gt ${r.limit} }`,
    );
  }
  const frontend = [
    `frontend ${V}_edge`,
    `    bind ${listen}`,
    ...limit,
    ...routes,
    `    default_backend ${V}_upstream`,
  ].join("\n");
  const log = o.accessLog === undefined || o.accessLog === "-" ? "stdout format raw" : o.accessLog;
  const defaults = [
    "defaults",
    "    mode http",
    "    log global",
    "    # httplog: `truestatus analyze` reads it without flags (termination state, timers).",
    "    option httplog",
    "    option dontlognull",
    `    timeout connect ${duration(o.connectTimeoutMs)}`,
    "    timeout client 30s",
    `    timeout server ${duration(o.headersTimeoutMs)}`,
    `    retries ${HAPROXY_RETRIES}`,
  ].join("\n");
  if (o.fragment)
    return `${head}
#
# Fragment: the frontend lines go in your frontend (or listen) section; the backends as they are.
# Your defaults need: mode http, option httplog, timeout connect ${duration(o.connectTimeoutMs)},
# retries ${HAPROXY_RETRIES} (the 503 split depends on them).

${frontend}

${backends.join("\n\n")}
`;
  return `${head}

global
    log ${log} local0

${defaults}

${frontend}

${backends.join("\n\n")}
`;
}
