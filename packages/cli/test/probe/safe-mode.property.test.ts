/**
 * The safe-mode contract as properties (fast-check): `admit` never lets out a request that breaks
 * it, whatever is planned; and a whole probe without --unsafe, planned from generated OpenAPI
 * documents and scenario files against a real server whose answers are generated too (ids that
 * are empty, dots, slashes, look like the probe's own), sends nothing but what docs/probe.md lists.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProbe } from "../../src/probe/probe.js";
import {
  admit,
  parseTarget,
  UNKNOWN_ID,
  UNKNOWN_NUMBER,
  UNKNOWN_UUID,
  UNPARSEABLE_JSON,
} from "../../src/probe/safety.js";

const SENTINELS = [UNKNOWN_ID, String(UNKNOWN_NUMBER), UNKNOWN_UUID];
const WRITES = ["POST", "PUT", "PATCH"];
const READS = ["GET", "HEAD", "OPTIONS"];

/** The contract, stated on what goes on the wire: method, path, headers, body. */
function breaks(
  sent: { method: string; path: string; type?: string; body: string; headers: string[] },
  ops: readonly { method: string; path: string; required: boolean; json: boolean }[],
): string | undefined {
  const [path, query] = sent.path.split("?", 2) as [string, string | undefined];
  const segments = path.split("/").slice(1);
  if (segments.slice(0, -1).some((s) => s === "")) return "an empty path segment";
  if (segments.some((s) => /^(?:\.|%2e){1,2}$/i.test(s))) return "a dot segment";
  if (/[{}]/.test(path)) return "a brace in the path";
  if (READS.includes(sent.method)) return sent.body === "" ? undefined : "a body on a read";
  if (!WRITES.includes(sent.method)) return `${sent.method} in safe mode`;
  if (query !== undefined) return "a write with a query";
  if (sent.type !== "application/json") return `Content-Type ${sent.type}`;
  if (sent.body !== UNPARSEABLE_JSON) return "a body a parser accepts";
  const extra = sent.headers.filter(
    (h) =>
      ![
        "authorization",
        "content-type",
        "accept",
        "user-agent",
        "host",
        "content-length",
        "connection",
      ].includes(h),
  );
  if (extra.length > 0) return `headers ${extra.join(", ")}`;
  const fits = ops.some((op) => {
    if (op.method !== sent.method || !op.required || !op.json) return false;
    const t = op.path.split("/").slice(1);
    if (t.length !== segments.length) return false;
    const vars = t.filter((s) => /^\{[^{}/]+\}$/.test(s)).length;
    if (vars === 0 && sent.method !== "POST") return false;
    return t.every((s, i) =>
      /^\{[^{}/]+\}$/.test(s)
        ? SENTINELS.includes(decodeURIComponent(segments[i]!))
        : s === segments[i],
    );
  });
  return fits ? undefined : "a write outside the documented required-JSON operations";
}

let admittedWrites = 0;

