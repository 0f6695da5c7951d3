/**
 * Issue 18 items 1 and 2, as an attacker sends them (raw sockets: no client normalises the
 * path): a rate limit cannot be bypassed by spelling the path differently, and a stripPrefix
 * route cannot be left for the upstream's other paths. The same spellings go to nginx 1.22 with
 * the same routes, and must be judged the same way (429 there too).
 */
import { afterAll, beforeAll, describe, expect } from "vitest";
import { type Nginx, startNginx } from "../../../../test/helpers/nginx.js";
import { rawRequest } from "../../../../test/helpers/raw-client.js";
import { gatewaySuite } from "./harness.js";

const { serve, start, test } = gatewaySuite();

/** An upstream that answers 200 to every request and records each request target it got. */
async function recording(on = serve) {
  const targets: string[] = [];
  const server = await on((s, first) => {
    const answer = (chunk: Buffer) => {
      for (const m of chunk.toString("latin1").matchAll(/^[A-Z]+ (\S+) HTTP\/1\.[01]\r\n/gm)) {
        targets.push(m[1]!);
        s.write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
      }
    };
    answer(first);
    s.on("data", answer);
  });
  return { server, targets };
}

/**
 * What an upstream that decodes everything and resolves dot-segments (as many frameworks and
 * file servers do) makes of a path: every %XX decoded, "\" read as "/", ";params" dropped.
 */
function upstreamView(target: string): string {
  let p = target.split("?")[0]!;
  try {
    p = decodeURIComponent(p);
  } catch {
    // keep it encoded
  }
  const out: string[] = [];
  for (const seg of p.replaceAll("\\", "/").split("/").slice(1)) {
    const name = seg.split(";")[0]!;
    if (name === "..") out.pop();
    else if (name !== "." && name !== "") out.push(name);
  }
  return `/${out.join("/")}`;
}

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: gw.test\r\nConnection: close\r\n\r\n`;

/** Spellings of /login an upstream serves as /login. */
const LOGIN = [
  "/login",
  "/x/../login",
  "/x/%2e%2e/login",
  "//login",
  "/%6cogin",
  "/./login",
  "/login;a=1",
  "/login/",
  "/login%2f",
  "/login.",
  "/login%20",
  "/%2e/login",
  "/login#x",
];

let nginx: Nginx | undefined;
// nginx and its upstream live for the whole file (the tests' own servers are closed after each).
const pool = gatewaySuite();
beforeAll(async () => {
  const nginxUpstream = await recording(pool.serve);
  nginx = await startNginx({
    http: "limit_req_zone $binary_remote_addr zone=login:1m rate=1r/m;",
    server: `
      location /login { limit_req zone=login nodelay; limit_req_status 429; proxy_pass http://127.0.0.1:${nginxUpstream.server.port}; }
      location / { proxy_pass http://127.0.0.1:${nginxUpstream.server.port}; }`,
  });
});
afterAll(async () => {
  await nginx?.stop();
  await pool.cleanup();
});

