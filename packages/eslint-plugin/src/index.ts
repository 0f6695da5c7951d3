/**
 * eslint-plugin-truestatus: status codes that tell the truth, checked in handler code (Express,
 * Fastify, Hono, Koa, NestJS). Flat configs: `recommended` (low noise) and `strict` (everything).
 *
 *   import truestatus from "eslint-plugin-truestatus";
 *   export default [truestatus.configs.recommended];
 */
import type { ESLint, Linter } from "eslint";
import challengeOn401 from "./rules/challenge-on-401.js";
import no403WithoutIdentity from "./rules/no-403-without-identity.js";
import noErrorBodyOnSuccess from "./rules/no-error-body-on-success.js";
import noGeneric500ForDependency from "./rules/no-generic-500-for-dependency.js";
import preferTruestatusFailures from "./rules/prefer-truestatus-failures.js";
import retryAfterOn429503 from "./rules/retry-after-on-429-503.js";

const VERSION = "0.2.0";

export const rules = {
  "challenge-on-401": challengeOn401,
  "no-403-without-identity": no403WithoutIdentity,
  "no-error-body-on-success": noErrorBodyOnSuccess,
  "no-generic-500-for-dependency": noGeneric500ForDependency,
  "prefer-truestatus-failures": preferTruestatusFailures,
  "retry-after-on-429-503": retryAfterOn429503,
} as const;

export type RuleName = keyof typeof rules;

type Level = "error" | "warn" | "off";

const RECOMMENDED: Readonly<Record<RuleName, Level>> = {
  "challenge-on-401": "error",
  "no-403-without-identity": "off",
  "no-error-body-on-success": "error",
  "no-generic-500-for-dependency": "warn",
  "prefer-truestatus-failures": "off",
  "retry-after-on-429-503": "warn",
};

const STRICT: Readonly<Record<RuleName, Level>> = {
  "challenge-on-401": "error",
  "no-403-without-identity": "warn",
  "no-error-body-on-success": "error",
  "no-generic-500-for-dependency": "error",
  "prefer-truestatus-failures": "warn",
  "retry-after-on-429-503": "error",
};

const prefixed = (levels: Readonly<Record<RuleName, Level>>) =>
  Object.fromEntries(Object.entries(levels).map(([k, v]) => [`truestatus/${k}`, v]));

interface Plugin {
  readonly meta: { readonly name: string; readonly version: string };
  readonly rules: typeof rules;
  readonly configs: {
    readonly recommended: Linter.Config;
    readonly strict: Linter.Config;
  };
}

const plugin: Plugin = {
  meta: { name: "eslint-plugin-truestatus", version: VERSION },
  rules,
  configs: {} as Plugin["configs"],
};

// The configs name the plugin itself, so they work on their own in a flat config array.
Object.assign(plugin.configs, {
  recommended: {
    name: "truestatus/recommended",
    plugins: { truestatus: plugin as unknown as ESLint.Plugin },
    rules: prefixed(RECOMMENDED),
  },
  strict: {
    name: "truestatus/strict",
    plugins: { truestatus: plugin as unknown as ESLint.Plugin },
    rules: prefixed(STRICT),
  },
});

export const configs = plugin.configs;
export default plugin;
