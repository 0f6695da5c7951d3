/**
 * The decision table, run against every adapter over real HTTP on 127.0.0.1: the same requests,
 * the same expected status, headers and body, whatever the framework.
 */
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectNothingLeft, type Snapshot, snapshot } from "../../../../test/helpers/leaks.js";
import type { LogEntry } from "../../src/server/log.js";
import {
  type AppConfig,
  CRASH_MESSAGE,
  closing,
  listening,
  SECRET,
  type Started,
} from "./apps/domain.js";
import { ADAPTERS } from "./apps/index.js";

const T = "https://github.com/truestatus/truestatus/blob/main/docs/problems.md#";
const JSON_BODY = { "content-type": "application/json" };
const WRITER = { authorization: "Bearer writer-token" };

interface Row {
  readonly name: string;
  readonly method?: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly status: number;
  /** Exact header values (lowercase names). */
  readonly expectHeaders?: Record<string, string | RegExp>;
  /** Members the problem body must have (type, title, status are checked for every row). */
  readonly problem?: Record<string, unknown>;
  readonly type?: string;
  /** Adapters where a header is not expected (the framework does not tell us). */
  readonly check?: (body: Record<string, unknown>, res: Response) => void;
}

const ROWS: Row[] = [
  {
    name: "missing token → 401 with a challenge and no error code",
    path: "/me",
    status: 401,
    type: "unauthenticated",
    expectHeaders: { "www-authenticate": 'Bearer realm="orders"' },
  },
  {
    name: "invalid token → 401 invalid_token",
    path: "/me",
    headers: { authorization: "Bearer nonsense" },
    status: 401,
    type: "unauthenticated",
    expectHeaders: {
      "www-authenticate":
        'Bearer realm="orders", error="invalid_token", error_description="The access token is invalid"',
    },
  },
  {
    name: "expired token → 401 invalid_token, expired",
    path: "/me",
    headers: { authorization: "Bearer expired-token" },
    status: 401,
    type: "unauthenticated",
    expectHeaders: {
      "www-authenticate":
        'Bearer realm="orders", error="invalid_token", error_description="The access token expired"',
    },
    problem: { detail: "The credentials sent have expired." },
  },
  {
    name: "another scheme → 401 missing (never 403)",
    path: "/me",
    headers: { authorization: "Basic dTpw" },
    status: 401,
    type: "unauthenticated",
    expectHeaders: { "www-authenticate": 'Bearer realm="orders"' },
  },
  {
    name: "valid token → 200",
    path: "/me",
    headers: { authorization: "Bearer reader-token" },
    status: 200,
  },
  {
    name: "insufficient scope → 403 insufficient_scope",
    method: "POST",
    path: "/orders",
    headers: { authorization: "Bearer reader-token", ...JSON_BODY },
    body: '{"sku":"A1","qty":1}',
    status: 403,
    type: "forbidden",
    expectHeaders: {
      "www-authenticate": 'Bearer realm="orders", error="insufficient_scope", scope="orders:write"',
    },
  },
  {
    name: "valid order → 201",
    method: "POST",
    path: "/orders",
    headers: { ...WRITER, ...JSON_BODY },
    body: '{"sku":"A1","qty":2}',
    status: 201,
  },
  {
    name: "malformed JSON → 400 malformed",
    method: "POST",
    path: "/orders",
    headers: { ...WRITER, ...JSON_BODY },
    body: '{"sku": "A1", "qty": ',
    status: 400,
    type: "malformed",
  },
  {
    name: "missing field → 400 invalid with a pointer",
    method: "POST",
    path: "/orders",
    headers: { ...WRITER, ...JSON_BODY },
    body: '{"qty":1}',
    status: 400,
    type: "invalid",
    check: (b) => {
      const errors = b.errors as { pointer: string; detail: string }[];
      expect(errors.map((e) => e.pointer)).toContain("/sku");
      for (const e of errors) expect(e.detail.length).toBeGreaterThan(0);
    },
  },
  {
    name: "mistyped field → 400 invalid with a pointer",
    method: "POST",
    path: "/orders",
    headers: { ...WRITER, ...JSON_BODY },
    body: '{"sku":"A1","qty":"ten"}',
    status: 400,
    type: "invalid",
    check: (b) => {
      expect((b.errors as { pointer: string }[]).map((e) => e.pointer)).toEqual(["/qty"]);
    },
  },
  {
    name: "business rule → 422 unprocessable",
    method: "POST",
    path: "/orders",
    headers: { ...WRITER, ...JSON_BODY },
    body: '{"sku":"A1","qty":500}',
    status: 422,
    type: "unprocessable",
    problem: { detail: "An order holds at most 100 items." },
  },
  {
    name: "duplicate → 422 duplicate",
    method: "POST",
    path: "/orders",
    headers: { ...WRITER, ...JSON_BODY },
    body: '{"sku":"DUP","qty":1}',
    status: 422,
    type: "duplicate",
  },
  {
    name: "unknown path → 404 problem",
    path: "/nowhere",
    status: 404,
    type: "not-found",
  },
  {
    name: "wrong method → 405 with Allow from the route table",
    method: "PUT",
    path: "/orders",
    headers: WRITER,
    status: 405,
    type: "method-not-allowed",
    expectHeaders: { allow: "GET, HEAD, POST, OPTIONS" },
  },
  {
    name: "wrong method on a GET-only path → 405",
    method: "DELETE",
    path: "/me",
    status: 405,
    type: "method-not-allowed",
    expectHeaders: { allow: "GET, HEAD, OPTIONS" },
  },
  {
    name: "unsupported media type → 415",
    method: "POST",
    path: "/orders",
    headers: { ...WRITER, "content-type": "text/plain" },
    body: "sku=A1",
    status: 415,
    type: "unsupported-media-type",
  },
  {
    name: "body too large → 413",
    method: "POST",
    path: "/orders",
    headers: { ...WRITER, ...JSON_BODY },
    body: JSON.stringify({ sku: "A".repeat(5000), qty: 1 }),
    status: 413,
    type: "payload-too-large",
  },
  {
    name: "thrown http-errors 410 keeps its status",
    path: "/throw/http-errors",
    status: 410,
    type: "about:blank",
    problem: { title: "Gone", detail: "This order was archived." },
  },
  {
    name: "thrown Boom 409 keeps its status",
    path: "/throw/boom",
    status: 409,
    type: "conflict",
    problem: { detail: "The order has already shipped." },
  },
  {
    name: "upstream refused → 502 with Proxy-Status",
    path: "/upstream/refused",
    status: 502,
    type: "bad-gateway",
    expectHeaders: { "proxy-status": "truestatus;error=connection_refused" },
    check: (b) => {
      expect(b.instance).toMatch(/^urn:uuid:/);
      expect(JSON.stringify(b)).not.toContain("127.0.0.1");
    },
  },
  {
    name: "upstream timeout → 504 with Proxy-Status",
    path: "/upstream/timeout",
    status: 504,
    type: "gateway-timeout",
    expectHeaders: { "proxy-status": "truestatus;error=http_response_timeout" },
  },
  {
    name: "unexpected throw → 500 with an instance id and nothing internal",
    path: "/crash",
    status: 500,
    type: "internal",
    problem: { detail: "An unexpected error occurred." },
    check: (b) => {
      expect(b.instance).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
      expect(Object.keys(b).sort()).toEqual(["detail", "instance", "status", "title", "type"]);
    },
  },
];

