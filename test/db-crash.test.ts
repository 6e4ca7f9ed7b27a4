/**
 * The database failing under a real server process, on a throwaway cluster
 * (never the shared server): the postmaster killed with SIGKILL under load,
 * round after round; the primary turned read-only; a Unix-socket DATABASE_URL
 * whose server is stopped. The process stays up and answers 2xx or 503.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openDb } from '../src/platform/db/open.js';
import { PostgresDb } from '../src/platform/db/postgres.js';
import { createBusiness } from '../src/resources/businesses/service.js';
import { Cluster, clusterUnavailable } from './helpers/cluster.js';
import { until } from './helpers/harness.js';
import { firstOkAfter, type ServerProcess, serverProcess, startWriters } from './helpers/writers.js';

const skip = clusterUnavailable() || (process.env.TEST_DATABASE_URL ? false : 'PostgreSQL suite only');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the database failing under a server process', { skip }, () => {
  let cluster: Cluster;
  let headers: Record<string, string>;
  const servers: ServerProcess[] = [];

  before(async () => {
    cluster = await Cluster.create();
    const db = await openDb({ databaseUrl: cluster.url, poolMax: 2 });
    try {
      const biz = await createBusiness(db, { name: 'Crashes', ownerEmail: 'owner@crash.example' });
      headers = { authorization: `Bearer ${biz.token}`, 'x-business-id': biz.business_id };
    } finally {
      await db.close();
    }
  });

  after(async () => {
    for (const s of servers) await s.stop();
    await cluster?.destroy();
  });

  /** Starts the cluster again after a crash (orphaned backends may hold it a moment). */
  async function restart(): Promise<void> {
    for (let i = 0; ; i++) {
      try {
        await cluster.start();
        return;
      } catch (err) {
        if (i >= 20) throw err;
        await sleep(250);
      }
    }
  }

  test('kill -9 of the postmaster under load, 10 rounds: the process stays up, only 2xx and 503', async () => {
    const server = await serverProcess({
      DATABASE_URL: cluster.url,
      DB_CONNECT_TIMEOUT_MS: '500',
      DB_STATEMENT_TIMEOUT_MS: '2000',
      AUTH_CACHE_SECONDS: '0',
    });
    servers.push(server);
    // Unkeyed writers and readers: every connection state (connecting, idle, checked out) is hit.
    const writers = startWriters(server.url, headers, { n: 4, maxEach: 5000, tag: 'crash', keys: false });
    const readerStatuses = new Map<number, number>();
    let reading = true;
    const readers = Promise.all(
      Array.from({ length: 3 }, async () => {
        while (reading) {
          const r = await fetch(`${server.url}/api/v1/customers?limit=5`, { headers }).catch(() => undefined);
          const status = r?.status ?? 0;
          await r?.text();
          readerStatuses.set(status, (readerStatuses.get(status) ?? 0) + 1);
          if (status !== 200) await sleep(10);
        }
      }),
    );
    try {
      for (let round = 0; round < 10; round++) {
        const since = Date.now();
        await until(`a write acknowledged in round ${round + 1}`, () => firstOkAfter(writers.log, since), 20_000);
        await sleep(100 + round * 20);
        await cluster.crash();
        await sleep(200);
        assert.ok(server.alive(), `alive after kill -9 number ${round + 1}:\n${server.output().slice(-2000)}`);
        await restart();
      }
      const since = Date.now();
      await until('a write acknowledged after the last restart', () => firstOkAfter(writers.log, since), 20_000);
    } finally {
      reading = false;
      await writers.stop();
      await readers;
    }
    const log = writers.log;
    console.log(
      `# kill -9 × 10: writes ${JSON.stringify(Object.fromEntries(log.statuses))}, reads ${JSON.stringify(Object.fromEntries(readerStatuses))}`,
    );
    assert.ok(server.alive(), `the server process survived:\n${server.output().slice(-2000)}`);
    assert.deepEqual(log.unexpected, [], 'writes: only 2xx and 503');
    assert.deepEqual(
      [...readerStatuses.keys()].filter((s) => s !== 200 && s !== 503),
      [],
      `reads: only 200 and 503 (${JSON.stringify(Object.fromEntries(readerStatuses))})`,
    );
  });

  test('a primary turned read-only: writes 503, /readyz 503; writable again, both recover', async () => {
    const server = await serverProcess({ DATABASE_URL: cluster.url, AUTH_CACHE_SECONDS: '0' });
    servers.push(server);
    const post = async (name: string) => {
      const r = await fetch(`${server.url}/api/v1/customers`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ name, email: `${name}@crash.example` }),
      });
      return { status: r.status, retryAfter: r.headers.get('retry-after'), body: await r.text() };
    };
    assert.equal((await post('before-ro')).status, 201);
    assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
    await cluster.set('default_transaction_read_only', 'on');
    try {
      const refused = await until('a write refused as unavailable', async () => {
        const r = await post(`during-ro-${Date.now()}`);
        return r.status === 201 ? undefined : r;
      });
      assert.equal(refused.status, 503, refused.body);
      assert.equal(refused.retryAfter, '5');
      assert.equal((await fetch(`${server.url}/readyz`)).status, 503, '/readyz: the primary takes no writes');
    } finally {
      await cluster.set('default_transaction_read_only', 'off');
    }
    await until('writes again', async () => (await post(`after-ro-${Date.now()}`)).status === 201);
    assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
  });

  test('a Unix-socket DATABASE_URL whose server is stopped: 503, not 500', async () => {
    const server = await serverProcess({
      DATABASE_URL: `postgres://postgres@/postgres?host=${encodeURIComponent(cluster.dir)}&port=${cluster.port}`,
      AUTH_CACHE_SECONDS: '0',
    });
    servers.push(server);
    const list = () => fetch(`${server.url}/api/v1/customers?limit=1`, { headers });
    assert.equal((await list()).status, 200);
    await cluster.stop();
    try {
      const r = await list();
      assert.equal(r.status, 503, await r.text());
      assert.equal(r.headers.get('retry-after'), '5');
      assert.equal((await fetch(`${server.url}/readyz`)).status, 503);
    } finally {
      await cluster.start();
    }
    await until('reads again', async () => (await list()).status === 200);
  });
  test("every pool connection has an 'error' listener all its life: connecting, idle, checked out", async () => {
    // An 'error' event with no listener ends the process ("Unhandled 'error' event"): the class of the crash.
    const db = new PostgresDb({ connectionString: cluster.url, max: 2 });
    try {
      const pool = db.pool as unknown as { Client: new (config: object) => import('pg').Client; options: object };
      const connecting = new pool.Client(pool.options);
      assert.doesNotThrow(() => connecting.emit('error', new Error('unexpected postmaster exit')), 'before connecting');
      const client = await db.pool.connect();
      try {
        assert.doesNotThrow(() => client.emit('error', new Error('unexpected postmaster exit')), 'checked out');
      } finally {
        client.release(true);
      }
    } finally {
      await db.close();
    }
  });
});
