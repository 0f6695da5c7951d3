/**
 * Probe: the state witness read a resource before the probe's first made-up write to it and after
 * the last, and the representation differs. Every such write is one a truthful server refuses (a
 * body no parser accepts, a media type it does not take, a body that breaks the schema, a wrong
 * method), to ids that cannot exist or to collections: a server that changed state acted on a
 * request it should have refused.
 */
import { finding } from "../finding.js";
import { probeOf } from "../probe-expect.js";
import { defineRule, NO_FINDINGS, type Rule } from "../rule.js";

const rule: Rule = defineRule({
  id: "probe-state-changed",
  meta: {
    title: "State changed by a request the server should refuse",
    severity: "error",
    spec: { document: "RFC 9110", section: "15.5.1" },
    csf: "DE.CM",
    needs: ["probe"],
    description:
      "Every write the probe makes up is one a truthful server refuses: a body no JSON parser accepts (the only write safe mode sends: to ids that cannot exist, or to a collection with POST), and with --unsafe also a body labelled text/plain, a body that breaks the schema, a wrong method. Before its first such write to a resource the probe reads the collection and the item the write touches (twice, to ignore what changes by itself), and reads them again after the last one (before the scenario steps, which may write on purpose). A different representation means the server acted on a request it should have refused: it creates, changes or wipes data from a body it could not parse or should not take (a JSON parser that skips other media types and hands on an empty object, an upsert that runs on nothing). Clients that send a truncated body by accident get the same effect. The finding lists the requests sent to the resource.",
    fix: "Reject a body that does not parse before any handler runs (400, as truestatus' adapters do) and check that a body is present and valid before creating or replacing anything.",
  },
  check(ex) {
    const facts = probeOf(ex, ["state-witness"]);
    if (facts?.changed === undefined) return NO_FINDINGS;
    return [finding(rule, ex, `${ex.request.target} changed during the probe: ${facts.changed}`)];
  },
});

export default rule;
