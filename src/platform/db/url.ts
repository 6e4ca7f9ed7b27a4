/**
 * PostgreSQL connection URLs as libpq reads them, multi-host forms included:
 * `postgres://user:pass@h1:5432,h2:5433/db?target_session_attrs=read-write`
 * (what pg_auto_failover prints), `?host=a,b&port=1,2`, a Unix socket
 * directory as a host (`?host=/var/run/postgresql`), IPv6 as `[::1]:5433`.
 * Each host becomes a single-host URL that `pg` reads as usual; the session
 * attributes say which of them to keep (see `MultiHostClient` in postgres.ts).
 */

export type TargetSessionAttrs = 'any' | 'read-write' | 'read-only' | 'primary' | 'standby' | 'prefer-standby';

const TARGETS: readonly TargetSessionAttrs[] = [
  'any',
  'read-write',
  'read-only',
  'primary',
  'standby',
  'prefer-standby',
];

export interface PgTarget {
  /** Host name, IP address, or a Unix socket directory (starts with '/'). */
  host: string;
  port: number;
  /** A single-host URL for this host, every other part of the original kept. */
  url: string;
}

export interface ParsedPgUrl {
  targets: PgTarget[];
  /** `target_session_attrs` as given, or undefined. */
  targetSessionAttrs: TargetSessionAttrs | undefined;
  /** The path (`/dbname`), for messages. */
  path: string;
}

/** A URL that cannot be read. The message never contains the URL (it may hold a password). */
export class PgUrlError extends Error {}

const DEFAULT_PORT = 5432;

function parsePort(text: string, where: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
    throw new PgUrlError(`${where}: the port is not a number from 1 to 65535`);
  }
  return Number(text);
}

