/** Docs parity (convention 4): every policy option and failure kind has its line in docs/. */
import { readFileSync } from "node:fs";
import GithubSlugger from "github-slugger";
import { describe, expect, it } from "vitest";
import {
  badGateway,
  conflict,
  DEFAULT_PROBLEM_TYPE_BASE,
  decide,
  FAILURE_CLASSES,
  FAILURE_KINDS,
  type Failure,
  failures,
  forbidden,
  gatewayTimeout,
  internal,
  invalid,
  malformed,
  methodNotAllowed,
  notAcceptable,
  notFound,
  POLICY_OPTIONS,
  payloadTooLarge,
  rateLimited,
  unauthenticated,
  unavailable,
  unprocessable,
  unsupportedMediaType,
} from "../src/index.js";

const read = (p: string) => readFileSync(new URL(`../../../docs/${p}`, import.meta.url), "utf8");

describe("docs", () => {
  it("policy.md documents every option with its default", () => {
    const doc = read("policy.md");
    for (const o of POLICY_OPTIONS) expect(doc).toMatch(new RegExp(`\\|\\s*\`${o.name}\`\\s*\\|`));
  });

  it("failures.md documents every kind, constructor and class", () => {
    const doc = read("failures.md");
    for (const kind of Object.keys(FAILURE_KINDS))
      expect(doc).toMatch(new RegExp(`\\|\\s*\`${kind}\`\\s*\\|`));
    for (const ctor of Object.keys(failures)) expect(doc).toContain(`${ctor}(`);
    for (const cls of FAILURE_CLASSES) expect(doc).toContain(`\`${cls}\``);
  });

  it("emit.md documents every export of every adapter", async () => {
    const doc = read("emit.md");
    for (const name of ["express", "fastify", "hono", "node", "koa", "nestjs"]) {
      const mod = (await import(`../src/server/${name}.ts`)) as Record<string, unknown>;
      const row = doc.split("\n").find((l) => l.startsWith(`| \`truestatus/${name}\``));
      expect(row, name).toBeDefined();
      for (const key of Object.keys(mod)) expect(row, `${name}: ${key}`).toContain(`\`${key}\``);
    }
  });

  it("every problem type URI leads to its section of problems.md (GitHub's heading anchors)", () => {
    // One failure of each kind, and the unprocessable reasons that have their own type.
    const each: Record<string, Failure> = {
      unauthenticated: unauthenticated(),
      forbidden: forbidden(),
      malformed: malformed(),
      invalid: invalid(),
      unprocessable: unprocessable(),
      conflict: conflict(),
      not_found: notFound(),
      method_not_allowed: methodNotAllowed({ allow: ["GET"] }),
      unsupported_media_type: unsupportedMediaType(),
      not_acceptable: notAcceptable(),
      payload_too_large: payloadTooLarge(),
      rate_limited: rateLimited({ retryAfter: 1 }),
      unavailable: unavailable(),
      bad_gateway: badGateway({ error: "connection_refused" }),
      gateway_timeout: gatewayTimeout(),
      internal: internal(),
    };
    expect(Object.keys(each).sort()).toEqual(Object.keys(FAILURE_KINDS).sort());
    const types = [
      ...Object.values(each),
      unprocessable({ reason: "duplicate" }),
      unprocessable({ reason: "invalid_state" }),
    ].map((f) => decide(f).problem.type ?? "");

    // The anchors GitHub gives the page's headings (github-slugger is its algorithm: lowercase,
    // punctuation other than "-" and "_" dropped, spaces to "-", repeats numbered).
    const slugger = new GithubSlugger();
    const anchors = read("problems.md")
      .split("\n")
      .filter((l) => l.startsWith("## "))
      .map((l) => slugger.slug(l.slice(3)));

    expect(DEFAULT_PROBLEM_TYPE_BASE).toBe(
      "https://github.com/truestatus/truestatus/blob/main/docs/problems.md#",
    );
    for (const type of types) {
      expect(type.startsWith(DEFAULT_PROBLEM_TYPE_BASE), type).toBe(true);
      expect(anchors, type).toContain(type.slice(DEFAULT_PROBLEM_TYPE_BASE.length));
    }
    // And no section for a type that does not exist.
    expect(anchors.sort()).toEqual(
      types.map((t) => t.slice(DEFAULT_PROBLEM_TYPE_BASE.length)).sort(),
    );
  });
});
