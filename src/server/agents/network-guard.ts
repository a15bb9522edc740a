import dns from "node:dns";
import net from "node:net";
import os from "node:os";
import { allowedHosts, env } from "../env";
import { processWide } from "../process-wide";
import { canonicalAddress, isLoopbackOrUnspecified, specialPurposeRange } from "./address-ranges";
import { dnsFailure, invalidUrl, ownOrigin, refusedAddress } from "./errors";

/**
 * The network boundary: a CSV must not turn the server into a probe of its own network. A URL is allowed when it is
 * http(s) and its host resolves only to public addresses (address-ranges.ts), or when its host is explicitly
 * allowed (ALLOWED_HOSTS, or `allowHost()` for the bundled demo site and test fixtures). The app's own origin is
 * refused whatever is allowed, except its /demo paths. Checked before the first request and after every redirect;
 * the browser engine sends every request of its page through a guard proxy (guard-proxy.ts), which checks each one,
 * and both engines connect to the very address that was checked (no second DNS answer).
 */

export type LookupAll = (hostname: string) => Promise<ResolvedAddress[]>;

const systemLookup: LookupAll = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/** Why an address is not public (its special-purpose range), or null when it is public. */
export function nonPublicReason(address: string): string | null {
  return specialPurposeRange(address);
}

interface Allowance {
  /** Host name or address, lower case, IPv6 without brackets. */
  host: string;
  /** "80/443" for an entry without a port, "*" for host:*, else the one port. */
  ports: "80/443" | "*" | string;
  /** When set, only paths under it are allowed (the demo allowance must not open the app's own API). */
  pathPrefix?: string;
}

interface GuardRegistry {
  allowances: Allowance[];
  /** The app's own HTTP port (and public origin): never reachable by agents but for the demo paths. */
  app: { port: string; publicHost: string | null } | null;
}

/** Process-wide: the server allows the demo site once, and every bundle's agents must see it. */
const registry = processWide("hostAllowances", (): GuardRegistry => ({ allowances: [], app: null }));

/** "host", "host:port", "host:*", "[v6]:port" → an allowance; an entry without a port opens ports 80 and 443 only. */
function parseAllowance(entry: string, pathPrefix?: string): Allowance {
  const text = entry.trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::(\*|\d+))?$/.exec(text);
  if (bracketed) return { host: bracketed[1]!, ports: bracketed[2] ?? "80/443", pathPrefix };
  // A bare IPv6 address has colons but no port.
  if (net.isIPv6(text)) return { host: text, ports: "80/443", pathPrefix };
  const withPort = /^(.+):(\*|\d+)$/.exec(text);
  return withPort
    ? { host: withPort[1]!, ports: withPort[2]!, pathPrefix }
    : { host: text, ports: "80/443", pathPrefix };
}

const portAllowed = (ports: Allowance["ports"], port: string) =>
  ports === "*" || (ports === "80/443" ? port === "80" || port === "443" : ports === port);

/**
 * Allows a private or loopback host for every agent of this process: "host:port" one port, "host:*" all, "host"
 * ports 80 and 443. The server calls it for its own demo origin; tests call it for their fixture servers.
 */
export function allowHost(host: string, options: { pathPrefix?: string } = {}): void {
  const entry = parseAllowance(host, options.pathPrefix);
  const list = registry().allowances;
  if (!list.some((a) => a.host === entry.host && a.ports === entry.ports && a.pathPrefix === entry.pathPrefix))
    list.push(entry);
}

/**
 * Declares the app's own HTTP port: any address of this machine on it (and PUBLIC_URL's origin) is refused to
 * agents, whatever ALLOWED_HOSTS says, except under /demo. Every process that runs agents calls it at start-up.
 */
export function protectAppOrigin(port: number, publicUrl: string | undefined = safePublicUrl()): void {
  let publicHost: string | null = null;
  if (publicUrl) {
    const url = new URL(publicUrl);
    publicHost = `${normaliseHost(url.hostname)}:${effectivePort(url)}`;
  }
  registry().app = { port: String(port), publicHost };
}

/** Forgets every allowHost() and protectAppOrigin() registration (tests). */
export function clearAllowedHosts(): void {
  registry().allowances.length = 0;
  registry().app = null;
}

const normaliseHost = (host: string) =>
  host
    .trim()
    .toLowerCase()
    .replace(/^\[([^\]]+)\]$/, "$1");
