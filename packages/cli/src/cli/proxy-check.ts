/**
 * `truestatus proxy-check --proxy URL`: starts the fault upstream, sends one request per fault
 * through the proxy, prints the scorecard. Exit 0 at or above --min-score, 1 below, 2 usage
 * (bad URL, proxy not listening, unknown --kind). With --print-upstream and no --proxy, it only
 * serves the fault upstream (until SIGINT/SIGTERM), so that a proxy can be pointed at it.
 */
import { createRequire } from "node:module";
import { type Command, InvalidArgumentError, Option } from "commander";
import type { CheckLayout } from "../proxykit/layout.js";
import { EXIT, UsageError } from "./errors.js";
import { type Io, reportColor, writeReport } from "./output.js";
import { parseMs, parsePort } from "./proxy-config.js";

const pkg = createRequire(import.meta.url)("../../package.json") as { version: string };

interface CheckFlags {
  readonly proxy?: string;
  readonly allowRemote?: boolean;
  readonly printUpstream?: boolean;
  readonly upstreamPort?: number;
  readonly refusedPort: number;
  readonly deadline: number;
  readonly kind?: string;
  readonly minScore: number;
  readonly only?: string;
  readonly format: "text" | "json" | "sarif";
  readonly output?: string;
}

function parsePercent(value: string): number {
  if (!/^\d{1,3}(?:\.\d)?$/.test(value) || Number(value) > 100)
    throw new InvalidArgumentError("expected a percentage from 0 to 100");
  return Number(value);
}

function describeLayout(l: CheckLayout, prefix: string): string {
  return [
    `fault upstream: http://${l.host}:${l.port} (plain HTTP and TLS on the same port)`,
    "route the proxy under test so that:",
    `  ${prefix}refused          → http://${l.host}:${l.refusedPort} (nothing listens there)`,
    `  ${prefix}tls-certificate  → https://${l.host}:${l.port} (verify the certificate)`,
    `  ${prefix}*                → http://${l.host}:${l.port}`,
    "(truestatus proxy-config <proxy> --upstream http://HOST:PORT --check-routes writes these routes)",
    "",
  ].join("\n");
}

