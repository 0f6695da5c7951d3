/**
 * The gateway's configuration: a YAML file (`--config gateway.yaml`) or the one-line flags
 * (`--upstream URL --port N`), checked by one schema. A mistake is one GatewayConfigError whose
 * message names the file, the line, the field and what is wrong:
 *
 *   gateway.yaml:12: routes[0].timeouts.connect: "5x" is not a duration (e.g. 250ms, 5s, 1m)
 */
import { readFileSync } from "node:fs";
import { BlockList, isIP } from "node:net";
import { isToken, TruestatusError } from "truestatus";
import { isMap, LineCounter, type Node, parseDocument } from "yaml";
import { z } from "zod";
import { parseDuration, parseSize } from "./units.js";

/** A configuration mistake: file, line (when known), field path and what is wrong, in one line. */
export class GatewayConfigError extends TruestatusError {
  override readonly name = "GatewayConfigError";
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly field: string,
    readonly problem: string,
  ) {
    super(
      "TRUESTATUS_INVALID_GATEWAY_CONFIG",
      `${file}${line === undefined ? "" : `:${line}`}: ${field === "" ? "" : `${field}: `}${problem}`,
    );
  }
}

const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === undefined) {
    ctx.addIssue({
      code: "custom",
      message: `${JSON.stringify(v)} is not a duration (e.g. 250ms, 5s, 1m)`,
    });
    return z.NEVER;
  }
  return ms;
});

const size = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const bytes = parseSize(v);
  if (bytes === undefined) {
    ctx.addIssue({
      code: "custom",
      message: `${JSON.stringify(v)} is not a size (e.g. 16kb, 10mb, or bytes)`,
    });
    return z.NEVER;
  }
  return bytes;
});

const httpUrl = z.string().transform((v, ctx) => {
  let u: URL | undefined;
  try {
    u = new URL(v);
  } catch {
    u = undefined;
  }
  if (u === undefined || (u.protocol !== "http:" && u.protocol !== "https:") || u.host === "") {
    ctx.addIssue({ code: "custom", message: `${JSON.stringify(v)} is not an http(s) URL` });
    return z.NEVER;
  }
  if (u.search !== "" || u.hash !== "" || u.username !== "" || u.password !== "") {
    ctx.addIssue({
      code: "custom",
      message: `${JSON.stringify(u.origin)}: an upstream URL has no query, fragment or credentials`,
    });
    return z.NEVER;
  }
  return u;
});

const port = z.number().int().min(0).max(65_535);

/** Where /metrics and /healthz listen unless told otherwise: loopback only. */
export const DEFAULT_METRICS_LISTEN = { host: "127.0.0.1", port: 9464 };
const positiveInt = z.number().int().min(1);

const timeouts = z.strictObject({
  connect: duration.optional(),
  queue: duration.optional(),
  headers: duration.optional(),
  idle: duration.optional(),
  total: duration.optional(),
});

/** "127.0.0.1:9464", "[::1]:9464", "0.0.0.0:0", or "main" (share the proxied listener). */
const listenAddress = z.string().transform((v, ctx) => {
  if (v === "main") return "main" as const;
  const m = /^(?:\[([0-9A-Fa-f:.]{2,45})\]|([^:\s]{1,253})):(\d{1,5})$/.exec(v);
  const host = m?.[1] ?? m?.[2];
  const port = Number(m?.[3]);
  if (m === null || host === undefined || port > 65_535) {
    ctx.addIssue({
      code: "custom",
      message: `${JSON.stringify(v)} is not host:port (e.g. 127.0.0.1:9464) or "main"`,
    });
    return z.NEVER;
  }
  return { host, port };
});

const cidr = z.string().refine(
  (v) => {
    const [addr, bits, extra] = v.split("/");
    if (extra !== undefined || addr === undefined || isIP(addr) === 0) return false;
    if (bits === undefined) return true;
    const n = Number(bits);
    return /^\d{1,3}$/.test(bits) && n <= (isIP(addr) === 4 ? 32 : 128);
  },
  { message: "is not an IP address or CIDR range (e.g. 10.0.0.0/8, ::1)" },
);

