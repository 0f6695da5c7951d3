/**
 * The default rate-limit key of a request: the client's address. An IPv6 client usually holds a
 * whole /64 (often a /56), so keying by the full address would let it rotate through 2^64 keys;
 * IPv6 addresses are keyed by their /64 prefix. IPv4-mapped IPv6 addresses are keyed as IPv4.
 */

/** Expands an IPv6 address to 8 groups of 4 hex digits (lowercase); undefined if malformed. */
function groups(address: string): string[] | undefined {
  const zone = address.indexOf("%");
  const addr = zone === -1 ? address : address.slice(0, zone);
  // A dotted IPv4 tail (::ffff:1.2.3.4, 64:ff9b::1.2.3.4) stands for the last two groups.
  const lastColon = addr.lastIndexOf(":");
  let ip = addr;
  if (addr.indexOf(".", lastColon) !== -1) {
    const octets = addr
      .slice(lastColon + 1)
      .split(".")
      .map(Number);
    if (octets.length !== 4 || octets.some((o) => !(o >= 0 && o <= 255))) return undefined;
    const hex = (hi: number, lo: number) => ((hi << 8) | lo).toString(16);
    ip = `${addr.slice(0, lastColon + 1)}${hex(octets[0]!, octets[1]!)}:${hex(octets[2]!, octets[3]!)}`;
  }
  const halves = ip.split("::");
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
  // Not node:net's isIPv6 (the limiter runs on Web-standard runtimes): groups() refuses what is
  // not an IPv6 address, and an IPv4 address or a name has no colon.
  if (!address.includes(":")) return address;
  const g = groups(address);
  if (g === undefined) return address;
  // IPv4-mapped (::ffff:a.b.c.d, in either notation): the IPv4 client it is.
  if (
    g[5] === "ffff" &&
    g[0] === "0000" &&
    g[1] === "0000" &&
    g[2] === "0000" &&
    g[3] === "0000" &&
    g[4] === "0000"
  ) {
    const hi = Number.parseInt(g[6]!, 16);
    const lo = Number.parseInt(g[7]!, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return `${g.slice(0, 4).join(":")}::/64`;
}
