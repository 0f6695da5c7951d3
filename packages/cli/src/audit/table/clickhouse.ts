/**
 * A ClickHouse server over HTTP (@clickhouse/client, an optional peer: loaded only for
 * `--engine clickhouse`). Queries are read-only (readonly=2 is asked of the server), their
 * results come back as JSONEachRow with 64-bit integers unquoted.
 */
import { MissingPeerError } from "truestatus";
import { EngineError, firstLine } from "./errors.js";
import type { Executor } from "./run.js";

const PACKAGE = "@clickhouse/client";

type ClientApi = typeof import("@clickhouse/client");

async function loadClient(): Promise<ClientApi> {
  try {
    return await import(PACKAGE);
  } catch (e) {
    const code = (e as { code?: unknown } | null)?.code;
    if (
      (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
      String((e as Error).message).includes(PACKAGE)
    )
      throw new MissingPeerError(PACKAGE, "--engine clickhouse");
    throw e;
  }
}

export interface ClickHouseOptions {
  /** http(s)://host:8123, credentials in the URL or in `username`/`password`. */
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  readonly database?: string;
  /** Milliseconds a query may take (default 10 minutes). */
  readonly timeoutMs?: number;
}

/** The URL without its credentials, for messages. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return "the --url given";
  }
}

/**
 * Settings sent with every query: read-only, integers as numbers, a bounded time, and progress
 * headers every 110 s so that a long query through a load balancer (idle timeouts of 120 s are
 * common) keeps its connection.
 */
export function querySettings(timeoutMs: number): Record<string, string | number> {
  return {
    readonly: "2",
    output_format_json_quote_64bit_integers: 0,
    max_execution_time: Math.ceil(timeoutMs / 1000),
    send_progress_in_http_headers: 1,
    http_headers_progress_interval_ms: "110000",
  };
}

/**
 * The client's logger, silenced: it writes warnings and failed requests (with their settings) to
 * the console, where they would break the one-line errors; every failure reaches us as an error.
 */
class SilentLogger {
  trace(): void {}
  debug(): void {}
  info(): void {}
  warn(): void {}
  error(): void {}
}

/**
 * Connects to a ClickHouse server: a ping first, so that an unreachable URL is one line
 * ("cannot reach …") before any query.
 */
export async function openClickHouse(o: ClickHouseOptions): Promise<Executor> {
  let parsed: URL;
  try {
    parsed = new URL(o.url);
  } catch {
    throw new EngineError("TRUESTATUS_ENGINE_INPUT", `--url ${JSON.stringify(o.url)} is not a URL`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    throw new EngineError(
      "TRUESTATUS_ENGINE_INPUT",
      `--url ${safeUrl(o.url)}: ClickHouse is reached over http:// or https:// (port 8123 or 8443)`,
    );
  const api = await loadClient();
  const timeoutMs = o.timeoutMs ?? 600_000;
  const client = api.createClient({
    url: o.url,
    ...(o.username === undefined ? {} : { username: o.username }),
    ...(o.password === undefined ? {} : { password: o.password }),
    ...(o.database === undefined ? {} : { database: o.database }),
    request_timeout: timeoutMs,
    application: "truestatus",
    log: { LoggerClass: SilentLogger, level: api.ClickHouseLogLevel.OFF },
    clickhouse_settings: querySettings(timeoutMs),
  });
  const where = safeUrl(o.url);
  const ping = await client.ping();
  if (!ping.success) {
    await client.close();
    throw new EngineError(
      "TRUESTATUS_ENGINE_INPUT",
      `cannot reach ClickHouse at ${where}: ${firstLine(ping.error)}`,
    );
  }
  return {
    dialect: "clickhouse",
    async all(sql) {
      const rs = await client.query({ query: sql, format: "JSONEachRow" });
      return (await rs.json()) as Record<string, unknown>[];
    },
    async close() {
      await client.close();
    },
  };
}
