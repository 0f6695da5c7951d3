/**
 * `@truestatus/cli/probe`: send a small, bounded set of requests to a running API and judge the answers
 * with the rules engine of `@truestatus/cli/audit`. Node-only (undici); the core entry never imports it.
 */
export type { ProbeRequest, SentRequest } from "./client.js";
export { isProbeError, ProbeError, type ProbeErrorCode } from "./errors.js";
export {
  type ApiModel,
  loadOpenApi,
  type Operation,
  type Parameter,
  type Schema,
} from "./openapi.js";
export {
  PROBE_CAPABILITIES,
  type ProbeOptions,
  type ProbeResult,
  runProbe,
  SCENARIOS,
} from "./probe.js";
export { probeFacts, probeReport, requestList } from "./report.js";
export { LIMITS, SAFE_METHODS } from "./safety.js";
export { loadScenario, parseScenario, type Step } from "./scenario-file.js";
export {
  renderScorecard,
  type Score,
  type ScorecardColumn,
  score,
  scoreClass,
} from "./scorecard.js";
