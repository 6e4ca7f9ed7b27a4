/**
 * Read replicas on real streaming replication: a primary and a standby of the
 * test's own (initdb + pg_basebackup -R, own ports), two server instances on
 * them. Reads land on the replica; a writer reads its write at once whichever
 * instance serves it (the mark is shared: in the primary, or in Redis); past
 * the lag bound reads go to the primary; a stopped replica costs no error.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';
import type { Db } from '../src/platform/db/db.js';
import { openDb } from '../src/platform/db/open.js';
import { PostgresDb } from '../src/platform/db/postgres.js';
import { DbRecentWrites, ReadReplicas, type RecentWrites, RedisRecentWrites } from '../src/platform/db/replicas.js';
import { cursorSecret } from '../src/platform/settings.js';
import { createBusiness } from '../src/resources/businesses/service.js';
import { addMember } from '../src/resources/members/service.js';
import { startServer } from '../src/server.js';
import { Cluster, clusterUnavailable } from './helpers/cluster.js';
import { until } from './helpers/harness.js';

const skip = clusterUnavailable() || (process.env.TEST_DATABASE_URL ? false : 'PostgreSQL suite only');

/** A replica Db that counts the reads it serves (lag probes aside). */
function counted(db: Db): { db: Db; reads: () => number } {
  let n = 0;
  const count = (text: string) => {
    if (!text.includes('pg_last_wal_replay_lsn')) n++;
  };
  return {
    reads: () => n,
    db: {
      kind: db.kind,
      query: (text, params, opts) => {
        count(text);
        return db.query(text, params, opts);
      },
      exec: (text) => {
        count(text);
        return db.exec(text);
      },
      transaction: (fn, opts) => db.transaction(fn, opts),
      close: () => db.close(),
    },
  };
}

