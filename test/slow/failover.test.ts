/**
 * Failover with a multi-host DATABASE_URL, no proxy: a primary and a
 * `pg_basebackup -R` standby of the test's own (synchronous replication, so an
 * acknowledged write is on both), a real server process on
 * `postgres://…@A,B/postgres?target_session_attrs=read-write`, writers with and
 * without Idempotency-Key. (a) A switchover: the primary stopped, the standby
 * promoted, the old primary restarted as a standby of the new one (first in the
 * host list and read-only: the server must pass it by). (b) `kill -9` of the new
 * primary's postmaster, the old one promoted. Throughout: the server stays up,
 * answers only 2xx or 503, writes resume within 5 s of the new primary first
 * accepting one (polled directly), no acknowledged write is lost and no keyed
 * write is made twice. The figures are printed (`# failover …` diagnostics).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { openDb } from '../../src/platform/db/open.js';
import { createBusiness } from '../../src/resources/businesses/service.js';
import { Cluster, clusterUnavailable } from '../helpers/cluster.js';
import { until } from '../helpers/harness.js';
import {
  checkWrites,
  firstOkAfter,
  type ServerProcess,
  serverProcess,
  startWriters,
  type WriteLog,
} from '../helpers/writers.js';

const skip = clusterUnavailable() || (process.env.TEST_DATABASE_URL ? false : 'PostgreSQL suite only');
const RESUME_BOUND_MS = 5000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs one statement on a node directly (a fresh connection), or throws. */
async function direct<T = Record<string, unknown>>(node: Cluster, sql: string, timeoutMs = 1000): Promise<T[]> {
  const c = new pg.Client({ connectionString: node.url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  c.on('error', () => {});
  try {
    await c.connect();
    return (await c.query(sql)).rows as T[];
  } finally {
    await c.end().catch(() => {});
  }
}

/** Polls `node` until it commits a write itself; resolves to when it first did. */
async function acceptsWritesAt(node: Cluster): Promise<number> {
  const end = Date.now() + 30_000;
  for (;;) {
    try {
      await direct(node, 'SELECT txid_current()', 500);
      return Date.now();
    } catch {
      if (Date.now() > end) throw new Error(`node on port ${node.port} accepted no write in 30 s`);
      await sleep(20);
    }
  }
}

describe('failover with a multi-host DATABASE_URL', { skip }, () => {
  let a: Cluster;
  let b: Cluster;
  let server: ServerProcess | undefined;
  let headers: Record<string, string>;
  const figures: string[] = [];

  before(async () => {
    a = await Cluster.create();
    b = await Cluster.replicaOf(a);
    // Synchronous replication: a commit is acknowledged once the standby has it too.
    await a.set('synchronous_standby_names', '*');
    const db = await openDb({ databaseUrl: a.url, poolMax: 2 });
    try {
      const biz = await createBusiness(db, { name: 'Failover', ownerEmail: 'owner@failover.example' });
      headers = { authorization: `Bearer ${biz.token}`, 'x-business-id': biz.business_id };
    } finally {
      await db.close();
    }
    server = await serverProcess({
      DATABASE_URL: `postgres://postgres@127.0.0.1:${a.port},127.0.0.1:${b.port}/postgres?target_session_attrs=read-write`,
      DB_CONNECT_TIMEOUT_MS: '1000',
      DB_STATEMENT_TIMEOUT_MS: '2000',
      AUTH_CACHE_SECONDS: '5',
    });
  });

  after(async () => {
    await server?.stop();
    await b?.destroy();
    await a?.destroy();
  });

  /** Writers through one failover; asserts the contract and returns what was seen. */
  async function underWriters(
    name: string,
    failover: () => Promise<Cluster>,
  ): Promise<{ log: WriteLog; newPrimary: Cluster }> {
    const s = server as ServerProcess;
    const writers = startWriters(s.url, headers, { n: 6, maxEach: 3000, tag: name });
    try {
      await until('writes acknowledged before the failover', () => writers.log.acknowledged.length >= 30, 20_000).catch(
        (err: Error) => {
          throw new Error(
            `${err.message}: ${JSON.stringify(Object.fromEntries(writers.log.statuses))} ${writers.log.unexpected.slice(0, 3).join('; ')}\n${s.output().slice(-1500)}`,
          );
        },
      );
      const began = Date.now();
      const newPrimary = await failover();
      const acceptedAt = await acceptsWritesAt(newPrimary);
      await until(
        `a write acknowledged by the server after the new primary accepted one (${name})`,
        () => firstOkAfter(writers.log, acceptedAt),
        RESUME_BOUND_MS + 10_000,
      );
      const resumed = (firstOkAfter(writers.log, acceptedAt) as number) - acceptedAt;
      await sleep(300);
      await writers.stop();
      const log = writers.log;
      const line =
        `failover ${name}: ${log.acknowledged.length} writes acknowledged, ${log.statuses.get(503) ?? 0} answered 503, ` +
        `new primary accepting writes ${acceptedAt - began} ms after the failover began, ` +
        `server writing again ${resumed} ms after that; statuses ${JSON.stringify(Object.fromEntries(log.statuses))}`;
      figures.push(line);
      console.log(`# ${line}`);
      assert.ok(s.alive(), `the server process is alive:\n${s.output().slice(-2000)}`);
      assert.ok(resumed <= RESUME_BOUND_MS, `writes resumed ${resumed} ms after the new primary accepted one`);
      await checkWrites(newPrimary.url, log);
      assert.equal(log.noRetryAfter, 0, 'every 503 carries Retry-After');
      assert.deepEqual(log.unexpected, [], 'only 2xx and 503 during the failover');
      return { log, newPrimary };
    } finally {
      await writers.stop();
    }
  }

  test('(a) a switchover: the old primary stops, the standby is promoted, the old one follows it', async () => {
    await underWriters('switchover', async () => {
      await a.stop(); // clean: every WAL record reaches the standby first
      await b.promote();
      // Alone, the new primary commits without waiting for a standby (what a failover monitor sets).
      await b.set('synchronous_standby_names', '');
      // The old primary comes back read-only, first in the host list: the server must pass it by.
      await a.followAsStandby(b);
      return b;
    });
    // Ready for (b): synchronous again, the standby streaming.
    await b.set('synchronous_standby_names', '*');
    await until(
      'the old primary streaming synchronously from the new one',
      async () => {
        const rows = await direct<{ s: string }>(b, 'SELECT sync_state AS s FROM pg_stat_replication').catch(() => []);
        return rows.some((r) => r.s === 'sync');
      },
      20_000,
    );
    const ro = await direct<{ ro: string }>(a, "SELECT current_setting('transaction_read_only') AS ro");
    assert.equal(ro[0]?.ro, 'on', 'the old primary is a read-only standby now');
  });

  test('(b) kill -9 of the primary: the standby is promoted, the server follows', async () => {
    await underWriters('kill-9', async () => {
      await b.crash();
      await a.promote();
      await a.set('synchronous_standby_names', '');
      return a;
    });
    const ready = await fetch(`${(server as ServerProcess).url}/readyz`);
    assert.equal(ready.status, 200, 'ready again on the new primary');
    console.log(`# failover figures:\n# ${figures.join('\n# ')}`);
  });
});
