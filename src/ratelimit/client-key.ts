/**
 * The default rate-limit key of a request: the client's address. An IPv6 client usually holds a
 * whole /64 (often a /56), so keying by the full address would let it rotate through 2^64 keys;
 * IPv6 addresses are keyed by their /64 prefix. IPv4-mapped IPv6 addresses are keyed as IPv4.
 */
import { isIPv6 } from "node:net";

/** Expands an IPv6 address to 8 groups of 4 hex digits (lowercase); undefined if malformed. */
function groups(ip: string): string[] | undefined {
  const zone = ip.indexOf("%");
  const addr = zone === -1 ? ip : ip.slice(0, zone);
  const halves = addr.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] === "" ? [] : halves[0]!.split(":");
  const tail = halves.length === 2 && halves[1] !== "" ? halves[1]!.split(":") : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 0) return undefined;
  return [...head, ...new Array<string>(missing).fill("0"), ...tail].map((g) =>
    g.toLowerCase().padStart(4, "0"),
  );
}

export function clientKey(address: string | undefined): string {
  if (address === undefined || address === "") return "unknown";
  if (!isIPv6(address)) return address;
  const lower = address.toLowerCase();
  if (lower.startsWith("::ffff:") && lower.includes(".")) return lower.slice(7);
  const g = groups(address);
  if (g === undefined) return address;
  return `${g.slice(0, 4).join(":")}::/64`;
}
