/**
 * The packages as users get them: `npm pack` both workspaces, install the tarballs into fresh apps
 * in a temporary folder, and check what a user would meet there.
 *
 * - `npm install truestatus express` adds express's dependencies and nothing of ours.
 * - Every subpath of both packages type-checks under `tsc --strict` (skipLibCheck off) with
 *   moduleResolution node10, node16, nodenext and bundler, and no import resolves to `any`.
 * - The `truestatus` bin of @truestatus/cli runs from the installed package.
 *
 * Installs come from the npm registry (through npm's cache when it has them).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = new URL("../../", import.meta.url).pathname;
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");
const FIXTURE_LOG = join(ROOT, "packages/cli/test/fixtures/logs/nginx-combined.log");

let tmp: string;
let libTgz: string;
let cliTgz: string;

function npm(cwd: string, args: string[]): string {
  return execFileSync("npm", args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false" },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 170_000,
  });
}

function pack(dir: string): string {
  const out = JSON.parse(
    npm(join(ROOT, "packages", dir), ["pack", "--json", "--pack-destination", tmp]),
  ) as { filename: string }[];
  return join(tmp, out[0]!.filename);
}

function app(name: string, type: "module" | "commonjs"): string {
  const dir = join(tmp, name);
  mkdirSync(dir);
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name, version: "1.0.0", private: true, type }),
  );
  return dir;
}

const INSTALL = ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"];

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "truestatus-pack-"));
  libTgz = pack("truestatus");
  cliTgz = pack("cli");
}, 60_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

interface LsNode {
  version?: string;
  dependencies?: Record<string, LsNode>;
}

function names(tree: Record<string, LsNode> | undefined, into = new Set<string>()): Set<string> {
  for (const [name, node] of Object.entries(tree ?? {})) {
    into.add(name);
    names(node.dependencies, into);
  }
  return into;
}

describe("npm install truestatus express", () => {
  it("adds express's dependencies and nothing of ours", () => {
    const dir = app("express-app", "module");
    npm(dir, [...INSTALL, libTgz, "express@^5"]);
    const ls = JSON.parse(npm(dir, ["ls", "--omit=dev", "--all", "--json"])) as LsNode;
    const top = ls.dependencies ?? {};
    expect(Object.keys(top).sort()).toEqual(["express", "truestatus"]);
    // truestatus brings no package of its own: `npm ls` lists only its optional peers, of which
    // the one the app installed (express) is resolved and the others are absent.
    const own = Object.entries(top.truestatus?.dependencies ?? {});
    expect(own.filter(([, n]) => n.version !== undefined).map(([k]) => k)).toEqual(["express"]);
    expect(own.map(([k]) => k).sort()).toEqual([
      "@opentelemetry/api",
      "express",
      "fastify",
      "hono",
      "ioredis",
      "koa",
      "undici",
    ]);
    // Everything installed is truestatus, express, or something express needs.
    const installed = readdirSync(join(dir, "node_modules")).filter((n) => !n.startsWith("."));
    const scoped = installed.flatMap((n) =>
      n.startsWith("@") ? readdirSync(join(dir, "node_modules", n)).map((s) => `${n}/${s}`) : [n],
    );
    const expressTree = names(top.express?.dependencies);
    for (const n of scoped)
      if (n !== "truestatus" && n !== "express") expect(expressTree).toContain(n);
    for (const ours of ["undici", "prom-client", "yaml", "zod", "commander"])
      expect(scoped).not.toContain(ours);
  }, 180_000);
});

/** One file per subpath: it imports the subpath, and fails to compile if a named export is `any`. */
const SUBPATHS: Record<string, string> = {
  truestatus: "decide",
  "truestatus/semantics/status": "statusInfo",
  "truestatus/semantics/failure": "HttpFailure",
  "truestatus/semantics/policy": "definePolicy",
  "truestatus/semantics/decide": "decide",
  "truestatus/semantics/problem": "serializeProblem",
  "truestatus/semantics/errors": "TruestatusError",
  "truestatus/semantics/headers": "parseRetryAfter",
  "truestatus/semantics/headers/www-authenticate": "parseWwwAuthenticate",
  "truestatus/semantics/headers/retry-after": "parseRetryAfter",
  "truestatus/semantics/headers/ratelimit": "parseRateLimit",
  "truestatus/semantics/headers/proxy-status": "parseProxyStatus",
  "truestatus/semantics/headers/allow": "parseAllow",
  "truestatus/upstream": "createUpstreamFetch",
  "truestatus/ratelimit": "createRateLimiter",
  "truestatus/express": "truestatus",
  "truestatus/fastify": "truestatus",
  "truestatus/hono": "truestatus",
  "truestatus/node": "truestatus",
  "truestatus/koa": "truestatus",
  "truestatus/nestjs": "TruestatusFilter",
  "@truestatus/cli/audit": "analyzeInputs",
  "@truestatus/cli/audit/sources": "openSource",
  "@truestatus/cli/audit/redact": "redactText",
  "@truestatus/cli/probe": "runProbe",
  "@truestatus/cli/gateway": "createGateway",
};

