/**
 * `truestatus proxy-config nginx|haproxy|caddy|envoy --upstream URL`: prints a config (or a
 * fragment) whose answers to upstream failures are the library's. Thin: flags → generateConfig.
 */
import { type Command, InvalidArgumentError, Option } from "commander";
import type { RateLimit } from "../proxykit/generate/model.js";
import { EXIT, UsageError } from "./errors.js";
import { type Io, writeReport } from "./output.js";

interface ConfigFlags {
  readonly upstream?: string;
  readonly name: string;
  readonly listen: string;
  readonly output?: string;
  readonly fragment?: boolean;
  readonly version?: string;
  readonly connectTimeout: number;
  readonly headersTimeout: number;
  readonly retryAfter: number;
  readonly rateLimit?: RateLimit;
  readonly checkRoutes?: boolean;
  readonly refusedPort: number;
  readonly accessLog?: string;
}

const DURATION = /^(\d{1,7})(ms|s|m)?$/;

/** "250ms", "5s", "1m" or milliseconds → ms (1 ms to 1 h). */
export function parseMs(value: string): number {
  const m = DURATION.exec(value.trim());
  const ms =
    m === null ? Number.NaN : Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000 }[m[2] ?? "ms"] ?? 1);
  if (!Number.isInteger(ms) || ms < 1 || ms > 3_600_000)
    throw new InvalidArgumentError("expected a duration from 1ms to 1h, e.g. 500ms, 5s, 1m");
  return ms;
}

export function parsePort(value: string, min = 0): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65_535 || Number(value) < min)
    throw new InvalidArgumentError(`expected a port number from ${min} to 65535`);
  return Number(value);
}

/** "100/s", "600/m", "20/10s": limit per window, per client address. */
function parseRate(value: string): RateLimit {
  const m = /^(\d{1,6})\/(\d{1,5})?(s|m|h)$/.exec(value.trim());
  if (m === null)
    throw new InvalidArgumentError("expected requests per window, e.g. 100/s, 600/m, 20/10s");
  const window = Number(m[2] ?? 1) * { s: 1, m: 60, h: 3600 }[m[3] as "s" | "m" | "h"];
  const limit = Number(m[1]);
  if (limit < 1 || window < 1)
    throw new InvalidArgumentError("expected at least 1 request per window");
  if (!Number.isInteger((limit * 60) / window))
    throw new InvalidArgumentError("the rate must be a whole number of requests per minute");
  return { limit, window };
}

function parseSeconds(value: string): number {
  if (!/^\d{1,6}$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError("expected a whole number of seconds, at least 1");
  return Number(value);
}

export function registerProxyConfig(
  program: Command,
  io: Io,
  done: (code: number) => void,
  argv: readonly string[],
): void {
  program
    .command("proxy-config")
    .description(
      "print an nginx, HAProxy, Caddy or Envoy config whose answers to upstream failures tell the truth (502/503/504, Proxy-Status, problem+json)",
    )
    .argument("<proxy>", "nginx, haproxy, caddy or envoy")
    .option("--upstream <url>", "where the proxy forwards, e.g. http://127.0.0.1:3000 (required)")
    .option("--name <token>", "the proxy's name in Proxy-Status", "edge")
    .option("--listen <[host:]port>", "where the proxy listens", "8080")
    .option("-o, --output <file>", "write the config to a file instead of standard output")
    .option("--fragment", "only the parts to paste into an existing server / frontend / site")
    .option("--version <version>", "the proxy version to generate for (default: Debian 12's)")
    .addOption(
      new Option("--connect-timeout <duration>", "connect (and TLS handshake) timeout")
        .default(5000, "5s")
        .argParser(parseMs),
    )
    .addOption(
      new Option("--headers-timeout <duration>", "longest wait for the response's header section")
        .default(30_000, "30s")
        .argParser(parseMs),
    )
    .addOption(
      new Option(
        "--retry-after <seconds>",
        "Retry-After of the proxy's own 503 (no usable upstream)",
      )
        .default(5)
        .argParser(parseSeconds),
    )
    .addOption(
      new Option(
        "--rate-limit <rate>",
        "a rate limit per client address answered 429, e.g. 100/s",
      ).argParser(parseRate),
    )
    .option(
      "--check-routes",
      "add the routes `truestatus proxy-check` needs (a refused port, a TLS route)",
    )
    .addOption(
      new Option("--refused-port <n>", "the port of the check's refused route")
        .default(1)
        .argParser((v: string) => parsePort(v, 1)),
    )
    .option("--access-log <path>", 'where the access log goes ("-": standard output)')
    .addHelpText(
      "after",
      `
Examples:
  truestatus proxy-config nginx --upstream http://127.0.0.1:3000 -o /etc/nginx/conf.d/api.conf
  truestatus proxy-config haproxy --upstream https://api.internal:8443 --version 3.1 --rate-limit 100/s
  truestatus proxy-config caddy --upstream http://127.0.0.1:3000 --fragment
  truestatus proxy-config nginx --upstream http://127.0.0.1:9000 --check-routes   # for proxy-check

What each proxy can and cannot tell apart: docs/proxies/<proxy>.md.
Exit codes: 0 printed, 2 usage error (unknown proxy or version, bad URL).`,
    )
    .action(async (proxy: string, flags: ConfigFlags) => {
      const gen = await import("../proxykit/generate/index.js");
      const { isProxyKitError } = await import("../proxykit/errors.js");
      try {
        const kind = gen.proxyKind(proxy);
        if (flags.upstream === undefined)
          throw new UsageError(
            "--upstream: required (where the proxy forwards, e.g. http://127.0.0.1:3000)",
          );
        const upstream = gen.upstreamUrl(flags.upstream);
        const version = gen.proxyVersion(kind, flags.version);
        const name = gen.proxyName(flags.name);
        const listen = parseListen(flags.listen);
        const text = gen.generateConfig(kind, {
          upstream,
          name,
          listen,
          version,
          connectTimeoutMs: flags.connectTimeout,
          headersTimeoutMs: flags.headersTimeout,
          retryAfter: flags.retryAfter,
          ...(flags.rateLimit !== undefined ? { rateLimit: flags.rateLimit } : {}),
          fragment: flags.fragment === true,
          ...(flags.checkRoutes ? { checkRoutes: { refusedPort: flags.refusedPort } } : {}),
          ...(flags.accessLog !== undefined ? { accessLog: flags.accessLog } : {}),
          command: `truestatus ${argv.map(shellWord).join(" ")}`.slice(0, 400),
        });
        await writeReport(io, flags.output, text);
        done(EXIT.ok);
      } catch (e) {
        if (isProxyKitError(e)) throw new UsageError(e.message);
        throw e;
      }
    });
}

function parseListen(value: string): { host?: string; port: number } {
  const m = /^(?:(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):)?(\d{1,5})$/.exec(value.trim());
  if (m === null || Number(m[2]) > 65_535 || Number(m[2]) < 1)
    throw new UsageError(`--listen: "${value}" is not [host:]port (e.g. 8080, 127.0.0.1:8080)`);
  return m[1] === undefined ? { port: Number(m[2]) } : { host: m[1], port: Number(m[2]) };
}

/** An argument as a shell would need it, for the config's header comment (never a secret here). */
function shellWord(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are replaced
  const clean = s.replace(/[\u0000-\u001f\u007f]/g, "?");
  return /^[A-Za-z0-9_./:@=,+-]+$/.test(clean) ? clean : `'${clean.replaceAll("'", "'\\''")}'`;
}