const KEY = /^(ip|header:[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64})$/;

const rateLimit = z.strictObject({
  limit: positiveInt,
  window: duration,
  burst: positiveInt.optional(),
  key: z
    .string()
    .refine((v) => KEY.test(v), { message: 'must be "ip" or "header:<name>"' })
    .default("ip"),
  store: z.enum(["memory", "redis"]).default("memory"),
});

const upstream = z.strictObject({
  targets: z.array(httpUrl).min(1),
  maxConcurrent: positiveInt.optional(),
  connections: positiveInt.optional(),
  preserveHost: z.boolean().default(false),
  tls: z
    .strictObject({
      ca: z.string().optional(),
      servername: z.string().optional(),
      rejectUnauthorized: z.boolean().default(true),
    })
    .optional(),
  ejection: z
    .strictObject({ failures: positiveInt.default(3), duration: duration.default(10_000) })
    .optional(),
});

const route = z.strictObject({
  path: z.string().refine((v) => v.startsWith("/") && !/[\s?#]/.test(v), {
    message: "must start with / and hold no space, ? or #",
  }),
  upstream: z.string(),
  name: z.string().optional(),
  timeouts: timeouts.optional(),
  rateLimit: rateLimit.optional(),
  retries: z.number().int().min(0).max(5).optional(),
  stripPrefix: z.boolean().default(false),
});

const schema = z
  .strictObject({
    listen: z
      .strictObject({ host: z.string().default("0.0.0.0"), port: port.default(8080) })
      .default({ host: "0.0.0.0", port: 8080 }),
    proxyName: z
      .string()
      .refine(isToken, { message: "must be a token (letters, digits, -._~ ...)" })
      .default("truestatus"),
    trustedProxies: z.array(cidr).default([]),
    timeouts: timeouts.default({}),
    limits: z
      .strictObject({
        requestBody: size.optional(),
        responseBody: size.optional(),
        requestHeaders: size.optional(),
      })
      .default({}),
    retries: z
      .strictObject({
        attempts: z.number().int().min(0).max(5).default(1),
        budget: z.number().min(0).max(1).default(0.2),
        minPerSecond: z.number().int().min(0).default(10),
      })
      .default({ attempts: 1, budget: 0.2, minPerSecond: 10 }),
    shed: z.strictObject({ retryAfter: duration.default(1_000) }).default({ retryAfter: 1_000 }),
    paths: z
      .strictObject({ mergeSlashes: z.boolean().default(true) })
      .default({ mergeSlashes: true }),
    upload: z
      .strictObject({
        buffer: z.union([z.literal(0), size]).optional(),
        timeout: duration.optional(),
        minRate: size.optional(),
      })
      .default({}),
    accessLog: z
      .union([
        z.literal(false),
        z.string().min(1),
        z.strictObject({ path: z.string().min(1), buffer: size.optional() }),
      ])
      .default(false),
    metrics: z
      .strictObject({
        path: z.string().startsWith("/").default("/metrics"),
        listen: listenAddress.default(DEFAULT_METRICS_LISTEN),
      })
      .default({ path: "/metrics", listen: DEFAULT_METRICS_LISTEN }),
    health: z
      .strictObject({ path: z.string().startsWith("/").default("/healthz") })
      .default({ path: "/healthz" }),
    drainTimeout: duration.default(30_000),
    redis: z
      .strictObject({
        url: z.string().regex(/^rediss?:\/\//, { message: "must be a redis:// or rediss:// URL" }),
        prefix: z.string().default("truestatus:rl:"),
        timeout: duration.default(250),
        onError: z.enum(["open", "closed"]).default("open"),
      })
      .optional(),
    upstreams: z.record(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/), upstream),
    routes: z.array(route).min(1),
  })
  .superRefine((c, ctx) => {
    c.routes.forEach((r, i) => {
      if (!Object.hasOwn(c.upstreams, r.upstream))
        ctx.addIssue({
          code: "custom",
          path: ["routes", i, "upstream"],
          message: `no upstream named ${JSON.stringify(r.upstream)} (defined: ${Object.keys(c.upstreams).join(", ") || "none"})`,
        });
      if (r.rateLimit?.store === "redis" && c.redis === undefined)
        ctx.addIssue({
          code: "custom",
          path: ["routes", i, "rateLimit", "store"],
          message: "redis store needs a top-level redis: { url } section",
        });
    });
  });

