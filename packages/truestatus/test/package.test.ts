/**
 * Guards the public surface (convention 11): the export names of each subpath, the zero-dependency
 * core, and a size budget for the core bundle. Runs against the built package, as users import it.
 */
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { exportNames } from "../../../test/helpers/export-names.js";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  exports: Record<string, unknown>;
  dependencies?: Record<string, string>;
  sideEffects: boolean;
};

const SUBPATHS = [
  "truestatus",
  "truestatus/semantics/status",
  "truestatus/semantics/failure",
  "truestatus/semantics/policy",
  "truestatus/semantics/decide",
  "truestatus/semantics/problem",
  "truestatus/semantics/errors",
  "truestatus/semantics/headers",
  "truestatus/semantics/headers/www-authenticate",
  "truestatus/semantics/headers/retry-after",
  "truestatus/semantics/headers/ratelimit",
  "truestatus/semantics/headers/proxy-status",
  "truestatus/semantics/headers/allow",
];

/** Subpaths outside the core: their names are guarded, but the core need not re-export them. */
const FACES = [
  "truestatus/upstream",
  "truestatus/ratelimit",
  "truestatus/express",
  "truestatus/fastify",
  "truestatus/hono",
  "truestatus/node",
  "truestatus/koa",
  "truestatus/nestjs",
];

describe("package surface", () => {
  it.each([...SUBPATHS, ...FACES])("%s exports what it did", (specifier) => {
    expect(exportNames(specifier)).toMatchSnapshot();
  });

  it("the core entry re-exports every semantics subpath", () => {
    const core = new Set(exportNames("truestatus"));
    for (const sub of SUBPATHS.slice(1))
      for (const name of exportNames(sub)) expect(core.has(name), `${sub}: ${name}`).toBe(true);
  });

  it("is side-effect free and lists types first in each export", () => {
    expect(pkg.sideEffects).toBe(false);
    for (const [key, target] of Object.entries(pkg.exports)) {
      if (typeof target === "object" && target !== null)
        expect(Object.keys(target)[0], key).toBe("types");
    }
  });

  it("the core bundle has no dependencies and stays within its size budget", async () => {
    const result = await build({
      absWorkingDir: new URL("..", import.meta.url).pathname,
      entryPoints: ["dist/index.js"],
      bundle: true,
      minify: true,
      format: "esm",
      platform: "neutral",
      write: false,
      metafile: true,
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((p) => p.includes("node_modules"))).toEqual([]);
    expect(inputs.every((p) => p.startsWith("dist/semantics/") || p === "dist/index.js")).toBe(
      true,
    );
    const code = result.outputFiles[0]!.contents;
    // Budget: 64 KiB minified, 20 KiB gzipped (measured 53 KiB / 17 KiB when set).
    expect(code.byteLength).toBeLessThan(64 * 1024);
    expect(gzipSync(code).byteLength).toBeLessThan(20 * 1024);
  });
});
