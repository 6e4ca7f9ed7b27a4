/**
 * Where a webhook may be sent (contract §5.3): a public address only, unless
 * the operator allows private ones (WEBHOOK_ALLOW_PRIVATE=1). The URL parser
 * (WHATWG) already turns every IPv4 notation — decimal `2130706433`, octal
 * `0177.0.0.1`, hex `0x7f.1`, short `127.1` — into dotted form and IPv6 into its
 * canonical form; names are resolved, and every address they resolve to must
 * be public. The address checked is the one connected to (see sender.ts).
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** `::a.b.c.d`, IPv4-compatible (deprecated): ipaddr.js counts it as unicast, it is not. */
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

/**
 * An address in the form the URL parser gives it, or null if it is none. The resolver prints
 * an IPv4-compatible address as `::a.b.c.d`, which ipaddr.js reads as IPv4-mapped; the URL
 * parser's form (`::808:808`) keeps the two apart.
 */
function canonical(address: string): string | null {
  const family = isIP(address);
  if (family === 4) return address;
  if (family === 0) return null;
  try {
    return new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return null; // a zone index (`fe80::1%eth0`): not a webhook target
  }
}

/**
 * Why an IP address may not receive webhooks, or null when it may: only what ipaddr.js
 * calls `unicast` may. Every special range it names is refused — loopback, private,
 * carrier-grade NAT, link-local (cloud metadata, 169.254.169.254), unique local
 * (fd00:ec2::254), multicast, reserved and documentation, NAT64, 6to4, Teredo — and so
 * is any it adds later.
 */
export function refusedAddress(address: string): string | null {
  const text = canonical(address);
  if (text === null || !ipaddr.isValid(text)) return 'is not an IP address';
  // An IPv4-mapped address (`::ffff:a.b.c.d` in any spelling) is judged as its IPv4 address.
  const ip = ipaddr.process(text);
  const range = ip.range();
  const mapped = ip.kind() === 'ipv4' && isIP(text) === 6 ? `, IPv4-mapped (${ip})` : '';
  if (range !== 'unicast') return `is a loopback, private, link-local or reserved address (${range}${mapped})`;
  if (ip.kind() === 'ipv6' && ip.match(IPV4_COMPATIBLE)) return 'is an IPv4-compatible address';
  return null;
}

export interface TargetPolicy {
  allowPrivate: boolean;
  allowHttp: boolean;
  /** Test mode: the URL `capture:` is a sink that records deliveries (contract §7). */
  capture?: boolean;
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

/** The test-mode sink's URL: nothing is sent, the attempt is recorded and answered 204. */
const CAPTURE_URL = 'capture:';

/** Whether the policy takes this URL as the test-mode sink. */
export const isCapture = (raw: string, policy: TargetPolicy): boolean => policy.capture === true && raw === CAPTURE_URL;

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
