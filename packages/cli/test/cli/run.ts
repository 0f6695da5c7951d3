/** Runs the CLI in-process with captured stdout/stderr: { code, out, err }. */
import { PassThrough } from "node:stream";
import { execute } from "../../src/cli/execute.js";

export function run(argv: string[], env: Record<string, string> = {}, tty = false) {
  const stdout = Object.assign(new PassThrough(), { isTTY: tty });
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c) => (out += c));
  stderr.on("data", (c) => (err += c));
  return execute(argv, { stdout, stderr, env }).then((code) => ({ code, out, err }));
}
