/**
 * The defects found by trying the probe on real servers (issue 17), each reproduced with a real
 * Express 5 app on 127.0.0.1: what the server received and stored is counted at the server, and
 * the findings are read from the probe's result. Each test failed before the fix.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import express, { type Express, type Request } from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Summary } from "../../src/audit/summary.js";
import { runProbe } from "../../src/probe/probe.js";
import { SAFE_METHODS } from "../../src/probe/safety.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "truestatus-defects-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly type: string | undefined;
  readonly authorization: string | undefined;
}

/** Starts an Express app on a free loopback port, recording every request before any parser. */
async function serve(
  build: (app: Express) => void,
): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const app = express();
  app.use((req, _res, next) => {
    seen.push({
      method: req.method,
      url: req.url,
      type: req.headers["content-type"],
      authorization: req.headers.authorization,
    });
    next();
  });
  build(app);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let n = 0;
async function doc(paths: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const file = join(dir, `openapi-${++n}.json`);
  await writeFile(
    file,
    JSON.stringify({
      openapi: "3.0.3",
      info: { title: "defects", version: "1" },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
      paths,
      ...extra,
    }),
  );
  return file;
}

const jsonBody = (schema: unknown = { type: "object" }) => ({
  required: true,
  content: { "application/json": { schema } },
});
const ok = { "200": { description: "ok" } };
const idParam = [{ name: "id", in: "path", required: true, schema: { type: "string" } }];

/** Messages of a rule's findings ("" when none). */
const messages = (s: Summary, rule: string) =>
  (s.findings[rule]?.samples ?? []).map(
    (f) => `${f.evidence.request} → ${f.evidence.status}: ${f.message}`,
  );

const bearer = (who: string) => `Bearer token-of-${who}-0123456789`;
const whoIs = (req: Request) =>
  req.headers.authorization === bearer("alice")
    ? "alice"
    : req.headers.authorization === bearer("bob")
      ? "bob"
      : undefined;

