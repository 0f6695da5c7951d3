import { describe, expect, it } from "vitest";
import { ndjsonFormat } from "../../../src/audit/sources/ndjson.js";
import { openSource } from "../../../src/audit/sources/open.js";
import { drain, exchanges, tempDir, write } from "./helpers.js";

const dir = tempDir();

const PINO = JSON.stringify({
  level: 30,
  time: 1732474800123,
  req: {
    id: 1,
    method: "GET",
    url: "/users/7?x=1",
    headers: { host: "api.test", authorization: "Bearer abc.def.ghi" },
  },
  res: { statusCode: 401, headers: { "content-type": "application/json" } },
  responseTime: 4.2,
  msg: "request completed",
});
const OTEL = JSON.stringify({
  timestamp: "2026-11-24T19:00:00.000Z",
  attributes: {
    "http.request.method": "POST",
    "url.path": "/orders",
    "http.response.status_code": 503,
  },
});

describe("ndjson", () => {
  it("finds pino-http fields by default, redacts credentials, reads ms durations", () => {
    const f = ndjsonFormat({}, [PINO]);
    expect([...f.capabilities].sort()).toEqual([
      "duration",
      "request.credentials",
      "request.headers",
      "response.headers",
      "time",
    ]);
    expect(f.detect(PINO)).toBe(true);
    expect(f.parse(PINO, "p.ndjson", 1)).toEqual({
      format: "ndjson",
      location: { file: "p.ndjson", line: 1 },
      time: 1732474800123,
      durationMs: 4.2,
      request: {
        method: "GET",
        target: "/users/7?x=1",
        path: "/users/7",
        host: "api.test",
        headers: { host: ["api.test"], authorization: ["Bearer [REDACTED]"] },
        credentials: "present",
      },
      response: { status: 401, headers: { "content-type": ["application/json"] } },
    });
  });

  it("finds OpenTelemetry keys that hold dots", () => {
    const f = ndjsonFormat({}, [OTEL]);
    expect(f.parse(OTEL, "o", 3)).toEqual({
      format: "ndjson",
      location: { file: "o", line: 3 },
      time: Date.UTC(2026, 10, 24, 19),
      request: { method: "POST", target: "/orders", path: "/orders" },
      response: { status: 503 },
    });
  });

  it("takes a user mapping, and reports lines without a status as malformed", () => {
    const f = ndjsonFormat({
      status: "r.code",
      method: "q.verb",
      target: "q.u",
      durationSeconds: "t",
    });
    expect(
      f.parse('{"r":{"code":"204"},"q":{"verb":"DELETE","u":"/a/1"},"t":0.25}', "m", 1),
    ).toMatchObject({
      request: { method: "DELETE", target: "/a/1" },
      response: { status: 204 },
      durationMs: 250,
    });
    expect(f.parse('{"r":{}}', "m", 2)).toEqual({
      malformed: true,
      reason: 'no status at "r.code"',
      file: "m",
      line: 2,
    });
    expect(f.parse("[1,2]", "m", 3)).toEqual({
      malformed: true,
      reason: "not a JSON object",
      file: "m",
      line: 3,
    });
    expect(f.parse('{"r":{"code":"x"}}', "m", 4)).toMatchObject({
      reason: 'status at "r.code" is not an integer',
    });
  });

  it("refuses unknown fields and empty paths with INVALID_FIELD_MAP", () => {
    expect(() => ndjsonFormat({ colour: "x" })).toThrow(/unknown exchange field "colour"/);
    expect(() => ndjsonFormat({ status: "a..b" })).toThrow(
      expect.objectContaining({ code: "TRUESTATUS_INVALID_FIELD_MAP" }),
    );
  });

  it("is detected from the file, and a field map given forces it", async () => {
    const path = write(dir, "app.log", `${PINO}\n${PINO}\n`);
    const src = await openSource(path);
    expect(src.format).toBe("ndjson");
    expect(exchanges(await drain(src))).toHaveLength(2);
    const forced = await openSource(write(dir, "o.log", `${OTEL}\n`), {
      fieldMap: { status: "attributes.http.response.status_code" },
    });
    expect(forced.format).toBe("ndjson");
  });
});
