/**
 * Keeps the fixtures reproducible: runs the fixture script for real nginx (2 rounds, a few
 * seconds) into a temporary directory and reads what nginx wrote with the nginx source.
 */
import { describe, expect, it } from "vitest";
import { openSource } from "../../../src/audit/sources/open.js";
import {
  HAPROXY_LOG_FORMAT,
  MIX,
  makeFixtures,
  NGINX_LOG_FORMAT,
} from "../../fixtures/make-fixtures.js";
import { drain, exchanges, malformedOf, tempDir } from "./helpers.js";

const dir = tempDir();

describe("make-fixtures (real nginx)", () => {
  it("produces logs the nginx and combined sources read whole", async () => {
    const files = await makeFixtures(dir, ["nginx"], 2);
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual([
      "nginx-upstream.log",
      "nginx-combined.log",
      "ingress-nginx.log",
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
    // ingress-nginx's default format, detected as such: its upstream fields are read.
    const ingress = await openSource(files[2]!);
    expect(ingress.format).toBe("ingress-nginx");
    const ing = exchanges(await drain(ingress));
    expect(ing).toHaveLength(MIX.length * 2 + 1);
    const reset = ing.find((e) => e.request.target === "/api/reset");
    expect(reset?.upstream?.attempts?.[0]?.status).toBe(502);
  });

  it("produces an HAProxy log with a custom log-format that --log-format reads whole", async () => {
    const [file] = await makeFixtures(dir, ["haproxy-custom"], 1);
    const src = await openSource(file!, { logFormat: HAPROXY_LOG_FORMAT });
    expect(src.format).toBe("haproxy");
    const records = await drain(src);
    expect(malformedOf(records)).toEqual([]);
    const ex = exchanges(records);
    expect(ex.length).toBeGreaterThanOrEqual(MIX.length + 1);
    const slow = ex.find((e) => e.request.target === "/api/slow");
    expect(slow?.response?.status).toBe(504);
    expect(slow?.upstream?.termination).toBe("sH--");
  });
});