const MODES = {
  node10: { module: "commonjs", moduleResolution: "node10", type: "commonjs" },
  node16: { module: "node16", moduleResolution: "node16", type: "module" },
  nodenext: { module: "nodenext", moduleResolution: "nodenext", type: "module" },
  bundler: { module: "esnext", moduleResolution: "bundler", type: "module" },
} as const;

describe("types resolve in every module-resolution mode", () => {
  let dir: string;

  beforeAll(() => {
    dir = app("types-app", "module");
    npm(dir, [
      ...INSTALL,
      libTgz,
      cliTgz,
      "express@^5",
      "@types/express@^5",
      "fastify@^5",
      "hono@^4",
      "ioredis@^5",
      "undici@^6",
      "@types/node@^20",
    ]);
    mkdirSync(join(dir, "src"));
    let i = 0;
    for (const [specifier, name] of Object.entries(SUBPATHS)) {
      writeFileSync(
        join(dir, "src", `s${i++}.ts`),
        `import * as m from ${JSON.stringify(specifier)};\n` +
          "type IsAny<T> = 0 extends 1 & T ? true : false;\n" +
          `export const notAny: IsAny<typeof m.${name}> = false;\n` +
          `export const present: (typeof m)[${JSON.stringify(name)}] = m.${name};\n`,
      );
    }
  }, 180_000);

  it.each(Object.keys(MODES) as (keyof typeof MODES)[])(
    "%s",
    (mode) => {
      const { type, ...options } = MODES[mode];
      writeFileSync(
        join(dir, "package.json"),
        JSON.stringify({ name: "types-app", version: "1.0.0", private: true, type }),
      );
      writeFileSync(
        join(dir, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: {
            ...options,
            target: "es2022",
            strict: true,
            noEmit: true,
            skipLibCheck: false,
            types: ["node"],
            ...(mode === "node10" ? { esModuleInterop: true } : {}),
          },
          include: ["src"],
        }),
      );
      const r = spawnSync(process.execPath, [TSC, "-p", "tsconfig.json"], {
        cwd: dir,
        encoding: "utf8",
      });
      expect(r.stdout + r.stderr).toBe("");
      expect(r.status).toBe(0);
    },
    120_000,
  );

  it("the truestatus bin runs from the installed @truestatus/cli", () => {
    const r = spawnSync(
      join(dir, "node_modules/.bin/truestatus"),
      ["analyze", FIXTURE_LOG, "--fail-on", "none"],
      {
        cwd: dir,
        encoding: "utf8",
      },
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^truestatus analyze: \d+ exchanges/);
  }, 60_000);

  it("truestatus lint and its Spectral export run from the installed @truestatus/cli", () => {
    const bin = join(dir, "node_modules/.bin/truestatus");
    const doc = join(ROOT, "packages/cli/test/lint/fixtures/planted/clean.yaml");
    const lint = spawnSync(bin, ["lint", doc], { cwd: dir, encoding: "utf8" });
    expect(lint.stderr).toBe("");
    expect(lint.status).toBe(0);
    expect(lint.stdout).toContain("no findings");
    const exported = spawnSync(bin, ["lint", "--export", "spectral"], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(exported.status).toBe(0);
    expect(exported.stdout).toMatch(/var truestatus = \(\(\) => \{/);
    expect(exported.stdout).toContain('"401-needs-www-authenticate": {');
  }, 60_000);
});

describe("npm install eslint-plugin-truestatus eslint (the plugin alone)", () => {
  let dir: string;
  beforeAll(() => {
    const pluginTgz = pack("eslint-plugin");
    dir = app("eslint-app", "module");
    npm(dir, [...INSTALL, pluginTgz, "eslint@^10"]);
  }, 180_000);

  it("installs without truestatus or the CLI, and lints with the recommended config", () => {
    const tree = JSON.parse(npm(dir, ["ls", "--all", "--json"])) as {
      dependencies?: Record<string, LsNode>;
    };
    const all = names(tree.dependencies);
    expect(all.has("eslint-plugin-truestatus")).toBe(true);
    expect(all.has("truestatus")).toBe(false);
    expect(all.has("@truestatus/cli")).toBe(false);
    writeFileSync(
      join(dir, "eslint.config.js"),
      'import truestatus from "eslint-plugin-truestatus";\nexport default [truestatus.configs.recommended];\n',
    );
    writeFileSync(
      join(dir, "server.js"),
      'app.get("/me", (req, res) => res.status(401).json({ error: "login" }));\napp.get("/x", (req, res) => res.json({ error: "nope" }));\n',
    );
    const r = spawnSync(join(dir, "node_modules/.bin/eslint"), ["server.js", "--format", "json"], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(r.status).toBe(1);
    const [result] = JSON.parse(r.stdout) as { messages: { ruleId: string }[] }[];
    expect(result!.messages.map((m) => m.ruleId)).toEqual([
      "truestatus/challenge-on-401",
      "truestatus/no-error-body-on-success",
    ]);
  }, 60_000);
});
