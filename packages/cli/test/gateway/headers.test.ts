/** Hop-by-hop stripping and the forwarding fields: unit properties, then through a real gateway. */
import { BlockList } from "node:net";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clientAddress } from "../../src/gateway/forwarded.js";
import { HOP_BY_HOP, stripHopByHop } from "../../src/gateway/hop-by-hop.js";
import { gatewaySuite, type TestGateway } from "./harness.js";

const NAMES = [
  "Connection",
  "keep-alive",
  "TE",
  "Upgrade",
  "X-Foo",
  "x-bar",
  "Accept",
  "Proxy-Authorization",
  "Transfer-Encoding",
  "proxy-status",
];

describe("stripHopByHop", () => {
  it("drops hop-by-hop fields and those Connection names, keeps the rest in order", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom(...NAMES),
            fc.constantFrom("a", "close, X-Foo", "x-bar", "keep-alive"),
          ),
          { maxLength: 12 },
        ),
        (pairs) => {
          const raw = pairs.flat();
          const named = new Set(
            pairs
              .filter(([n]) => n.toLowerCase() === "connection")
              .flatMap(([, v]) => v.split(",").map((t) => t.trim().toLowerCase())),
          );
          const out = stripHopByHop(raw, new Set());
          const expected = pairs
            .filter(([n]) => !HOP_BY_HOP.has(n.toLowerCase()) && !named.has(n.toLowerCase()))
            .flat();
          expect(out).toEqual(expected);
        },
      ),
    );
  });
});

describe("clientAddress", () => {
  const trusted = new BlockList();
  trusted.addSubnet("10.0.0.0", 8, "ipv4");
  it("believes X-Forwarded-For only from a trusted peer, right to left", () => {
    expect(clientAddress("203.0.113.9", "1.2.3.4", trusted, true)).toBe("203.0.113.9");
    expect(clientAddress("10.0.0.1", "6.6.6.6, 1.2.3.4, 10.0.0.2", trusted, true)).toBe("1.2.3.4");
    expect(clientAddress("10.0.0.1", "10.0.0.3, 10.0.0.2", trusted, true)).toBe("10.0.0.3");
    expect(clientAddress("::ffff:10.0.0.1", "1.2.3.4", trusted, true)).toBe("1.2.3.4");
    expect(clientAddress("10.0.0.1", "1.2.3.4", trusted, false)).toBe("10.0.0.1");
  });
});

describe("headers through the gateway", () => {
  const { serve, start, test } = gatewaySuite();
  let gw: TestGateway | undefined;

  /** An upstream that answers with the request head it received as its body. */
  async function echo(extra = "") {
    return serve((s, first) => {
      const head = first.toString("latin1").split("\r\n\r\n")[0]!;
      s.end(
        `HTTP/1.1 200 OK\r\ncontent-length: ${head.length}\r\nConnection: keep-alive, X-Secret-Hop\r\nX-Secret-Hop: 1\r\nKeep-Alive: timeout=5\r\nVia: 1.1 app\r\n${extra}\r\n${head}`,
      );
    });
  }

  function sent(body: string): Map<string, string> {
    const m = new Map<string, string>();
    for (const line of body.split("\r\n").slice(1)) {
      const i = line.indexOf(":");
      m.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
    }
    return m;
  }

  test("request: hop-by-hop out, forged forwarding replaced (untrusted peer), Via added", async () => {
    const up = await echo();
    gw = await start({
      upstreams: { a: { targets: [up.url] } },
      routes: [{ path: "/", upstream: "a" }],
    });
    const r = await gw.get("/x?y=1", {
      headers: {
        connection: "X-Hop",
        "x-hop": "1",
        te: "trailers",
        "proxy-authorization": "Basic eDp5",
        "x-forwarded-for": "6.6.6.6",
        forwarded: "for=6.6.6.6",
        "x-keep": "yes",
      },
    });
    const h = sent(r.body);
    expect(r.body.split("\r\n")[0]).toBe("GET /x?y=1 HTTP/1.1");
    for (const gone of ["x-hop", "te", "proxy-authorization"]) expect(h.has(gone)).toBe(false);
    expect(h.get("x-keep")).toBe("yes");
    expect(h.get("x-forwarded-for")).toBe("127.0.0.1");
    expect(h.get("forwarded")).toBe(`for=127.0.0.1;proto=http;host="127.0.0.1:${gw.port}"`);
    expect(h.get("x-forwarded-host")).toBe(`127.0.0.1:${gw.port}`);
    expect(h.get("host")).toBe(`127.0.0.1:${up.port}`);
    expect(h.get("via")).toBe("1.1 truestatus");
    // Response: the fields of the upstream's connection are not passed on, Via is appended.
    expect(r.headers["x-secret-hop"]).toBeUndefined();
    expect(r.headers.via).toBe("1.1 app, 1.1 truestatus");
    expect(r.status).toBe(200);
  });

  test("request: a trusted peer's chain is extended", async () => {
    const up = await echo();
    gw = await start({
      trustedProxies: ["127.0.0.1"],
      upstreams: { a: { targets: [up.url] } },
      routes: [{ path: "/", upstream: "a" }],
    });
    const r = await gw.get("/", {
      headers: {
        "x-forwarded-for": "198.51.100.7",
        forwarded: "for=198.51.100.7",
        "x-forwarded-proto": "https",
      },
    });
    const h = sent(r.body);
    expect(h.get("x-forwarded-for")).toBe("198.51.100.7, 127.0.0.1");
    expect(h.get("x-forwarded-proto")).toBe("https");
    expect(h.get("forwarded")).toMatch(/^for=198\.51\.100\.7, for=127\.0\.0\.1;proto=http;/);
    const lines = await gw.close();
    expect(lines[0]?.client).toBe("198.51.100.7");
  });

  test("a request body over the limit is answered 413 without reaching the upstream", async () => {
    const up = await echo();
    gw = await start({
      limits: { requestBody: 10 },
      upstreams: { a: { targets: [up.url] } },
      routes: [{ path: "/", upstream: "a" }],
    });
    const r = await gw.get("/", {
      method: "POST",
      body: "x".repeat(100),
      headers: { "content-length": "100" },
    });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toMatchObject({ status: 413, limit: 10 });
    await gw.close();
    // Streamed (chunked): counted as it goes, the upstream request aborted at the limit.
    const silent = await serve(() => {});
    gw = await start({
      limits: { requestBody: 10 },
      upstreams: { a: { targets: [silent.url] } },
      routes: [{ path: "/", upstream: "a" }],
    });
    const chunked = await gw.get("/", {
      method: "POST",
      body: "x".repeat(100),
      headers: { "transfer-encoding": "chunked" },
    });
    expect(chunked.status).toBe(413);
  });

  test("no route: 404 problem+json from the gateway", async () => {
    const up = await echo();
    gw = await start({
      upstreams: { a: { targets: [up.url] } },
      routes: [{ path: "/api", upstream: "a" }],
    });
    expect((await gw.get("/apix")).status).toBe(404);
    expect((await gw.get("/api/x")).status).toBe(200);
    expect((await gw.get("/api?x")).status).toBe(200);
  });
});
