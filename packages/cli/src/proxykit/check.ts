/**
 * `proxy-check`: starts the fault upstream (unless given one), sends one request per fault
 * through the proxy under test, each on its own connection with a deadline, judges the answers
 * and scores them. Its requests go only to the proxy's origin; the proxy's go to the fault
 * upstream. A non-loopback proxy needs `allowRemote`.
 */
import net from "node:net";
import { type Observation, observe } from "./client.js";
import { ProxyKitError } from "./errors.js";
import {
  type FaultUpstream,
  type FaultUpstreamOptions,
  startFaultUpstream,
  type UpstreamSightings,
} from "./fault-upstream.js";
import { type Criterion, expectationOf, FAULTS, type Fault, type FaultId } from "./faults.js";
import { type CriterionResult, describeExpected, describeGot, judge } from "./judge.js";
import { CHECK_PREFIX, type CheckLayout } from "./layout.js";
import { type Score, score } from "./score.js";

export interface ProxyCheckOptions {
  /** The proxy's URL (http or https); its origin is where the check's requests go. */
  readonly proxy: string;
  /** Allow a proxy that is not on a loopback address. */
  readonly allowRemote?: boolean;
  /** A fault upstream already running (the proxy forwards to it); else one is started. */
  readonly upstream?: FaultUpstream;
  /** Where to start the fault upstream when none is given. */
  readonly upstreamOptions?: FaultUpstreamOptions;
  /** Called once the fault upstream listens (e.g. to print where). */
  readonly onUpstream?: (layout: CheckLayout) => void;
  /** Deadline of each check request, in ms (default 35,000). */
  readonly deadlineMs?: number;
  /** Criteria the proxy cannot meet, by "fault/criterion", with why (capabilities.ts). */
  readonly unreachable?: ReadonlyMap<string, string>;
  /** Only these faults (default: all). */
  readonly only?: readonly FaultId[];
  readonly userAgent?: string;
}

export interface JudgedCriterion extends CriterionResult {
  /** False when the proxy kind given cannot meet it (`why` says so). */
  readonly reachable: boolean;
  readonly why?: string;
}

export interface FaultResult {
  readonly id: FaultId;
  readonly title: string;
  readonly path: string;
  readonly expected: string;
  readonly got: string;
  readonly status?: number;
  readonly timedOut: boolean;
  readonly ms: number;
  readonly criteria: readonly JudgedCriterion[];
}

export interface CheckResult {
  readonly proxy: string;
  readonly layout: CheckLayout;
  readonly deadlineMs: number;
  readonly faults: readonly FaultResult[];
  readonly score: Score;
  /** What the check learnt about the proxy's routes (a misrouted route, an unverified certificate). */
  readonly notes: readonly string[];
}

export const DEFAULT_DEADLINE_MS = 35_000;

export function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  if (net.isIPv4(h)) return h.startsWith("127.");
  if (net.isIPv6(h)) return h === "::1" || /^::ffff:127\./.test(h);
  return false;
}

/** The proxy URL, checked: http(s), loopback unless allowed. Throws ProxyKitError. */
export function proxyUrl(value: string, allowRemote: boolean): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ProxyKitError(`--proxy: "${value}" is not a URL (e.g. http://127.0.0.1:8080)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new ProxyKitError(`--proxy: "${value}" is not an http(s) URL`);
  if (url.username !== "" || url.password !== "")
    throw new ProxyKitError("--proxy: credentials in the URL are not supported");
  if (!allowRemote && !isLoopback(url.hostname))
    throw new ProxyKitError(
      `--proxy: ${url.hostname} is not a loopback address; add --allow-remote to check a proxy on another host`,
    );
  return url;
}

/** Resolves when something accepts a TCP connection at host:port; rejects with the error code. */
function probePort(host: string, port: number, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: host.replace(/^\[|\]$/g, ""), port });
    const timer = setTimeout(() => {
      s.destroy();
      reject(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" }));
    }, ms);
    s.once("connect", () => {
      clearTimeout(timer);
      s.destroy();
      resolve();
    });
    s.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

function portOf(url: URL): number {
  if (url.port !== "") return Number(url.port);
  return url.protocol === "https:" ? 443 : 80;
}

/** What the upstream saw during this run (an upstream given by the caller may have served others). */
function since(before: UpstreamSightings, after: UpstreamSightings): UpstreamSightings {
  const plain = new Map<string, number>();
  for (const [k, v] of after.plain) plain.set(k, v - (before.plain.get(k) ?? 0));
  return {
    plain,
    tlsAccepted: after.tlsAccepted - before.tlsAccepted,
    tlsHandshakes: after.tlsHandshakes - before.tlsHandshakes,
  };
}

function notesOf(
  upstream: FaultUpstream,
  seen: UpstreamSightings,
  results: readonly FaultResult[],
): string[] {
  const { host, port, refusedPort } = upstream.layout;
  const notes: string[] = [];
  if ((seen.plain.get("refused") ?? 0) > 0)
    notes.push(
      `${CHECK_PREFIX}refused reached the fault upstream: route it to ${host}:${refusedPort}, where nothing listens`,
    );
  if ((seen.plain.get("tls-certificate") ?? 0) > 0)
    notes.push(
      `${CHECK_PREFIX}tls-certificate reached the fault upstream over plain HTTP: route it to https://${host}:${port}`,
    );
  if (seen.tlsAccepted > 0)
    notes.push(
      "the proxy accepted the fault upstream's expired, self-signed certificate: it does not verify its upstream's certificate",
    );
  const main = results.filter((r) => r.id !== "refused" && r.id !== "tls-certificate");
  if (main.length > 0 && main.every((r) => (seen.plain.get(r.id) ?? 0) === 0))
    notes.push(
      `no request reached the fault upstream: route ${CHECK_PREFIX} to http://${host}:${port}`,
    );
  return notes;
}