type Parsed = z.output<typeof schema>;

/** Timeouts in milliseconds. */
export interface Timeouts {
  readonly connect: number;
  /** Longest wait for a free upstream connection (the pool's queue): then 503. */
  readonly queue: number;
  readonly headers: number;
  readonly idle: number;
  readonly total: number | undefined;
}

export interface RateLimitConfig {
  readonly limit: number;
  /** Whole seconds (the limiter's RateLimit-Policy window). */
  readonly window: number;
  readonly burst: number | undefined;
  readonly key: "ip" | `header:${string}`;
  readonly store: "memory" | "redis";
}

export interface UpstreamConfig {
  readonly name: string;
  readonly targets: readonly URL[];
  readonly maxConcurrent: number | undefined;
  readonly connections: number | undefined;
  readonly preserveHost: boolean;
  readonly tls:
    | { readonly ca?: string; readonly servername?: string; readonly rejectUnauthorized: boolean }
    | undefined;
  readonly ejection: { readonly failures: number; readonly duration: number };
}

export interface RouteConfig {
  readonly name: string;
  readonly path: string;
  readonly upstream: string;
  readonly timeouts: Timeouts;
  readonly rateLimit: RateLimitConfig | undefined;
  readonly retries: number;
  readonly stripPrefix: boolean;
}

export interface GatewayConfig {
  readonly listen: { readonly host: string; readonly port: number };
  readonly proxyName: string;
  readonly trustedProxies: BlockList;
  readonly limits: {
    readonly requestBody: number;
    readonly responseBody: number | undefined;
    readonly requestHeaders: number;
  };
  readonly retries: { readonly budget: number; readonly minPerSecond: number };
  /** Retry-After of a shed request, in seconds. */
  readonly shedRetryAfter: number;
  /** A file path, "-" for standard output, or false. */
  readonly accessLog: string | false;
  /** Bytes of log lines held while the output is slower than the traffic; past it, dropped. */
  readonly accessLogBuffer: number;
  readonly metricsPath: string;
  /** Where /metrics and /healthz are served: their own listener, or "main" (the proxied one). */
  readonly metricsListen: { readonly host: string; readonly port: number } | "main";
  readonly paths: { readonly mergeSlashes: boolean };
  /** Request bodies: buffered before dispatch up to `buffer` bytes; slow senders cut (408). */
  readonly upload: {
    readonly buffer: number;
    /** Milliseconds a body has before minRate applies (its first bytes, a pause). */
    readonly timeout: number;
    /** Bytes per second a body must keep up, on average, after `timeout`. */
    readonly minRate: number;
  };
  readonly healthPath: string;
  readonly drainTimeout: number;
  readonly redis:
    | {
        readonly url: string;
        readonly prefix: string;
        readonly timeout: number;
        readonly onError: "open" | "closed";
      }
    | undefined;
  readonly upstreams: ReadonlyMap<string, UpstreamConfig>;
  /** Longest path prefix first. */
  readonly routes: readonly RouteConfig[];
}

export const DEFAULT_TIMEOUTS: Timeouts = {
  connect: 5_000,
  queue: 5_000,
  headers: 30_000,
  idle: 30_000,
  total: undefined,
};

/** Request bodies up to 64 KiB are read whole before an upstream connection is taken. */
export const DEFAULT_UPLOAD = { buffer: 65_536, timeout: 10_000, minRate: 1_024 } as const;
export const DEFAULT_LOG_BUFFER = 8 * 1_048_576;

type TimeoutsInput = { readonly [K in keyof Timeouts]?: number | undefined };

/** `base` with the timeouts `over` sets (an unset one keeps the base's). */
function mergeTimeouts(base: Timeouts, over: TimeoutsInput | undefined): Timeouts {
  return {
    connect: over?.connect ?? base.connect,
    queue: over?.queue ?? base.queue,
    headers: over?.headers ?? base.headers,
    idle: over?.idle ?? base.idle,
    total: over?.total ?? base.total,
  };
}

