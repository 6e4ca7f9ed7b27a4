/**
 * Where a webhook may be sent (contract §5.3): a public address only, unless
 * the operator allows private ones (WEBHOOK_ALLOW_PRIVATE=1). The URL parser
 * (WHATWG) already turns every IPv4 notation — decimal `2130706433`, octal
 * `0177.0.0.1`, hex `0x7f.1`, short `127.1` — into dotted form and IPv6 into its
 * canonical form; names are resolved, and every address they resolve to must
 * be public. The address checked is the one connected to (see sender.ts).
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['::', 96], // IPv4-compatible (deprecated)
  ['64:ff9b::', 96], // NAT64
  ['64:ff9b:1::', 48],
  ['100::', 64], // discard
  ['2001::', 23], // IETF protocol assignments (Teredo, …)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4
  ['fc00::', 7], // unique local (and fd00:ec2::254, a cloud metadata address)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:a.b.c.d` in any spelling), if it is one. */
function mappedIpv4(address: string): string | null {
  const m = /^::ffff:(?:0+:)?(.+)$/i.exec(address);
  if (!m?.[1]) return null;
  const rest = m[1];
  if (isIP(rest) === 4) return rest;
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(rest);
  if (!hex?.[1] || !hex[2]) return null;
  const hi = Number.parseInt(hex[1], 16);
  const lo = Number.parseInt(hex[2], 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** Why an IP address may not receive webhooks, or null when it may. */
export function refusedAddress(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return 'is not an IP address';
  if (family === 6) {
    const v4 = mappedIpv4(address);
    if (v4 !== null) return refusedAddress(v4) && `is an IPv4-mapped private address (${v4})`;
    return blocked.check(address, 'ipv6') ? 'is a loopback, private, link-local or reserved address' : null;
  }
  return blocked.check(address, 'ipv4') ? 'is a loopback, private, link-local or reserved address' : null;
}

export interface TargetPolicy {
  allowPrivate: boolean;
  allowHttp: boolean;
  /** Resolves a name to every address it has (tests give their own); default the system's resolver. */
  lookup?: (host: string) => Promise<{ address: string; family: number }[]>;
}

const systemLookup = (host: string) => lookup(host, { all: true, verbatim: true });

export interface Target {
  url: URL;
  /** The address to connect to: checked, and used as is (no second lookup). */
  address: string;
  family: 4 | 6;
}

export class TargetError extends Error {}

/**
 * Why a private target is refused, and the setting that would allow it (contract §5.3). It
 * never says what a name resolved to: that would map the server's network for whoever asks.
 */
const NOT_PUBLIC =
  'is not a public address: private and loopback targets are refused unless the server sets WEBHOOK_ALLOW_PRIVATE=1';

/** How long a name may take to resolve. */
const LOOKUP_TIMEOUT_MS = 5_000;

/** The URL's host without IPv6 brackets. */
const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

/** Checks a URL's form against the policy (no lookup): why it is refused, or null. */
export function refusedUrl(raw: string, policy: TargetPolicy): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttp)) {
    return policy.allowHttp
      ? 'must use https:// or http://'
      : 'must use https:// (http:// only where the server sets WEBHOOK_ALLOW_HTTP=1)';
  }
  if (url.username || url.password) return 'must not carry credentials';
  if (url.hash) return 'must not have a fragment';
  const host = hostOf(url);
  if (!host) return 'must name a host';
  if (!policy.allowPrivate && isIP(host) !== 0 && refusedAddress(host)) return NOT_PUBLIC;
  if (!policy.allowPrivate && /(^|\.)localhost\.?$/i.test(host)) return NOT_PUBLIC;
  return null;
}

/**
 * Resolves a URL to the address to connect to, checking every address the
 * name resolves to (a name with one private address among public ones is
 * refused: which one a client would pick is not ours to guess).
 */
export async function resolveTarget(raw: string, policy: TargetPolicy): Promise<Target> {
  const why = refusedUrl(raw, policy);
  if (why) throw new TargetError(`url ${why}`);
  const url = new URL(raw);
  const host = hostOf(url);
  const literal = isIP(host);
  if (literal !== 0) return { url, address: host, family: literal as 4 | 6 };
  let addresses: { address: string; family: number }[];
  let timer: NodeJS.Timeout | undefined;
  try {
    // A resolver that does not answer must not hold a request or a delivery for long.
    addresses = await Promise.race([
      (policy.lookup ?? systemLookup)(host),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), LOOKUP_TIMEOUT_MS);
      }),
    ]);
  } catch {
    throw new TargetError(`url host ${host} does not resolve`);
  } finally {
    clearTimeout(timer);
  }
  if (addresses.length === 0) throw new TargetError(`url host ${host} does not resolve`);
  if (!policy.allowPrivate) {
    for (const a of addresses) {
      if (refusedAddress(a.address)) throw new TargetError(`url ${NOT_PUBLIC}`);
    }
  }
  const first = addresses[0] as { address: string; family: number };
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}
