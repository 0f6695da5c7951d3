import { createServer } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LogEntry } from "../../src/server/log.js";
import { callSite, softErrorReason, softErrorReasonOfText } from "../../src/server/soft-error.js";
import { closing, listening, type Started } from "./apps/domain.js";
import { ADAPTERS } from "./apps/index.js";

describe("softErrorReason", () => {
  it.each([
    [{ error: "card declined" }, 'the body has an "error" member'],
    [{ error: { code: 1 } }, 'the body has an "error" member'],
    [{ success: false, data: null }, 'the body has "success": false'],
    [{ status: "error" }, 'the body has "status": "error"'],
    [{ status: "FAILED" }, 'the body has "status": "FAILED"'],
  ])("%j → %s", (body, reason) => {
    expect(softErrorReason(body)).toBe(reason);
  });
  it.each([
    [{ error: null }],
    [{ error: false }],
    [{ error: "" }],
    [{ success: true }],
    [{ status: "ok" }],
    [{ status: 500 }],
    [[{ error: "x" }]],
    ["error"],
    [null],
  ])("%j is not an error", (body) => {
    expect(softErrorReason(body)).toBeUndefined();
  });
  it("reads JSON text, and ignores what is not a JSON object", () => {
    expect(softErrorReasonOfText('{"success":false}')).toBe('the body has "success": false');
    expect(softErrorReasonOfText("not json {")).toBeUndefined();
    expect(softErrorReasonOfText('["error"]')).toBeUndefined();
  });
  it("callSite skips node internals and node_modules", () => {
    const stack = [
      "Error",
      "    at guardedJson (/app/node_modules/truestatus/dist/server/express.js:1:1)",
      "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
      "    at handler (/app/node_modules/express/lib/response.js:2:2)",
      "    at /app/src/routes/users.js:42:9",
    ].join("\n");
    expect(callSite(stack)).toBe("/app/src/routes/users.js:42:9");
    expect(callSite("Error\n    at file:///app/src/x.mjs:3:4")).toBe("/app/src/x.mjs:3:4");
    expect(callSite(undefined)).toBeUndefined();
  });
});

for (const [name, start] of Object.entries(ADAPTERS)) {
  describe(`${name}: the soft-error guard (development)`, () => {
    let app: Started;
    const logged: LogEntry[] = [];
    const server = createServer();
    beforeAll(async () => {
      server.listen(0, "127.0.0.1");
      const url = await listening(server);
      app = await start({
        log: (e) => logged.push(e),
        refusedUrl: url,
        hangingUrl: url,
        softErrors: true,
      });
    });
    afterAll(async () => {
      await app.close();
      await closing(server);
    });

    it("warns in a header and the log, pointing at the app's file, without changing the answer", async () => {
      const res = await fetch(`${app.url}/soft`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ error: "card declined" });
      const header = res.headers.get("truestatus-soft-error") ?? "";
      expect(header).toMatch(
        /^200 sent with an error-looking body: the body has an "error" member/,
      );
      const entry = logged.find((e) => e.event === "soft_error");
      expect(entry).toMatchObject({ level: "warn", status: 200, method: "GET", path: "/soft" });
      // NestJS sends a handler's return value after the handler returned: no line to point at.
      if (name !== "nestjs") {
        expect(entry?.at).toMatch(new RegExp(`test/server/apps/${name}\\.ts:\\d+:\\d+$`));
        // The header names the file relative to the working directory, never its absolute path.
        expect(header).toMatch(
          new RegExp(`sent at packages/truestatus/test/server/apps/${name}\\.ts:\\d+:\\d+$`),
        );
      }
      expect(header).not.toContain(process.cwd());
    });

    it("says nothing about an honest 2xx", async () => {
      const res = await fetch(`${app.url}/me`, {
        headers: { authorization: "Bearer reader-token" },
      });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      expect(res.headers.get("truestatus-soft-error")).toBeNull();
    });
  });
}