describe('read replicas', { skip }, () => {
  let primary: Cluster;
  let standby: Cluster;
  let primaryDb: Db;
  let probe: PostgresDb; // the test's own look at the standby
  let businessId: string;
  let ownerHeaders: Record<string, string>;
  let viewerHeaders: Record<string, string>;
  const closers: (() => Promise<unknown>)[] = [];

  /** An instance: the app on the primary, with replicas of its own (own pools) and a recent-writes store. */
  async function instance(
    recentWrites: RecentWrites,
    opts: { maxLagMs: number; checkMs: number },
  ): Promise<{ app: FastifyInstance; replicaReads: () => number; replicas: ReadReplicas }> {
    const replica = counted(
      new PostgresDb({ connectionString: standby.url, max: 4, connectTimeoutMs: 1000, role: 'replica' }),
    );
    const replicas = new ReadReplicas(primaryDb, [{ name: 'standby', db: replica.db }], opts);
    await replicas.start();
    const app = await buildApp({
      db: primaryDb,
      cursorSecret: await cursorSecret(primaryDb),
      readReplicas: { replicas, recentWrites },
    });
    closers.push(
      () => app.close(),
      () => replicas.close(),
    );
    return { app, replicaReads: replica.reads, replicas };
  }

  const get = async (app: FastifyInstance, url: string, headers: Record<string, string>) => {
    const r = await app.inject({ method: 'GET', url, headers });
    return { status: r.statusCode, body: r.json() };
  };

  before(async () => {
    primary = await Cluster.create();
    standby = await Cluster.replicaOf(primary);
    primaryDb = await openDb({ databaseUrl: primary.url, poolMax: 6 });
    probe = new PostgresDb({ connectionString: standby.url, max: 2, role: 'replica' });
    const b = await createBusiness(primaryDb, { name: 'Replicated', ownerEmail: 'owner@replicas.example' });
    businessId = b.business_id;
    ownerHeaders = { authorization: `Bearer ${b.token}`, 'x-business-id': businessId };
    const viewer = await addMember(primaryDb, {
      businessId,
      user: { email: 'viewer@replicas.example' },
      role: 'viewer',
      actor: null,
      ifMember: 'conflict',
      token: 'new-member',
    });
    viewerHeaders = { authorization: `Bearer ${viewer.token?.token}`, 'x-business-id': businessId };
    // Until the standby has replayed the migrations too, the table is not there yet: not an error.
    await until('the standby to have the business', async () => {
      const { rows } = await probe
        .query('SELECT 1 FROM businesses WHERE id = $1', [businessId])
        .catch(() => ({ rows: [] as unknown[] }));
      return rows.length > 0;
    });
  });

  after(async () => {
    for (const close of closers.reverse()) await close().catch(() => {});
    await probe?.close().catch(() => {});
    await primaryDb?.close().catch(() => {});
    await standby?.destroy();
    await primary?.destroy();
  });

  for (const store of ['the primary', 'Redis'] as const) {
    test(`reads land on the replica; a writer reads its write at once on either instance (marks in ${store})`, async () => {
      const redis = store === 'Redis' ? new Redis('redis://127.0.0.1:6379', { lazyConnect: false }) : undefined;
      if (redis) closers.push(async () => redis.disconnect());
      const marks = () =>
        redis ? new RedisRecentWrites(redis, new DbRecentWrites(primaryDb)) : new DbRecentWrites(primaryDb);
      const a = await instance(marks(), { maxLagMs: 60_000, checkMs: 100 });
      const b = await instance(marks(), { maxLagMs: 60_000, checkMs: 100 });
      await until('both instances to see the standby healthy', async () =>
        [a, b].every((i) => i.replicas.status()[0]?.healthy),
      );

      // A reader that never writes reads the replica.
      const before = b.replicaReads();
      const list = await get(b.app, '/api/v1/customers', viewerHeaders);
      assert.equal(list.status, 200);
      assert.ok(b.replicaReads() > before, 'the list was read on the replica');

      // The standby stops replaying: it keeps answering, with what it had.
      await probe.query('SELECT pg_wal_replay_pause()');
      try {
        const created = await a.app.inject({
          method: 'POST',
          url: '/api/v1/customers',
          headers: ownerHeaders,
          payload: { name: `Fresh ${store}`, email: `fresh-${store === 'Redis' ? 'r' : 'p'}@replicas.example` },
        });
        assert.equal(created.statusCode, 201, created.body);
        const id = created.json().data.id as string;
        // The writer, on the other instance, at once: its own write (the primary answers).
        const mine = await get(b.app, `/api/v1/customers/${id}`, ownerHeaders);
        assert.equal(mine.status, 200, 'the writer sees its write on the other instance');
        assert.equal(mine.body.data.name, `Fresh ${store}`);
        const mineToo = await get(a.app, `/api/v1/customers/${id}`, ownerHeaders);
        assert.equal(mineToo.status, 200, 'and on the instance it wrote through');
        // Another token reads the (paused) replica: not there yet — the reads really are on it.
        const other = await get(b.app, `/api/v1/customers/${id}`, viewerHeaders);
        assert.equal(other.status, 404);
      } finally {
        await probe.query('SELECT pg_wal_replay_resume()');
      }
    });
  }

  test('past the lag bound, reads go to the primary; a cursor from one serves on the other', async () => {
    const strict = await instance(new DbRecentWrites(primaryDb), { maxLagMs: 300, checkMs: 50 });
    await until('the standby healthy', async () => strict.replicas.status()[0]?.healthy);
    // A cursor made on the replica…
    const first = await get(strict.app, '/api/v1/customers?limit=1', viewerHeaders);
    assert.equal(first.status, 200);
    await probe.query('SELECT pg_wal_replay_pause()');
    try {
      const created = await primaryDb.query<{ id: string }>(
        `INSERT INTO customers (business_id, id, name, name_key, search_key, email, email_key)
         VALUES ($1, gen_random_uuid(), 'Lagging', 'lagging', 'lagging', 'lag@replicas.example', 'lag@replicas.example')
         RETURNING id`,
        [businessId],
      );
      const id = created.rows[0]?.id as string;
      await until('the standby to be set aside for its lag', async () => !strict.replicas.status()[0]?.healthy);
      const seen = await get(strict.app, `/api/v1/customers/${id}`, viewerHeaders);
      assert.equal(seen.status, 200, 'read on the primary');
      // …is valid on the primary.
      if (first.body.data.next_cursor) {
        const next = await get(
          strict.app,
          `/api/v1/customers?limit=1&cursor=${encodeURIComponent(first.body.data.next_cursor)}`,
          viewerHeaders,
        );
        assert.equal(next.status, 200);
      }
    } finally {
      await probe.query('SELECT pg_wal_replay_resume()');
    }
    await until('the standby healthy again', async () => strict.replicas.status()[0]?.healthy);
  });

  test('the server takes DATABASE_READ_URL: its GETs open connections on the standby', async () => {
    const running = await startServer(
      loadConfig({
        DATABASE_URL: primary.url,
        DATABASE_READ_URL: standby.url,
        PORT: '0',
        LOG_LEVEL: 'silent',
        DEMO: '0',
      }),
    );
    closers.push(() => running.close());
    const readers = async () => {
      const { rows } = await probe.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'customers-api-reads'`,
      );
      return rows[0]?.n ?? 0;
    };
    // Reads go to the standby once the server's lag check (every second) has found it well.
    await until("the standby to serve the server's reads", async () => {
      const r = await fetch(`${running.url}/api/v1/customers?limit=5`, { headers: viewerHeaders });
      assert.equal(r.status, 200);
      return (await readers()) > 0;
    });
    // Its metrics show the standby, serving, and its lag.
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    const name = `127.0.0.1:${standby.port}/postgres`;
    assert.match(metrics, new RegExp(`db_replica_serving\\{replica="${name}"\\} 1`));
    assert.match(metrics, new RegExp(`db_replica_lag_seconds\\{replica="${name}"\\} [0-9.e-]+`));
    assert.throws(() => loadConfig({ DATABASE_READ_URL: standby.url }), /DATABASE_READ_URL needs DATABASE_URL/);
  });

  test('the replica stopped: reads fall back to the primary with no error', async () => {
    // Checks far apart: the requests, not the monitor, find the replica gone.
    const i = await instance(new DbRecentWrites(primaryDb), { maxLagMs: 60_000, checkMs: 60_000 });
    assert.equal(i.replicas.status()[0]?.healthy, true);
    await standby.stop();
    try {
      for (let n = 0; n < 5; n++) {
        const r = await get(i.app, '/api/v1/customers?limit=5', viewerHeaders);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.ok(r.body.data.items.length > 0);
      }
      assert.equal(i.replicas.status()[0]?.healthy, false, 'set aside');
      await i.replicas.check();
      assert.equal(i.replicas.status()[0]?.healthy, false, 'and the monitor agrees');
    } finally {
      await standby.start();
    }
    await i.replicas.check();
    await until('the standby back', async () => {
      await i.replicas.check();
      return i.replicas.status()[0]?.healthy;
    });
  });
  test('the primary down: reads keep coming from the replica (lag unknown); the replica down too: not serving', async () => {
    const replica = new PostgresDb({ connectionString: standby.url, max: 4, connectTimeoutMs: 500, role: 'replica' });
    const replicas = new ReadReplicas(primaryDb, [{ name: 'standby', db: replica }], {
      maxLagMs: 60_000,
      checkMs: 100,
      outageGraceMs: 60_000,
    });
    await replicas.start();
    const app = await buildApp({
      db: primaryDb,
      cursorSecret: await cursorSecret(primaryDb),
      readReplicas: { replicas, recentWrites: new DbRecentWrites(primaryDb, replicas.orReplica()) },
    });
    closers.push(
      () => app.close(),
      () => replicas.close(),
    );
    await until('the standby healthy', async () => replicas.status()[0]?.healthy);
    const metric = async () => (await app.inject({ url: '/metrics' })).body;
    await primary.stop();
    try {
      await until('a check made without the primary', async () => replicas.status()[0]?.lag_ms === null);
      for (let n = 0; n < 3; n++) {
        const r = await get(app, '/api/v1/customers?limit=5', viewerHeaders);
        assert.equal(r.status, 200, `a read during the primary's outage: ${JSON.stringify(r.body)}`);
        assert.ok(r.body.data.items.length > 0);
      }
      assert.equal(replicas.status()[0]?.healthy, true, 'serving, lag unknown');
      assert.match(await metric(), /db_replica_serving\{replica="standby"\} 1/);
      assert.match(await metric(), /db_replica_lag_seconds\{replica="standby"\} -1/);
      await standby.stop();
      try {
        await until('the killed replica set aside', async () => replicas.status()[0]?.healthy === false);
        assert.match(await metric(), /db_replica_serving\{replica="standby"\} 0/);
        assert.match(await metric(), /db_replica_lag_seconds\{replica="standby"\} -1/);
        const r = await get(app, '/api/v1/customers?limit=5', viewerHeaders);
        assert.equal(r.status, 503, 'nothing left to read: unavailable');
      } finally {
        await standby.start();
      }
    } finally {
      await primary.start();
    }
    await until('the standby measured and serving again', async () => {
      const s = replicas.status()[0];
      return s?.healthy && s.lag_ms !== null;
    });
  });
});
