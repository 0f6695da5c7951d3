/**
 * A port where connections time out: a socket listening with a backlog of 0 that never accepts,
 * its queue filled at once, so the kernel drops further SYNs and a client's connect hangs until
 * its own timeout. Node always accepts, so the socket is held by a small python3 process
 * (Debian python3-minimal, installed by scripts/provision.mjs), stopped by `close()`.
 */
import { spawn } from "node:child_process";

const SCRIPT = `
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(0)
held = []
for _ in range(4):
    c = socket.socket(); c.setblocking(False)
    try: c.connect(s.getsockname())
    except BlockingIOError: pass
    held.append(c)
print(s.getsockname()[1], flush=True)
sys.stdin.read()
`;

export interface Blackhole {
  readonly port: number;
  close(): Promise<void>;
}

export function blackhole(): Promise<Blackhole> {
  const child = spawn("python3", ["-c", SCRIPT], { stdio: ["pipe", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.stdout.once("data", (d: Buffer) => {
      resolve({
        port: Number(String(d).trim()),
        close: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once("exit", () => done());
            child.stdin.end();
          }),
      });
    });
  });
}
