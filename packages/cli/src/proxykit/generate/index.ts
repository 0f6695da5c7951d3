/** `proxy-config`: one generator per proxy, the versions each knows, and the checks of the options. */
import { isToken } from "truestatus";
import { ProxyKitError } from "../errors.js";
import { generateCaddy } from "./caddy.js";
import { generateEnvoy } from "./envoy.js";
import { generateHaproxy } from "./haproxy.js";
import { type GenerateOptions, isProxyKind, PROXY_KINDS, type ProxyKind } from "./model.js";
import { generateNginx } from "./nginx.js";

export { type GenerateOptions, isProxyKind, PROXY_KINDS, type ProxyKind };

/** The versions each generator knows (major.minor), the first being the default (Debian 12's). */
export const PROXY_VERSIONS: Readonly<Record<ProxyKind, readonly string[]>> = {
  nginx: ["1.22", "1.18", "1.20", "1.24", "1.25", "1.26", "1.27", "1.28", "1.29"],
  haproxy: ["2.6", "2.8", "2.9", "3.0", "3.1", "3.2"],
  caddy: ["2.6", "2.7", "2.8", "2.9", "2.10"],
  envoy: ["1.34", "1.28", "1.29", "1.30", "1.31", "1.32", "1.33", "1.35", "1.36"],
};

const GENERATORS: Readonly<Record<ProxyKind, (o: GenerateOptions) => string>> = {
  nginx: generateNginx,
  haproxy: generateHaproxy,
  caddy: generateCaddy,
  envoy: generateEnvoy,
};

/** The proxy kind, checked. Throws ProxyKitError naming the known ones. */
export function proxyKind(value: string): ProxyKind {
  if (!isProxyKind(value))
    throw new ProxyKitError(`unknown proxy "${value}" (one of: ${PROXY_KINDS.join(", ")})`);
  return value;
}

/** The version as major.minor, checked against what the generator knows. */
export function proxyVersion(kind: ProxyKind, value: string | undefined): string {
  const known = PROXY_VERSIONS[kind];
  if (value === undefined) return known[0]!;
  const m = /^(\d+)\.(\d+)(?:\.\d+)?$/.exec(value.trim());
  const short = m === null ? undefined : `${Number(m[1])}.${Number(m[2])}`;
  if (short === undefined || !known.includes(short))
    throw new ProxyKitError(
      `--version: ${kind} "${value}" is not a version the generator knows (one of: ${[...known].sort(compareVersions).join(", ")})`,
    );
  return short;
}

function compareVersions(a: string, b: string): number {
  const [am, an] = a.split(".").map(Number) as [number, number];
  const [bm, bn] = b.split(".").map(Number) as [number, number];
  return am - bm || an - bn;
}

/** The upstream URL, checked: http(s), a host, a port when given. */
export function upstreamUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ProxyKitError(`--upstream: "${value}" is not a URL (e.g. http://127.0.0.1:3000)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new ProxyKitError(`--upstream: "${value}" is not an http(s) URL`);
  if (url.hostname === "") throw new ProxyKitError(`--upstream: "${value}" has no host`);
  if (url.username !== "" || url.password !== "")
    throw new ProxyKitError("--upstream: credentials in the URL are not supported");
  if (url.search !== "" || url.hash !== "")
    throw new ProxyKitError(
      `--upstream: "${value}" has a query or fragment; give scheme://host:port[/path]`,
    );
  if (/[\s;'"{}`$\\%]/.test(url.pathname))
    throw new ProxyKitError(
      `--upstream: the path of "${value}" holds characters a config cannot quote`,
    );
  return url;
}

/** The name in Proxy-Status: an RFC 8941 token (it is written unquoted in every config). */
export function proxyName(value: string): string {
  if (!isToken(value) || !/^[A-Za-z*][A-Za-z0-9_.:/*+-]*$/.test(value) || value.length > 64)
    throw new ProxyKitError(
      `--name: "${value}" is not a token (letters, digits and _ . : / * + -, starting with a letter)`,
    );
  return value;
}

export function generateConfig(kind: ProxyKind, o: GenerateOptions): string {
  if (kind === "caddy" && o.rateLimit !== undefined)
    throw new ProxyKitError(
      "--rate-limit: Caddy has no rate limiter of its own (it needs the caddy-ratelimit plugin, not in standard builds)",
    );
  return GENERATORS[kind](o);
}
