/**
 * 401 for credentials the API accepted later in the same recording: the token was valid, so the
 * refusal was about permission (403), or the 401 is spurious. A token accepted only before a 401 is
 * not reported (it may have expired in between). Needs the whole session, so it uses the engine's
 * aggregation hook; identities are the sources' one-way fingerprints (credential-id.ts).
 */
import { finding } from "../finding.js";
import { defineRule, NO_FINDINGS, type Rule } from "../rule.js";
import {
  addSample,
  compareLocations,
  type FindingSample,
  insertBounded,
  sortKeys,
} from "../summary.js";

interface Refusal {
  readonly t: number;
  readonly sample: FindingSample;
}
interface TokenState {
  /** Latest time (epoch ms) a 2xx was answered to this token; null when never. */
  accepted: number | null;
  /** Time of every 401 (for the exact count). */
  refused: number[];
  /** The first refusals by location, with their evidence. */
  samples: Refusal[];
}
type State = Record<string, TokenState>;

const TOKEN_LIMIT = 10_000;
/**
 * Refusals kept with their evidence per token (memory: tokens × this): the findings of a token
 * refused more often are counted exactly and listed up to here (the report says when it cut).
 */
const SAMPLES_PER_TOKEN = 100;

/** A total order (location, then time, then evidence), so that merging in any order keeps the same samples. */
const byLocation = (a: Refusal, b: Refusal): number => {
  const c = compareLocations(a.sample.location, b.sample.location) || a.t - b.t;
  if (c !== 0) return c;
  const x = JSON.stringify(a.sample);
  const y = JSON.stringify(b.sample);
  return x < y ? -1 : x > y ? 1 : 0;
};

const rule: Rule = defineRule<State>({
  id: "401-for-accepted-token",
  meta: {
    title: "401 for credentials accepted elsewhere in the session",
    severity: "warning",
    spec: { document: "RFC 6750", section: "3.1" },
    csf: "PR.AA",
    needs: ["request.credentials", "time"],
    description:
      "The same credentials got a 2xx later in the recording, so they were valid when this request was refused. A refusal of a valid identity is a 403 (forbidden); a 401 tells the client its credentials are bad and sends it to log in again, in a loop.",
    fix: "Answer 401 (unauthenticated()) only when credentials are missing, invalid or expired; answer 403 (forbidden()) when a known identity lacks permission.",
  },
  screen: (status) => status === 401 || (status >= 200 && status <= 299),
  check: () => NO_FINDINGS,
  aggregate: {
    observe(ex) {
      const status = ex.response?.status;
      if (ex.time === undefined || status === undefined) return undefined;
      if (status !== 401 && (status < 200 || status > 299)) return undefined;
      const fp = ex.request.credentialId;
      if (fp === undefined) return undefined;
      if (status !== 401) return { [fp]: { accepted: ex.time, refused: [], samples: [] } };
      const f = finding(
        rule,
        ex,
        "401 for credentials that were accepted later in the same session: a valid identity refused is a 403",
      );
      const sample: FindingSample = {
        severity: f.severity,
        message: f.message,
        location: f.location,
        evidence: f.evidence,
      };
      return { [fp]: { accepted: null, refused: [ex.time], samples: [{ t: ex.time, sample }] } };
    },
    merge(into, from) {
      const keep = SAMPLES_PER_TOKEN;
      for (const k of Object.keys(from)) {
        const b = from[k]!;
        const a = into[k];
        if (a === undefined) {
          into[k] = {
            accepted: b.accepted,
            refused: [...b.refused],
            samples: b.samples.slice(0, keep),
          };
          continue;
        }
        if (b.accepted !== null && (a.accepted === null || b.accepted > a.accepted))
          a.accepted = b.accepted;
        for (const t of b.refused) a.refused.push(t);
        for (const s of b.samples) insertBounded(a.samples, s, keep, byLocation);
      }
      // Times in order, so that the state does not depend on how the input was split.
      for (const k of Object.keys(from)) into[k]!.refused.sort((x, y) => x - y);
      if (Object.keys(into).length <= TOKEN_LIMIT) return into;
      const kept = sortKeys(into);
      for (const k of Object.keys(kept).slice(TOKEN_LIMIT)) delete kept[k];
      return kept;
    },
    conclude(state, limit) {
      let count = 0;
      const samples: FindingSample[] = [];
      for (const s of Object.values(state)) {
        const accepted = s.accepted;
        if (accepted === null) continue;
        for (const t of s.refused) if (t <= accepted) count++;
        for (const r of s.samples)
          if (r.t <= accepted) addSample(samples, r.sample, undefined, limit);
      }
      return { count, samples: samples.map((s) => ({ ruleId: rule.id, ...s })) };
    },
  },
});

export default rule;
