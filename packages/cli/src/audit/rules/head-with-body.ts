/** A response to HEAD with a body: RFC 9110 §9.3.2 says the server MUST NOT send content. */
import { contentAllowed } from "truestatus";
import { finding } from "../finding.js";
import { defineRule, NO_FINDINGS, type Rule } from "../rule.js";
import { bodyBytes } from "./no-content-with-body.js";

const rule: Rule = defineRule({
  id: "head-with-body",
  meta: {
    title: "HEAD answered with a body",
    severity: "error",
    spec: { document: "RFC 9110", section: "9.3.2" },
    csf: "DE.CM",
    needs: ["response.size"],
    description:
      "HEAD asks for the header section of a GET without its content. A server that sends the body anyway breaks keep-alive framing: the client reads those bytes as the next response.",
    fix: "Let the framework handle HEAD (Express, Fastify and Hono drop the body) instead of writing to the socket yourself.",
  },
  screen: (_status, method, size) => method === "HEAD" && size !== 0,
  check(ex) {
    const res = ex.response;
    if (ex.request.method !== "HEAD" || res === undefined) return NO_FINDINGS;
    // 1xx/204/205/304 with a body belong to no-content-with-body.
    if (!contentAllowed(res.status) || contentAllowed(res.status, "HEAD")) return NO_FINDINGS;
    const n = bodyBytes(ex);
    return n === 0 ? NO_FINDINGS : [finding(rule, ex, `HEAD answered with ${n} bytes of body`)];
  },
});

export default rule;
