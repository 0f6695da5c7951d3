/**
 * The CLI as a function: parses argv, runs a command, returns the exit code
 * (0 ok, 1 findings at or above --fail-on, 2 usage or input error). Never calls process.exit().
 */
import { createRequire } from "node:module";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { renderDemo } from "./demo.js";
import { addGatewayCommand } from "./gateway.js";
import { type Io, stylesFor } from "./output.js";
import { renderStatus, renderStatusList } from "./status.js";

const pkg = createRequire(import.meta.url)("../../package.json") as { version: string };

export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

/** A user mistake: printed as one line, exit code 2, no stack trace. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

function parseCode(value: string): number {
  if (!/^[1-5]\d\d$/.test(value))
    throw new InvalidArgumentError("expected a three-digit status code from 100 to 599");
  return Number(value);
}

export async function execute(argv: readonly string[], io: Io): Promise<number> {
  const out = stylesFor(io.stdout, io.env);
  const err = stylesFor(io.stderr, io.env);
  const code: number = EXIT.ok;
  const program = new Command()
    .name("truestatus")
    .description(
      "HTTP status codes that tell the truth: emit, propagate and detect truthful failures.",
    )
    .version(pkg.version, "-v, --version")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(err.red(s)),
    })
    .showSuggestionAfterError()
    .addHelpText(
      "after",
      "\nExamples:\n  truestatus demo            the decision table and worked answers\n  truestatus status 429      what the RFCs say about 429\n",
    );

  program
    .command("demo")
    .description("print the decision table, the policy choices and complete worked answers")
    .action(() => {
      io.stdout.write(renderDemo(out));
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

  addGatewayCommand(program, io, UsageError);

  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version end through here with exit code 0
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof UsageError) {
      io.stderr.write(`${err.red("error:")} ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
  return code;
}