describe("item 1: a rate limit is not bypassed by spelling the path differently", () => {
  test("after the 429, every spelling of /login is limited too (as nginx does)", async () => {
    const up = await recording();
    const gw = await start({
      upstreams: { app: { targets: [up.server.url] } },
      routes: [
        { path: "/login", upstream: "app", rateLimit: { limit: 1, window: "1h" } },
        { path: "/", upstream: "app" },
      ],
    });
    const ours: number[] = [];
    const theirs: number[] = [];
    for (const path of ["/login", ...LOGIN]) {
      ours.push((await rawRequest(gw.port, get(path))).status);
      theirs.push((await rawRequest(nginx!.port, get(path))).status);
    }
    expect(theirs).toEqual([200, ...LOGIN.map(() => 429)]);
    expect(ours).toEqual(theirs);
    // The upstream saw /login once, and nothing that it would read as /login afterwards.
    expect(up.targets).toEqual(["/login"]);
    const lines = await gw.close();
    expect(lines.map((l) => [l.status, l.route])).toEqual([
      [200, "/login"],
      ...LOGIN.map(() => [429, "/login"]),
    ]);
  });

  test("the normalised path is what the upstream gets (routes judged = routes served)", async () => {
    const up = await recording();
    const gw = await start({
      upstreams: { app: { targets: [up.server.url] } },
      routes: [{ path: "/", upstream: "app" }],
    });
    const sent = [
      "/a/./b/../c",
      "/%7Euser/%41%2f%3a",
      "//x//y/",
      "/a/b/..",
      "/q?x=/../&y=%2e%2e",
      "/frag#/../admin",
      "http://other.example/abs?z=1",
    ];
    for (const path of sent) expect((await rawRequest(gw.port, get(path))).status).toBe(200);
    expect(up.targets).toEqual([
      "/a/c",
      "/~user/A%2F%3A",
      "/x/y/",
      "/a/",
      "/q?x=/../&y=%2e%2e",
      "/frag",
      "/abs?z=1",
    ]);
    await gw.close();
  });

  test("ambiguous spellings are refused with 400, logged, never forwarded", async () => {
    const up = await recording();
    const gw = await start({
      upstreams: { app: { targets: [up.server.url] } },
      routes: [{ path: "/", upstream: "app" }],
    });
    const refused = [
      "/../etc/passwd",
      "/a/%2e%2e/%2e%2e/x",
      "/a%00b",
      "/a\\..\\b",
      "/a/..%2fb",
      "/a/%2e%2e%5cb",
      "/a/..;/b",
      "/a/%zz",
      "/%c0%ae%c0%ae/x",
      "*",
      "ftp://x/y",
      "http://u:p@x/y",
    ];
    for (const path of refused) {
      const r = await rawRequest(gw.port, get(path));
      expect([path, r.status]).toEqual([path, 400]);
      expect(r.headers["content-type"]).toBe("application/problem+json");
    }
    expect(up.targets).toEqual([]);
    const lines = await gw.close();
    expect(lines.map((l) => l.status)).toEqual(refused.map(() => 400));
  });
});

describe("item 2: no escape from a stripPrefix route's base path", () => {
  test("/public/<escape> never reaches the upstream outside /public-base", async () => {
    const up = await recording();
    const gw = await start({
      upstreams: { base: { targets: [`${up.server.url}/public-base`] } },
      routes: [{ path: "/public", upstream: "base", stripPrefix: true }],
    });
    const attempts = [
      "/public/../admin",
      "/public/%2e%2e/admin",
      "/public/..%2fadmin",
      "/public/..%2Fadmin",
      "/public/%2e%2e%2fadmin",
      "/public/.%2e/admin",
      "/public/..%5cadmin",
      "/public\\..\\admin",
      "/public/..;/admin",
      "/public;x/../admin",
      "/public/a/../../admin",
      "/public/%252e%252e/admin",
      "/public//../admin",
      "/public/x/..%2f..%2fadmin",
      "/public%2f..%2fadmin",
      "/public%2Fadmin",
      "/public;x/..;/admin",
    ];
    const statuses: Record<string, number> = {};
    for (const path of attempts) statuses[path] = (await rawRequest(gw.port, get(path))).status;
    // Each was refused (400), sent to another route (none here: 404), or forwarded under the
    // base (a double-encoded %252e is a name, not a dot-segment); nothing else.
    for (const [path, status] of Object.entries(statuses))
      expect([path, [200, 400, 404].includes(status)]).toEqual([path, true]);
    expect(statuses["/public/../admin"]).toBe(404);
    expect(statuses["/public/..%2fadmin"]).toBe(400);
    expect(statuses["/public%2Fadmin"]).toBe(400);
    for (const t of up.targets) {
      const view = upstreamView(t);
      expect([t, view === "/public-base" || view.startsWith("/public-base/")]).toEqual([t, true]);
    }
    // A path inside the prefix still works, and lands under the base.
    expect((await rawRequest(gw.port, get("/public/a/./b"))).status).toBe(200);
    expect(up.targets.at(-1)).toBe("/public-base/a/b");
    expect((await rawRequest(gw.port, get("/public;v=1/c"))).status).toBe(200);
    expect(up.targets.at(-1)).toBe("/public-base/c");
    await gw.close();
  });
});
