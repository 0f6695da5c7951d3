import { describe, expect, it } from "vitest";
import { HttpFailure, notFound, unauthenticated, unprocessable } from "../../src/index.js";
import type { LogEntry } from "../../src/server/log.js";
import { createResponder, withVary } from "../../src/server/respond.js";

const GET = { method: "GET", path: "/x", accept: undefined };

describe("createResponder", () => {
  it("answers a constant client failure with one shared, frozen reply per media type", () => {
    const r = createResponder({ policy: { realm: "api" } });
    const a = r.reply(new HttpFailure(unauthenticated()), GET);
    const b = r.reply(new HttpFailure(unauthenticated()), GET);
    expect(a).toBe(b);
    expect(Object.isFrozen(a) && Object.isFrozen(a.headers)).toBe(true);
    expect(a.headers["www-authenticate"]).toBe('Bearer realm="api"');
    const json = r.reply(new HttpFailure(unauthenticated()), {
      ...GET,
      accept: "application/json",
    });
    expect(json).not.toBe(a);
    expect(json.headers["content-type"]).toBe("application/json");
    const head = r.reply(new HttpFailure(notFound()), { ...GET, method: "HEAD" });
    expect(head.body).toBe("");
    expect(r.reply(new HttpFailure(notFound()), GET).body).toContain('"status":404');
  });

  it("does not share replies of failures that carry their own facts", () => {
    const r = createResponder();
    const a = r.reply(new HttpFailure(unprocessable({ detail: "one" })), GET);
    const b = r.reply(new HttpFailure(unprocessable({ detail: "two" })), GET);
    expect(JSON.parse(a.body).detail).toBe("one");
    expect(JSON.parse(b.body).detail).toBe("two");
  });

  it("gives every 5xx its own instance, logged; a logger that throws changes nothing", () => {
    const entries: LogEntry[] = [];
    const r = createResponder({ logger: (e) => entries.push(e) });
    const a = JSON.parse(r.reply(new Error("x"), GET).body) as { instance: string };
    const b = JSON.parse(r.reply(new Error("x"), GET).body) as { instance: string };
    expect(a.instance).not.toBe(b.instance);
    expect(entries.map((e) => e.instance)).toEqual([a.instance, b.instance]);
    const loud = createResponder({
      logger: () => {
        throw new Error("log down");
      },
    });
    expect(loud.reply(new Error("x"), GET).status).toBe(500);
  });

  it("a thrown 501 keeps its status, with an instance and no message", () => {
    const entries: LogEntry[] = [];
    const r = createResponder({ logger: (e) => entries.push(e) });
    const e = Object.assign(new Error("SELECT secret"), { status: 501 });
    const reply = r.reply(e, GET);
    const body = JSON.parse(reply.body) as Record<string, unknown>;
    expect(reply.status).toBe(501);
    expect(body).toMatchObject({ type: "about:blank", title: "Not Implemented", status: 501 });
    expect(reply.body).not.toContain("SELECT");
    expect(entries[0]?.instance).toBe(body.instance);
  });

  it("withVary adds Accept once", () => {
    expect(withVary(undefined)).toBe("Accept");
    expect(withVary("Origin")).toBe("Origin, Accept");
    expect(withVary("origin, accept")).toBe("origin, accept");
    expect(withVary("*")).toBe("*");
  });
});
