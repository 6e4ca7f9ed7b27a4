/**
 * PostgreSQL URLs as libpq reads them: multi-host lists, IPv6, default ports,
 * socket directories, passwords with special characters, target_session_attrs;
 * a bad one is one line from the config, never the URL (it may hold a password).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse } from 'pg-connection-string';
import { ConfigError, loadConfig } from '../src/config.js';
import { isUnavailable } from '../src/platform/db/db.js';
import { describePgUrl, PgUrlError, parsePgUrl, splitUrlList } from '../src/platform/db/url.js';
import { cli } from './helpers/cli.js';

const hosts = (url: string) => parsePgUrl(url).targets.map((t) => `${t.host}|${t.port}`);

describe('PostgreSQL URLs', () => {
  test("pg_auto_failover's multi-host URL: every host in order, target_session_attrs read", () => {
    const p = parsePgUrl('postgres://app@h1:6001,h2:6002/appdb?target_session_attrs=read-write&sslmode=prefer');
    assert.deepEqual(hosts('postgres://app@h1:6001,h2:6002/appdb'), ['h1|6001', 'h2|6002']);
    assert.equal(p.targetSessionAttrs, 'read-write');
    // Each host is a single-host URL pg reads as usual, the other parameters kept, ours removed.
    const one = parse(p.targets[1]?.url as string);
    assert.equal(one.host, 'h2');
    assert.equal(one.port, '6002');
    assert.equal(one.database, 'appdb');
    assert.equal(one.user, 'app');
    assert.equal((one as Record<string, unknown>).sslmode, 'prefer');
    assert.equal((one as Record<string, unknown>).target_session_attrs, undefined);
  });

  test('missing ports take 5432; IPv6 in brackets; no host is localhost', () => {
    assert.deepEqual(hosts('postgresql://u@a,b:5433,[::1]:5434,[fe80::1]/d'), [
      'a|5432',
      'b|5433',
      '::1|5434',
      'fe80::1|5432',
    ]);
    assert.deepEqual(hosts('postgres:///d'), ['localhost|5432']);
    const v6 = parse(parsePgUrl('postgres://u@[::1]:5433/d').targets[0]?.url as string);
    assert.equal(v6.host, '::1');
    assert.equal(v6.port, '5433');
  });

  test('passwords with special characters survive, percent-encoded or with a bare @ or :', () => {
    const password = 'p@ss:w/rd?#%&=,[]';
    const encoded = `postgres://user:${encodeURIComponent(password)}@h1:1,h2:2/db`;
    for (const t of parsePgUrl(encoded).targets) {
      const c = parse(t.url);
      assert.equal(c.password, password);
      assert.equal(c.user, 'user');
    }
    const bare = parse(parsePgUrl('postgres://user:p@ss:word@h1:1,h2:2/db').targets[1]?.url as string);
    assert.equal(bare.password, 'p@ss:word');
    assert.equal(bare.host, 'h2');
  });

  test('hosts and ports in the query, a Unix socket directory among them', () => {
    assert.deepEqual(hosts('postgres:///db?host=/var/run/postgresql,db2&port=5433,5434'), [
      '/var/run/postgresql|5433',
      'db2|5434',
    ]);
    const sock = parse(parsePgUrl('postgres://u@/db?host=/tmp/pg%20dir&port=6000').targets[0]?.url as string);
    assert.equal(sock.host, '/tmp/pg dir');
    assert.equal(sock.port, '6000');
    assert.equal(sock.database, 'db');
  });

  test('DATABASE_READ_URL: a list of URLs, each maybe multi-host', () => {
    assert.deepEqual(splitUrlList('postgres://a:1,b:2/d?target_session_attrs=standby,postgresql://c/d'), [
      'postgres://a:1,b:2/d?target_session_attrs=standby',
      'postgresql://c/d',
    ]);
  });

  test('malformed URLs: a clear reason, never the URL', () => {
    const secret = 'hunter2secret';
    for (const [url, reason] of [
      [`postgres://u:${secret}@h1:notaport,h2/db`, /port is not a number/],
      [`postgres://u:${secret}@h1:99999/db`, /port is not a number from 1 to 65535/],
      [`postgres://u:${secret}@[::1/db`, /not closed/],
      [`postgres://u:${secret}@::1:5432/db`, /IPv6 address in brackets/],
      [`postgres://u:${secret}@h/db?target_session_attrs=sometimes`, /target_session_attrs must be one of/],
      [`postgres://u:${secret}@/db?host=a,b&port=1,2,3`, /3 ports for 2 hosts/],
      [`postgres://u:%zz${secret}@h/db`, /percent-encoding/],
      ['mysql://h/db', /not a postgres/],
    ] as const) {
      assert.throws(
        () => parsePgUrl(url),
        (err: Error) => err instanceof PgUrlError && reason.test(err.message) && !err.message.includes(secret),
        url,
      );
    }
    assert.equal(describePgUrl(`postgres://u:${secret}@h1:1,[::1]:2/db`), 'h1:1,[::1]:2/db');
  });

  test('the config reads them at start-up: DATABASE_URL must be writable', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://u@h1:1,h2:2/db?target_session_attrs=read-write' });
    assert.equal(c.DB_CONNECTION_MAX_LIFETIME_SECONDS, 300);
    assert.throws(() => loadConfig({ DATABASE_URL: 'postgres://u@h1:x/db' }), ConfigError);
    assert.throws(
      () => loadConfig({ DATABASE_URL: 'postgres://u@h/db?target_session_attrs=standby' }),
      /the server writes there/,
    );
    loadConfig({
      DATABASE_URL: 'postgres://u@p/db',
      DATABASE_READ_URL: 'postgres://u@r1:1,r2:2/db?target_session_attrs=prefer-standby,postgres://u@r3/db',
    });
    assert.throws(
      () => loadConfig({ DATABASE_URL: 'postgres://u@p/db', DATABASE_READ_URL: 'postgres://u@r1:1,r2:z/db' }),
      /DATABASE_READ_URL host 2: the port/,
    );
  });

  test('a malformed DATABASE_URL stops the server with one line and exit 2, no stack', async () => {
    const r = await cli(['serve'], { DATABASE_URL: 'postgres://u:hunter2secret@h1:5432,h2:nope/db', PORT: '0' });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /DATABASE_URL host 2: the port is not a number/);
    assert.doesNotMatch(r.stderr, /hunter2secret|\n\s+at /);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  });

  test('every way of failing to reach the server is "unavailable", by code', () => {
    for (const code of [
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      'EPIPE',
      'EHOSTUNREACH',
      'ENETUNREACH',
      'EAI_AGAIN',
    ]) {
      assert.equal(isUnavailable(Object.assign(new Error('x'), { code })), true, code);
    }
    for (const code of ['57P01', '57P02', '57P03', '08006', '08001', '08P01', '25006']) {
      assert.equal(isUnavailable(Object.assign(new Error('x'), { code })), true, code);
    }
    // A Unix socket whose server is gone: ENOENT from connect(), not a missing file elsewhere.
    assert.equal(isUnavailable(Object.assign(new Error('x'), { code: 'ENOENT', syscall: 'connect' })), true);
    assert.equal(isUnavailable(Object.assign(new Error('x'), { code: 'ENOENT', syscall: 'open' })), false);
    assert.equal(isUnavailable(Object.assign(new Error('x'), { code: '23505' })), false);
  });
});
