/**
 * ClickHouse's HTTP interface, served by embedded ClickHouse (chdb) for the tests: no ClickHouse
 * server runs here (Debian's clickhouse-server is from 2018; registries carry no server). The
 * queries run in a real ClickHouse query engine; this file only speaks the HTTP protocol as a
 * server does (clickhouse.com/docs/interfaces/http): GET /ping answers "Ok.", a query comes in the
 * `query` parameter and/or the POST body, other URL parameters are settings (applied with SET, as
 * the server applies them to the query's context), the output format is the query's FORMAT clause
 * or `default_format` (TabSeparated), credentials come as HTTP Basic, X-ClickHouse-User/-Key or
 * user/password parameters, and a failed query answers an HTTP error with the engine's
 * "Code: N. DB::Exception: …" text and X-ClickHouse-Exception-Code. Queries run one at a time.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { type ChdbResult, Session } from "chdb";

export interface ClickHouseHttp {
  /** http://127.0.0.1:PORT (no credentials). */
  readonly url: string;
  /** The session the queries run in (create tables here before querying). */
  readonly session: Session;
  /** Every query text received, in order. */
  readonly queries: readonly string[];
  close(): Promise<void>;
}

export interface ClickHouseHttpOptions {
  readonly user?: string;
  /** When set, requests must log in with it (code 516 otherwise, as a server answers). */
  readonly password?: string;
}

/** URL parameters that are not settings (the rest are). */
const NOT_SETTINGS = new Set([
  "query",
  "query_id",
  "database",
  "default_format",
  "user",
  "password",
  "session_id",
  "session_timeout",
  "session_check",
  "role",
  "compress",
  "decompress",
]);

/** HTTP status a server sends for some exception codes (the others are 500). */
const HTTP_STATUS: Readonly<Record<number, number>> = {
  60: 404, // UNKNOWN_TABLE
  81: 404, // UNKNOWN_DATABASE
  62: 400, // SYNTAX_ERROR
  47: 404, // UNKNOWN_IDENTIFIER
  164: 403, // READONLY
  516: 403, // AUTHENTICATION_FAILED
};

const VERSION = "26.7.3.1 (chdb)";
const SETTING_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function credentials(req: IncomingMessage, params: URLSearchParams): { user: string; key: string } {
  const auth = req.headers.authorization;
  if (typeof auth === "string" && auth.startsWith("Basic ")) {
    const raw = Buffer.from(auth.slice(6), "base64").toString("utf8");
    const i = raw.indexOf(":");
    return { user: i < 0 ? raw : raw.slice(0, i), key: i < 0 ? "" : raw.slice(i + 1) };
  }
  const hu = req.headers["x-clickhouse-user"];
  const hk = req.headers["x-clickhouse-key"];
  return {
    user: (typeof hu === "string" ? hu : params.get("user")) ?? "default",
    key: (typeof hk === "string" ? hk : params.get("password")) ?? "",
  };
}

function fail(res: ServerResponse, code: number, text: string): void {
  const body = `Code: ${code}. DB::Exception: ${text} (version ${VERSION})\n`;
  res.writeHead(HTTP_STATUS[code] ?? 500, {
    "Content-Type": "text/plain; charset=UTF-8",
    "X-ClickHouse-Exception-Code": String(code),
  });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startClickHouseHttp(
  options: ClickHouseHttpOptions = {},
): Promise<ClickHouseHttp> {
  const session = new Session();
  const queries: string[] = [];
  const user = options.user ?? "default";
  let chain: Promise<unknown> = Promise.resolve();
  /** Runs one request's statements after the previous request's (one engine, one session). */
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const next = chain.then(f, f);
    chain = next.catch(() => undefined);
    return next;
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const u = new URL(req.url ?? "/", "http://localhost");
      if (u.pathname === "/ping" || (u.pathname === "/" && req.method === "GET" && !u.search)) {
        res.writeHead(200, { "Content-Type": "text/html; charset=UTF-8" });
        res.end("Ok.\n");
        return;
      }
      if (u.pathname !== "/") {
        res.writeHead(404, { "Content-Type": "text/plain; charset=UTF-8" });
        res.end(`There is no handle ${u.pathname}\n`);
        return;
      }
      const params = u.searchParams;
      const login = credentials(req, params);
      if (
        options.password !== undefined &&
        (login.user !== user || login.key !== options.password)
      ) {
        fail(
          res,
          516,
          `${login.user}: Authentication failed: password is incorrect, or there is no user with such name. (AUTHENTICATION_FAILED)`,
        );
        return;
      }
      const body = req.method === "POST" ? await readBody(req) : "";
      const query = [params.get("query") ?? "", body].filter((s) => s.length > 0).join("\n");
      queries.push(query);
      const settings: string[] = [];
      for (const [k, v] of params)
        if (!NOT_SETTINGS.has(k) && !k.startsWith("param_") && SETTING_NAME.test(k))
          settings.push(`SET ${k} = '${v.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`);
      const database = params.get("database");
      let result: ChdbResult;
      try {
        result = await serial(async () => {
          if (database !== null && database !== "")
            await session.queryAsync(`USE \`${database.replace(/`/g, "\\`")}\``);
          for (const s of settings) await session.queryAsync(s);
          return session.queryAsync(query, {
            format: params.get("default_format") ?? "TabSeparated",
          });
        });
      } catch (e) {
        const m = e instanceof Error ? e.message : String(e);
        const code = /^Code: (\d+)\. DB::Exception: ([\s\S]*)$/.exec(m);
        if (code !== null) fail(res, Number(code[1]), code[2]!);
        else fail(res, 1001, `${m} (STD_EXCEPTION)`);
        return;
      }
      const out = Buffer.from(result.bytes());
      const headers: Record<string, string> = {
        "Content-Type": "text/plain; charset=UTF-8",
        "X-ClickHouse-Server-Display-Name": "chdb",
        "X-ClickHouse-Query-Id": params.get("query_id") ?? "",
        "X-ClickHouse-Summary": JSON.stringify({
          read_rows: String(result.rowsRead),
          read_bytes: String(result.bytesRead),
          written_rows: "0",
          written_bytes: "0",
          total_rows_to_read: String(result.rowsRead),
          result_rows: "0",
          result_bytes: String(out.length),
          elapsed_ns: String(Math.round(result.elapsed * 1e9)),
        }),
      };
      const gzip =
        params.get("enable_http_compression") === "1" &&
        /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
      if (gzip) headers["Content-Encoding"] = "gzip";
      res.writeHead(200, headers);
      res.end(gzip ? gzipSync(out) : out);
    })().catch((e: unknown) => {
      if (!res.headersSent) fail(res, 1001, `${String(e)} (STD_EXCEPTION)`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    session,
    queries,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await chain.catch(() => undefined);
      session.close();
    },
  };
}
