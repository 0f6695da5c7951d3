/** A response to HEAD with a body: RFC 9110 §9.3.2 says the server MUST NOT send content. */
import { and, col, eq, ge, isIn, isNull, ne, not, notNull, or } from "../table/expr.js";
import { defineTableRule } from "../table/form.js";
import { NO_CONTENT_STATUSES } from "./no-content-with-body.js";

const size = col("size");
const status = col("status");

const rule = defineTableRule({
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
  table: {
    about: and(eq(col("method"), "HEAD"), or(isNull(size), ne(size, 0))),
    // 1xx/204/205/304 with a body belong to no-content-with-body.
    when: and(ge(status, 200), not(isIn(status, NO_CONTENT_STATUSES)), notNull(size), ne(size, 0)),
    message: (row) => `HEAD answered with ${row.size} bytes of body`,
  },
});

export default rule;
