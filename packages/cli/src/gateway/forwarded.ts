/**
 * Forwarded (RFC 7239), X-Forwarded-For/-Proto/-Host and Via (RFC 9110 §7.6.3). What a client
 * sent in these fields is believed only when the peer that sent it is a configured trusted proxy;
 * otherwise it is dropped and the gateway starts the chain itself, so that a client cannot forge
 * its address (and so its rate-limit key).
 */
import { type BlockList, isIPv6 } from "node:net";

/** Forwarding fields read from the request (lowercase name → values joined by ", "). */
export interface IncomingForwarding {
  forwarded?: string;
  xff?: string;
  proto?: string;
  host?: string;
  via?: string;
}

export const FORWARDING_FIELDS: ReadonlySet<string> = new Set([
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-proto",
  "x-forwarded-host",
  "via",
]);

/** Collects one forwarding field (call it for each value, in order). */
export function collectForwarding(into: IncomingForwarding, name: string, value: string): void {
  const key =
    name === "forwarded"
      ? "forwarded"
      : name === "x-forwarded-for"
        ? "xff"
        : name === "x-forwarded-proto"
          ? "proto"
          : name === "x-forwarded-host"
            ? "host"
            : "via";
  const prev = into[key];
  into[key] = prev === undefined ? value : `${prev}, ${value}`;
}

/** Strips an IPv4-mapped prefix ("::ffff:10.0.0.1" → "10.0.0.1"). */
function plain(addr: string): string {
  return addr.startsWith("::ffff:") && addr.includes(".") ? addr.slice(7) : addr;
}

/** True when `addr` is in the trusted proxies' list. */
export function isTrusted(trusted: BlockList, addr: string): boolean {
  const a = plain(addr);
  try {
    return trusted.check(a, isIPv6(a) ? "ipv6" : "ipv4");
  } catch {
    return false;
  }
}

/**
 * The client's address: the peer, or, when the peer is a trusted proxy, the right-most address
 * of X-Forwarded-For that is not a trusted proxy (the left-most one if all are).
 */
export function clientAddress(
  peer: string,
  xff: string | undefined,
  trusted: BlockList,
  anyTrusted: boolean,
): string {
  const p = plain(peer);
  if (!anyTrusted || xff === undefined || !isTrusted(trusted, p)) return p;
  const hops = xff.split(",");
  let last = p;
  for (let i = hops.length - 1; i >= 0; i--) {
    const a = hops[i]!.trim();
    if (a === "") continue;
    last = a;
    if (!isTrusted(trusted, a)) return a;
  }
  return last;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** A Forwarded parameter value: a token, or a quoted-string (IPv6 in brackets, RFC 7239 §6). */
function forwardedValue(v: string): string {
  if (TOKEN.test(v)) return v;
  return `"${v.replace(/[\\"]/g, "\\$&")}"`;
}

export function forwardedNode(addr: string): string {
  return isIPv6(addr) ? `"[${addr}]"` : forwardedValue(addr);
}

/**
 * The forwarding fields to send upstream, appended to `out` (flat name/value list): the chain
 * the trusted peer sent, extended with this hop, or a new chain.
 */
export function appendForwarding(
  out: string[],
  incoming: IncomingForwarding,
  peer: string,
  peerTrusted: boolean,
  proto: string,
  host: string | undefined,
  via: string,
): void {
  const p = plain(peer);
  const keep = peerTrusted;
  const xff = keep && incoming.xff !== undefined ? `${incoming.xff}, ${p}` : p;
  const xProto = keep && incoming.proto !== undefined ? incoming.proto : proto;
  const xHost = keep && incoming.host !== undefined ? incoming.host : host;
  let element = `for=${forwardedNode(p)};proto=${proto}`;
  if (host !== undefined && host !== "") element += `;host=${forwardedValue(host)}`;
  const fwd =
    keep && incoming.forwarded !== undefined ? `${incoming.forwarded}, ${element}` : element;
  out.push("x-forwarded-for", xff, "x-forwarded-proto", xProto, "forwarded", fwd);
  if (xHost !== undefined && xHost !== "") out.push("x-forwarded-host", xHost);
  // Via lists every intermediary, trusted or not (it is informational, not an identity).
  out.push("via", incoming.via === undefined ? via : `${incoming.via}, ${via}`);
}
