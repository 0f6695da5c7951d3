/**
 * The layering of shared/design.md §2 and §6b, enforced by `npm run lint`:
 *   packages/cli (cli → audit | gateway | probe) → the truestatus library, by its package name
 *   packages/truestatus: server → upstream | ratelimit → semantics
 */
const LIB = "^packages/truestatus/src/";
const CLI = "^packages/cli/src/";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "library-never-imports-tools",
      comment:
        "The truestatus library (zero runtime dependencies) never imports @truestatus/cli or anything under packages/cli.",
      severity: "error",
      from: { path: "^packages/truestatus/" },
      to: { path: "^packages/cli/|node_modules/@truestatus/" },
    },
    {
      name: "tools-import-the-library-by-name",
      comment:
        "The CLI imports the library as users do (`truestatus`, `truestatus/upstream`), never its sources by relative path: the published export map is what it runs against.",
      severity: "error",
      from: { path: CLI },
      to: { path: LIB },
    },
    {
      name: "library-has-no-runtime-dependencies",
      comment:
        "The library's own code imports nothing from node_modules except its optional peers, and those only as types or lazily.",
      severity: "error",
      from: { path: LIB },
      to: {
        dependencyTypesNot: ["type-only"],
        path: "node_modules/",
        pathNot: "node_modules/(undici|@opentelemetry/api)/",
      },
    },
    {
      name: "semantics-is-pure",
      comment:
        "semantics/ is the decision model: it imports nothing outside itself, not even node: builtins.",
      severity: "error",
      from: { path: `${LIB}semantics/` },
      to: { pathNot: `${LIB}semantics/` },
    },
    {
      name: "nothing-imports-cli",
      severity: "error",
      from: { pathNot: `${CLI}cli/` },
      to: { path: `${CLI}cli/` },
    },
    {
      name: "adapters-are-independent",
      comment: "A framework adapter never imports another adapter.",
      severity: "error",
      from: { path: `${LIB}server/(express|fastify|hono|node|koa|nestjs)\\.ts$` },
      to: { path: `${LIB}server/(express|fastify|hono|node|koa|nestjs)\\.ts$` },
    },
    {
      name: "audit-never-imports-gateway",
      severity: "error",
      from: { path: `${CLI}audit/` },
      to: { path: `${CLI}gateway/|^packages/truestatus/(src|dist)/server/` },
    },
    {
      name: "probe-sits-on-audit",
      comment:
        "probe/ turns live requests into exchanges for the audit engine: it imports audit and semantics, never server, gateway or the frameworks; audit never imports probe.",
      severity: "error",
      from: { path: `${CLI}probe/` },
      to: {
        path: `${CLI}gateway/|^packages/truestatus/(src|dist)/(server|ratelimit)/|node_modules/(express|fastify|hono|ioredis)/`,
      },
    },
    {
      name: "audit-never-imports-probe",
      severity: "error",
      from: { path: `${CLI}audit/` },
      to: { path: `${CLI}probe/` },
    },
    {
      name: "library-layers-stay-below-faces",
      comment: "upstream/ and ratelimit/ are libraries under the faces; they never import server.",
      severity: "error",
      from: { path: `${LIB}(upstream|ratelimit)/` },
      to: { path: `${LIB}server/` },
    },
    {
      name: "core-entry-stays-core",
      comment:
        "The core entry (index.ts) has zero runtime dependencies: it may only re-export semantics.",
      severity: "error",
      from: { path: `${LIB}index\\.ts$` },
      to: { pathNot: `${LIB}semantics/` },
    },
    {
      name: "upstream-classifier-is-dependency-free",
      comment:
        "classify.ts and its table import only semantics: server/to-failure.ts can use them without pulling undici.",
      severity: "error",
      from: { path: `${LIB}upstream/(classify|table)\\.ts$` },
      to: { pathNot: `${LIB}(semantics|upstream/(classify|table))` },
    },
    {
      name: "ratelimit-imports-no-framework-or-client",
      comment:
        "The limiter's framework wrappers and Redis store are typed structurally: express, fastify, hono and ioredis stay optional.",
      severity: "error",
      from: { path: `${LIB}ratelimit/` },
      to: { path: "node_modules/(express|fastify|hono|@hono|ioredis)/" },
    },
    {
      name: "gateway-is-a-face",
      comment:
        "gateway/ builds on upstream, ratelimit and semantics; it never imports the emit adapters, and only the CLI imports it.",
      severity: "error",
      from: { path: `${CLI}gateway/` },
      to: { path: `${CLI}cli/|^packages/truestatus/(src|dist)/server/` },
    },
    {
      name: "only-cli-imports-gateway",
      severity: "error",
      from: { pathNot: `${CLI}(gateway|cli)/` },
      to: { path: `${CLI}gateway/` },
    },
    {
      name: "proxykit-is-a-face",
      comment:
        "proxykit/ (proxy-check, proxy-config) builds on the library only: it never imports the gateway, audit, probe or cli (the gateway is checked from the outside, like any proxy).",
      severity: "error",
      from: { path: `${CLI}proxykit/` },
      to: { path: `${CLI}(gateway|audit|probe|cli)/` },
    },
    {
      name: "no-circular",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules|^packages/[^/]+/dist/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
    },
  },
};