const effectivePort = (url: URL) => url.port || (url.protocol === "https:" ? "443" : "80");

export interface GuardOptions {
  /** ALLOWED_HOSTS entries; defaults to the process configuration. */
  allowedHosts?: string[];
  lookup?: LookupAll;
  /** This machine's own addresses; defaults to its network interfaces'. */
  localAddresses?: () => string[];
}

export interface ResolvedAddress {
  address: string;
  family: number;
}

export interface AdmittedUrl {
  url: URL;
  /** The checked addresses to connect to: pinned, so a second DNS answer cannot differ. */
  addresses: ResolvedAddress[];
}

/** A `lookup` for node:net, http and undici that answers only the addresses the guard checked. */
export function pinnedLookup(addresses: ResolvedAddress[]) {
  return (
    _hostname: string,
    options: { all?: boolean } | number | undefined,
    callback: (...args: unknown[]) => void,
  ) => {
    if (typeof options === "object" && options?.all) callback(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
}

export interface NetworkGuard {
  /** Resolves to the parsed URL when the agents may open it; throws a non-retryable AgentError when not. */
  check(rawUrl: string): Promise<URL>;
  /** Like check, and also gives the address that was checked, for a connector that pins it. */
  admit(rawUrl: string): Promise<AdmittedUrl>;
}

const DEMO_PATH = "/demo";

export function createNetworkGuard(options: GuardOptions = {}): NetworkGuard {
  const lookup = options.lookup ?? systemLookup;
  const localAddresses = options.localAddresses ?? interfaceAddresses;

  function allowance(url: URL, hostname: string, port: string): Allowance | undefined {
    const configured = (options.allowedHosts ?? safeAllowedHosts()).map((h) => parseAllowance(h));
    const matches = (a: Allowance) => normaliseHost(a.host) === hostname && portAllowed(a.ports, port);
    return (
      configured.find(matches) ??
      registry().allowances.find((a) => matches(a) && (!a.pathPrefix || isUnder(url.pathname, a.pathPrefix)))
    );
  }

  /** True when the URL would reach this app: its public origin, or its port on any address of this machine. */
  function isAppItself(hostname: string, port: string, addresses: { address: string }[]): boolean {
    const app = registry().app;
    if (!app) return false;
    if (app.publicHost === `${hostname}:${port}`) return true;
    if (port !== app.port) return false;
    const local = new Set(localAddresses().map(canonicalAddress));
    return addresses.some(({ address }) => isLoopbackOrUnspecified(address) || local.has(canonicalAddress(address)));
  }

  async function resolve(rawUrl: string, hostname: string): Promise<ResolvedAddress[]> {
    if (net.isIP(hostname)) return [{ address: hostname, family: net.isIP(hostname) }];
    let addresses: ResolvedAddress[];
    try {
      addresses = await lookup(hostname);
    } catch (e) {
      throw dnsFailure(rawUrl, hostname, (e as { code?: string }).code);
    }
    if (addresses.length === 0) throw dnsFailure(rawUrl, hostname);
    return addresses;
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
    const hostname = normaliseHost(url.hostname);
    const port = effectivePort(url);
    const addresses = await resolve(rawUrl, hostname);
    if (isAppItself(hostname, port, addresses) && !isUnder(url.pathname, DEMO_PATH)) throw ownOrigin(rawUrl);
    // Every address must be public unless the host is allowed: the connection may use any of them. The refusal
    // never names the address, so an agent's error cannot read out internal DNS.
    if (!allowance(url, hostname, port) && addresses.some(({ address }) => nonPublicReason(address) !== null))
      throw refusedAddress(rawUrl);
    return { url, addresses };
  }

  return { admit, check: async (rawUrl) => (await admit(rawUrl)).url };
}

function isUnder(pathname: string, prefix: string): boolean {
  const p = prefix.replace(/\/+$/, "");
  return pathname === p || pathname.startsWith(`${p}/`);
}

function interfaceAddresses(): string[] {
  return Object.values(os.networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
}

/** ALLOWED_HOSTS from the configuration; a broken configuration elsewhere must not open the boundary. */
function safeAllowedHosts(): string[] {
  try {
    return allowedHosts();
  } catch {
    return [];
  }
}

function safePublicUrl(): string | undefined {
  try {
    return env().PUBLIC_URL;
  } catch {
    return undefined;
  }
}

/** The guard every engine uses, with the process configuration. */
export const networkGuard: NetworkGuard = createNetworkGuard();
