import { describe } from "vitest";
import rule from "../../../src/audit/rules/probe-head-differs-from-get.js";
import { testRule } from "../helpers.js";
import { probed } from "../probe-helpers.js";

const head = (getStatus: number) => ({ scenario: "head", did: "HEAD /orders", getStatus });

describe(rule.id, () => {
  testRule(rule, {
    valid: [
      probed(head(200), { method: "HEAD", status: 200, size: 0 }),
      probed(head(401), { method: "HEAD", status: 401 }),
    ],
    invalid: [
      {
        exchange: probed(head(200), { method: "HEAD", status: 404 }),
        findings: [{ message: /HEAD answered 404 where GET answered 200/ }],
      },
    ],
  });
});
