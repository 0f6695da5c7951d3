/**
 * A real nginx (Debian package nginx-light) in front of an upstream, for tests that compare the
 * gateway's answers with nginx's: one worker, a temporary prefix, a free port on 127.0.0.1, an
 * access log of `$status "$request"` lines; `stop()` ends it (SIGQUIT, then SIGKILL) and reaps it.
 * The caller gives the `server { ... }` body (locations); `listen` is added.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./redis-server.js";

export interface Nginx {
  readonly port: number;
  /** The access log's lines so far: `<status> "<request line>"`. */
  log(): string[];
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

async function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1", () => {
      s.destroy();
      resolve(true);
    });
    s.on("error", () => resolve(false));
  });
}

/** `http` holds extra http-level directives (e.g. limit_req_zone); `server` the locations. */
export async function startNginx(config: { http?: string; server: string }): Promise<Nginx> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), "truestatus-nginx-"));
    mkdirSync(join(dir, "tmp"));
    const conf = `
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
${process.getuid?.() === 0 ? "user root;" : ""}
events { worker_connections 256; }
http {
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  log_format t '$status "$request"';
  access_log ${dir}/access.log t;
  ${config.http ?? ""}
  server {
    listen 127.0.0.1:${port};
    ${config.server}
  }
}
`;
    writeFileSync(join(dir, "nginx.conf"), conf);
    const child = spawn(
      "nginx",
      ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", join(dir, "error.log")],
      {
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGQUIT");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited(child);
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    };
    const deadline = Date.now() + 10_000;
    let up = false;
    while (Date.now() < deadline && child.exitCode === null) {
      if (await listening(port)) {
        up = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 30));
    }
    if (up) {
      return {
        port,
        log: () => {
          let text = "";
          try {
            text = readFileSync(join(dir, "access.log"), "utf8");
          } catch {
            // nothing logged yet
          }
          return text.split("\n").filter((l) => l !== "");
        },
        stop,
      };
    }
    await stop();
    // Another process took the port between the probe and nginx's bind: try another.
    if (!stderr.includes("Address already in use"))
      throw new Error(`nginx did not start: ${stderr}`);
  }
  throw new Error("nginx did not start: no free port after 3 attempts");
}
