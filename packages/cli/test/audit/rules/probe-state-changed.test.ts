import { describe } from "vitest";
import rule from "../../../src/audit/rules/probe-state-changed.js";
import { testRule } from "../helpers.js";
import { probed } from "../probe-helpers.js";

const after = { scenario: "state-witness", did: "GET /posts after the probe" };

describe(rule.id, () => {
  testRule(rule, {
    valid: [
      probed(after, { status: 200, target: "/posts" }),
      {
        name: "another scenario's changed facts are not this rule's",
        exchange: probed(
          { ...after, scenario: "other-identity-write", changed: "x" },
          { status: 403 },
        ),
      },
    ],
    invalid: [
      {
        exchange: probed(
          { ...after, changed: "1 item before, 2 items after; sent to it: POST /posts" },
          { status: 200, target: "/posts" },
        ),
        findings: [
          {
            message:
              /^\/posts changed during the probe: 1 item before, 2 items after; sent to it: POST \/posts$/,
            severity: "error",
          },
        ],
      },
    ],
  });
});
