/**
 * What each proxy can tell apart: the check's criteria a proxy cannot meet whatever its config,
 * with why. The check scores "reachable" against this (a generated config reaches 100 % of it),
 * the tests run the real proxies and assert that the generated configs meet every criterion not
 * listed here and fail every one listed (so the list neither hides nor invents a limit), and
 * docs/proxies/<proxy>.md shows it (a test keeps them in step).
 */
import type { Criterion, FaultId } from "./faults.js";
import type { ProxyKind } from "./generate/model.js";

export type CheckedKind = ProxyKind | "gateway";

export interface Limit {
  readonly fault: FaultId;
  readonly criteria: readonly Criterion[];
  readonly why: string;
  /** The versions it applies to (major.minor); all when absent. */
  readonly versions?: (version: string) => boolean;
  /** The same, said for the docs ("before 2.9"). */
  readonly versionsText?: string;
}

const below = (major: number, minor: number) => (v: string) => {
  const [a, b] = v.split(".").map(Number) as [number, number];
  return a < major || (a === major && b < minor);
};

const OWN: readonly Criterion[] = [
  "status",
  "proxy-status",
  "error-type",
  "problem-body",
  "no-internals",
];

export const LIMITS: Readonly<Record<CheckedKind, readonly Limit[]>> = {
  nginx: [
    {
      fault: "invalid-status-line",
      criteria: OWN,
      why: 'nginx takes an invalid status line for an HTTP/0.9 answer and forwards its bytes as they came, without a status line of its own (its log says 009); no directive changes that ("upstream sent no valid HTTP/1.0 header")',
    },
    {
      fault: "tls-certificate",
      criteria: ["error-type"],
      why: 'a failed TLS handshake and a refused connection leave the same traces ($upstream_connect_time "-", nothing received; only the error log differs): the answer is 502 with Proxy-Status but no error type',
    },
  ],
  haproxy: [
    {
      fault: "reset-before-status",
      criteria: ["error-type"],
      why: "before 2.9 a rule cannot see the termination state (SH: the server closed; PH: HAProxy refused its answer): HAProxy's own 502 is one 502, sent with Proxy-Status but no error type",
      versions: below(2, 9),
      versionsText: "before 2.9",
    },
    {
      fault: "invalid-status-line",
      criteria: ["error-type"],
      why: "as for a reset: before 2.9 the 502 of an invalid answer cannot be told from a server that closed",
      versions: below(2, 9),
      versionsText: "before 2.9",
    },
    {
      fault: "invalid-header",
      criteria: ["error-type"],
      why: "as for a reset: before 2.9 the 502 of an invalid answer cannot be told from a server that closed",
      versions: below(2, 9),
      versionsText: "before 2.9",
    },
  ],
  caddy: [
    {
      fault: "invalid-header",
      criteria: ["status", "proxy-status", "error-type", "problem-body"],
      why: "Caddy 2.6 (Go 1.19's net/http) accepts a field name holding a space, drops the field and forwards the answer as a 200: no error reaches handle_errors",
      versions: below(2, 7),
      versionsText: "2.6 (Go 1.19); later versions not run here",
    },
  ],
  envoy: [
    {
      fault: "tls-certificate",
      criteria: ["error-type"],
      why: "Envoy flags a failed TLS handshake UF, like a refused connection, and its Proxy-Status names UF connection_refused (the TLS reason is only in the response code details)",
    },
  ],
  gateway: [],
};

/** The unreachable criteria of a proxy at a version, by "fault/criterion", with why. */
export function unreachable(kind: CheckedKind, version: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const l of LIMITS[kind]) {
    if (l.versions !== undefined && !l.versions(version)) continue;
    for (const c of l.criteria) out.set(`${l.fault}/${c}`, l.why);
  }
  return out;
}

/** The docs table of a proxy's limits (docs/proxies/<proxy>.md shows it; a test compares). */
export function limitsTable(kind: CheckedKind): string {
  const rows = LIMITS[kind].map(
    (l) =>
      `| \`${l.fault}\` | ${l.criteria.map((c) => `\`${c}\``).join(", ")} | ${l.versionsText ?? "all"} | ${l.why.replaceAll("|", "\\|")} |`,
  );
  return [
    "| fault | criteria it cannot meet | versions | why |",
    "| --- | --- | --- | --- |",
    ...(rows.length > 0 ? rows : ["| — | — | — | nothing: every criterion is met |"]),
  ].join("\n");
}
