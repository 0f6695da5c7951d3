/**
 * The layering of shared/design.md §2, enforced by `npm run lint`:
 *   cli → audit | gateway | server → upstream | ratelimit → semantics
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "semantics-is-pure",
      comment:
        "semantics/ is the decision model: it imports nothing outside itself, not even node: builtins.",
      severity: "error",
      from: { path: "^src/semantics/" },
      to: { pathNot: "^src/semantics/" },
    },
    {
      name: "nothing-imports-cli",
      severity: "error",
      from: { pathNot: "^src/cli/" },
      to: { path: "^src/cli/" },
    },
    {
      name: "adapters-are-independent",
      comment: "A framework adapter never imports another adapter.",
      severity: "error",
      from: { path: "^src/server/(express|fastify|hono|node)\\.ts$" },
      to: { path: "^src/server/(express|fastify|hono|node)\\.ts$" },
    },
    {
      name: "audit-never-imports-gateway",
      severity: "error",
      from: { path: "^src/audit/" },
      to: { path: "^src/(gateway|server)/" },
    },
    {
      name: "probe-sits-on-audit",
      comment:
        "probe/ turns live requests into exchanges for the audit engine: it imports audit and semantics, never server, gateway or the frameworks; audit never imports probe.",
      severity: "error",
      from: { path: "^src/probe/" },
      to: { path: "^src/(gateway|server|ratelimit)/|node_modules/(express|fastify|hono|ioredis)/" },
    },
    {
      name: "audit-never-imports-probe",
      severity: "error",
      from: { path: "^src/audit/" },
      to: { path: "^src/probe/" },
    },
    {
      name: "library-layers-stay-below-faces",
      comment:
        "upstream/ and ratelimit/ are libraries under the faces; they never import server, gateway or audit.",
      severity: "error",
      from: { path: "^src/(upstream|ratelimit)/" },
      to: { path: "^src/(server|gateway|audit)/" },
    },
    {
      name: "core-entry-stays-core",
      comment:
        "The core entry (src/index.ts) has zero runtime dependencies: it may only re-export semantics.",
      severity: "error",
      from: { path: "^src/index\\.ts$" },
      to: { pathNot: "^src/semantics/" },
    },
    {
      name: "upstream-classifier-is-dependency-free",
      comment:
        "classify.ts and its table import only semantics: server/to-failure.ts can use them without pulling undici.",
      severity: "error",
      from: { path: "^src/upstream/(classify|table)\\.ts$" },
      to: { pathNot: "^src/(semantics|upstream/(classify|table))" },
    },
    {
      name: "ratelimit-imports-no-framework-or-client",
      comment:
        "The limiter's framework wrappers and Redis store are typed structurally: express, fastify, hono and ioredis stay optional.",
      severity: "error",
      from: { path: "^src/ratelimit/" },
      to: { path: "node_modules/(express|fastify|hono|@hono|ioredis)/" },
    },
    {
      name: "gateway-is-a-face",
      comment:
        "gateway/ builds on upstream, ratelimit and semantics; it never imports the emit adapters, and only the CLI imports it.",
      severity: "error",
      from: { path: "^src/gateway/" },
      to: { path: "^src/(server|cli)/" },
    },
    {
      name: "only-cli-imports-gateway",
      severity: "error",
      from: { pathNot: "^src/(gateway|cli)/" },
      to: { path: "^src/gateway/" },
    },
    {
      name: "no-circular",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
    },
  },
};
