/**
 * The documented choices where guidelines disagree. Each option names its default and the guideline
 * it follows; a change of policy changes what the emitter sends, what the gateway translates and
 * what the auditor expects, at once.
 */
import { PolicyError } from "./errors.js";
import { isToken } from "./headers/syntax.js";
import { buildWwwAuthenticate } from "./headers/www-authenticate.js";
import { DEFAULT_PROBLEM_TYPE_BASE } from "./links.js";

export { DEFAULT_PROBLEM_TYPE_BASE } from "./links.js";

export interface Policy {
  /** Status for a request that is well-formed but fails schema validation (missing or mistyped field). */
  readonly validationStatus: 400 | 422;
  /** Status for creating something that already exists. */
  readonly duplicateStatus: 422 | 409;
  /**
   * Answer object-level `forbidden` failures (reason "denied") as a 404 indistinguishable from
   * `not_found`, to hide that the resource exists. A missing scope (insufficient_scope) stays a 403.
   */
  readonly hideForbidden: boolean;
  /** Put internal error messages, stacks and upstream identities in responses. Never in production. */
  readonly exposeInternals: boolean;
  /**
   * Base URI of the problem `type` of each failure kind (`<base><slug>`): by default
   * DEFAULT_PROBLEM_TYPE_BASE (docs/problems.md in the repository); point it at your own docs.
   */
  readonly problemTypeBase: string;
  /** The auth-scheme of the challenge sent with 401 (RFC 9110 §11.6.1). */
  readonly authScheme: string;
  /** The `realm` of that challenge; omitted when undefined (required by Basic, where it defaults to "api"). */
  readonly realm: string | undefined;
  /** How this service names itself in Proxy-Status (an sf-token or string). */
  readonly proxyName: string;
}

export type PolicyOptions = { readonly [K in keyof Policy]?: Policy[K] };

export interface PolicyOptionDoc {
  readonly name: keyof Policy;
  readonly default: string;
  readonly alternatives: string;
  readonly guideline: string;
}

/** The options, their defaults and the guideline behind each: the source of docs/policy.md and of `truestatus demo`. */
export const POLICY_OPTIONS: readonly PolicyOptionDoc[] = [
  {
    name: "validationStatus",
    default: "400",
    alternatives: "422",
    guideline:
      "RFC 9110 §15.5.1: a structurally invalid request is a 400. Rails, the RealWorld spec and many JSON:API servers answer 422.",
  },
  {
    name: "duplicateStatus",
    default: "422",
    alternatives: "409",
    guideline:
      "The guide: a duplicate is a valid request breaking a business rule (RFC 9110 §15.5.21). Zalando and many REST guides answer 409.",
  },
  {
    name: "hideForbidden",
    default: "false",
    alternatives: "true (answer 404)",
    guideline:
      "RFC 9110 §15.5.4: a server MAY answer 404 to hide a forbidden resource; GitHub and Azure do. Object-level refusals only: a missing scope stays a 403 (RFC 6750 §3.1).",
  },
  {
    name: "exposeInternals",
    default: "false",
    alternatives: "true (development only)",
    guideline:
      "OWASP: no stack traces, SQL, file paths or upstream hosts in responses. Turn on only in development.",
  },
  {
    name: "problemTypeBase",
    default: DEFAULT_PROBLEM_TYPE_BASE,
    alternatives: "any absolute URI ending in / or #",
    guideline:
      "RFC 9457 §3.1.1: the type URI should lead to human-readable documentation of the problem type.",
  },
  {
    name: "authScheme",
    default: "Bearer",
    alternatives: "any auth-scheme token (Basic, DPoP, ...)",
    guideline:
      "RFC 9110 §15.5.2: a 401 MUST carry WWW-Authenticate with a challenge for the scheme you accept.",
  },
  {
    name: "realm",
    default: "(none)",
    alternatives: "any string",
    guideline: "RFC 9110 §11.5: the protection space; RFC 7617 requires it for Basic.",
  },
  {
    name: "proxyName",
    default: "truestatus",
    alternatives: "your service's name",
    guideline: "RFC 9209 §2: each member of Proxy-Status names the intermediary that added it.",
  },
];

const DEFAULTS: Policy = {
  validationStatus: 400,
  duplicateStatus: 422,
  hideForbidden: false,
  exposeInternals: false,
  problemTypeBase: DEFAULT_PROBLEM_TYPE_BASE,
  authScheme: "Bearer",
  realm: undefined,
  proxyName: "truestatus",
};

function check(condition: boolean, option: string, message: string): void {
  if (!condition) throw new PolicyError(option, message);
}

/**
 * Makes a policy from options, validated once, here, rather than on every request.
 * Throws PolicyError naming the option for an unknown key or a value it does not allow.
 */
export function definePolicy(options: PolicyOptions = {}): Policy {
  for (const key of Object.keys(options)) {
    check(
      Object.hasOwn(DEFAULTS, key),
      key,
      `unknown option; known: ${Object.keys(DEFAULTS).join(", ")}`,
    );
  }
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const p: Policy = { ...DEFAULTS, ...given };
  check(
    p.validationStatus === 400 || p.validationStatus === 422,
    "validationStatus",
    "must be 400 or 422",
  );
  check(
    p.duplicateStatus === 422 || p.duplicateStatus === 409,
    "duplicateStatus",
    "must be 422 or 409",
  );
  check(typeof p.hideForbidden === "boolean", "hideForbidden", "must be a boolean");
  check(typeof p.exposeInternals === "boolean", "exposeInternals", "must be a boolean");
  check(
    typeof p.problemTypeBase === "string" &&
      /^[A-Za-z][A-Za-z0-9+.-]*:[^\s"<>\\^`{|}]*$/.test(p.problemTypeBase),
    "problemTypeBase",
    "must be an absolute URI",
  );
  check(
    typeof p.authScheme === "string" && isToken(p.authScheme),
    "authScheme",
    "must be an auth-scheme token",
  );
  check(p.realm === undefined || typeof p.realm === "string", "realm", "must be a string");
  try {
    buildWwwAuthenticate({
      scheme: p.authScheme,
      params: p.realm === undefined ? {} : { realm: p.realm },
    });
  } catch (e) {
    throw new PolicyError("realm", (e as Error).message);
  }
  check(
    typeof p.proxyName === "string" && p.proxyName.length > 0 && /^[\x20-\x7e]*$/.test(p.proxyName),
    "proxyName",
    "must be printable ASCII",
  );
  return Object.freeze(p);
}

/** The guide's defaults: 400 for schema errors, 422 for duplicates, 403 stays 403, no internals. */
export const DEFAULT_POLICY: Policy = definePolicy();
