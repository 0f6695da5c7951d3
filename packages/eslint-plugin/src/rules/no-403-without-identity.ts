/**
 * A 403 answered in a function that never reads who is asking. Heuristic: the function (with its
 * callbacks) mentions no user, session, token, role, scope, claims, credentials or Authorization
 * header; then the 403 is likely a 401 (nobody is identified) or a 404/400 in disguise.
 */

import { answerVisitor, scopeText } from "../util/answers.js";
import { createRule } from "../util/create-rule.js";

const IDENTITY =
  /\b(user|users|userId|auth|authz|authn|authenticated|session|identity|principal|token|jwt|jwtPayload|claims?|roles?|permissions?|scopes?|authori[sz]ation|account|currentUser|apiKey|api_key|credentials?|owner|tenant|member|admin|isAdmin|ability|acl|forbidden\s*\()\b/i;

export default createRule({
  name: "no-403-without-identity",
  meta: {
    type: "suggestion",
    docs: {
      description:
        "403 means the caller is known and not allowed: answer it where an identity was read (heuristic)",
      detector: "403-without-credentials",
      recommended: false,
    },
    messages: {
      noIdentity:
        "403 answered where no identity is read (no user, session, token, role or scope here): if nobody is identified this is a 401; if the resource is hidden, a 404.",
    },
    schema: [],
  },
  defaultOptions: [],
  create(context) {
    const sourceCode = context.sourceCode;
    return answerVisitor(context, (a) => {
      if (a.status !== 403) return;
      if (IDENTITY.test(scopeText(sourceCode, a.node))) return;
      context.report({ node: a.node, messageId: "noIdentity" });
    });
  },
});
