/**
 * Real proxies for tests and benches: nginx (Debian nginx-light), HAProxy and Caddy, each started
 * in the foreground with a config written to a temporary folder, on a port taken from the OS,
 * and stopped (and its folder removed) by `stop()`. The config is a function of the port and the
 * folder, so that it can name its own listen address, pid file and logs.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./redis-server.js";

export type ProxyName = "nginx" | "haproxy" | "caddy";

export interface RunningProxy {
  readonly name: ProxyName;
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  /** The access log's text so far ("" when none was written). */
  accessLog(): string;
  /** What the proxy wrote on stderr/stdout (its error log, for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

export interface ProxyConfigContext {
  readonly port: number;
  readonly dir: string;
  /** Where the config should write its access log. */
  readonly accessLog: string;
}

/** The version string of an installed proxy, or undefined when it is not installed. */
export function proxyVersion(name: ProxyName): string | undefined {
  const [cmd, args] =
    name === "nginx"
      ? ["nginx", ["-v"]]
      : name === "haproxy"
        ? ["haproxy", ["-v"]]
        : ["caddy", ["version"]];
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.error !== undefined) return undefined;
  const text = `${r.stdout}${r.stderr}`;
  const m = /(\d+\.\d+(?:\.\d+)?)/.exec(text);
  return m?.[1];
}

async function waitForPort(port: number, child: ChildProcess, what: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`proxy exited with code ${child.exitCode}: ${what()}`);
    const ok = await new Promise<boolean>((done) => {
      const s = net.connect(port, "127.0.0.1", () => {
        s.destroy();
        done(true);
      });
      s.on("error", () => done(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`proxy did not listen on ${port} within 15 s: ${what()}`);
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

/** The lines an nginx config needs to run unprivileged from a folder (pid, temp paths, user). */
export function nginxPrelude(dir: string): { main: string; http: string } {
  return {
    main: `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
${process.getuid?.() === 0 ? "user root;" : ""}
events { worker_connections 512; }`,
    http: `client_body_temp_path ${dir}/tmp/body;
proxy_temp_path ${dir}/tmp/proxy;
fastcgi_temp_path ${dir}/tmp/fastcgi;
uwsgi_temp_path ${dir}/tmp/uwsgi;
scgi_temp_path ${dir}/tmp/scgi;`,
  };
}

export interface StartOptions {
  /** Run under `taskset -c N` (benches). */
  readonly pinCore?: number;
}

/** Starts a proxy with the config `config(ctx)` returns; resolves once it accepts connections. */
export async function startProxy(
  name: ProxyName,
  config: (ctx: ProxyConfigContext) => string,
  options: StartOptions = {},
): Promise<RunningProxy> {
  const dir = mkdtempSync(join(tmpdir(), `truestatus-${name}-`));
  mkdirSync(join(dir, "tmp"), { recursive: true });
  const port = await freePort();
  const accessLog = join(dir, "access.log");
  const text = config({ port, dir, accessLog });
  let cmd: string;
  let args: string[];
  let env: NodeJS.ProcessEnv = process.env;
  let signal: NodeJS.Signals = "SIGTERM";
  if (name === "nginx") {
    writeFileSync(join(dir, "nginx.conf"), text);
    cmd = "nginx";
    args = ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", join(dir, "error.log")];
    signal = "SIGQUIT";
  } else if (name === "haproxy") {
    writeFileSync(join(dir, "haproxy.cfg"), text);
    cmd = "haproxy";
    args = ["-db", "-f", join(dir, "haproxy.cfg")];
    signal = "SIGUSR1";
  } else {
    writeFileSync(join(dir, "Caddyfile"), text);
    cmd = "caddy";
    args = ["run", "--config", join(dir, "Caddyfile"), "--adapter", "caddyfile"];
    env = { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir };
  }
  const [c, a] =
    options.pinCore === undefined
      ? [cmd, args]
      : ["taskset", ["-c", String(options.pinCore), cmd, ...args]];
  const child = spawn(c, a, { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  // HAProxy logs to stdout (`log stdout`): kept whole, it is the access log.
  let stdout = "";
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
    if (stdout.length > 4_000_000) stdout = stdout.slice(-2_000_000);
  });
  child.stderr?.on("data", (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  });
  const errorLog = () => {
    try {
      return readFileSync(join(dir, "error.log"), "utf8");
    } catch {
      return "";
    }
  };
  try {
    await waitForPort(port, child, () => `${out}${errorLog()}`.trim().slice(-2_000));
  } catch (e) {
    await stopChild(child, "SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  let stopped = false;
  return {
    name,
    port,
    url: `http://127.0.0.1:${port}`,
    dir,
    accessLog: () => {
      try {
        return readFileSync(accessLog, "utf8");
      } catch {
        return name === "haproxy" ? stdout : "";
      }
    },
    output: () => `${out}${errorLog()}${name === "haproxy" ? "" : stdout.slice(-5_000)}`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await stopChild(child, signal);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
