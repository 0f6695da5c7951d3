#!/usr/bin/env node
import { execute } from "./execute.js";

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
