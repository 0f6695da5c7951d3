/** 403 to a request that sent no credentials: the server cannot know the identity it refuses. */
import { and, col, eq, ne } from "../table/expr.js";
import { defineTableRule } from "../table/form.js";

const rule = defineTableRule({
  id: "403-without-credentials",
  meta: {
    title: "403 to a request without credentials",
    severity: "warning",
    spec: { document: "RFC 9110", section: "15.5.4" },
    csf: "PR.AA",
    needs: ["request.credentials"],
    description:
      "403 means the server knows who is asking and refuses. A request that sent no credentials (no Authorization, no cookie, no API key) has no identity yet: it needs a 401 with a challenge, so the client knows to authenticate. A HAR export that may be sanitized (Chrome and Edge DevTools strip Authorization and cookies) counts only when the same file kept Authorization, Cookie or Set-Cookie for that origin; otherwise the request is not checked. CORS preflights (OPTIONS) never carry credentials and are not judged.",
    fix: 'Answer requests without credentials with 401 and WWW-Authenticate (truestatus\' unauthenticated({ reason: "missing" })); keep 403 (forbidden()) for known identities without permission.',
  },
  table: {
    // A CORS preflight is sent without credentials by design.
    about: and(eq(col("status"), 403), ne(col("method"), "OPTIONS")),
    when: eq(col("credentials"), "absent"),
    message: () =>
      "403 to a request that sent no credentials: authentication is missing, which is a 401 with a challenge",
  },
});

export default rule;
