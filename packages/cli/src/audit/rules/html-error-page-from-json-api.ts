/**
 * An HTML error page from a JSON API, judged per route: a route whose answers are JSON (or whose
 * clients ask for JSON) and whose errors come back as text/html, usually a framework's or a
 * proxy's default page. Needs the whole route, so it uses the engine's aggregation hook.
 */
import { isHtmlMediaType, isJsonMediaType, responseMediaType } from "../body.js";
import { headerValue } from "../exchange.js";
import { finding } from "../finding.js";
import { defineRule, NO_FINDINGS, type Rule } from "../rule.js";
import { addSample, type FindingSample, sortKeys } from "../summary.js";
import { endpointTemplate } from "../template.js";

interface RouteState {
  json: number;
  html: number;
  asked: number;
  errors: number;
  samples: FindingSample[];
}
type State = Record<string, RouteState>;

/** Routes tracked; past this, the first ones in sort order are kept (merging stays exact below it). */
const ROUTE_LIMIT = 1000;
/**
 * Findings kept with their evidence per route (memory: routes × this): a route's findings are
 * counted exactly and listed up to here (the report says when it cut).
 */
const SAMPLES_PER_ROUTE = 100;

function asksForJson(accept: string | undefined): boolean {
  return accept !== undefined && /json/i.test(accept) && !/html|\*\/\*/i.test(accept);
}

const rule: Rule = defineRule<State>({
  id: "html-error-page-from-json-api",
  meta: {
    title: "HTML error page from a JSON API",
    severity: "warning",
    spec: { document: "RFC 9457", section: "3" },
    csf: "DE.CM",
    needs: ["response.headers"],
    description:
      "A route that answers JSON (or that clients call asking for JSON) returned its error as an HTML page: a framework's default error page, a proxy's, or a WAF's. Clients fail to parse it and lose the error detail; the page often shows the server software.",
    fix: "Install an error handler that answers every failure as application/problem+json (the truestatus Express, Fastify and Hono adapters do), including 404s and errors raised before your routes.",
  },
  screen: (status) => status >= 0,
  check: () => NO_FINDINGS,
  aggregate: {
    observe(ex) {
      const res = ex.response;
      if (res === undefined) return undefined;
      const media = responseMediaType(ex);
      const json = isJsonMediaType(media);
      const html = isHtmlMediaType(media);
      const asked = asksForJson(headerValue(ex.request.headers, "accept"));
      if (!json && !html && !asked) return undefined;
      const route: RouteState = {
        json: json ? 1 : 0,
        html: html ? 1 : 0,
        asked: asked ? 1 : 0,
        errors: 0,
        samples: [],
      };
      if (html && res.status >= 400) {
        route.errors = 1;
        addSample(
          route.samples,
          finding(
            rule,
            ex,
            `${res.status} answered with an HTML page on a JSON route`,
            `content-type: ${media}`,
          ),
        );
      }
      return { [endpointTemplate(ex.request.path)]: route };
    },
    merge(into, from) {
      const keep = SAMPLES_PER_ROUTE;
      for (const k of Object.keys(from)) {
        const a = into[k];
        const b = from[k]!;
        if (a === undefined) {
          into[k] = { ...b, samples: b.samples.slice(0, keep) };
          continue;
        }
        a.json += b.json;
        a.html += b.html;
        a.asked += b.asked;
        a.errors += b.errors;
        for (const s of b.samples) addSample(a.samples, s, undefined, keep);
      }
      const keys = Object.keys(into);
      if (keys.length <= ROUTE_LIMIT) return into;
      const kept = sortKeys(into);
      for (const k of Object.keys(kept).slice(ROUTE_LIMIT)) delete kept[k];
      return kept;
    },
    conclude(state, limit) {
      let count = 0;
      const samples: FindingSample[] = [];
      for (const r of Object.values(state)) {
        const jsonRoute = r.asked > 0 || r.json > r.html - r.errors;
        if (!jsonRoute || r.errors === 0) continue;
        count += r.errors;
        for (const s of r.samples) addSample(samples, s, undefined, limit);
      }
      return { count, samples: samples.map((s) => ({ ruleId: rule.id, ...s })) };
    },
  },
});

export default rule;
