import ipaddr from "ipaddr.js";

/**
 * Which IP addresses agents may reach: the IANA special-purpose address registries (IPv4 and IPv6, as of 2025),
 * plus multicast and the reserved blocks, in one table. Every range listed is refused, even the few the registry
 * marks "globally reachable" (anycast relays, AS112): an agent reading web pages has no business there.
 *
 * IPv6 forms that carry an IPv4 address (IPv4-mapped, IPv4-translated, IPv4-compatible, NAT64 64:ff9b::/96) are
 * judged by the IPv4 address they carry. Tunnelling forms (6to4, Teredo) and local-use NAT64 (64:ff9b:1::/48) are
 * refused whatever they carry. Any other IPv6 address outside global unicast (2000::/3) is reserved.
 */

interface Range {
  cidr: string;
  name: string;
}

export const IPV4_SPECIAL_RANGES: readonly Range[] = [
  { cidr: "0.0.0.0/8", name: "this network" },
  { cidr: "10.0.0.0/8", name: "private network" },
  { cidr: "100.64.0.0/10", name: "carrier-grade NAT" },
  { cidr: "127.0.0.0/8", name: "loopback" },
  { cidr: "169.254.169.254/32", name: "cloud metadata" },
  { cidr: "169.254.0.0/16", name: "link-local" },
  { cidr: "172.16.0.0/12", name: "private network" },
  { cidr: "192.0.0.0/24", name: "IETF protocol assignments" },
  { cidr: "192.0.2.0/24", name: "documentation (TEST-NET-1)" },
  { cidr: "192.31.196.0/24", name: "AS112" },
  { cidr: "192.52.193.0/24", name: "AMT" },
  { cidr: "192.88.99.0/24", name: "6to4 relay anycast" },
  { cidr: "192.168.0.0/16", name: "private network" },
  { cidr: "192.175.48.0/24", name: "AS112 direct delegation" },
  { cidr: "198.18.0.0/15", name: "benchmarking" },
  { cidr: "198.51.100.0/24", name: "documentation (TEST-NET-2)" },
  { cidr: "203.0.113.0/24", name: "documentation (TEST-NET-3)" },
  { cidr: "224.0.0.0/4", name: "multicast" },
  { cidr: "255.255.255.255/32", name: "broadcast" },
  { cidr: "240.0.0.0/4", name: "reserved" },
];

export const IPV6_SPECIAL_RANGES: readonly Range[] = [
  { cidr: "::/128", name: "unspecified" },
  { cidr: "::1/128", name: "loopback" },
  { cidr: "64:ff9b:1::/48", name: "local-use IPv4/IPv6 translation" },
  { cidr: "100::/64", name: "discard-only" },
  { cidr: "100:0:0:1::/64", name: "dummy prefix" },
  { cidr: "2001::/23", name: "IETF protocol assignments (Teredo 2001::/32 included)" },
  { cidr: "2001:db8::/32", name: "documentation" },
  { cidr: "2002::/16", name: "6to4" },
  { cidr: "2620:4f:8000::/48", name: "AS112 direct delegation" },
  { cidr: "3fff::/20", name: "documentation" },
  { cidr: "5f00::/16", name: "segment routing (SRv6) SIDs" },
  { cidr: "fc00::/7", name: "unique local" },
  { cidr: "fe80::/10", name: "link-local" },
  { cidr: "fec0::/10", name: "site-local" },
  { cidr: "ff00::/8", name: "multicast" },
];

/** IPv6 forms whose last 32 bits are an IPv4 address, judged as that address. */
export const IPV6_EMBEDDING_IPV4: readonly Range[] = [
  { cidr: "::ffff:0:0/96", name: "IPv4-mapped" },
  { cidr: "::ffff:0:0:0/96", name: "IPv4-translated" },
  { cidr: "64:ff9b::/96", name: "NAT64" },
  { cidr: "::/96", name: "IPv4-compatible" },
];

const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR("2000::/3");

