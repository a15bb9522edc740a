import dns from "node:dns";
import net from "node:net";
import { allowedHosts } from "../env";
import { dnsFailure, invalidUrl, refusedAddress } from "./errors";

/**
 * The network boundary: a CSV must not turn the server into a probe of its own network. A URL is allowed when it is
 * http(s) and its host resolves only to public addresses, or when its host (or host:port) is explicitly allowed
 * (ALLOWED_HOSTS, or `allowHost()` for the bundled demo site). Checked before the first request and after every
 * redirect; the browser engine sends every request of its page through a guard proxy (guard-proxy.ts), which checks
 * each one and connects to the very address it checked.
 *
 * Known gap: the http engine uses fetch, which resolves the name again after the check (DNS rebinding could answer
 * differently in between); pinning there would need a custom connector.
 */

export type LookupAll = (hostname: string) => Promise<{ address: string; family: number }[]>;

const systemLookup: LookupAll = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/** Why an address is not public, or null when it is public. */
export function nonPublicReason(address: string): string | null {
  const ip = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (net.isIPv4(ip)) return ipv4Reason(ip);
  if (net.isIPv6(ip)) return ipv6Reason(ip);
  return "not an IP address";
}

function ipv4Reason(ip: string): string | null {
  const [a, b] = ip.split(".").map(Number) as [number, number, number, number];
  if (a === 0) return "an unspecified address (0.0.0.0/8)";
  if (a === 127) return "a loopback address";
  if (a === 10) return "a private address (10.0.0.0/8)";
  if (a === 172 && b >= 16 && b <= 31) return "a private address (172.16.0.0/12)";
  if (a === 192 && b === 168) return "a private address (192.168.0.0/16)";
  if (a === 169 && b === 254) return ip === "169.254.169.254" ? "the cloud metadata address" : "a link-local address (169.254.0.0/16)";
  if (a === 100 && b >= 64 && b <= 127) return "a carrier-grade NAT address (100.64.0.0/10)";
  if (a >= 224 && a <= 239) return "a multicast address";
  if (a >= 240) return "a reserved address";
  return null;
}

function ipv6Reason(ip: string): string | null {
  const words = expandIpv6(ip);
  if (!words) return "an unreadable IPv6 address";
  if (words.every((w) => w === 0)) return "an unspecified address (::)";
  if (words.slice(0, 7).every((w) => w === 0) && words[7] === 1) return "a loopback address (::1)";
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible forms carry an IPv4 address: judge that one.
  if (words.slice(0, 5).every((w) => w === 0) && (words[5] === 0xffff || words[5] === 0)) {
    const v4 = `${words[6]! >> 8}.${words[6]! & 255}.${words[7]! >> 8}.${words[7]! & 255}`;
    return ipv4Reason(v4);
  }
  // NAT64 (64:ff9b::/96) embeds an IPv4 address too.
  if (words[0] === 0x64 && words[1] === 0xff9b && words.slice(2, 6).every((w) => w === 0)) {
    return ipv4Reason(`${words[6]! >> 8}.${words[6]! & 255}.${words[7]! >> 8}.${words[7]! & 255}`);
  }
  const first = words[0]!;
  if ((first & 0xfe00) === 0xfc00) return "a private address (fc00::/7)";
  if ((first & 0xffc0) === 0xfe80) return "a link-local address (fe80::/10)";
  if ((first & 0xffc0) === 0xfec0) return "a site-local address (fec0::/10)";
  if ((first & 0xff00) === 0xff00) return "a multicast address";
  return null;
}

