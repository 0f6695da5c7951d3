/**
 * The failure class of an exchange, for the summary (shared/reference/traffic.md §3.6), in the
 * core's vocabulary (FAILURE_CLASSES) plus the protocol conventions that are not misuse.
 * Client aborts never count as server errors; proxy flags say more than the status alone.
 */
import { FAILURE_CLASSES, type FailureClass } from "truestatus";
import type { Exchange, UpstreamFacts } from "./exchange.js";

/**
 * `partial`: a partial success (207, GraphQL data + errors, bulk `errors: true`).
 * `rpc_error`: a JSON-RPC error object answered with 2xx (the protocol maps no HTTP status).
 * `network_error`: no HTTP response at all (HAR status 0 with `_error`: CORS, offline, refused).
 */
export type SummaryClass = FailureClass | "partial" | "rpc_error" | "network_error";

export const SUMMARY_CLASSES: readonly SummaryClass[] = [
  ...FAILURE_CLASSES,
  "partial",
  "rpc_error",
  "network_error",
];

/** Classes of failures the server never answered: not counted as truthful or untruthful answers. */
export const UNANSWERED_CLASSES: ReadonlySet<string> = new Set(["client_abort", "network_error"]);

const ENVOY_DEPENDENCY = new Set(["UT", "UF", "UH", "UC", "UR", "URX", "DF", "UPE", "LR", "UMSDR"]);

/** Whether the upstream facts say a dependency (not the app itself) failed. */
export function upstreamFailed(u: UpstreamFacts | undefined): boolean {
  // The upstream's own answer, passed on (Envoy via_upstream): whatever the flags, it answered.
  if (u === undefined || u.generatedBy === "upstream") return false;
  if (u.flags?.some((f) => ENVOY_DEPENDENCY.has(f))) return true;
  if (
    u.details !== undefined &&
    u.details !== "via_upstream" &&
    /upstream|connection|timeout|reset/i.test(u.details)
  )
    return true;
  if (u.targetStatus === null) return true;
  const t = u.termination;
  if (t !== undefined && t.length >= 1 && (t[0] === "s" || t[0] === "S")) return true;
  const attempts = u.attempts;
  if (attempts !== undefined && attempts.length > 0) {
    const last = attempts[attempts.length - 1]!;
    if (last.status === undefined || last.status === 502 || last.status === 504) return true;
  }
  return false;
}

function clientAborted(ex: Exchange): boolean {
  if (ex.clientAborted) return true;
  const s = ex.response?.status;
  if (s === 499 || s === 460) return true;
  const u = ex.upstream;
  if (u?.flags?.includes("DC")) return true;
  const t = u?.termination;
  return t !== undefined && (t[0] === "C" || t[0] === "c");
}

/**
 * The class of an exchange that records its status and nothing else a class depends on (no
 * upstream facts, no body; a 499 is a client abort): what classify() gives such an exchange, with
 * the engine's verdict for a 207. For the engine's fast path (LineFormat.readFlat).
 */
export function classifyStatus(s: number): SummaryClass | undefined {
  if (s === 499 || s === 460) return "client_abort";
  if (s < 400) return s === 294 || s === 207 ? "partial" : undefined;
  if (s === 401 || s === 403 || s === 407 || s === 511 || s === 561) return "auth";
  if (s === 404 || s === 410) return "not_found";
  if (s === 429) return "throttling";
  if (s < 500) return "validation";
  if (s === 502 || s === 504) return "dependency";
  if (s === 503) return "overload";
  return "server_bug";
}

/**
 * The class of an exchange given what the rules found: `softError` when a soft-error finding was
 * reported for it, `body` the protocol verdict for 2xx. Undefined for plain successes.
 */
export function classify(
  ex: Exchange,
  bodyKind?: "partial" | "rpc_error" | "soft_error",
): SummaryClass | undefined {
  if (clientAborted(ex)) return "client_abort";
  const res = ex.response;
  if (res === undefined) {
    if (ex.networkError !== undefined) return "network_error";
    // No response because the dependency failed (Envoy "0 UF,URX"): not the client's doing.
    return upstreamFailed(ex.upstream) ? "dependency" : "client_abort";
  }
  const s = res.status;
  const flags = ex.upstream?.flags;
  if (flags !== undefined && flags.length > 0) {
    if (flags.includes("UAEX")) return "auth";
    if (flags.includes("RL")) return "throttling";
    if (flags.includes("NR")) return "not_found";
    if (flags.includes("UO")) return "overload";
  }
  if (s < 400) return s === 294 ? "partial" : bodyKind;
  if (s === 401 || s === 403 || s === 407 || s === 511 || s === 561) return "auth";
  if (s === 404 || s === 410) return "not_found";
  if (s === 429) return "throttling";
  if (s < 500) return "validation";
  if (s === 502 || s === 504) return "dependency";
  if (upstreamFailed(ex.upstream)) return "dependency";
  if (s === 503) return "overload";
  return "server_bug";
}