/** `h1:p1,[::1]:p2,h3` → hosts with their ports (the default when absent). */
function parseHostList(text: string): { host: string; port: number | undefined }[] {
  return text.split(',').map((item, i) => {
    const where = `host ${i + 1}`;
    let host: string;
    let port: string | undefined;
    if (item.startsWith('[')) {
      const end = item.indexOf(']');
      if (end < 0) throw new PgUrlError(`${where}: an IPv6 address opened with '[' is not closed with ']'`);
      host = item.slice(1, end);
      const rest = item.slice(end + 1);
      if (rest !== '' && !rest.startsWith(':')) throw new PgUrlError(`${where}: unexpected text after ']'`);
      port = rest === '' ? undefined : rest.slice(1);
    } else {
      const colon = item.lastIndexOf(':');
      if (item.indexOf(':') !== colon) throw new PgUrlError(`${where}: write an IPv6 address in brackets ([::1]:5432)`);
      host = colon < 0 ? item : item.slice(0, colon);
      port = colon < 0 ? undefined : item.slice(colon + 1);
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(host);
    } catch {
      throw new PgUrlError(`${where}: invalid percent-encoding`);
    }
    if (decoded === '' && port !== undefined) throw new PgUrlError(`${where}: a port without a host`);
    if (/[\s/?#@]/.test(decoded) && !decoded.startsWith('/')) throw new PgUrlError(`${where}: not a host name`);
    return { host: decoded, port: port === undefined || port === '' ? undefined : parsePort(port, where) };
  });
}

function hostPart(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : encodeURIComponent(host)}:${port}`;
}

/**
 * Reads a `postgres://` or `postgresql://` URL. Throws PgUrlError, saying what
 * is wrong but never echoing the URL.
 */
export function parsePgUrl(text: string): ParsedPgUrl {
  const scheme = /^(postgres(?:ql)?):\/\//.exec(text);
  if (!scheme) throw new PgUrlError('not a postgres:// or postgresql:// URL');
  const rest = text.slice(scheme[0].length);
  // The authority ends at the first '/', '?' or '#' after the user info; the user info ends at
  // the last '@' before that (a password may hold an unencoded '@' or ':').
  const endOfAuthority = (from: number) => {
    const m = /[/?#]/.exec(rest.slice(from));
    return m ? from + m.index : rest.length;
  };
  let end = endOfAuthority(0);
  const at = rest.slice(0, end).lastIndexOf('@');
  const userinfo = at < 0 ? '' : rest.slice(0, at);
  const hostStart = at + 1;
  end = endOfAuthority(hostStart);
  const hostText = rest.slice(hostStart, end);
  const tail = rest.slice(end); // '/db?query#frag'
  const qIndex = tail.indexOf('?');
  const path = qIndex < 0 ? tail : tail.slice(0, qIndex);
  const query = qIndex < 0 ? '' : tail.slice(qIndex + 1).replace(/#.*$/, '');
  if (path.includes('#')) throw new PgUrlError('unexpected # in the database name');
  for (const part of userinfo.split(':')) {
    try {
      decodeURIComponent(part);
    } catch {
      throw new PgUrlError('the user name or password has an invalid percent-encoding (write % as %25)');
    }
  }

  const params = new URLSearchParams(query);
  let attrs: TargetSessionAttrs | undefined;
  const rawAttrs = params.get('target_session_attrs');
  if (rawAttrs !== null) {
    if (!TARGETS.includes(rawAttrs as TargetSessionAttrs)) {
      throw new PgUrlError(`target_session_attrs must be one of ${TARGETS.join(', ')}`);
    }
    attrs = rawAttrs as TargetSessionAttrs;
  }
  // Hosts in the authority, or in ?host= (libpq lets the query give them; a socket directory goes there).
  let hosts = hostText === '' ? [] : parseHostList(hostText);
  const qHost = params.get('host');
  const qPort = params.get('port');
  if (qHost !== null && qHost !== '') {
    hosts = qHost.split(',').map((h, i) => {
      if (h === '') throw new PgUrlError(`host ${i + 1}: empty`);
      return { host: h, port: undefined };
    });
  }
  if (hosts.length === 0) hosts = [{ host: 'localhost', port: undefined }];
  if (qPort !== null && qPort !== '') {
    const ports = qPort.split(',');
    if (ports.length !== 1 && ports.length !== hosts.length) {
      throw new PgUrlError(`${ports.length} ports for ${hosts.length} hosts`);
    }
    hosts = hosts.map((h, i) => ({
      ...h,
      port: parsePort(ports[ports.length === 1 ? 0 : i] as string, `port ${i + 1}`),
    }));
  }
  for (const key of ['target_session_attrs', 'host', 'port']) params.delete(key);
  const others = params.toString();
  const auth = userinfo === '' ? '' : `${userinfo}@`;
  const targets = hosts.map(({ host, port }) => {
    const p = port ?? DEFAULT_PORT;
    // A socket directory goes in the query, where pg reads it; a name or address in the authority.
    const url = host.startsWith('/')
      ? `${scheme[1]}://${auth}${path || '/'}?${new URLSearchParams({ host, port: String(p) }).toString()}${others ? `&${others}` : ''}`
      : `${scheme[1]}://${auth}${hostPart(host, p)}${path}${others ? `?${others}` : ''}`;
    return { host, port: p, url };
  });
  return { targets, targetSessionAttrs: attrs, path: path || '/' };
}

/**
 * DATABASE_READ_URL: one or more URLs, comma-separated — a multi-host URL has
 * commas too, so a new URL starts only where a scheme does.
 */
export function splitUrlList(text: string): string[] {
  return text.split(/,(?=postgres(?:ql)?:\/\/)/);
}

/** Where a URL points, for messages and metric labels (never its password). */
export function describePgUrl(text: string): string {
  try {
    const { targets, path } = parsePgUrl(text);
    return `${targets.map((t) => (t.host.startsWith('/') ? `${t.host}:${t.port}` : hostPart(t.host, t.port))).join(',')}${path}`;
  } catch {
    return 'the URL given';
  }
}