/** "fe80::1" → eight 16-bit words; handles "::" and a trailing dotted IPv4. */
function expandIpv6(ip: string): number[] | null {
  let text = ip.toLowerCase();
  const dotted = text.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split(".").map(Number) as [number, number, number, number];
    text = text.slice(0, -dotted[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const parse = (s: string) => (s ? s.split(":").map((w) => parseInt(w, 16)) : []);
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return null;
  const words = [...left, ...Array<number>(missing).fill(0), ...right];
  return words.some((w) => Number.isNaN(w) || w < 0 || w > 0xffff) ? null : words;
}

interface Allowance {
  /** "host" or "host:port", lower case, IPv6 without brackets. */
  host: string;
  /** When set, only paths under it are allowed (the demo allowance must not open the app's own API). */
  pathPrefix?: string;
}

const globalForGuard = globalThis as unknown as { __fleetdeckAllowances?: Allowance[] };
const registered = () => (globalForGuard.__fleetdeckAllowances ??= []);

/**
 * Allows a private or loopback host (or host:port) for every agent of this process. The server calls it for its own
 * demo origin; tests call it for their fixture servers.
 */
export function allowHost(host: string, options: { pathPrefix?: string } = {}): void {
  const entry = { host: normaliseHost(host), pathPrefix: options.pathPrefix };
  const list = registered();
  if (!list.some((a) => a.host === entry.host && a.pathPrefix === entry.pathPrefix)) list.push(entry);
}

/** Forgets every allowHost() registration (tests). */
export function clearAllowedHosts(): void {
  registered().length = 0;
}

const normaliseHost = (host: string) => host.trim().toLowerCase().replace(/^\[([^\]]+)\]/, "$1");

export interface GuardOptions {
  /** ALLOWED_HOSTS entries; defaults to the process configuration. */
  allowedHosts?: string[];
  lookup?: LookupAll;
}

export interface AdmittedUrl {
  url: URL;
  /** The checked public address to connect to (pinned, so a second DNS answer cannot differ); null when allowed by name. */
  address: { address: string; family: number } | null;
}

export interface NetworkGuard {
  /** Resolves to the parsed URL when the agents may open it; throws a non-retryable AgentError when not. */
  check(rawUrl: string): Promise<URL>;
  /** Like check, and also gives the address that was checked, for a connector that pins it. */
  admit(rawUrl: string): Promise<AdmittedUrl>;
}

export function createNetworkGuard(options: GuardOptions = {}): NetworkGuard {
  const lookup = options.lookup ?? systemLookup;

  function isAllowed(url: URL): boolean {
    const hostname = normaliseHost(url.hostname);
    const port = url.port || (url.protocol === "https:" ? "443" : "80");
    const names = [hostname, `${hostname}:${port}`];
    const configured = (options.allowedHosts ?? safeAllowedHosts()).map(normaliseHost);
    if (configured.some((h) => names.includes(h))) return true;
    return registered().some((a) => names.includes(a.host) && (!a.pathPrefix || isUnder(url.pathname, a.pathPrefix)));
  }

  async function admit(rawUrl: string): Promise<AdmittedUrl> {
      let url: URL;
      try {
        url = new URL(rawUrl);
      } catch {
        throw invalidUrl(rawUrl, "it is not an absolute http(s) URL");
      }
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        throw invalidUrl(rawUrl, `only http and https are allowed, not ${url.protocol.replace(":", "")}`);
      }
      if (isAllowed(url)) return { url, address: null };
      const hostname = normaliseHost(url.hostname);
      if (net.isIP(hostname)) {
        const reason = nonPublicReason(hostname);
        if (reason) throw refusedAddress(rawUrl, `${hostname} is ${reason}`);
        return { url, address: { address: hostname, family: net.isIP(hostname) } };
      }
      let addresses: { address: string; family: number }[];
      try {
        addresses = await lookup(hostname);
      } catch (e) {
        throw dnsFailure(rawUrl, hostname, (e as { code?: string }).code);
      }
      if (addresses.length === 0) throw dnsFailure(rawUrl, hostname);
      // Every address must be public: the connection may use any of them.
      for (const { address } of addresses) {
        const reason = nonPublicReason(address);
        if (reason) throw refusedAddress(rawUrl, `${hostname} resolves to ${address}, ${reason}`);
      }
      return { url, address: addresses[0]! };
  }

  return { admit, check: async (rawUrl) => (await admit(rawUrl)).url };
}

function isUnder(pathname: string, prefix: string): boolean {
  const p = prefix.replace(/\/+$/, "");
  return pathname === p || pathname.startsWith(`${p}/`);
}

/** ALLOWED_HOSTS from the configuration; a broken configuration elsewhere must not open the boundary. */
function safeAllowedHosts(): string[] {
  try {
    return allowedHosts();
  } catch {
    return [];
  }
}

/** The guard every engine uses, with the process configuration. */
export const networkGuard: NetworkGuard = createNetworkGuard();

