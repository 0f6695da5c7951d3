/**
 * Analyze's worker threads, started before they are needed. A worker takes ~50 ms to start (a V8
 * isolate, Node's bootstrap, the bundle), which a run spent after the CLI had read its own modules
 * and opened the file; bin.ts starts them first when the command line asks to analyse a big file,
 * so that they boot while the CLI loads. A worker waits for its task (a message); one that is not
 * taken does not hold the process open.
 */
import { statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

/** Files from this size on are read by workers (analyze.ts: DEFAULT_PARALLEL_MIN_BYTES). */
export const PARALLEL_MIN_BYTES = 32 * 1024 * 1024;

/**
 * Young generation of each worker (MiB). 16 measured best once the per-line allocations were cut
 * (bench/RESULTS.md D6): with two workers, 48 cost ~7 % more CPU per worker (two 48 MiB nurseries
 * compete for the caches), and below 12 the scavenges promote so much that the run takes ~60 %
 * longer. TRUESTATUS_YOUNG_MB overrides it, for such measurements.
 */
const YOUNG_GENERATION_MB = Number(process.env.TRUESTATUS_YOUNG_MB ?? 16);

/**
 * Old generation limit of each worker (MiB). A worker keeps a few MiB (bounded samples, templates,
 * counts); without a limit V8 let the old generation of workers reading JSON lines grow, and a
 * 10M-line Traefik JSON log peaked at 198 MB RSS with two workers (2M lines: 189 MB, 157 MB with
 * this limit; the combined log's CPU time and RSS were unchanged). TRUESTATUS_OLD_MB overrides it.
 */
const OLD_GENERATION_MB = Number(process.env.TRUESTATUS_OLD_MB ?? 128);

/** A started worker, and how it ended if it did before it was taken. */
export interface PooledWorker {
  readonly worker: Worker;
  /** Set when the worker failed or exited while it waited. */
  failure?: Error;
  /** What listens while it waits (removed when it is taken). */
  waiting?: { onError(e: Error): void; onExit(code: number): void };
}

const warm: PooledWorker[] = [];

function start(): PooledWorker {
  // The bundled worker entry (tests that use workers run against dist/). The path is the same
  // from dist/audit/ (the library) and from dist/cli/ (the bundled CLI).
  const worker = new Worker(new URL("../audit/worker.js", import.meta.url), {
    resourceLimits: {
      maxYoungGenerationSizeMb: YOUNG_GENERATION_MB,
      maxOldGenerationSizeMb: OLD_GENERATION_MB,
    },
  });
  return { worker };
}

/** Starts `n` workers that wait, unreferenced, to be taken. */
export function prewarm(n: number): void {
  for (let i = 0; i < n; i++) {
    const p = start();
    // Until taken, a failure is kept for the taker (an 'error' without a listener would throw).
    p.waiting = {
      onError: (e) => {
        p.failure ??= e;
      },
      onExit: (code) => {
        p.failure ??= new Error(`analyze worker exited with code ${code}`);
      },
    };
    p.worker.on("error", p.waiting.onError);
    p.worker.on("exit", p.waiting.onExit);
    p.worker.unref();
    warm.push(p);
  }
}

/** A started worker, referenced: one that waits, or a new one. */
export function takeWorker(): PooledWorker {
  const p = warm.shift() ?? start();
  if (p.waiting !== undefined) {
    p.worker.off("error", p.waiting.onError);
    p.worker.off("exit", p.waiting.onExit);
    delete p.waiting;
  }
  p.worker.ref();
  return p;
}

/**
 * How many workers `truestatus analyze <args>` will want first, from its command line: the jobs
 * (--jobs, or the cores) when an input is a plain file of PARALLEL_MIN_BYTES or more, else 0. A
 * guess that only decides whether workers start early: a wrong one costs a worker's start, never
 * a result (gzip and HAR files are read on the main thread, and a worker nobody takes just ends).
 */
export function workersWanted(args: readonly string[]): number {
  let jobs = availableParallelism();
  let big = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "-j" || a === "--jobs") jobs = Number(args[++i]);
    else if (a.startsWith("--jobs=")) jobs = Number(a.slice(7));
    // The SQL engines read the file themselves.
    else if (a === "--engine" || a.startsWith("--engine=")) return 0;
    else if (!a.startsWith("-") && !big) big = isBigPlainFile(a);
  }
  // Even one job reads a big file in a worker (bounded memory).
  return big && Number.isInteger(jobs) && jobs >= 1 ? Math.min(jobs, 64) : 0;
}

function isBigPlainFile(path: string): boolean {
  if (path.endsWith(".gz")) return false;
  try {
    const st = statSync(path);
    return st.isFile() && st.size >= PARALLEL_MIN_BYTES;
  } catch {
    return false;
  }
}