describe("admit (property)", () => {
  const target = parseTarget("http://127.0.0.1:1/api");
  const segment = fc.oneof(
    fc.constantFrom("things", "a", "x.json", "", ".", "..", "%2e%2E", "{id}", "{{v}}", "{w}"),
    fc.stringMatching(/^[a-z0-9._~%-]{1,6}$/),
  );
  const template = fc
    .tuple(
      fc.array(segment, { minLength: 0, maxLength: 4 }),
      fc.option(fc.constantFrom("q=1", "x={{v}}")),
    )
    .map(([s, q]) => `/${s.join("/")}${q === null ? "" : `?${q}`}`);
  const value = fc.oneof(
    fc.constantFrom(...SENTINELS, "", ".", "..", "a/b", "t1", "%2e", "{id}"),
    fc.string({ maxLength: 6 }),
  );
  const op = fc.record({
    method: fc.constantFrom(...WRITES, "GET", "DELETE"),
    path: fc.constantFrom("/things", "/things/{id}", "/a/{{v}}", "/things/{id}/x"),
    body: fc.option(
      fc.record({
        required: fc.boolean(),
        mediaTypes: fc.subarray(["application/json", "text/plain", "application/merge-patch+json"]),
      }),
      { nil: undefined },
    ),
  });
  const planned = fc.record(
    {
      method: fc.constantFrom(...WRITES, ...READS, "DELETE", "TRACE", "post", "FOO"),
      template,
      vars: fc.dictionary(fc.constantFrom("id", "v", "w"), value),
      headers: fc.dictionary(
        fc.constantFrom("content-type", "Content-Type", "authorization", "x-upsert", "accept"),
        fc.constantFrom(
          "application/json",
          "text/plain",
          "Bearer x",
          "application/json; charset=utf-8",
        ),
      ),
      body: fc.option(fc.constantFrom(UNPARSEABLE_JSON, "{}", "", '{"a":1}'), { nil: undefined }),
      op: fc.option(op, { nil: undefined }),
    },
    { requiredKeys: ["method", "template"] },
  );

  // Requests close to the contract (one detail off, or none), so that writes are admitted too.
  const nearContract = fc
    .record({
      method: fc.constantFrom(...WRITES),
      path: fc.constantFrom("/things", "/things/{id}", "/things/{id}/x", "/things/"),
      opMethod: fc.constantFrom(...WRITES),
      required: fc.constantFrom(true, true, false),
      media: fc.constantFrom("application/json", "application/json", "text/plain"),
      id: fc.oneof(fc.constantFrom(...SENTINELS), value),
      type: fc.constantFrom("application/json", "application/json", "text/plain"),
      extra: fc.option(fc.constantFrom("x-upsert", "prefer"), { nil: undefined }),
      body: fc.constantFrom(UNPARSEABLE_JSON, UNPARSEABLE_JSON, "{}"),
    })
    .map((g) => ({
      method: g.method,
      template: g.path,
      vars: { id: g.id },
      headers: { "content-type": g.type, ...(g.extra !== undefined ? { [g.extra]: "1" } : {}) },
      body: g.body,
      op: {
        method: g.opMethod,
        path: g.path,
        body: { required: g.required, mediaTypes: [g.media] },
      },
    }));

  it("whatever is planned, what safe mode admits keeps the contract", () => {
    fc.assert(
      fc.property(fc.oneof(planned, nearContract), (generated) => {
        const req = Object.fromEntries(
          Object.entries(generated).filter(([, v]) => v !== undefined),
        ) as unknown as Parameters<typeof admit>[0];
        const a = admit(req, target, false);
        if (!a.ok) return;
        if (!READS.includes(req.method.toUpperCase())) admittedWrites++;
        const url = a.url;
        expect(url.origin).toBe(target.origin);
        const op = req.op;
        const ops =
          op === undefined
            ? []
            : [
                {
                  method: op.method,
                  path: op.path.split("?")[0]!,
                  required: op.body?.required === true,
                  json: op.body?.mediaTypes.some((m) => /json$/.test(m)) === true,
                },
              ];
        const headers = Object.keys(req.headers ?? {}).map((h) => h.toLowerCase());
        const type = Object.entries(req.headers ?? {}).find(
          ([k]) => k.toLowerCase() === "content-type",
        )?.[1];
        const why = breaks(
          {
            method: req.method.toUpperCase(),
            path: a.path,
            ...(type !== undefined ? { type } : {}),
            body: req.body ?? "",
            headers,
          },
          ops,
        );
        expect(why, JSON.stringify(req)).toBeUndefined();
      }),
      { numRuns: 3000 },
    );
    expect(admittedWrites).toBeGreaterThan(0);
  });

  it("writes do get through when they follow the contract (the property is not vacuous)", () => {
    const a = admit(
      {
        method: "PUT",
        template: "/things/{id}",
        vars: { id: UNKNOWN_ID },
        headers: { "content-type": "application/json" },
        body: UNPARSEABLE_JSON,
        op: {
          method: "PUT",
          path: "/things/{id}",
          body: { required: true, mediaTypes: ["application/json"] },
        },
      },
      target,
      false,
    );
    expect(a.ok).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// A whole probe, safe mode, generated documents, scenario files and answers.

interface Received {
  method: string;
  path: string;
  type?: string;
  body: string;
  headers: string[];
}

let server: Server;
let url: string;
let received: Received[] = [];
let writesSent = 0;
/** What the server answers to a GET, by the request's path (set per run). */
let answer: (method: string, path: string) => { status: number; body: unknown } = () => ({
  status: 404,
  body: {},
});
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "truestatus-safe-prop-"));
  server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      received.push({
        method: req.method ?? "",
        path: req.url ?? "",
        ...(req.headers["content-type"] !== undefined ? { type: req.headers["content-type"] } : {}),
        body,
        headers: Object.keys(req.headers),
      });
      const a = answer(req.method ?? "", req.url ?? "");
      res.writeHead(a.status, { "content-type": "application/json" }).end(JSON.stringify(a.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});

const word = fc.constantFrom("orders", "users", "profile", "items", "me", "v1", "search");
const param = fc.constantFrom("{id}", "{slug}", "{orderId}", "{name}");
const docPath = fc
  .array(fc.oneof({ weight: 3, arbitrary: word }, { weight: 2, arbitrary: param }), {
    minLength: 1,
    maxLength: 3,
  })
  .map((s) => `/${s.join("/")}`);
const security = fc.constantFrom(undefined, [], [{}], [{ bearer: [] }], [{}, { bearer: [] }]);
const operation = fc.record({
  method: fc.constantFrom("get", "post", "put", "patch", "delete"),
  path: docPath,
  security,
  body: fc.option(
    fc.record({
      required: fc.boolean(),
      type: fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded"),
      wrapped: fc.boolean(),
    }),
    { nil: undefined },
  ),
  query: fc.boolean(),
});

type Op = typeof operation extends fc.Arbitrary<infer T> ? T : never;

function documentOf(ops: readonly Op[]): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const o of ops) {
    const params = [...o.path.matchAll(/\{([^}]+)\}/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      schema: m[1] === "id" ? { type: "integer" } : { type: "string" },
    }));
    const inner = {
      type: "object",
      required: ["name"],
      properties: { name: { type: "string" }, qty: { type: "integer" } },
    };
    paths[o.path] ??= {};
    paths[o.path]![o.method] = {
      parameters: [
        ...params,
        ...(o.query ? [{ name: "q", in: "query", required: true, schema: { example: "x" } }] : []),
      ],
      ...(o.security !== undefined ? { security: o.security } : {}),
      ...(o.body !== undefined
        ? {
            requestBody: {
              required: o.body.required,
              content: {
                [o.body.type]: {
                  schema: o.body.wrapped
                    ? { type: "object", required: ["item"], properties: { item: inner } }
                    : inner,
                },
              },
            },
          }
        : {}),
      responses: { "200": { description: "ok" } },
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "generated", version: "1" },
    security: [{ bearer: [] }],
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    paths,
  };
}

