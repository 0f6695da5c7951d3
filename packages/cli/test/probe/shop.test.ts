/**
 * The demo's two shops, probed as the demo probes them (real servers on 127.0.0.1, a real quote
 * service): every misuse planted in examples/sloppy-api is found (one assertion each), and the
 * fixed API gets no finding at all (the false-positive guard).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Summary } from "../../src/audit/summary.js";
import { probeShop, type Shops, seedShop, startShops } from "../../src/cli/demo-run.js";
import type { ProbeResult } from "../../src/probe/probe.js";

let shops: Shops;
let sloppy: ProbeResult;
let fixed: ProbeResult;

beforeAll(async () => {
  shops = await startShops();
  const [sa, fa] = await Promise.all([seedShop(shops.sloppy.url), seedShop(shops.fixed.url)]);
  [sloppy, fixed] = await Promise.all([
    probeShop(shops.sloppy.url, sa),
    probeShop(shops.fixed.url, fa),
  ]);
});

afterAll(async () => {
  await shops?.close();
});

/** The messages of one rule's findings, with the request and status that showed each. */
function found(s: Summary, ruleId: string): string[] {
  return (s.findings[ruleId]?.samples ?? []).map(
    (f) => `${f.evidence.request} → ${f.evidence.status}: ${f.message} ${f.evidence.excerpt ?? ""}`,
  );
}

describe("probing examples/sloppy-api finds every planted misuse", () => {
  it('1. 200 with {"error": …} (an unknown order id)', () => {
    expect(found(sloppy.summary, "soft-error-2xx")).toContainEqual(
      expect.stringMatching(
        /^GET \/orders\/truestatus-probe-0 → 200: 200 with a body that says the request failed/,
      ),
    );
    expect(found(sloppy.summary, "probe-not-found-not-404")).toContainEqual(
      expect.stringMatching(/id that does not exist: expected 404 or 410, got 200/),
    );
  });

  it("2. 403 for a missing token", () => {
    expect(found(sloppy.summary, "probe-unauthenticated-not-401")).toContainEqual(
      expect.stringMatching(/without credentials: expected 401, got 403 Forbidden/),
    );
    expect(sloppy.summary.findings["403-without-credentials"]?.count).toBeGreaterThan(0);
  });

  it("3. 401 without WWW-Authenticate (a garbage token, an expired JWT)", () => {
    expect(found(sloppy.summary, "401-needs-www-authenticate")).toContainEqual(
      expect.stringMatching(/→ 401: 401 without WWW-Authenticate/),
    );
    const tokens = sloppy.requests
      .filter((r) => r.scenario === "invalid-token")
      .map((r) => r.status);
    expect(tokens.length).toBeGreaterThanOrEqual(2);
    expect(new Set(tokens)).toEqual(new Set([401]));
  });

  it("4. 400 for a duplicate", () => {
    expect(found(sloppy.summary, "probe-step-unexpected-status")).toContainEqual(
      expect.stringMatching(
        /^POST \/users → 400: step "register the same user again".*expected 409 or 422, got 400/,
      ),
    );
    expect(found(sloppy.summary, "400-for-business-rule")).toContainEqual(
      expect.stringMatching(/400 for a duplicate/),
    );
  });

  it("5. 500 on malformed JSON", () => {
    expect(found(sloppy.summary, "probe-bad-body-not-400")).toContainEqual(
      expect.stringMatching(/with a body that is not JSON: expected 400, got 500/),
    );
  });

  it("6. 500 when its upstream times out", () => {
    expect(sloppy.summary.findings["probe-step-unexpected-status"]?.count).toBe(3);
    const step = sloppy.requests.find((r) => r.scenario === "step" && r.status === 500);
    expect(step).toMatchObject({ method: "POST", target: "/orders", status: 500 });
  });

  it("7. 429 without Retry-After (--burst)", () => {
    expect(found(sloppy.summary, "429-needs-retry-after")).toContainEqual(
      expect.stringMatching(/^GET \/orders → 429: 429 without Retry-After/),
    );
  });

  it("8. 404 for a wrong method", () => {
    expect(found(sloppy.summary, "probe-wrong-method-not-405")).toContainEqual(
      expect.stringMatching(/expected 405, got 404 Not Found/),
    );
  });

  it("9. stack traces in 5xx", () => {
    expect(found(sloppy.summary, "error-leaks-internals")).toContainEqual(
      expect.stringMatching(/→ 500: 500 body leaks a stack trace/),
    );
  });

  it("10. another identity's order for 200 (two identities)", () => {
    expect(found(sloppy.summary, "probe-other-identity-not-refused")).toContainEqual(
      expect.stringMatching(
        /^GET \/orders\/o\d+ → 200: .*as identity B.*identity B was given identity A's resource/,
      ),
    );
  });

  it("415: a text/plain body is a 500 instead", () => {
    expect(found(sloppy.summary, "probe-media-type-not-refused")).toContainEqual(
      expect.stringMatching(/Content-Type: text\/plain: expected 415, got 500/),
    );
  });

  it("stays within its budget and lists every request", () => {
    expect(sloppy.requests.length).toBeLessThanOrEqual(sloppy.maxRequests);
    expect(sloppy.summary.exchanges).toBe(sloppy.requests.length);
    expect(sloppy.requests.map((r) => r.n)).toEqual(sloppy.requests.map((_, i) => i + 1));
  });
});

describe("probing examples/fixed-api finds nothing (false-positive guard)", () => {
  it("has no finding of any rule or severity", () => {
    expect(fixed.summary.findings).toEqual({});
  });

  it("ran every scenario against it", () => {
    const ran = new Set(fixed.requests.map((r) => r.scenario));
    for (const s of [
      "baseline",
      "no-credentials",
      "invalid-token",
      "other-identity",
      "malformed-body",
      "invalid-body",
      "unsupported-media-type",
      "not-acceptable",
      "wrong-method",
      "unknown-path",
      "unknown-id",
      "head",
      "options",
      "step",
      "burst",
    ])
      expect(ran, s).toContain(s);
  });

  it("answers each scenario truthfully (401, 404 for B, 400, 415, 405, 404, 422, 504)", () => {
    const statuses = (scenario: string) =>
      new Set(fixed.requests.filter((r) => r.scenario === scenario).map((r) => r.status));
    expect(statuses("no-credentials")).toEqual(new Set([401]));
    expect(statuses("invalid-token")).toEqual(new Set([401]));
    expect(statuses("malformed-body")).toEqual(new Set([400]));
    expect(statuses("unsupported-media-type")).toEqual(new Set([415]));
    expect(statuses("wrong-method")).toEqual(new Set([405]));
    expect(statuses("unknown-path")).toEqual(new Set([404]));
    expect(statuses("step")).toEqual(new Set([201, 422, 200, 504]));
  });
});
