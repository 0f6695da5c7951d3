/**
 * Figure H: a full probe of a 50-operation API (generated OpenAPI document + node:http server on
 * 127.0.0.1) with the default budget and caps, timed end to end (document loading included).
 * Peer: the same requests (method, path, headers, body, in the same order) replayed by a bare
 * undici loop with the same concurrency (4) and no pacing: the floor the probe's own work
 * (planning, safety checks, judging every exchange with all rules) is measured against.
 * Target (issue 6): ≤ 10 s with the default budget. 3 runs forward/reverse/forward, medians.
 *
 *   node --import tsx bench/probe.ts
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, request } from "undici";
import { runProbe } from "../packages/cli/src/probe/probe.js";
import { median } from "./harness.js";

const OPERATIONS = 50;

/** 10 resources × (list, create, get, update, delete) = 50 operations, bearer-secured. */
function document(): object {
  const paths: Record<string, object> = {};
  const body = {
    required: true,
    content: {
      "application/json": {
        schema: {
          type: "object",
          required: ["name"],
          properties: { name: { type: "string" }, size: { type: "integer" } },
        },
      },
    },
  };
  const id = [{ name: "id", in: "path", required: true, schema: { type: "string" } }];
  for (let i = 0; i < OPERATIONS / 5; i++) {
    paths[`/r${i}`] = {
      get: { responses: { "200": { description: "list" } } },
      post: { requestBody: body, responses: { "201": { description: "created" } } },
    };
    paths[`/r${i}/{id}`] = {
      parameters: id,
      get: { responses: { "200": { description: "one" } } },
      put: { requestBody: body, responses: { "200": { description: "updated" } } },
      delete: { responses: { "204": { description: "gone" } } },
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "bench", version: "1" },
    security: [{ bearer: [] }],
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    paths,
  };
}

/** A well-behaved API: 401 (invalid_token), 404 for unknown ids, 405 + Allow, 415, 400 for bad JSON. */
function server() {
  return createServer((req, res) => {
    let text = "";
    req.on("data", (c: Buffer) => (text += c));
    req.on("end", () => {
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) =>
        res
          .writeHead(status, { "content-type": "application/json", ...headers })
          .end(req.method === "HEAD" ? undefined : JSON.stringify(body));
      const m = /^\/r(\d+)(?:\/([^/?]+))?$/.exec((req.url ?? "").split("?")[0]!);
      if (m === null) return send(404, { title: "Not Found" });
      const given = req.headers.authorization;
      if (given !== "Bearer bench-token-aaaaaaaaaaaa")
        return send(
          401,
          { title: "Unauthorized" },
          {
            "www-authenticate": `Bearer realm="bench"${given === undefined ? "" : ', error="invalid_token"'}`,
          },
        );
      const allow = m[2] === undefined ? "GET, HEAD, POST" : "GET, HEAD, PUT, DELETE";
      if (req.method === "OPTIONS") return res.writeHead(204, { allow }).end();
      if (!allow.split(", ").includes(req.method ?? ""))
        return send(405, { title: "Method Not Allowed" }, { allow });
      if (m[2] !== undefined && m[2] !== "a1") return send(404, { title: "Not Found" });
      if (text !== "" && !/^application\/json\b/.test(req.headers["content-type"] ?? ""))
        return send(
          415,
          { title: "Unsupported Media Type" },
          { "accept-post": "application/json" },
        );
      if (text !== "") {
        try {
          JSON.parse(text);
        } catch {
          return send(400, { title: "Bad Request" });
        }
      }
      send(200, m[2] === undefined ? [{ id: "a1" }, { id: "a2" }] : { id: "a1" });
    });
  });
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "truestatus-bench-probe-"));
  const spec = join(dir, "openapi.json");
  await writeFile(spec, JSON.stringify(document()));
  const srv = server();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  const auth = "Bearer bench-token-aaaaaaaaaaaa";

  const probeOnce = async () => {
    const t = performance.now();
    const r = await runProbe({ target: url, openapi: spec, auth });
    return { ms: performance.now() - t, result: r };
  };
  const first = await probeOnce();
  const list = first.result.requests;

  const bareOnce = async () => {
    const agent = new Agent();
    const t = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < list.length) {
        const q = list[next++]!;
        const res = await request(url + q.target, {
          method: q.method as "GET",
          dispatcher: agent,
          headers:
            q.identity === "A"
              ? { authorization: auth, "content-type": "application/json" }
              : { "content-type": "application/json" },
          ...(q.method === "GET" || q.method === "HEAD" || q.method === "OPTIONS"
            ? {}
            : { body: '{"truestatus-probe": ' }),
        });
        await res.body.text();
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    const ms = performance.now() - t;
    await agent.close();
    return ms;
  };

  const probe: number[] = [];
  const bare: number[] = [];
  for (const order of ["forward", "reverse", "forward"]) {
    if (order === "forward") {
      probe.push((await probeOnce()).ms);
      bare.push(await bareOnce());
    } else {
      bare.push(await bareOnce());
      probe.push((await probeOnce()).ms);
    }
  }
  srv.close();
  await rm(dir, { recursive: true, force: true });
  const p = median(probe);
  const b = median(bare);
  const findings = Object.keys(first.result.summary.findings);
  console.log(
    `operations: ${OPERATIONS}; requests sent: ${list.length} (budget ${first.result.maxRequests}); findings on the well-behaved API: ${findings.length === 0 ? "none" : findings.join(", ")}`,
  );
  console.log(
    `probe (default caps: concurrency 4, 50 req/s): ${probe.map((x) => (x / 1000).toFixed(2)).join(" / ")} s, median ${(p / 1000).toFixed(2)} s`,
  );
  console.log(
    `bare undici replay (concurrency 4, no pacing): ${bare.map((x) => x.toFixed(0)).join(" / ")} ms, median ${b.toFixed(0)} ms`,
  );
  console.log(
    `ratio probe / bare replay: ${(p / b).toFixed(1)}x (the rate cap, ${list.length} requests at ≤ 50/s ≥ ${(list.length / 50).toFixed(1)} s, and the state witness, two reads 1.1 s apart before the first write to each resource, dominate)`,
  );
  console.log(`target ≤ 10 s: ${p <= 10_000 ? "PASS" : "FAIL"}`);
}

await main();
