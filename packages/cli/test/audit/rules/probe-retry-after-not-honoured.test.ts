import { describe } from "vitest";
import rule from "../../../src/audit/rules/probe-retry-after-not-honoured.js";
import { testRule } from "../helpers.js";
import { probed } from "../probe-helpers.js";

const retry = {
  scenario: "burst-retry",
  did: "GET /orders after the Retry-After (1) of a 429",
  waitedMs: 1050,
};

describe(rule.id, () => {
  testRule(rule, {
    valid: [
      probed(retry, { status: 200 }),
      {
        name: "a 429 of the burst itself",
        exchange: probed({ scenario: "burst", did: "GET /orders" }, { status: 429 }),
      },
    ],
    invalid: [
      {
        exchange: probed(retry, { status: 429 }),
        findings: [{ message: /429 again after waiting 1050 ms/ }],
      },
    ],
  });
});
