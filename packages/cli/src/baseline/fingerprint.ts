/**
 * Finding fingerprints: what a baseline matches on, in one place for every command. Never a line
 * number (an edit above a finding must not make it new):
 * - lint: rule id + the file (relative to the root document's folder) + the JSON pointer of the node;
 * - analyze and probe: rule id + the endpoint template of the request ("GET /users/{id}").
 */
import { endpointKey } from "../audit/template.js";

export function lintFingerprint(
  ruleId: string,
  location: { readonly docPath: string; readonly pointer: string },
): string {
  return `${ruleId}:${location.docPath}#${location.pointer}`;
}

/** From a finding's evidence request line ("GET /users/42?x=1"): rule + "GET /users/{id}". */
export function trafficFingerprint(ruleId: string, request: string): string {
  const sp = request.indexOf(" ");
  const method = sp === -1 ? request : request.slice(0, sp);
  const target = sp === -1 ? "/" : request.slice(sp + 1);
  // An absolute-form target (a proxy's log) keeps only its path.
  const path = target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, "").split(/[?#]/)[0] || "/";
  return `${ruleId}:${endpointKey(method, path)}`;
}