export function registerProxyCheck(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command("proxy-check")
    .description(
      "score a proxy (nginx, HAProxy, Caddy, Envoy, the gateway, any): start a fault upstream, send one request per fault through the proxy, check status, Proxy-Status, Retry-After and bodies",
    )
    .option("--proxy <url>", "the proxy under test, e.g. http://127.0.0.1:8080")
    .option("--allow-remote", "allow a proxy that is not on a loopback address")
    .option(
      "--print-upstream",
      "print where the fault upstream listens and the routes the proxy needs (without --proxy: serve it until Ctrl-C)",
    )
    .addOption(
      new Option(
        "--upstream-port <n>",
        "the fault upstream's port (default: any free port)",
      ).argParser((v: string) => parsePort(v, 1)),
    )
    .addOption(
      new Option("--refused-port <n>", "the port of the refused route, where nothing listens")
        .default(1)
        .argParser((v: string) => parsePort(v, 1)),
    )
    .addOption(
      new Option(
        "--deadline <duration>",
        "deadline of each check; set it above the proxy's response timeout",
      )
        .default(35_000, "35s")
        .argParser(parseMs),
    )
    .option(
      "--kind <proxy[@version]>",
      "nginx, haproxy, caddy, envoy or gateway: also score only what that proxy can tell apart",
    )
    .addOption(
      new Option("--min-score <percent>", "exit 1 below this score (the reachable one with --kind)")
        .default(100)
        .argParser(parsePercent),
    )
    .option("--only <faults>", "comma-separated fault ids to check (default: all)")
    .addOption(
      new Option("--format <format>", "report format")
        .choices(["text", "json", "sarif"])
        .default("text"),
    )
    .option("-o, --output <file>", "write the report to a file instead of standard output")
    .addHelpText(
      "after",
      `
Examples:
  truestatus proxy-check --print-upstream --upstream-port 9000        # serve the fault upstream
  truestatus proxy-config nginx --upstream http://127.0.0.1:9000 --check-routes > check.conf
  truestatus proxy-check --proxy http://127.0.0.1:8080 --upstream-port 9000 --kind nginx@1.22
  truestatus proxy-check --proxy http://127.0.0.1:8080 --format sarif -o proxy.sarif

Exit codes: 0 at or above --min-score, 1 below, 2 usage error (bad URL, proxy not listening).`,
    )
    .action(async (flags: CheckFlags) => {
      const [
        { runProxyCheck, DEFAULT_DEADLINE_MS },
        { startFaultUpstream },
        errors,
        caps,
        faults,
        gen,
        report,
      ] = await Promise.all([
        import("../proxykit/check.js"),
        import("../proxykit/fault-upstream.js"),
        import("../proxykit/errors.js"),
        import("../proxykit/capabilities.js"),
        import("../proxykit/faults.js"),
        import("../proxykit/generate/index.js"),
        import("../proxykit/report.js"),
      ]);
      const { CHECK_PREFIX } = await import("../proxykit/layout.js");
      const upstreamOptions = {
        refusedPort: flags.refusedPort,
        ...(flags.upstreamPort !== undefined ? { port: flags.upstreamPort } : {}),
      };
      if (flags.proxy === undefined) {
        if (!flags.printUpstream)
          throw new UsageError(
            "--proxy: required (the proxy under test, e.g. http://127.0.0.1:8080)",
          );
        await serveUpstream(
          io,
          () => startFaultUpstream({ ...upstreamOptions, stallMs: DEFAULT_DEADLINE_MS }),
          (l) => describeLayout(l, CHECK_PREFIX),
        );
        done(EXIT.ok);
        return;
      }
      let kind: { name: string; version: string } | undefined;
      if (flags.kind !== undefined) {
        const [name, version] = flags.kind.split("@");
        try {
          if (name === "gateway") kind = { name, version: version ?? pkg.version };
          else {
            const k = gen.proxyKind(name ?? "");
            kind = { name: k, version: gen.proxyVersion(k, version) };
          }
        } catch (e) {
          if (errors.isProxyKitError(e))
            throw new UsageError(`--kind: ${e.message.replace(/^--version: /, "")}`);
          throw e;
        }
      }
      let only: import("../proxykit/faults.js").FaultId[] | undefined;
      if (flags.only !== undefined) {
        only = [];
        for (const id of flags.only.split(",").map((s) => s.trim())) {
          if (!faults.FAULT_BY_ID.has(id as never))
            throw new UsageError(
              `--only: unknown fault "${id}" (one of: ${faults.FAULT_IDS.join(", ")})`,
            );
          only.push(id as import("../proxykit/faults.js").FaultId);
        }
      }
      let result: Awaited<ReturnType<typeof runProxyCheck>>;
      try {
        result = await runProxyCheck({
          proxy: flags.proxy,
          allowRemote: flags.allowRemote === true,
          upstreamOptions,
          deadlineMs: flags.deadline,
          userAgent: `truestatus-proxy-check/${pkg.version}`,
          ...(only !== undefined ? { only } : {}),
          ...(kind !== undefined
            ? {
                unreachable: caps.unreachable(
                  kind.name as import("../proxykit/capabilities.js").CheckedKind,
                  kind.version,
                ),
              }
            : {}),
          ...(flags.printUpstream
            ? { onUpstream: (l: CheckLayout) => io.stderr.write(describeLayout(l, CHECK_PREFIX)) }
            : {}),
        });
      } catch (e) {
        if (errors.isProxyKitError(e)) throw new UsageError(e.message);
        throw e;
      }
      const counted = kind !== undefined ? result.score.reachable : result.score.all;
      const passed = counted.percent >= flags.minScore;
      const text = report.CHECK_REPORTERS[flags.format](result, {
        color: flags.format === "text" && reportColor(io, flags.output),
        version: pkg.version,
        ...(kind !== undefined ? { kind } : {}),
        minScore: flags.minScore,
        passed,
      });
      await writeReport(io, flags.output, text);
      done(passed ? EXIT.ok : EXIT.findings);
    });
}

/** Serves the fault upstream until SIGINT or SIGTERM. */
async function serveUpstream(
  io: Io,
  start: () => Promise<{ layout: CheckLayout; close(): Promise<void> }>,
  describe: (l: CheckLayout) => string,
): Promise<void> {
  let upstream: Awaited<ReturnType<typeof start>>;
  try {
    upstream = await start();
  } catch (e) {
    throw new UsageError(
      `--upstream-port: cannot listen (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
    );
  }
  io.stdout.write(describe(upstream.layout));
  io.stderr.write("serving the fault upstream; Ctrl-C to stop\n");
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await upstream.close();
}
