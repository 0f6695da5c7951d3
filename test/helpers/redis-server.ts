/**
 * A real redis-server (Debian package) for one test file: a free port on 127.0.0.1, no
 * persistence, a temporary folder; stopped (and reaped) by `stop()`. `pause()`/`resume()` send
 * SIGSTOP/SIGCONT (Redis alive but silent), `kill()` SIGKILLs it mid-run.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface RedisServer {
  readonly port: number;
  pause(): void;
  resume(): void;
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

export interface RedisOptions {
  /** Run redis-server under `taskset -c N` (the benches pin it away from node). */
  readonly pinCore?: number;
}

async function startOnce(options: RedisOptions): Promise<RedisServer | undefined> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "truestatus-redis-"));
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
  const [cmd, argv] =
    options.pinCore === undefined
      ? ["redis-server", args]
      : ["taskset", ["-c", String(options.pinCore), "redis-server", ...args]];
  const child = spawn(cmd, argv, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const ready = await new Promise<boolean>((resolve) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("Ready to accept connections")) resolve(true);
    });
    child.on("exit", () => resolve(false));
    child.on("error", () => resolve(false));
  });
  child.stdout!.resume();
  child.stderr!.resume();
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGCONT");
      child.kill("SIGTERM");
    }
    await exited(child);
    rmSync(dir, { recursive: true, force: true });
  };
  if (!ready) {
    await stop();
    // Another test took the port between our probe and Redis's bind: try another.
    if (out.includes("Address already in use")) return undefined;
    throw new Error(`redis-server did not start:\n${out}`);
  }
  return {
    port,
    pause: () => child.kill("SIGSTOP"),
    resume: () => child.kill("SIGCONT"),
    kill: async () => {
      child.kill("SIGKILL");
      await exited(child);
    },
    stop,
  };
}

export async function startRedis(options: RedisOptions = {}): Promise<RedisServer> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const server = await startOnce(options);
    if (server) return server;
  }
  throw new Error("redis-server: no free port after 5 attempts");
}
