/**
 * `runProbe`: plan from an OpenAPI document (or routes), run the scenarios in order against the
 * target under the safety caps, and judge every exchange with the same rules engine as
 * `analyze`. The result is the same Summary (one source, format "probe"), the list of every
 * request sent, and notes on what could not be run.
 */
import { analyzeExchanges, type EngineOptions } from "../audit/engine.js";
import type { Capability, Exchange } from "../audit/exchange.js";
import type { Summary } from "../audit/summary.js";
import { ProbeClient, type RefusedRequest, type SentRequest, secretsOf } from "./client.js";
import type { Identity, ProbeContext } from "./context.js";
import { ProbeError } from "./errors.js";
import { type ApiModel, loadOpenApi, operationsFromRoutes } from "./openapi.js";
import { Budget, limit, Pacer, parseTarget } from "./safety.js";
import { loadScenario, type Step } from "./scenario-file.js";
import { baseline } from "./scenarios/baseline.js";
import { burst } from "./scenarios/burst.js";
import { headOptions } from "./scenarios/head-options.js";
import { invalidBody } from "./scenarios/invalid-body.js";
import { invalidToken, jwtClaims } from "./scenarios/invalid-token.js";
import { malformedBody } from "./scenarios/malformed-body.js";
import { mediaType } from "./scenarios/media-type.js";
import { noCredentials } from "./scenarios/no-credentials.js";
import { otherIdentity } from "./scenarios/other-identity.js";
import { steps } from "./scenarios/steps.js";
import { unknownPath } from "./scenarios/unknown-path.js";
import { wrongMethod } from "./scenarios/wrong-method.js";
import { READ_SPACING_MS, StateWitness } from "./witness.js";

export interface ProbeOptions extends Pick<EngineOptions, "policy" | "rules"> {
  /** The API's base URL: http(s)://host[:port][/prefix]. */
  readonly target: string;
  /** An OpenAPI 3.0/3.1 document (JSON or YAML file). */
  readonly openapi?: string;
  /** Operations without a document: "GET /orders", "POST /users". */
  readonly routes?: readonly string[];
  /** Authorization value of identity A, e.g. "Bearer abc…" (never printed). */
  readonly auth?: string;
  /** Authorization value of identity B (two-identity scenario). */
  readonly authOther?: string;
  /** Allow requests that could create, change or delete data. */
  readonly unsafe?: boolean;
  readonly maxRequests?: number;
  readonly concurrency?: number;
  /** Requests started per second, at most. */
  readonly rate?: number;
  readonly timeoutMs?: number;
  /** Burst size (0: off). */
  readonly burst?: number;
  /** Operations (or paths) each scenario tries at most. */
  readonly perScenario?: number;
  /** Scenario files (YAML/JSON). */
  readonly scenarios?: readonly string[];
  /**
   * Milliseconds between the state witness's two reads before a write (default 1100: values that
   * change by the second differ between them and are not compared).
   */
  readonly witnessSpacingMs?: number;
}

export interface ProbeResult {
  readonly target: string;
  readonly summary: Summary;
  readonly requests: readonly SentRequest[];
  readonly maxRequests: number;
  /**
   * Requests not sent: the budget was spent, safe mode does not send them (`unsafe`), they would
   * leave the origin, or their path could not be filled (an unbound variable, an empty segment).
   */
  readonly skipped: {
    readonly budget: number;
    readonly unsafe: number;
    readonly origin: number;
    readonly path: number;
  };
  /** Every request the safety rules did not let out, with the reason. */
  readonly refused: readonly RefusedRequest[];
  /**
   * The resources the state witness read before the probe's own writes and after them (before the
   * scenario steps), and what changed.
   */
  readonly witness: {
    readonly watched: number;
    readonly changed: readonly { readonly path: string; readonly change: string }[];
  };
  readonly notes: readonly string[];
}

export const PROBE_CAPABILITIES: ReadonlySet<Capability> = new Set<Capability>([
  "response.headers",
  "response.body",
  "response.size",
  "request.headers",
  "request.credentials",
  "duration",
  "time",
  "probe",
]);

/** The scenarios, in the order they run (later ones use what earlier ones learned). */
export const SCENARIOS: readonly (readonly [string, (ctx: ProbeContext) => Promise<void>])[] = [
  ["baseline", baseline],
  ["no-credentials", noCredentials],
  ["invalid-token", invalidToken],
  ["malformed-body", malformedBody],
  ["invalid-body", invalidBody],
  ["media-type", mediaType],
  ["wrong-method", wrongMethod],
  ["unknown-path", unknownPath],
  ["head-options", headOptions],
  ["steps", steps],
  ["other-identity", otherIdentity],
  ["burst", burst],
];

function witnessSummary(exchanges: readonly Exchange[]): ProbeResult["witness"] {
  const after = exchanges.filter(
    (e) =>
      e.probe?.scenario === "state-witness" && e.probe.did.endsWith(" after the probe's writes"),
  );
  return {
    watched: after.length,
    changed: after.flatMap((e) =>
      e.probe?.changed === undefined ? [] : [{ path: e.request.target, change: e.probe.changed }],
    ),
  };
}