function typeOf(row: Row): string | undefined {
  if (row.type === undefined) return undefined;
  return row.type === "about:blank" ? row.type : T + row.type;
}

async function upstreams(): Promise<{
  refusedUrl: string;
  hangingUrl: string;
  close(): Promise<void>;
}> {
  const gone = createServer();
  gone.listen(0, "127.0.0.1");
  const refusedUrl = await listening(gone);
  await closing(gone);
  const hanging: Server = createServer(() => {
    // Accept the request, never answer.
  });
  hanging.listen(0, "127.0.0.1");
  const hangingUrl = await listening(hanging);
  return { refusedUrl, hangingUrl, close: () => closing(hanging) };
}

let baseline: Snapshot;
beforeAll(() => {
  baseline = snapshot();
});
// Timeout 0: Vitest then arms no timer of its own for this hook, which the check would count.
// expectNothingLeft is bounded by itself.
afterAll(async () => {
  // Every server, upstream and connection the suite opened is closed, every timer cleared.
  await expectNothingLeft(baseline);
}, 0);

for (const [name, start] of Object.entries(ADAPTERS)) {
  describe(`${name}: the decision table`, () => {
    let app: Started;
    let up: Awaited<ReturnType<typeof upstreams>>;
    const logged: LogEntry[] = [];
    const config = (): AppConfig => ({
      policy: { realm: "orders" },
      log: (e) => logged.push(e),
      refusedUrl: up.refusedUrl,
      hangingUrl: up.hangingUrl,
    });

    beforeAll(async () => {
      up = await upstreams();
      app = await start(config());
    });
    afterAll(async () => {
      await app.close();
      await up.close();
    });

    it.each(ROWS)("$name", async (row) => {
      const res = await fetch(app.url + row.path, {
        method: row.method ?? "GET",
        headers: row.headers ?? {},
        ...(row.body === undefined ? {} : { body: row.body }),
      });
      const text = await res.text();
      expect(res.status, text).toBe(row.status);
      for (const [h, v] of Object.entries(row.expectHeaders ?? {})) {
        if (typeof v === "string") expect(res.headers.get(h), h).toBe(v);
        else expect(res.headers.get(h), h).toMatch(v);
      }
      if (row.status < 400) return;
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      const body = JSON.parse(text) as Record<string, unknown>;
      expect(body.status).toBe(row.status);
      expect(body.type).toBe(typeOf(row));
      expect(typeof body.title).toBe("string");
      for (const [k, v] of Object.entries(row.problem ?? {})) expect(body[k], k).toEqual(v);
      row.check?.(body, res);
    });

    it("logs a 500 once, with the full error and the instance id of the body", async () => {
      const before = logged.length;
      const res = await fetch(`${app.url}/crash`);
      const body = (await res.json()) as { instance: string };
      const entries = logged.slice(before);
      expect(entries).toHaveLength(1);
      expect(entries[0]!.instance).toBe(body.instance);
      expect(entries[0]!.status).toBe(500);
      expect((entries[0]!.error as Error).message).toBe(CRASH_MESSAGE);
    });

    it("OPTIONS on a known path answers with Allow", async () => {
      const res = await fetch(`${app.url}/orders`, { method: "OPTIONS" });
      await res.arrayBuffer();
      expect([200, 204]).toContain(res.status);
      const allow = (res.headers.get("allow") ?? "").split(/,\s*/);
      expect(allow).toEqual(expect.arrayContaining(["GET", "HEAD", "POST"]));
    });

    it("HEAD of an unknown path: 404, problem content type, empty body", async () => {
      const res = await fetch(`${app.url}/nowhere`, { method: "HEAD" });
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(await res.text()).toBe("");
    });

    it("a client that accepts only JSON gets application/json", async () => {
      const res = await fetch(`${app.url}/me`, { headers: { accept: "application/json" } });
      expect(res.status).toBe(401);
      expect(res.headers.get("content-type")).toBe("application/json");
      expect(res.headers.get("vary")).toMatch(/accept/i);
      expect(((await res.json()) as { status: number }).status).toBe(401);
    });

    it("a client that accepts neither gets plain text", async () => {
      const res = await fetch(`${app.url}/nowhere`, { headers: { accept: "text/html" } });
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
      expect(await res.text()).toBe("404 Not found\nNo resource exists at this address.\n");
    });

    it("the secret, the path and the SQL of a crash never reach the client", async () => {
      for (const accept of ["application/problem+json", "application/json", "text/plain"]) {
        const res = await fetch(`${app.url}/crash`, { headers: { accept } });
        const text = await res.text();
        expect(res.status).toBe(500);
        expect(text).not.toContain(SECRET);
        expect(text).not.toContain("/srv/app");
        expect(text).not.toContain("users.js");
        expect(text).not.toMatch(/SELECT|password|at \//);
        for (const [, v] of res.headers) expect(v).not.toContain(SECRET);
      }
    });
  });

  describe(`${name}: policy`, () => {
    it("validationStatus 422 answers schema errors with 422", async () => {
      const up = await upstreams();
      const app = await start({
        policy: { validationStatus: 422 },
        log: () => {},
        refusedUrl: up.refusedUrl,
        hangingUrl: up.hangingUrl,
      });
      try {
        const res = await fetch(`${app.url}/orders`, {
          method: "POST",
          headers: { ...WRITER, ...JSON_BODY },
          body: '{"qty":1}',
        });
        expect(res.status).toBe(422);
        expect(((await res.json()) as { type: string }).type).toBe(`${T}invalid`);
      } finally {
        await app.close();
        await up.close();
      }
    });

    it("exposeInternals (development) puts the stack in the body", async () => {
      const up = await upstreams();
      const app = await start({
        policy: { exposeInternals: true },
        log: () => {},
        refusedUrl: up.refusedUrl,
        hangingUrl: up.hangingUrl,
      });
      try {
        const res = await fetch(`${app.url}/crash`);
        const body = (await res.json()) as { detail: string; stack: string[]; instance: string };
        expect(res.status).toBe(500);
        expect(body.detail).toBe(CRASH_MESSAGE);
        expect(body.stack[0]).toContain("Error");
        expect(body.instance).toMatch(/^urn:uuid:/);
      } finally {
        await app.close();
        await up.close();
      }
    });
  });
}
