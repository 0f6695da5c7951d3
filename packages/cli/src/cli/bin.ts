#!/usr/bin/env node
import { prewarm, workersWanted } from "../audit/worker-pool.js";

// Analyze's workers start first, and boot while the rest of the CLI loads (worker-pool.ts).
if (process.argv[2] === "analyze") prewarm(workersWanted(process.argv.slice(3)));
const { execute } = await import("./execute.js");

try {
  process.exitCode = await execute(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  });
} catch (e) {
  // A bug, not a user mistake: say so plainly, keep the stack for the report.
  process.stderr.write(
    `truestatus: internal error, please report it: ${(e as Error).stack ?? String(e)}\n`,
  );
  process.exitCode = 70;
}