function identity(label: "A" | "B", value: string | undefined, flag: string): Identity | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (v === "" || /[\r\n\0]/.test(v))
    throw new ProbeError(
      "TRUESTATUS_PROBE_TARGET",
      `${flag}: expected one header value such as "Bearer <token>" (no line breaks)`,
    );
  const sp = v.indexOf(" ");
  return { label, authorization: v, scheme: sp === -1 ? "Bearer" : v.slice(0, sp) };
}

export async function runProbe(options: ProbeOptions): Promise<ProbeResult> {
  const target = parseTarget(options.target);
  const maxRequests = limit("maxRequests", options.maxRequests, "--max-requests");
  const concurrency = limit("concurrency", options.concurrency, "--concurrency");
  const rate = limit("rate", options.rate, "--rate");
  const timeoutMs = limit("timeoutMs", options.timeoutMs, "--timeout");
  const burstN = limit("burst", options.burst, "--burst");
  const perScenario = limit("perScenario", options.perScenario, "--per-scenario");
  const a = identity("A", options.auth, "--auth");
  const b = identity("B", options.authOther, "--auth-other");
  let api: ApiModel;
  if (options.openapi !== undefined) api = await loadOpenApi(options.openapi);
  else if (options.routes !== undefined && options.routes.length > 0)
    api = {
      title: "API",
      version: "3.1",
      operations: operationsFromRoutes(options.routes, a !== undefined),
    };
  else api = { title: "API", version: "3.1", operations: [] };
  const stepList: Step[] = [];
  for (const f of options.scenarios ?? []) stepList.push(...(await loadScenario(f)));

  const unsafe = options.unsafe === true;
  const budget = new Budget(maxRequests);
  const client = new ProbeClient({
    target,
    budget,
    pacer: new Pacer(concurrency, rate),
    timeoutMs,
    unsafe,
    secrets: [...secretsOf(a?.authorization), ...secretsOf(b?.authorization)].flatMap((s) => {
      // A JWT's claims are sent with another signature (invalid-token): they are secret too.
      const claims = jwtClaims(s);
      return claims === undefined ? [s] : [s, claims];
    }),
  });
  const exchanges: Exchange[] = [];
  const notes: string[] = [];
  const record = (ex: Exchange) => {
    exchanges.push(ex);
  };
  // Whatever the probe's own writes touch is read before they go out, and again before the
  // scenario steps (which may write on purpose with --unsafe).
  const witness = new StateWitness(
    (r, f, res) => client.send(r, f, res),
    record,
    budget,
    a,
    options.witnessSpacingMs ?? READ_SPACING_MS,
  );
  client.beforeWrite = (req, path) => witness.beforeWrite(req, path);
  const ctx: ProbeContext = {
    api,
    client,
    ...(a !== undefined ? { a } : {}),
    ...(b !== undefined ? { b } : {}),
    unsafe,
    perScenario,
    burst: burstN,
    steps: stepList,
    ids: new Map(),
    lists: new Map(),
    idsB: new Map(),
    created: [],
    gets: new Map(),
    notes,
    async send(req, facts) {
      const r = await client.send(req, facts);
      if (typeof r === "string") return undefined;
      record(r);
      return r;
    },
    amend(ex, facts) {
      const i = exchanges.indexOf(ex);
      if (i !== -1) exchanges[i] = { ...ex, probe: { ...ex.probe!, ...facts } };
    },
  };
  try {
    for (const [name, scenario] of SCENARIOS) {
      if (name === "steps") {
        client.beforeWrite = undefined;
        await witness.finish();
      }
      await scenario(ctx);
    }
  } finally {
    await client.close();
  }
  const notRun = new Map<string, number>();
  for (const r of client.refused)
    if (r.skip === "unsafe") notRun.set(r.scenario, (notRun.get(r.scenario) ?? 0) + 1);
  for (const [scenario, n] of notRun)
    notes.push(
      `${scenario}: ${n} request${n === 1 ? "" : "s"} not run (needs --unsafe; listed under "not sent")`,
    );
  if (api.operations.length === 0)
    notes.push(
      "no operations to plan from: give --openapi (or --route); only the unknown-path scenario ran",
    );
  exchanges.sort((x, y) => (x.location.entry ?? 0) - (y.location.entry ?? 0));
  const summary = analyzeExchanges(
    exchanges,
    { file: target.origin, format: "probe", capabilities: PROBE_CAPABILITIES },
    {
      ...(options.policy !== undefined ? { policy: options.policy } : {}),
      ...(options.rules !== undefined ? { rules: options.rules } : {}),
    },
  );
  return {
    target: target.origin + target.prefix,
    summary,
    requests: client.sent,
    maxRequests,
    skipped: { ...client.skipped },
    refused: client.refused,
    witness: witnessSummary(exchanges),
    notes,
  };
}
