import { describe } from "vitest";
import rule from "../../../src/audit/rules/500-masks-upstream-failure.js";
import { exchange, testRule } from "../helpers.js";

describe(rule.id, () => {
  testRule(rule, {
    valid: [
      {
        name: "the app's own 500 behind nginx",
        exchange: exchange({ status: 500, upstream: { attempts: [{ status: 500 }] } }),
      },
      {
        name: "HAProxy ---- is the app",
        exchange: exchange({ status: 500, upstream: { termination: "----" } }),
      },
      {
        name: "Envoy via_upstream",
        exchange: exchange({ status: 500, upstream: { flags: [], details: "via_upstream" } }),
      },
      {
        name: "a truthful 504",
        exchange: exchange({ status: 504, upstream: { attempts: [{ status: 504 }] } }),
      },
      { name: "no upstream facts", exchange: exchange({ status: 500 }) },
    ],
    invalid: [
      {
        name: "nginx timeout",
        exchange: exchange({ status: 500, upstream: { attempts: [{ status: 504 }] } }),
        findings: [{ message: /timed out.*answer 504/ }],
      },
      {
        name: "nginx refused (-)",
        exchange: exchange({ status: 500, upstream: { attempts: [{ status: 502 }, {}] } }),
        findings: [{ message: /answer 502/, excerpt: /upstream status 502, -/ }],
      },
      {
        name: "Envoy UT",
        exchange: exchange({ status: 500, upstream: { flags: ["UT"] } }),
        findings: [{ message: /Envoy response flag UT.*504/ }],
      },
      {
        name: "Envoy UF",
        exchange: exchange({ status: 500, upstream: { flags: ["UF"] } }),
        findings: [{ message: /answer 502/ }],
      },
      {
        name: "Envoy UO overload",
        exchange: exchange({ status: 500, upstream: { flags: ["UO"] } }),
        findings: [{ message: /overloaded.*answer 503/ }],
      },
      {
        name: "HAProxy sH",
        exchange: exchange({ status: 500, upstream: { termination: "sH--" } }),
        findings: [{ message: /HAProxy termination state sH.*504/ }],
      },
      {
        name: "HAProxy SC",
        exchange: exchange({ status: 500, upstream: { termination: "SC--" } }),
        findings: [{ message: /502/ }],
      },
      {
        name: "HAProxy sQ",
        exchange: exchange({ status: 500, upstream: { termination: "sQ--" } }),
        findings: [{ message: /queue.*503/ }],
      },
      {
        name: "ALB target never answered",
        exchange: exchange({ status: 500, format: "alb", upstream: { targetStatus: null } }),
        findings: [{ message: /target never answered \(ALB target_status_code -\).*502/ }],
      },
      {
        name: "Cloudflare: the origin never answered, said in Cloudflare's words",
        exchange: exchange({ status: 500, format: "cloudflare", upstream: { targetStatus: null } }),
        findings: [{ message: /never answered \(Cloudflare OriginResponseStatus 0\)/ }],
      },
      {
        name: "GCP load balancer: its statusDetails quoted, not ALB's field",
        exchange: exchange({
          status: 500,
          format: "gcp-lb",
          upstream: { targetStatus: null, details: "failed_to_connect_to_backend" },
        }),
        findings: [{ message: /never answered \(proxy detail failed_to_connect_to_backend\)/ }],
      },
    ],
  });
});
