#!/usr/bin/env node
/**
 * `npm run lint` step: packs every published workspace and checks the tarball as npm would serve
 * it, with publint (package.json fields, files, exports) and @arethetypeswrong/cli (types resolve
 * for every subpath under node10, node16 and bundler). ESM-only is a choice, so attw's
 * "CJS resolves to ESM" note is not an error; everything else is.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;
const PACKAGES = ["packages/truestatus", "packages/cli", "packages/eslint-plugin"];
const bin = (name) => join(ROOT, "node_modules/.bin", name);

const tmp = mkdtempSync(join(tmpdir(), "truestatus-lint-pack-"));
let failed = 0;
try {
  for (const dir of PACKAGES) {
    const [{ filename }] = JSON.parse(
      execFileSync("npm", ["pack", "--json", "--pack-destination", tmp], {
        cwd: join(ROOT, dir),
        encoding: "utf8",
      }),
    );
    const tgz = join(tmp, filename);
    for (const [name, args] of [
      ["publint", ["run", tgz, "--strict"]],
      ["attw", [tgz, "--ignore-rules", "cjs-resolves-to-esm", "--format", "ascii"]],
    ]) {
      const r = spawnSync(bin(name), args, { encoding: "utf8" });
      if (r.status !== 0) {
        failed++;
        process.stderr.write(`${dir}: ${name} found problems\n${r.stdout}${r.stderr}\n`);
      }
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
if (failed === 0) process.stdout.write(`publint and attw: ${PACKAGES.join(", ")} clean\n`);
process.exitCode = failed === 0 ? 0 : 1;