describe("safe mode changes no data", () => {
  it("a JSON parser that skips other media types: the 415 check is not sent without --unsafe, and nothing is created", async () => {
    const posts = [{ id: 1, title: "first" }];
    const t = await serve((app) => {
      app.use(express.json()); // reads only application/json: a text/plain body leaves req.body empty
      app.get("/posts", (_req, res) => res.json(posts));
      app.post("/posts", (req, res) => {
        const post = { ...(req.body ?? {}), id: posts.length + 1 };
        posts.push(post);
        res.status(201).json(post);
      });
    });
    try {
      const r = await runProbe({
        target: t.url,
        openapi: await doc({
          "/posts": { get: { responses: ok }, post: { requestBody: jsonBody(), responses: ok } },
        }),
      });
      expect(posts).toEqual([{ id: 1, title: "first" }]);
      const writes = t.seen.filter((s) => !SAFE_METHODS.has(s.method));
      expect(writes.length).toBeGreaterThan(0);
      for (const w of writes) expect(w.type).toBe("application/json");
      expect(r.refused).toContainEqual(
        expect.objectContaining({ scenario: "unsupported-media-type", skip: "unsafe" }),
      );
      expect(r.notes).toContainEqual(
        expect.stringMatching(/^unsupported-media-type: 1 request not run \(needs --unsafe/),
      );
      expect(r.summary.findings["probe-state-changed"]).toBeUndefined();
    } finally {
      await t.close();
    }
  });

  it("…and with --unsafe, the state witness says what the 415 check created", async () => {
    const posts = [{ id: 1 }];
    const t = await serve((app) => {
      app.use(express.json());
      app.get("/posts", (_req, res) => res.json(posts));
      app.post("/posts", (req, res) => {
        const post = { ...(req.body ?? {}), id: posts.length + 1 };
        posts.push(post);
        res.status(201).json(post);
      });
    });
    try {
      const r = await runProbe({
        target: t.url,
        unsafe: true,
        openapi: await doc({
          "/posts": { get: { responses: ok }, post: { requestBody: jsonBody(), responses: ok } },
        }),
      });
      expect(posts.length).toBeGreaterThan(1);
      expect(messages(r.summary, "probe-state-changed")).toEqual([
        expect.stringMatching(
          /^GET \/posts → 200: \/posts changed during the probe: 1 item before, \d+ items after; sent to it: POST \/posts/,
        ),
      ]);
    } finally {
      await t.close();
    }
  });

  it("an upsert PUT and a singleton: no PUT to the singleton, no write to a real id, nothing upserted", async () => {
    let profile: unknown = { name: "typicode" };
    const things = new Map<string, unknown>([["t1", { name: "one" }]]);
    const t = await serve((app) => {
      app.use(express.json());
      app.get("/profile", (_req, res) => res.json(profile));
      app.put("/profile", (req, res) => {
        profile = req.body ?? {};
        res.json(profile);
      });
      app.get("/things", (_req, res) =>
        res.json([...things].map(([id, v]) => ({ id, ...(v as object) }))),
      );
      app.get("/things/:id", (req, res) =>
        things.has(req.params.id)
          ? res.json(things.get(req.params.id))
          : res.status(404).json({ error: "no" }),
      );
      app.put("/things/:id", (req, res) => {
        things.set(req.params.id, req.body ?? {}); // upsert: creates what does not exist
        res.json(things.get(req.params.id));
      });
    });
    try {
      await runProbe({
        target: t.url,
        openapi: await doc({
          "/profile": { get: { responses: ok }, put: { requestBody: jsonBody(), responses: ok } },
          "/things": { get: { responses: ok } },
          "/things/{id}": {
            parameters: idParam,
            get: { responses: ok },
            put: { requestBody: jsonBody(), responses: ok },
          },
        }),
      });
      expect(profile).toEqual({ name: "typicode" });
      expect([...things.keys()]).toEqual(["t1"]);
      const writes = t.seen
        .filter((s) => !SAFE_METHODS.has(s.method))
        .map((s) => `${s.method} ${s.url}`);
      expect(writes).not.toContain("PUT /profile");
      // Wrong methods and bodies never go to a real resource (the issue saw POST /posts/1, PATCH /private-pkg).
      for (const w of writes) expect(w).not.toMatch(/\/(?:t1|profile)$/);
    } finally {
      await t.close();
    }
  });

  it("a parser that turns an unparseable body into {}: the state witness reports what changed", async () => {
    const posts: unknown[] = [{ id: 1 }];
    const t = await serve((app) => {
      app.use(express.text({ type: "*/*" }));
      app.get("/posts", (_req, res) => res.json(posts));
      app.post("/posts", (req, res) => {
        let body: unknown;
        try {
          body = JSON.parse(String(req.body));
        } catch {
          body = {}; // the bug: a body it could not read becomes an empty object
        }
        posts.push({ ...(body as object), id: posts.length + 1 });
        res.status(201).json(posts.at(-1));
      });
    });
    try {
      const r = await runProbe({
        target: t.url,
        openapi: await doc({
          "/posts": { get: { responses: ok }, post: { requestBody: jsonBody(), responses: ok } },
        }),
      });
      expect(messages(r.summary, "probe-state-changed")).toEqual([
        "GET /posts → 200: /posts changed during the probe: 1 item before, 2 items after; sent to it: POST /posts",
      ]);
      expect(r.summary.findings["probe-state-changed"]?.bySeverity.error).toBe(1);
      expect(r.witness.changed).toEqual([
        { path: "/posts", change: "1 item before, 2 items after; sent to it: POST /posts" },
      ]);
    } finally {
      await t.close();
    }
  });

  it("a step whose {{var}} was never saved is not sent, not even with --unsafe (no DELETE on the collection)", async () => {
    const t = await serve((app) => {
      app.use(express.json());
      app.post("/articles", (_req, res) => res.status(500).json({ error: "no slug today" }));
      app.delete("/articles/", (_req, res) => res.status(204).end());
      app.delete("/articles/:slug", (_req, res) => res.status(204).end());
    });
    const steps = join(dir, "unbound.yaml");
    await writeFile(
      steps,
      [
        "steps:",
        "  - { name: create, method: POST, path: /articles, body: { title: t }, expect: 201, save: { slug: article.slug } }",
        "  - { name: delete it, method: DELETE, path: '/articles/{{slug}}', expect: 204 }",
      ].join("\n"),
    );
    try {
      const r = await runProbe({ target: t.url, scenarios: [steps], unsafe: true });
      expect(t.seen.filter((s) => s.method !== "GET").map((s) => `${s.method} ${s.url}`)).toEqual([
        "POST /articles",
      ]);
      expect(r.refused).toEqual([
        expect.objectContaining({
          method: "DELETE",
          target: "/articles/{{slug}}",
          skip: "path",
          reason: "/articles/{{slug}}: {{slug}} was never bound",
        }),
      ]);
      expect(r.notes).toContainEqual(
        expect.stringContaining(
          '{{slug}} was never saved (step 1 (create) answered 500 without a value at "article.slug")',
        ),
      );
    } finally {
      await t.close();
    }
  });
});

describe("findings that were wrong", () => {
  it("optional security ({} beside a scheme) is not 'secured': an anonymous 200 is no finding", async () => {
    const t = await serve((app) => {
      app.get("/articles", (_req, res) => res.json([{ id: "a1" }]));
      app.get("/user", (req, res) =>
        whoIs(req) === undefined
          ? res
              .status(401)
              .set(
                "www-authenticate",
                req.headers.authorization === undefined ? "Bearer" : 'Bearer error="invalid_token"',
              )
              .json({ error: "login" })
          : res.json({ name: whoIs(req) }),
      );
    });
    try {
      const r = await runProbe({
        target: t.url,
        auth: bearer("alice"),
        openapi: await doc(
          {
            "/articles": { get: { security: [{}, { bearer: [] }], responses: ok } },
            "/user": { get: { responses: ok } },
          },
          { security: [{ bearer: [] }] },
        ),
      });
      const noCreds = t.seen.filter((s) => s.authorization === undefined).map((s) => s.url);
      expect(noCreds).toContain("/user");
      expect(noCreds).not.toContain("/articles");
      expect(r.summary.findings["probe-unauthenticated-not-401"]).toBeUndefined();
    } finally {
      await t.close();
    }
  });

  it("two identities: a public resource is no leak; a private one read by B is; A's resources come from A's list", async () => {
    const owner: Record<string, string> = { a1: "alice", n1: "alice", b1: "bob" };
    const t = await serve((app) => {
      // Each caller's list shows its own resources only (read as A, not anonymously).
      app.get("/articles", (req, res) => {
        const me = whoIs(req);
        if (me === undefined) return res.status(401).set("www-authenticate", "Bearer").end();
        res.json({
          articles: [{ slug: "a1" }, { slug: "b1" }].filter((a) => owner[a.slug] === me),
        });
      });
      app.get("/articles/:slug", (req, res) => res.json({ slug: req.params.slug })); // published: public
      app.get("/notes", (req, res) => {
        const me = whoIs(req);
        if (me === undefined) return res.status(401).set("www-authenticate", "Bearer").end();
        res.json([{ id: "n1" }].filter((x) => owner[x.id] === me));
      });
      app.get(
        "/notes/:id",
        (req, res) =>
          whoIs(req) === undefined
            ? res.status(401).set("www-authenticate", "Bearer").end()
            : res.json({ id: req.params.id, text: "private" }), // the bug: any user reads any note
      );
    });
    try {
      const r = await runProbe({
        target: t.url,
        auth: bearer("alice"),
        authOther: bearer("bob"),
        openapi: await doc(
          {
            "/articles": { get: { responses: ok } },
            "/articles/{slug}": {
              get: {
                parameters: [
                  { name: "slug", in: "path", required: true, schema: { type: "string" } },
                ],
                responses: ok,
              },
            },
            "/notes": { get: { responses: ok } },
            "/notes/{id}": { get: { parameters: idParam, responses: ok } },
          },
          { security: [{ bearer: [] }] },
        ),
      });
      expect(messages(r.summary, "probe-other-identity-not-refused")).toEqual([
        "GET /notes/n1 → 200: GET /notes/{id} as identity B, on a resource identity A owns: 200 (identity B was given identity A's resource)",
      ]);
      expect(r.notes).toContainEqual(
        "other-identity: /articles/a1 is public (anonymous callers read it too): identity B reading it is no finding",
      );
    } finally {
      await t.close();
    }
  });

  it("two identities with --unsafe: B's PUT and DELETE on A's resource (created in a step) answered 500 are found", async () => {
    const articles = new Map<string, { author: string; title: string }>();
    const t = await serve((app) => {
      app.use(express.json());
      app.get("/articles", (_req, res) =>
        res.json({ articles: [...articles].map(([slug, a]) => ({ slug, ...a })) }),
      );
      app.post("/articles", (req, res) => {
        const me = whoIs(req);
        if (me === undefined) return res.status(401).set("www-authenticate", "Bearer").end();
        if (typeof req.body?.article?.title !== "string")
          return res.status(422).json({ errors: { title: ["is required"] } });
        const slug = `art-${articles.size + 1}`;
        articles.set(slug, { author: me, title: req.body.article.title });
        res.status(201).json({ article: { slug } });
      });
      app.get("/articles/:slug", (req, res) => {
        const a = articles.get(req.params.slug);
        return a === undefined ? res.status(404).end() : res.json({ article: a });
      });
      const ownerOnly = (req: Request) => {
        const a = articles.get(String(req.params.slug));
        if (a !== undefined && a.author !== whoIs(req)) throw new Error("not the author"); // the bug: the refusal is a crash, a 500
        return a;
      };
      app.put("/articles/:slug", (req, res) => {
        const a = ownerOnly(req);
        if (a !== undefined) a.title = String(req.body?.article?.title);
        res.json({ article: a });
      });
      app.delete("/articles/:slug", (req, res) => {
        ownerOnly(req);
        articles.delete(req.params.slug);
        res.status(204).end();
      });
    });
    const steps = join(dir, "author.yaml");
    await writeFile(
      steps,
      "steps:\n  - { name: A writes, method: POST, path: /articles, body: { article: { title: mine } }, expect: 201 }\n",
    );
    const slug = [{ name: "slug", in: "path", required: true, schema: { type: "string" } }];
    const article = {
      type: "object",
      required: ["article"],
      properties: { article: { type: "object", properties: { title: { type: "string" } } } },
    };
    try {
      const r = await runProbe({
        target: t.url,
        unsafe: true,
        auth: bearer("alice"),
        authOther: bearer("bob"),
        scenarios: [steps],
        openapi: await doc({
          "/articles": {
            get: { responses: ok },
            post: { security: [{ bearer: [] }], requestBody: jsonBody(article), responses: ok },
          },
          "/articles/{slug}": {
            parameters: slug,
            get: { responses: ok },
            put: { security: [{ bearer: [] }], requestBody: jsonBody(article), responses: ok },
            delete: { security: [{ bearer: [] }], responses: ok },
          },
        }),
      });
      expect(messages(r.summary, "probe-other-identity-not-refused")).toEqual([
        "PUT /articles/art-1 → 500: PUT /articles/{slug} as identity B, on a resource identity A owns: 500 (a server error instead of a refusal: whether B may do this is not checked, or crashes)",
        "DELETE /articles/art-1 → 500: DELETE /articles/{slug} as identity B, on a resource identity A owns: 500 (a server error instead of a refusal: whether B may do this is not checked, or crashes)",
      ]);
      expect(articles.get("art-1")).toEqual({ author: "alice", title: "mine" });
    } finally {
      await t.close();
    }
  });

  it("a framework that echoes its URL in 500 bodies leaks nothing; a database address still does", async () => {
    let origin = "";
    const t = await serve((app) => {
      // h3/Nitro's error body carries the request URL.
      app.get("/boom", (req, res) =>
        res.status(500).json({ error: true, url: `${origin}${req.url}`, statusCode: 500 }),
      );
      app.get("/db", (_req, res) =>
        res.status(503).json({ error: "connect ECONNREFUSED 10.0.3.7:5432" }),
      );
    });
    origin = t.url;
    try {
      const r = await runProbe({ target: t.url, routes: ["GET /boom", "GET /db"] });
      const leaks = messages(r.summary, "error-leaks-internals");
      expect(leaks.length).toBeGreaterThan(0);
      for (const m of leaks) expect(m).toBe("GET /db → 503: 503 body leaks an internal address");
      expect(t.seen.filter((s) => s.url === "/boom").length).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  });

  it("an HTML 400 page with a stack trace (Express's error page for a body that does not parse) leaks internals", async () => {
    const t = await serve((app) => {
      app.set("env", "development");
      app.use(express.json());
      app.post("/users", (_req, res) => res.status(201).json({}));
    });
    try {
      const r = await runProbe({ target: t.url, routes: ["POST /users"] });
      expect(messages(r.summary, "error-leaks-internals")).toEqual([
        "POST /users → 400: 400 body leaks a stack trace",
      ]);
    } finally {
      await t.close();
    }
  });

  it("a Basic identity: the refused credentials are Basic user:password pairs, not Basic <JWT>", async () => {
    const good = `Basic ${Buffer.from("alice:correct horse").toString("base64")}`;
    const t = await serve((app) => {
      app.get("/me", (req, res) =>
        req.headers.authorization === good
          ? res.json({ name: "alice" })
          : res.status(401).set("www-authenticate", 'Basic realm="x"').end(),
      );
    });
    try {
      const r = await runProbe({
        target: t.url,
        auth: good,
        openapi: await doc(
          { "/me": { get: { responses: ok } } },
          {
            security: [{ basic: [] }],
            components: { securitySchemes: { basic: { type: "http", scheme: "basic" } } },
          },
        ),
      });
      const tried = r.requests.filter((q) => q.scenario === "invalid-token");
      expect(tried.map((q) => q.identity)).toEqual([
        "an unknown user",
        "A's user with a wrong password",
      ]);
      const sent = t.seen
        .map((s) => s.authorization)
        .filter((a): a is string => a !== undefined && a !== good);
      expect(sent.length).toBe(2);
      for (const a of sent) {
        expect(a).toMatch(/^Basic [A-Za-z0-9+/]+=*$/);
        expect(Buffer.from(a.slice(6), "base64").toString()).toMatch(/^[^:]+:.+$/);
      }
      expect(Buffer.from(sent[1]!.slice(6), "base64").toString()).toMatch(/^alice:/);
      expect(r.summary.findings["probe-unauthenticated-not-401"]).toBeUndefined();
    } finally {
      await t.close();
    }
  });

  it("a Bearer identity: the JWT case is called what it is, a JWT signed with another key", async () => {
    const t = await serve((app) => {
      app.get("/me", (req, res) =>
        whoIs(req) === "alice"
          ? res.json({})
          : res.status(401).set("www-authenticate", 'Bearer error="invalid_token"').end(),
      );
    });
    try {
      const r = await runProbe({ target: t.url, auth: bearer("alice"), routes: ["GET /me"] });
      expect(
        r.requests.filter((q) => q.scenario === "invalid-token").map((q) => q.identity),
      ).toEqual(["a garbage token", "a JWT signed with another key"]);
    } finally {
      await t.close();
    }
  });

  it("wrong-method evidence is the server's own answer: no body a parser refuses first (404, not 400)", async () => {
    const t = await serve((app) => {
      app.use(express.json()); // parses before routing: an unparseable body would be its 400
      app.get("/posts", (_req, res) => res.json([{ id: "p1" }]));
      app.post("/posts", (_req, res) => res.status(201).json({}));
    });
    try {
      const r = await runProbe({
        target: t.url,
        unsafe: true,
        openapi: await doc({
          "/posts": { get: { responses: ok }, post: { requestBody: jsonBody(), responses: ok } },
        }),
      });
      expect(messages(r.summary, "probe-wrong-method-not-405")).toEqual([
        expect.stringMatching(/^PATCH \/posts → 404: .*expected 405, got 404 Not Found/),
      ]);
    } finally {
      await t.close();
    }
  });

  it("schema-breaking bodies reach inside a wrapper ({user: {…}}) with --unsafe", async () => {
    const t = await serve((app) => {
      app.use(express.json());
      app.post("/users", (req, res) =>
        typeof req.body?.user === "object" && req.body.user !== null
          ? res.status(201).json({ user: req.body.user }) // the inner fields are never checked
          : res.status(422).json({ errors: { user: ["is required"] } }),
      );
    });
    try {
      const r = await runProbe({
        target: t.url,
        unsafe: true,
        openapi: await doc({
          "/users": {
            post: {
              requestBody: jsonBody({
                type: "object",
                required: ["user"],
                properties: {
                  user: {
                    type: "object",
                    required: ["email", "password"],
                    properties: { email: { type: "string" }, password: { type: "string" } },
                  },
                },
              }),
              responses: ok,
            },
          },
        }),
      });
      expect(messages(r.summary, "probe-bad-body-not-400")).toEqual([
        expect.stringContaining(
          'POST /users with the required field "user.email" missing: expected 400 or 422, got 201',
        ),
        expect.stringContaining(
          'POST /users with "user.email" of the wrong type: expected 400 or 422, got 201',
        ),
      ]);
    } finally {
      await t.close();
    }
  });
});
