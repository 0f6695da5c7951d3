/** Probe exchanges for rule tests: an exchange with the facts a probe scenario attaches. */
import type { Exchange, ProbeFacts } from "../../src/audit/exchange.js";
import { type ExchangeSpec, exchange } from "./helpers.js";

export function probed(facts: ProbeFacts, spec: ExchangeSpec = {}): Exchange {
  return { ...exchange({ format: "probe", ...spec }), probe: facts };
}
