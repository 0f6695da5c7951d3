/**
 * Safety, counted at a real server: no request that could change data without --unsafe, the
 * budget never exceeded, the concurrency cap kept, redirects never followed (least of all to
 * another host), and a target that never answers does not hang the probe.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { noLeaks } from "../../../../test/helpers/leaks.js";
import { runProbe } from "../../src/probe/probe.js";
import { SAFE_METHODS, UNPARSEABLE_JSON } from "../../src/probe/safety.js";
import { json, type Target, target } from "./target.js";

let dir: string;
const SPEC = {
  openapi: "3.0.3",
  info: { title: "things", version: "1" },
  security: [{ bearer: [] }],
  components: {
    securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
    schemas: {
      Thing: {
        type: "object",
        required: ["name"],
        properties: { name: { type: "string" }, size: { type: "integer" } },
      },
    },
  },
  paths: {
    "/things": {
      get: { responses: { "200": { description: "ok" } } },
      post: {
        requestBody: {
          required: true,
          content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } },
        },
        responses: { "201": { description: "created" } },
      },
    },
    "/things/{id}": {
      get: {
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: { "200": { description: "ok" } },
      },
      put: {
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        requestBody: {
          content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } },
        },
        responses: { "200": { description: "ok" } },
      },
      delete: {
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: { "204": { description: "gone" } },
      },
    },
  },
};
let spec: string;
let scenario: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "truestatus-probe-"));
  spec = join(dir, "things.json");
  await writeFile(spec, JSON.stringify(SPEC));
  scenario = join(dir, "steps.yaml");
  await writeFile(
    scenario,
    "steps:\n  - { name: create, method: POST, path: /things, body: { name: a }, expect: 201 }\n  - { name: delete, method: DELETE, path: /things/t1, expect: 204 }\n",
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A lenient API: accepts everything (the worst case for safety: any valid body would change data). */
async function lenient(): Promise<Target> {
  return target((req, res) => {
    if (req.method === "GET" && req.url === "/things")
      return json(res, 200, [{ id: "t1" }, { id: "t2" }]);
    json(res, req.method === "POST" ? 201 : 200, { id: "t1", name: "a" });
  });
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe("probe safety", () => {
  it("without --unsafe sends no request that could change data (counted at the server)", async () => {
    const t = await lenient();
    try {
      const r = await runProbe({
        target: t.url,
        openapi: spec,
        scenarios: [scenario],
        auth: "Bearer token-aaaaaaaaaaaaaaaaaaaa",
        authOther: "Bearer token-bbbbbbbbbbbbbbbbbbbb",
        burst: 3,
      });
      expect(t.seen.length).toBe(r.requests.length);
      const unsafe = t.seen.filter((s) => !SAFE_METHODS.has(s.method));
      expect(unsafe.length).toBeGreaterThan(0); // malformed bodies were sent…
      for (const s of unsafe) {
        // …only as the contract allows: POST on the collection (its body is required), as JSON
        expect(`${s.method} ${s.url}`).toBe("POST /things");
        expect(s.headers["content-type"]).toBe("application/json");
        expect(s.body).toBe(UNPARSEABLE_JSON);
      }
      // PUT /things/{id} has an optional body: never sent, not even to an id that cannot exist
      expect(t.seen.filter((s) => s.method === "PUT")).toEqual([]);
      for (const s of t.seen.filter((x) => SAFE_METHODS.has(x.method))) expect(s.body).toBe("");
      const refused = r.refused.map((q) => `${q.scenario} ${q.method} ${q.target}: ${q.reason}`);
      expect(refused).toContainEqual(
        expect.stringMatching(/^step POST \/things: POST \/things is not a documented operation/),
      );
      expect(refused).toContainEqual(
        expect.stringMatching(/^step DELETE \/things\/t1: DELETE could change data/),
      );
      expect(refused).toContainEqual(
        expect.stringMatching(/^unsupported-media-type POST \/things: .*Content-Type: text\/plain/),
      );
      expect(refused).toContainEqual(
        expect.stringMatching(
          /^malformed-body PUT \/things\/\{id\}: .*does not declare a required JSON request body/,
        ),
      );
      expect(refused).toContainEqual(expect.stringMatching(/^invalid-body POST \/things/));
      expect(r.notes).toContainEqual(
        expect.stringMatching(/^unsupported-media-type: 2 requests not run \(needs --unsafe/),
      );
    } finally {
      await t.close();
    }
  });

  it("with --unsafe sends the steps and the schema-breaking bodies", async () => {
    const t = await lenient();
    try {
      await runProbe({
        target: t.url,
        openapi: spec,
        scenarios: [scenario],
        auth: "Bearer token-aaaaaaaaaaaaaaaaaaaa",
        unsafe: true,
      });
      expect(t.seen.filter((s) => s.method === "DELETE").map((s) => s.url)).toEqual(["/things/t1"]);
      const valid = t.seen
        .filter((s) => s.method === "POST" && parses(s.body))
        .map((s) => JSON.parse(s.body));
      expect(valid).toContainEqual({ size: 1 }); // "name" missing
      expect(valid).toContainEqual({ name: 12345, size: 1 }); // "name" of the wrong type
      expect(valid).toContainEqual({ name: "a" }); // the step
    } finally {
      await t.close();
    }
  });

  it("never exceeds the budget, and says how many more it wanted", async () => {
    const t = await lenient();
    try {
      const r = await runProbe({
        target: t.url,
        openapi: spec,
        auth: "Bearer token-aaaaaaaaaaaaaaaaaaaa",
        maxRequests: 5,
        burst: 20,
      });
      expect(t.seen.length).toBe(5);
      expect(r.requests.length).toBe(5);
      expect(r.skipped.budget).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  });

  it("keeps at most --concurrency requests in flight", async () => {
    const t = await target((_req, res) => {
      setTimeout(() => json(res, 200, [{ id: "t1" }]), 20);
    });
    try {
      await runProbe({
        target: t.url,
        openapi: spec,
        auth: "Bearer token-aaaaaaaaaaaaaaaaaaaa",
        concurrency: 2,
        burst: 12,
        rate: 1000,
      });
      expect(t.seen.length).toBeGreaterThan(12);
      expect(t.peak()).toBeLessThanOrEqual(2);
    } finally {
      await t.close();
    }
  });

  it("does not follow redirects, to another host or at all", async () => {
    const other = await target((_req, res) => json(res, 200, {}));
    const t = await target((_req, res) =>
      res.writeHead(302, { location: `${other.url}/elsewhere` }).end(),
    );
    try {
      const r = await runProbe({ target: t.url, routes: ["GET /things"], maxRequests: 10 });
      expect(other.seen.length).toBe(0);
      expect(r.requests.length).toBe(t.seen.length);
      expect(r.requests.every((q) => q.status === 302)).toBe(true);
    } finally {
      await Promise.all([t.close(), other.close()]);
    }
  });

  it("refuses targets outside the origin: a step to //other-host is not sent", async () => {
    const t = await lenient();
    const steps = join(dir, "escape.yaml");
    await writeFile(steps, "- { method: GET, path: //evil.example/x, expect: 200 }\n");
    try {
      const r = await runProbe({ target: t.url, scenarios: [steps] });
      expect(r.refused).toMatchObject([{ target: "//evil.example/x", skip: "path" }]);
      expect(t.seen.every((s) => !s.url.includes("evil"))).toBe(true);
    } finally {
      await t.close();
    }
  });

  it("a target that never answers does not hang the probe: each request ends at --timeout", async () => {
    const t = await target(() => {
      // never answers
    });
    try {
      const r = await runProbe({
        target: t.url,
        openapi: spec,
        auth: "Bearer token-aaaaaaaaaaaaaaaaaaaa",
        timeoutMs: 200,
        maxRequests: 6,
        concurrency: 3,
      });
      expect(r.requests.length).toBe(6);
      expect(r.requests.every((q) => q.error === "no answer within 200 ms")).toBe(true);
      expect(r.summary.statuses).toEqual({ none: 6 });
    } finally {
      await t.close();
    }
  });

  it("a body that never ends is cut at the timeout too", async () => {
    const t = await target((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write("[");
    });
    try {
      const r = await runProbe({
        target: t.url,
        routes: ["GET /things"],
        timeoutMs: 200,
        maxRequests: 3,
      });
      expect(r.requests.length).toBeGreaterThan(0);
      expect(r.requests.every((q) => q.error !== undefined)).toBe(true);
    } finally {
      await t.close();
    }
  });

  it("refuses non-http targets and out-of-range limits before sending anything", async () => {
    await expect(runProbe({ target: "file:///etc/passwd" })).rejects.toMatchObject({
      code: "TRUESTATUS_PROBE_TARGET",
    });
    await expect(runProbe({ target: "http://u:p@127.0.0.1:1" })).rejects.toThrow(
      /credentials in the URL are refused/,
    );
    await expect(runProbe({ target: "http://127.0.0.1:1", maxRequests: 0 })).rejects.toThrow(
      /--max-requests: expected a whole number from 1/,
    );
    await expect(
      runProbe({ target: "http://127.0.0.1:1", auth: "Bearer a\r\nX: y" }),
    ).rejects.toThrow(/--auth: expected one header value/);
  });

  let hanging: Target | undefined;
  it(
    "leaves no socket or timer behind, even after requests that timed out",
    noLeaks(
      async () => {
        hanging = await target(() => {
          // never answers
        });
        const r = await runProbe({
          target: hanging.url,
          routes: ["GET /things", "POST /things"],
          timeoutMs: 150,
          maxRequests: 4,
        });
        expect(r.requests.length).toBe(4);
      },
      async () => {
        await hanging?.close();
      },
    ),
  );
});