/** Runs the check. Throws ProxyKitError for usage mistakes (bad URL, proxy not listening, ...). */
export async function runProxyCheck(options: ProxyCheckOptions): Promise<CheckResult> {
  const url = proxyUrl(options.proxy, options.allowRemote === true);
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  let upstream = options.upstream;
  let owned = false;
  if (upstream === undefined) {
    try {
      upstream = await startFaultUpstream({
        stallMs: deadlineMs + 5_000,
        ...options.upstreamOptions,
      });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? String(e);
      const where = `${options.upstreamOptions?.host ?? "127.0.0.1"}:${options.upstreamOptions?.port ?? 0}`;
      throw new ProxyKitError(`--upstream-port: cannot listen on ${where} (${code})`);
    }
    owned = true;
  }
  try {
    const { host, refusedPort } = upstream.layout;
    const refused = await probePort(host, refusedPort, 2_000).then(
      () => "open",
      (e: NodeJS.ErrnoException) => e.code ?? "error",
    );
    if (refused === "open")
      throw new ProxyKitError(
        `--refused-port: something listens on ${host}:${refusedPort}; pick a port where nothing does`,
      );
    try {
      await probePort(url.hostname, portOf(url), 5_000);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new ProxyKitError(
        code === "ECONNREFUSED"
          ? `--proxy: nothing listens on ${url.host} (connection refused)`
          : code === "ETIMEDOUT"
            ? `--proxy: ${url.host} did not accept a connection within 5 s`
            : `--proxy: cannot connect to ${url.host} (${code ?? String(e)})`,
      );
    }
    options.onUpstream?.(upstream.layout);
    const internals = [
      `${host}:${upstream.layout.port}`,
      `${host}:${refusedPort}`,
      `localhost:${upstream.layout.port}`,
    ];
    const faults = FAULTS.filter((f) => options.only === undefined || options.only.includes(f.id));
    const userAgent = options.userAgent ?? "truestatus-proxy-check";
    const before = upstream.sightings();
    const results = await Promise.all(
      faults.map(async (fault) => {
        const path = `${CHECK_PREFIX}${fault.id}`;
        const target = new URL(path, url.origin);
        const o = await observe(target, { deadlineMs, userAgent });
        return judged(fault, path, o, { internals, deadlineMs }, options.unreachable);
      }),
    );
    return {
      proxy: url.origin,
      layout: upstream.layout,
      deadlineMs,
      faults: results,
      score: score(results),
      notes: notesOf(upstream, since(before, upstream.sightings()), results),
    };
  } finally {
    if (owned) await upstream.close();
  }
}

function judged(
  fault: Fault,
  path: string,
  o: Observation,
  ctx: { internals: readonly string[]; deadlineMs: number },
  unreachable: ReadonlyMap<string, string> | undefined,
): FaultResult {
  const e = expectationOf(fault);
  const criteria = judge(fault, e, o, ctx).map((r): JudgedCriterion => {
    const why = unreachable?.get(`${fault.id}/${r.criterion}`);
    return why === undefined ? { ...r, reachable: true } : { ...r, reachable: false, why };
  });
  return {
    id: fault.id,
    title: fault.title,
    path,
    expected: describeExpected(fault, e),
    got: describeGot(o, ctx.deadlineMs),
    ...(o.status !== undefined ? { status: o.status } : {}),
    timedOut: o.timedOut,
    ms: Math.round(o.ms),
    criteria,
  };
}

export type { Criterion };
