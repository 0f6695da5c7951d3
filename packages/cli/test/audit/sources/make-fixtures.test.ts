/**
 * Keeps the fixtures reproducible: runs the fixture script for real nginx (2 rounds, a few
 * seconds) into a temporary directory and reads what nginx wrote with the nginx source.
 */
import { describe, expect, it } from "vitest";
import { openSource } from "../../../src/audit/sources/open.js";
import { MIX, makeFixtures, NGINX_LOG_FORMAT } from "../../fixtures/make-fixtures.js";
import { drain, exchanges, malformedOf, tempDir } from "./helpers.js";

const dir = tempDir();

describe("make-fixtures (real nginx)", () => {
  it("produces logs the nginx and combined sources read whole", async () => {
    const files = await makeFixtures(dir, ["nginx"], 2);
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual([
      "nginx-upstream.log",
      "nginx-combined.log",
    ]);
    const upstream = await drain(await openSource(files[0]!, { logFormat: NGINX_LOG_FORMAT }));
    expect(malformedOf(upstream)).toEqual([]);
    const ex = exchanges(upstream);
    expect(ex).toHaveLength(MIX.length * 2 + 1);
    const statusOf = (target: string) => [
      ...new Set(ex.filter((e) => e.request.target === target).map((e) => e.response?.status)),
    ];
    expect(statusOf("/api/ok")).toEqual([200]);
    expect(statusOf("/refused/ok")).toEqual([502]);
    expect(statusOf("/api/reset")).toEqual([502]);
    expect(statusOf("/api/slow")).toEqual([504]);
    expect(statusOf("/api/slow?abort=1")).toEqual([499]);
    expect(statusOf("/api/unavailable")).toEqual([503]);
    const combined = await openSource(files[1]!);
    expect(combined.format).toBe("combined");
    expect(exchanges(await drain(combined))).toHaveLength(MIX.length * 2 + 1);
  });
});
