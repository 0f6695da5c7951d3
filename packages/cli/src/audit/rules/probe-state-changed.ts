/**
 * Probe (safe mode): the state witness read a resource before the probe's first write to it and
 * after the run, and the representation differs. Safe mode sends writes only with a body no JSON
 * parser accepts, to ids that cannot exist or to collections: a server that changed state acted on
 * a request it should have refused.
 */
import { finding } from "../finding.js";
import { probeOf } from "../probe-expect.js";
import { defineRule, NO_FINDINGS, type Rule } from "../rule.js";

const rule: Rule = defineRule({
  id: "probe-state-changed",
  meta: {
    title: "State changed during a safe probe",
    severity: "error",
    spec: { document: "RFC 9110", section: "15.5.1" },
    csf: "DE.CM",
    needs: ["probe"],
    description:
      "Without --unsafe the probe sends writes only with Content-Type: application/json and a body no JSON parser accepts, to ids that cannot exist or to a collection with POST. Before its first write to a resource it reads the collection and the item the write touches (twice, to ignore what changes by itself), and reads them again after the run. A different representation means the server acted on a request it should have refused with 400: it creates, changes or wipes data from a body it could not parse (a parser that hands on an empty object, an upsert that runs on nothing). Clients that send a truncated body by accident get the same effect. The finding lists the requests sent to the resource.",
    fix: "Reject a body that does not parse before any handler runs (400, as truestatus' adapters do) and check that a body is present and valid before creating or replacing anything.",
  },
  check(ex) {
    const facts = probeOf(ex, ["state-witness"]);
    if (facts?.changed === undefined) return NO_FINDINGS;
    return [finding(rule, ex, `${ex.request.target} changed during the probe: ${facts.changed}`)];
  },
});

export default rule;