function resolve(p: Parsed): GatewayConfig {
  const trusted = new BlockList();
  for (const c of p.trustedProxies) {
    const [addr, bits] = c.split("/") as [string, string | undefined];
    const type = isIP(addr) === 4 ? "ipv4" : "ipv6";
    if (bits === undefined) trusted.addAddress(addr, type);
    else trusted.addSubnet(addr, Number(bits), type);
  }
  const baseTimeouts = mergeTimeouts(DEFAULT_TIMEOUTS, p.timeouts);
  const upstreams = new Map<string, UpstreamConfig>();
  for (const [name, u] of Object.entries(p.upstreams)) {
    upstreams.set(name, {
      name,
      targets: u.targets,
      maxConcurrent: u.maxConcurrent,
      connections: u.connections,
      preserveHost: u.preserveHost,
      tls:
        u.tls === undefined
          ? undefined
          : {
              rejectUnauthorized: u.tls.rejectUnauthorized,
              ...(u.tls.ca === undefined ? {} : { ca: u.tls.ca }),
              ...(u.tls.servername === undefined ? {} : { servername: u.tls.servername }),
            },
      ejection: u.ejection ?? { failures: 3, duration: 10_000 },
    });
  }
  const routes: RouteConfig[] = p.routes.map((r) => ({
    name: r.name ?? r.path,
    path: r.path,
    upstream: r.upstream,
    timeouts: mergeTimeouts(baseTimeouts, r.timeouts),
    rateLimit:
      r.rateLimit === undefined
        ? undefined
        : {
            limit: r.rateLimit.limit,
            window: Math.max(1, Math.ceil(r.rateLimit.window / 1000)),
            burst: r.rateLimit.burst,
            key: r.rateLimit.key as RateLimitConfig["key"],
            store: r.rateLimit.store,
          },
    retries: r.retries ?? p.retries.attempts,
    stripPrefix: r.stripPrefix,
  }));
  routes.sort((a, b) => b.path.length - a.path.length);
  return {
    listen: p.listen,
    proxyName: p.proxyName,
    trustedProxies: trusted,
    limits: {
      requestBody: p.limits.requestBody ?? 10 * 1_048_576,
      responseBody: p.limits.responseBody,
      requestHeaders: p.limits.requestHeaders ?? 16_384,
    },
    retries: { budget: p.retries.budget, minPerSecond: p.retries.minPerSecond },
    shedRetryAfter: Math.max(1, Math.ceil(p.shed.retryAfter / 1000)),
    accessLog: typeof p.accessLog === "object" ? p.accessLog.path : p.accessLog,
    accessLogBuffer:
      (typeof p.accessLog === "object" ? p.accessLog.buffer : undefined) ?? DEFAULT_LOG_BUFFER,
    metricsPath: p.metrics.path,
    metricsListen: p.metrics.listen,
    paths: p.paths,
    upload: {
      buffer: p.upload.buffer ?? DEFAULT_UPLOAD.buffer,
      timeout: p.upload.timeout ?? DEFAULT_UPLOAD.timeout,
      minRate: p.upload.minRate ?? DEFAULT_UPLOAD.minRate,
    },
    healthPath: p.health.path,
    drainTimeout: p.drainTimeout,
    redis: p.redis,
    upstreams,
    routes,
  };
}

/** `routes[0].timeouts.connect` */
function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const k of path) {
    if (typeof k === "number") out += `[${k}]`;
    else out += out === "" ? String(k) : `.${String(k)}`;
  }
  return out;
}

