/** docs/gateway.md: its config is a valid one (two upstreams, Redis), and it lists every metric. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/gateway/config.js";
import { METRIC_NAMES } from "../../src/gateway/metrics.js";

const doc = readFileSync(new URL("../../../../docs/gateway.md", import.meta.url), "utf8");

describe("docs/gateway.md", () => {
  it("its gateway.yaml is a valid config with two upstreams and Redis", () => {
    const block = /```yaml\n(# gateway\.yaml\n[\s\S]*?)```/.exec(doc);
    expect(block).not.toBeNull();
    const c = parseConfig(block![1]!, "docs/gateway.md");
    expect([...c.upstreams.keys()]).toEqual(["users", "billing"]);
    expect(c.redis?.url).toBe("redis://redis.internal:6379");
    expect(c.routes.every((r) => r.rateLimit?.store === "redis")).toBe(true);
  });

  it("documents every metric", () => {
    for (const name of METRIC_NAMES) expect(doc).toContain(`\`${name}\``);
  });
});
