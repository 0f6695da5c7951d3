/**
 * The lint catalogue (`truestatus lint`), one line per rule, kept sorted by id. A rule that checks in
 * the document what an analyze rule checks in traffic has the same id and docs page.
 */

import type { LintRule } from "../rule.js";
import r401NeedsWwwAuthenticate from "./401-needs-www-authenticate.js";
import r405NeedsAllow from "./405-needs-allow.js";
import r422AsGenericError from "./422-as-generic-error.js";
import r429NeedsRetryAfter from "./429-needs-retry-after.js";
import r500MasksUpstreamFailure from "./500-masks-upstream-failure.js";
import r503NeedsRetryAfter from "./503-needs-retry-after.js";
import errorNotProblemJson from "./error-not-problem-json.js";
import problemStatusMismatch from "./problem-status-mismatch.js";
import problemStatusNotInteger from "./problem-status-not-integer.js";
import requestBodyNeeds400 from "./request-body-needs-400.js";
import scopedOperationNeeds403 from "./scoped-operation-needs-403.js";
import securedOperationNeeds401 from "./secured-operation-needs-401.js";
import softError2xx from "./soft-error-2xx.js";

export const LINT_RULES: readonly LintRule[] = [
  r401NeedsWwwAuthenticate,
  r405NeedsAllow,
  r422AsGenericError,
  r429NeedsRetryAfter,
  r500MasksUpstreamFailure,
  r503NeedsRetryAfter,
  errorNotProblemJson,
  problemStatusMismatch,
  problemStatusNotInteger,
  requestBodyNeeds400,
  scopedOperationNeeds403,
  securedOperationNeeds401,
  softError2xx,
];