const step = fc.record({
  method: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"),
  path: fc
    .array(fc.oneof(word, fc.constant("{{v}}"), fc.constant("{{w}}")), {
      minLength: 1,
      maxLength: 3,
    })
    .map((s) => `/${s.join("/")}`),
  body: fc.option(fc.constantFrom({ a: 1 }, { name: "{{v}}" }), { nil: undefined }),
  identity: fc.constantFrom(undefined, "none", "A", "B"),
  save: fc.option(fc.constantFrom({ v: "id" }, { v: "data.0.id" }, { w: "nothing.here" }), {
    nil: undefined,
  }),
});

type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

/** Steps as YAML-compatible JSON, every {{x}} used only after a step that saves x. */
function scenarioOf(steps: readonly Step[]): unknown {
  const saved = new Set<string>();
  const out: unknown[] = [];
  for (const [i, s] of steps.entries()) {
    const uses = `${s.path} ${JSON.stringify(s.body ?? "")}`.match(/\{\{(\w+)\}\}/g) ?? [];
    if (uses.some((u) => !saved.has(u.slice(2, -2)))) continue;
    out.push({
      name: `step ${i}`,
      method: s.method,
      path: s.path,
      ...(s.body !== undefined ? { body: s.body } : {}),
      ...(s.identity !== undefined ? { identity: s.identity } : {}),
      ...(s.save !== undefined ? { save: s.save } : {}),
      expect: 200,
    });
    for (const k of Object.keys(s.save ?? {})) saved.add(k);
  }
  return { steps: out };
}

const idValue = fc.oneof(
  fc.constantFrom("o1", "", ".", "..", "a/b", UNKNOWN_ID, "%2e", "{id}", "x y", 7),
  fc.string({ maxLength: 5 }),
);
const world = fc.record({
  statuses: fc.array(fc.constantFrom(200, 200, 201, 400, 401, 403, 404, 405, 415, 500), {
    minLength: 1,
    maxLength: 6,
  }),
  ids: fc.array(idValue, { minLength: 0, maxLength: 4 }),
});

describe("a whole probe without --unsafe (property)", () => {
  it("sends nothing but what the contract allows, whatever the document, the steps and the answers", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(operation, { minLength: 1, maxLength: 8 }),
        fc.array(step, { maxLength: 5 }),
        world,
        async (ops, steps, w) => {
          run++;
          const doc = documentOf(ops);
          const spec = join(dir, `doc-${run}.json`);
          const scenario = join(dir, `steps-${run}.json`);
          await writeFile(spec, JSON.stringify(doc));
          await writeFile(scenario, JSON.stringify(scenarioOf(steps)));
          received = [];
          answer = (method, path) => {
            const status = w.statuses[(path.length + method.length) % w.statuses.length]!;
            const list = w.ids.map((id) => ({ id, slug: id, name: id, orderId: id }));
            return {
              status,
              body: path.split("/").length % 2 === 0 ? list : { data: list, id: w.ids[0] ?? null },
            };
          };
          await runProbe({
            target: url,
            openapi: spec,
            scenarios: [scenario],
            auth: "Bearer token-a-0123456789",
            authOther: "Bearer token-b-0123456789",
            rate: 1000,
            concurrency: 8,
            // The witness holds a write back when fewer than 4 requests are left; with 8 at once,
            // which checks spend the budget first depends on timing. At 60, a loaded full suite
            // once saw no write at all in 30 runs (not reproduced alone): 200 is the default cap.
            maxRequests: 200,
            timeoutMs: 2000,
            witnessSpacingMs: 0,
          });
          // What the document says in the end (a later operation replaces one of the same path and method).
          const last = new Map(ops.map((o) => [`${o.method} ${o.path}`, o]));
          const documented = [...last.values()].map((o) => ({
            method: o.method.toUpperCase(),
            path: o.path,
            required: o.body?.required === true,
            json: o.body?.type === "application/json",
          }));
          writesSent += received.filter((r) => !READS.includes(r.method)).length;
          for (const r of received) {
            const why = breaks(r, documented);
            expect(why, `${r.method} ${r.path} ${r.type ?? ""} ${r.body}`).toBeUndefined();
          }
        },
      ),
      { numRuns: 30 },
    );
    // Writes were sent (the unparseable body), so the property judged some.
    expect(writesSent).toBeGreaterThan(0);
  }, 180_000);
});
