/**
 * The CLI as a function: parses argv, runs a command, returns the exit code
 * (0 ok, 1 findings at or above --fail-on, 2 usage or input error). Never calls process.exit().
 */
import { createRequire } from "node:module";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { escapeControlInline } from "../audit/report/terminal.js";
import { registerAnalyze } from "./analyze.js";
import { renderDemo } from "./demo.js";
import { EXIT, UsageError } from "./errors.js";
import { addGatewayCommand } from "./gateway.js";
import { registerLint } from "./lint.js";
import { type Io, stylesFor } from "./output.js";
import { registerProbe } from "./probe.js";
import { registerProxyCheck } from "./proxy-check.js";
import { registerProxyConfig } from "./proxy-config.js";
import { registerSql } from "./sql.js";
import { renderStatus, renderStatusList } from "./status.js";

const pkg = createRequire(import.meta.url)("../../package.json") as { version: string };

export { EXIT, UsageError };

function parseCode(value: string): number {
  if (!/^[1-5]\d\d$/.test(value))
    throw new InvalidArgumentError("expected a three-digit status code from 100 to 599");
  return Number(value);
}

export async function execute(argv: readonly string[], io: Io): Promise<number> {
  const out = stylesFor(io.stdout, io.env);
  const err = stylesFor(io.stderr, io.env);
  let code: number = EXIT.ok;
  const program = new Command()
    .name("truestatus")
    .description(
      "HTTP status codes that tell the truth: emit, propagate and detect truthful failures.",
    )
    .version(pkg.version, "-v, --version")
    // Program options only before the command: `proxy-config --version 3.1` is the proxy's.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(err.red(s)),
    })
    .showSuggestionAfterError()
    .addHelpText(
      "after",
      "\nExamples:\n  truestatus demo            probe a sloppy and a fixed API side by side (scorecard)\n  truestatus demo --table    the decision table and worked answers\n  truestatus probe http://127.0.0.1:3000 --openapi openapi.yaml   probe a running API\n  truestatus status 429      what the RFCs say about 429\n  truestatus analyze access.log.gz   what your traffic says about your status codes\n  truestatus lint openapi.yaml       what your OpenAPI document says, before it ships\n",
    );

  program
    .command("demo")
    .description(
      "start the sloppy and the fixed example APIs, probe both, print a side-by-side scorecard and write report.json and an HTML report per API",
    )
    .option("--table", "print the decision table, the policy choices and worked answers instead")
    .option("-o, --output <file>", "where the JSON report of both probes goes", "report.json")
    .action(async (flags: { table?: boolean; output: string }) => {
      if (flags.table) {
        io.stdout.write(renderDemo(out));
        return;
      }
      // Loaded when the command runs: it starts servers and probes them (undici, yaml).
      const { runDemo } = await import("./demo-run.js");
      code = await runDemo(io, out, flags.output);
    });

  program
    .command("status")
    .description("what the RFCs say about a status code (all codes when none is given)")
    .argument("[code]", "a status code, e.g. 401", parseCode)
    .action((statusCode: number | undefined) => {
      if (statusCode === undefined) {
        io.stdout.write(renderStatusList(out));
        return;
      }
      const text = renderStatus(statusCode, out);
      if (text === undefined)
        throw new UsageError(
          `${statusCode} is not a registered status code (see: truestatus status)`,
        );
      io.stdout.write(text);
    });

  registerAnalyze(program, io, (c) => {
    code = c;
  });
  registerSql(program, io, (c) => {
    code = c;
  });
  registerProbe(program, io, (c) => {
    code = c;
  });
  registerLint(program, io, (c) => {
    code = c;
  });
  addGatewayCommand(program, io, UsageError);
  registerProxyConfig(
    program,
    io,
    (c) => {
      code = c;
    },
    argv,
  );
  registerProxyCheck(program, io, (c) => {
    code = c;
  });

  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version end through here with exit code 0
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof UsageError) {
      // The message may quote a file name or a record: shown, never acted on by the terminal.
      io.stderr.write(`${err.red("error:")} ${escapeControlInline(e.message)}\n`);
      return EXIT.usage;
    }
    throw e;
  }
  return code;
}