type Parsed<T> = { range: [T, number]; name: string }[];
const parseAll = <T extends ipaddr.IPv4 | ipaddr.IPv6>(
  ranges: readonly Range[],
  parse: (cidr: string) => [T, number],
): Parsed<T> => ranges.map(({ cidr, name }) => ({ range: parse(cidr), name }));

const V4 = parseAll(IPV4_SPECIAL_RANGES, (c) => ipaddr.IPv4.parseCIDR(c));
const V6 = parseAll(IPV6_SPECIAL_RANGES, (c) => ipaddr.IPv6.parseCIDR(c));
const V6_EMBEDDING = parseAll(IPV6_EMBEDDING_IPV4, (c) => ipaddr.IPv6.parseCIDR(c));

/** The IP address in `text` ("[::1]", "fe80::1%eth0" and dotted IPv4 are accepted), or null when it is none. */
export function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const bare = text.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) return ipaddr.IPv4.parse(bare);
  if (!ipaddr.IPv6.isValid(bare)) return null;
  // ipaddr.js reads "::a.b.c.d" (IPv4-compatible) as IPv4-mapped; the WHATWG URL parser writes it in hex first.
  return ipaddr.IPv6.parse(new URL(`http://[${bare}]/`).hostname.slice(1, -1));
}

/** The IPv4 address an IPv6 address carries in one of the embedding forms, with the form's name. */
export function embeddedIpv4(address: ipaddr.IPv6): { ipv4: ipaddr.IPv4; form: string } | null {
  const form = V6_EMBEDDING.find(({ range }) => address.match(range));
  if (!form) return null;
  const bytes = address.toByteArray().slice(12);
  return { ipv4: new ipaddr.IPv4(bytes), form: form.name };
}

/**
 * Why an address is not one agents may reach (the special-purpose range it is in), or null when it is public.
 * For logs and tests: refusals shown to users never name the address or the range.
 */
export function specialPurposeRange(text: string): string | null {
  const address = parseAddress(text);
  if (!address) return "not an IP address";
  if (address.kind() === "ipv4") return ipv4Range(address as ipaddr.IPv4);
  const v6 = address as ipaddr.IPv6;
  const special = V6.find(({ range }) => v6.match(range));
  if (special) return special.name;
  const embedded = embeddedIpv4(v6);
  if (embedded) {
    const inner = ipv4Range(embedded.ipv4);
    return inner ? `${embedded.form} ${inner}` : null;
  }
  return v6.match(GLOBAL_UNICAST_V6) ? null : "reserved (outside 2000::/3)";
}

function ipv4Range(address: ipaddr.IPv4): string | null {
  return V4.find(({ range }) => address.match(range))?.name ?? null;
}

/** True for an address that reaches this very machine whatever its interfaces: loopback or unspecified (any form). */
export function isLoopbackOrUnspecified(text: string): boolean {
  const address = parseAddress(text);
  if (!address) return false;
  const v4 = address.kind() === "ipv4" ? (address as ipaddr.IPv4) : embeddedIpv4(address as ipaddr.IPv6)?.ipv4;
  if (v4) return v4.match(ipaddr.IPv4.parseCIDR("127.0.0.0/8")) || v4.match(ipaddr.IPv4.parseCIDR("0.0.0.0/8"));
  const range = (address as ipaddr.IPv6).range();
  return range === "loopback" || range === "unspecified";
}

/** The canonical text of an address, for comparing two spellings of it ("::FFFF:7f00:1" and "::ffff:127.0.0.1"). */
export function canonicalAddress(text: string): string | null {
  const address = parseAddress(text);
  if (!address) return null;
  if (address.kind() === "ipv6") {
    const embedded = embeddedIpv4(address as ipaddr.IPv6);
    if (embedded && embedded.form === "IPv4-mapped") return embedded.ipv4.toString();
    return (address as ipaddr.IPv6).toNormalizedString();
  }
  return address.toString();
}
