/**
 * `truestatus gateway`: runs the reverse proxy from a config file or the one-line flags until
 * SIGTERM or SIGINT, then drains. A config mistake is one line on stderr and exit code 2.
 */
import { type Command, InvalidArgumentError } from "commander";
import type { GatewayConfig } from "../gateway/config.js";
import type { Io } from "./output.js";

/** A user mistake (exit 2); defined by execute.ts. */
type UsageErrorClass = new (message: string) => Error;

interface GatewayOptions {
  readonly config?: string;
  readonly upstream?: string;
  readonly port?: number;
  readonly host?: string;
  readonly accessLog?: string;
  readonly metricsListen?: string;
  readonly check?: boolean;
}

function parsePort(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65_535)
    throw new InvalidArgumentError("expected a port number from 0 to 65535");
  return Number(value);
}

/**
 * The gateway's modules (yaml, zod, undici, prom-client) are loaded when the command runs, not
 * when the CLI starts: every other command would pay ~0.2 s for them.
 */
async function configOf(o: GatewayOptions, UsageError: UsageErrorClass): Promise<GatewayConfig> {
  const { configFromFlags, GatewayConfigError, loadConfig } = await import("../gateway/config.js");
  if (o.config !== undefined && o.upstream !== undefined)
    throw new UsageError("give either --config or --upstream, not both");
  try {
    if (o.config !== undefined) return loadConfig(o.config);
    if (o.upstream === undefined)
      throw new UsageError("give --config FILE, or --upstream URL for the one-line case");
    return configFromFlags({
      upstream: o.upstream,
      ...(o.port === undefined ? {} : { port: o.port }),
      ...(o.host === undefined ? {} : { host: o.host }),
      ...(o.accessLog === undefined ? {} : { accessLog: o.accessLog }),
      ...(o.metricsListen === undefined ? {} : { metricsListen: o.metricsListen }),
    });
  } catch (e) {
    if (e instanceof GatewayConfigError) throw new UsageError(e.message);
    throw e;
  }
}

export function addGatewayCommand(program: Command, io: Io, UsageError: UsageErrorClass): void {
  program
    .command("gateway")
    .description("run a reverse proxy that answers upstream failures with the truthful status")
    .option(
      "-c, --config <file>",
      "YAML config (upstreams, routes, limits, Redis; see docs/gateway.md)",
    )
    .option("--upstream <url>", "the one upstream, for the one-line case")
    .option("--port <n>", "port to listen on (0: any free port)", parsePort)
    .option("--host <addr>", "address to listen on (default 0.0.0.0)")
    .option("--access-log <file>", "NDJSON access log ('-' for stdout), readable by analyze")
    .option(
      "--metrics-listen <addr>",
      "where /metrics and /healthz listen: host:port (default 127.0.0.1:9464) or 'main'",
    )
    .option("--check", "check the config and exit")
    .addHelpText(
      "after",
      "\nExamples:\n  truestatus gateway --upstream http://127.0.0.1:3000 --port 8080\n  truestatus gateway --config gateway.yaml\n  truestatus gateway --config gateway.yaml --check\n",
    )
    .action(async (o: GatewayOptions) => {
      const config = await configOf(o, UsageError);
      if (o.check === true) {
        io.stdout.write(
          `config ok: ${config.routes.length} route(s), ${config.upstreams.size} upstream(s)\n`,
        );
        return;
      }
      const { createGateway } = await import("../gateway/server.js");
      const gateway = await createGateway(config);
      let address: { port: number; address: string };
      try {
        address = await gateway.listen();
      } catch (e) {
        await gateway.close();
        const err = e as NodeJS.ErrnoException & { address?: string; port?: number };
        const where =
          err.port === undefined
            ? `${config.listen.host}:${config.listen.port}`
            : `${err.address ?? ""}:${err.port}`;
        throw new UsageError(`cannot listen on ${where} (${err.code ?? String(e)})`);
      }
      const admin = gateway.adminAddress;
      io.stderr.write(
        `truestatus gateway listening on ${address.address}:${address.port}${admin === undefined ? "" : ` (metrics and health on ${admin.address}:${admin.port})`}\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off("SIGTERM", stop);
          process.off("SIGINT", stop);
          resolve();
        };
        process.once("SIGTERM", stop);
        process.once("SIGINT", stop);
      });
      io.stderr.write("truestatus gateway draining\n");
      await gateway.close();
    });
}