/** True when `path` leads to a member of `input` (zod does not report the input it got). */
function present(input: unknown, path: readonly PropertyKey[]): boolean {
  let v = input;
  for (const k of path) {
    if (typeof v !== "object" || v === null || !Object.hasOwn(v, k)) return false;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return true;
}

/**
 * Checks a configuration object (from YAML, JSON or code). `file` names it in errors; `lineOf`
 * gives the line of a field path, when the source has lines.
 */
export function checkConfig(
  input: unknown,
  file = "config",
  lineOf: (path: readonly PropertyKey[]) => number | undefined = () => undefined,
): GatewayConfig {
  const r = schema.safeParse(input);
  if (r.success) return resolve(r.data);
  // The first mistake in the file's order (zod reports in the schema's order).
  const found = r.error.issues.map((issue) => {
    let path: PropertyKey[] = [...issue.path];
    let message = issue.message;
    if (issue.code === "unrecognized_keys") {
      path = [...path, issue.keys[0]!];
      message = "unknown key";
    } else if (issue.code === "invalid_type" && !present(input, path)) {
      message = "is required";
    } else if (issue.code === "invalid_type") {
      // zod's "Invalid input: expected number, received string" → "expected number, received string"
      message = issue.message.replace(/^Invalid input: /, "");
    } else if (issue.code === "invalid_union") {
      message = "has the wrong type";
    }
    return { path, message, line: lineOf(path) };
  });
  found.sort((a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER));
  const first = found[0]!;
  throw new GatewayConfigError(file, first.line, fieldPath(first.path), first.message);
}

/** Parses and checks YAML (or JSON, a subset of it) text. */
export function parseConfig(text: string, file = "gateway.yaml"): GatewayConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const bad = doc.errors[0];
  if (bad !== undefined) {
    const line = lines.linePos(bad.pos[0]).line;
    throw new GatewayConfigError(file, line, "", `YAML: ${bad.message.split("\n")[0]}`);
  }
  const lineOf = (path: readonly PropertyKey[]): number | undefined => {
    // The deepest node of the path that exists: a missing key is reported at its parent.
    for (let n = path.length; n >= 0; n--) {
      const keys = path.slice(0, n) as (string | number)[];
      if (n > 0) {
        // A key of a map: the key's own position (an unknown key has no value node worth showing).
        const parent = n === 1 ? doc.contents : doc.getIn(keys.slice(0, -1), true);
        if (isMap(parent)) {
          const pair = parent.items.find(
            (p) => (p.key as { value?: unknown } | null)?.value === keys[n - 1],
          );
          const key = pair?.key as Node | undefined;
          if (key?.range) return lines.linePos(key.range[0]).line;
        }
      }
      const node = (n === 0 ? doc.contents : doc.getIn(keys, true)) as Node | null | undefined;
      if (node?.range) return lines.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return checkConfig(doc.toJS({ maxAliasCount: 100 }), file, lineOf);
}

/** Reads and checks a config file. */
export function loadConfig(file: string): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new GatewayConfigError(
      file,
      undefined,
      "",
      code === "ENOENT" ? "no such file" : `cannot be read (${code ?? "error"})`,
    );
  }
  return parseConfig(text, file);
}

/** The one-line case: `--upstream URL --port N` (a config object, checked like a file). */
export interface GatewayFlags {
  readonly upstream: string;
  readonly port?: number;
  readonly host?: string;
  readonly accessLog?: string;
  /** host:port or "main". */
  readonly metricsListen?: string;
}

export function configFromFlags(flags: GatewayFlags): GatewayConfig {
  const input = {
    listen: { host: flags.host ?? "0.0.0.0", port: flags.port ?? 8080 },
    ...(flags.accessLog === undefined ? {} : { accessLog: flags.accessLog }),
    ...(flags.metricsListen === undefined ? {} : { metrics: { listen: flags.metricsListen } }),
    upstreams: { default: { targets: [flags.upstream] } },
    routes: [{ path: "/", upstream: "default" }],
  };
  const flagOf: Record<string, string> = {
    "upstreams.default.targets[0]": "--upstream",
    "listen.port": "--port",
    "listen.host": "--host",
    accessLog: "--access-log",
    "metrics.listen": "--metrics-listen",
  };
  try {
    return checkConfig(input, "flags");
  } catch (e) {
    if (e instanceof GatewayConfigError) {
      const flag = flagOf[e.field] ?? e.field;
      throw new GatewayConfigError("flags", undefined, flag, e.problem);
    }
    throw e;
  }
}
