import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY, definePolicy, POLICY_OPTIONS, PolicyError } from "../../src/index.js";

describe("policy", () => {
  it("defaults follow the guide", () => {
    expect(DEFAULT_POLICY).toMatchObject({
      validationStatus: 400,
      duplicateStatus: 422,
      hideForbidden: false,
      exposeInternals: false,
      authScheme: "Bearer",
      proxyName: "truestatus",
    });
    expect(Object.isFrozen(DEFAULT_POLICY)).toBe(true);
  });

  it("documents every option, and only real options", () => {
    expect(POLICY_OPTIONS.map((o) => o.name).sort()).toEqual(Object.keys(DEFAULT_POLICY).sort());
    for (const o of POLICY_OPTIONS) expect(o.guideline.length).toBeGreaterThan(20);
  });

  it("keeps given options and ignores undefined ones", () => {
    const p = definePolicy({ validationStatus: 422, realm: undefined });
    expect(p.validationStatus).toBe(422);
    expect(p.duplicateStatus).toBe(422);
  });

  it.each([
    [{ validationStatus: 418 }, "validationStatus"],
    [{ duplicateStatus: 400 }, "duplicateStatus"],
    [{ hideForbidden: "yes" }, "hideForbidden"],
    [{ exposeInternals: 1 }, "exposeInternals"],
    [{ problemTypeBase: "not a uri" }, "problemTypeBase"],
    [{ authScheme: "Bear er" }, "authScheme"],
    [{ realm: "a\r\nSet-Cookie: x=1" }, "realm"],
    [{ proxyName: "" }, "proxyName"],
    [{ proxyName: "naïve" }, "proxyName"],
    [{ validationStatsu: 422 }, "validationStatsu"],
  ])("refuses %j naming the option", (options, option) => {
    let caught: unknown;
    try {
      definePolicy(options as never);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(PolicyError);
    expect((caught as PolicyError).option).toBe(option);
    expect((caught as PolicyError).code).toBe("TRUESTATUS_INVALID_POLICY");
  });
});
