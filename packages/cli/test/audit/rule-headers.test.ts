/**
 * A rule that reads a response header runs on a log that records only some headers only when
 * that header is among them (rule-headers.ts), and the list stays in step with the rules.
 */
import { describe, expect, it } from "vitest";
import { analyzeExchanges } from "../../src/audit/engine.js";
import type { Capability, Exchange } from "../../src/audit/exchange.js";
import { RULE_RESPONSE_HEADERS } from "../../src/audit/rule-headers.js";
import { RULES } from "../../src/audit/rules/index.js";
import { openSource } from "../../src/audit/sources/open.js";
import { NGINX_LOG_FORMAT } from "../fixtures/make-fixtures.js";
import { drain } from "./sources/helpers.js";

describe("RULE_RESPONSE_HEADERS", () => {
  it("names every rule that needs response headers, and only those", () => {
    const needing = RULES.filter((r) => r.meta.needs.includes("response.headers")).map((r) => r.id);
    expect(Object.keys(RULE_RESPONSE_HEADERS).sort()).toEqual(needing.sort());
    for (const headers of Object.values(RULE_RESPONSE_HEADERS))
      for (const h of headers) expect(h).toBe(h.toLowerCase());
  });

  it("the real nginx fixture (logs WWW-Authenticate and Retry-After, not Location): no 201-needs-location, and coverage says why", async () => {
    const src = await openSource(
      new URL("../fixtures/logs/nginx-upstream.log", import.meta.url).pathname,
      { logFormat: NGINX_LOG_FORMAT },
    );
    const records = await drain(src);
    const s = analyzeExchanges(records, src);
    expect(s.findings["201-needs-location"]).toBeUndefined();
    expect(s.coverage["201-needs-location"]?.notChecked).toEqual({
      [src.file]: ["response.headers"],
    });
    expect(s.findings["401-needs-www-authenticate"]?.count).toBeGreaterThan(0);
    expect(s.coverage["401-needs-www-authenticate"]?.notChecked).toEqual({});
  });

  it("a source that logs every header runs them all", () => {
    const ex: Exchange = {
      format: "har",
      location: { file: "x.har", entry: 0 },
      request: { method: "POST", target: "/items", path: "/items" },
      response: { status: 201, headers: {} },
    };
    const caps = new Set<Capability>(["response.headers"]);
    const all = analyzeExchanges([ex], { file: "x.har", format: "har", capabilities: caps });
    expect(all.findings["201-needs-location"]?.count).toBe(1);
    const some = analyzeExchanges([ex], {
      file: "x.har",
      format: "har",
      capabilities: caps,
      loggedHeaders: { response: new Set(["www-authenticate"]) },
    });
    expect(some.findings["201-needs-location"]).toBeUndefined();
  });
});
