/**
 * The rule catalogue, one line per rule, kept sorted by id (a test checks the order, the ids and
 * the docs pages).
 */
import type { Rule } from "../rule.js";
import r201NeedsLocation from "./201-needs-location.js";
import r400ForBusinessRule from "./400-for-business-rule.js";
import r401ForAcceptedToken from "./401-for-accepted-token.js";
import r401NeedsWwwAuthenticate from "./401-needs-www-authenticate.js";
import r401WithInsufficientScope from "./401-with-insufficient-scope.js";
import r403WithoutCredentials from "./403-without-credentials.js";
import r405NeedsAllow from "./405-needs-allow.js";
import r422ForMalformedJson from "./422-for-malformed-json.js";
import r429NeedsRetryAfter from "./429-needs-retry-after.js";
import r500MasksUpstreamFailure from "./500-masks-upstream-failure.js";
import r503NeedsRetryAfter from "./503-needs-retry-after.js";
import errorLeaksInternals from "./error-leaks-internals.js";
import headWithBody from "./head-with-body.js";
import htmlErrorPageFromJsonApi from "./html-error-page-from-json-api.js";
import noContentWithBody from "./no-content-with-body.js";
import probeBadBodyNot400 from "./probe-bad-body-not-400.js";
import probeHeadDiffersFromGet from "./probe-head-differs-from-get.js";
import probeMediaTypeNotRefused from "./probe-media-type-not-refused.js";
import probeNotFoundNot404 from "./probe-not-found-not-404.js";
import probeOptionsWithoutAllow from "./probe-options-without-allow.js";
import probeOtherIdentityNotRefused from "./probe-other-identity-not-refused.js";
import probeRetryAfterNotHonoured from "./probe-retry-after-not-honoured.js";
import probeStateChanged from "./probe-state-changed.js";
import probeStepUnexpectedStatus from "./probe-step-unexpected-status.js";
import probeUnauthenticatedNot401 from "./probe-unauthenticated-not-401.js";
import probeWrongMethodNot405 from "./probe-wrong-method-not-405.js";
import problemStatusMismatch from "./problem-status-mismatch.js";
import redirectNeedsLocation from "./redirect-needs-location.js";
import softError2xx from "./soft-error-2xx.js";

export const RULES: readonly Rule[] = [
  r201NeedsLocation,
  r400ForBusinessRule,
  r401ForAcceptedToken,
  r401NeedsWwwAuthenticate,
  r401WithInsufficientScope,
  r403WithoutCredentials,
  r405NeedsAllow,
  r422ForMalformedJson,
  r429NeedsRetryAfter,
  r500MasksUpstreamFailure,
  r503NeedsRetryAfter,
  errorLeaksInternals,
  headWithBody,
  htmlErrorPageFromJsonApi,
  noContentWithBody,
  probeBadBodyNot400,
  probeHeadDiffersFromGet,
  probeMediaTypeNotRefused,
  probeNotFoundNot404,
  probeOptionsWithoutAllow,
  probeOtherIdentityNotRefused,
  probeRetryAfterNotHonoured,
  probeStateChanged,
  probeStepUnexpectedStatus,
  probeUnauthenticatedNot401,
  probeWrongMethodNot405,
  problemStatusMismatch,
  redirectNeedsLocation,
  softError2xx,
];
