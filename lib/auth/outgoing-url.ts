import { lookup } from "node:dns/promises";
import { isIP } from "node:net";

/**
 * Guards outgoing notification/webhook URLs against server-side request forgery: only
 * http(s), no credentials in the URL, and no host that is or resolves to a loopback,
 * private, link-local (incl. cloud metadata 169.254.169.254), CGNAT, multicast or
 * unspecified address — unless an admin explicitly allows internal targets.
 * Resolution happens at check time; call it again right before sending.
 */
export type OutgoingUrlCheck = { ok: true; url: URL; addresses: string[] } | { ok: false; reason: string };

export type Resolver = (hostname: string) => Promise<string[]>;

const defaultResolver: Resolver = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

const BLOCKED_HOSTNAMES = new Set(["localhost", "metadata", "metadata.google.internal", "instance-data", "instance-data.ec2.internal"]);

function v4ToInt(ip: string): number {
  return ip.split(".").reduce((acc, p) => acc * 256 + Number(p), 0);
}

const V4_BLOCKS: [string, number, string][] = [
  ["0.0.0.0", 8, "unspecified"],
  ["10.0.0.0", 8, "private"],
  ["100.64.0.0", 10, "carrier-grade NAT"],
  ["127.0.0.0", 8, "loopback"],
  ["169.254.0.0", 16, "link-local / cloud metadata"],
  ["172.16.0.0", 12, "private"],
  ["192.0.0.0", 24, "IETF protocol assignments"],
  ["192.168.0.0", 16, "private"],
  ["198.18.0.0", 15, "benchmarking"],
  ["224.0.0.0", 4, "multicast"],
  ["240.0.0.0", 4, "reserved"],
];
const EXTRA_V4 = new Map([["168.63.129.16", "cloud metadata (Azure)"]]);

function classifyV4(ip: string): string | null {
  if (EXTRA_V4.has(ip)) return EXTRA_V4.get(ip)!;
  const n = v4ToInt(ip);
  for (const [base, bits, label] of V4_BLOCKS) {
    const size = 2 ** (32 - bits);
    const start = v4ToInt(base);
    if (n >= start && n < start + size) return label;
  }
  return null;
}

function expandV6(ip: string): number[] | null {
  let s = ip.toLowerCase().split("%")[0];
  const lastColon = s.lastIndexOf(":");
  const maybeV4 = s.slice(lastColon + 1);
  if (maybeV4.includes(".")) {
    if (isIP(maybeV4) !== 4) return null;
    const n = v4ToInt(maybeV4);
    s = `${s.slice(0, lastColon + 1)}${Math.floor(n / 65536).toString(16)}:${(n % 65536).toString(16)}`;
  }
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const parse = (part: string) => (part ? part.split(":").map((x) => parseInt(x, 16)) : []);
  const head = parse(halves[0]);
  if (halves.length === 1) return head.length === 8 ? head : null;
  const tail = parse(halves[1]);
  const fill = 8 - head.length - tail.length;
  if (fill < 1) return null;
  return [...head, ...Array<number>(fill).fill(0), ...tail];
}

function classifyV6(ip: string): string | null {
  const g = expandV6(ip);
  if (!g || g.some((x) => Number.isNaN(x))) return "unparseable";
  if (g.every((x) => x === 0)) return "unspecified";
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return "loopback";
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible / NAT64 well-known prefix: judge the embedded IPv4.
  const embedded = `${g[6] >> 8}.${g[6] & 255}.${g[7] >> 8}.${g[7] & 255}`;
  if (g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || g[5] === 0)) return classifyV4(embedded);
  if (g[0] === 0x64 && g[1] === 0xff9b) return classifyV4(embedded);
  if ((g[0] & 0xfe00) === 0xfc00) return "unique local (private)";
  if ((g[0] & 0xffc0) === 0xfe80) return "link-local";
  if ((g[0] & 0xff00) === 0xff00) return "multicast";
  if (g[0] === 0xfd00 && g[1] === 0x0ec2) return "cloud metadata (AWS)";
  return null;
}

/** Why an IP literal is internal (e.g. "loopback"), or null when it is a public address. */
export function internalAddressKind(ip: string): string | null {
  const v = isIP(ip.replace(/^\[|\]$/g, ""));
  if (v === 4) return classifyV4(ip);
  if (v === 6) return classifyV6(ip.replace(/^\[|\]$/g, ""));
  return "not an IP address";
}

export async function checkOutgoingUrl(raw: string, opts: { allowInternal?: boolean; resolve?: Resolver } = {}): Promise<OutgoingUrlCheck> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "is not a valid URL" };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { ok: false, reason: "must use http or https" };
  if (url.username || url.password) return { ok: false, reason: "must not contain a user name or password" };
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase().replace(/\.$/, "");
  if (!host) return { ok: false, reason: "has no host" };
  if (opts.allowInternal) return { ok: true, url, addresses: [] };
  if (BLOCKED_HOSTNAMES.has(host) || host.endsWith(".localhost") || host.endsWith(".internal") || host.endsWith(".local")) {
    return { ok: false, reason: `points at an internal host (${host}); an admin must allow internal targets` };
  }
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = await (opts.resolve ?? defaultResolver)(host);
    } catch {
      return { ok: false, reason: `host ${host} could not be resolved` };
    }
    if (addresses.length === 0) return { ok: false, reason: `host ${host} has no address` };
  }
  for (const a of addresses) {
    const kind = internalAddressKind(a);
    if (kind) return { ok: false, reason: `resolves to an internal address (${kind}); an admin must allow internal targets` };
  }
  return { ok: true, url, addresses };
}
