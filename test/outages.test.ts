import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { CustomersApi, type RetryEvent } from '../packages/client/src/index.js';
import { migrate } from '../src/platform/db/migrate.js';
import { PostgresDb } from '../src/platform/db/postgres.js';
import { createBusiness } from '../src/resources/businesses/service.js';
import { Cluster, clusterUnavailable } from './helpers/cluster.js';
import { authHeaders, BACKEND, until } from './helpers/harness.js';
import { http, type ServerProcess, startServerProcess } from './helpers/server-process.js';

/**
 * The database failing under a real server process, reached over TCP: Node marks a request
 * stream destroyed once its body is read, which an in-process inject cannot show. Each
 * run has a throwaway PostgreSQL cluster of its own (never the shared server).
 */
const skip = BACKEND !== 'postgres' ? 'PostgreSQL outages: run with TEST_DATABASE_URL' : clusterUnavailable();

let cluster: Cluster;
let server: ServerProcess;
let headers: Record<string, string>;
let token: string;
let businessId: string;

async function sql<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, params: unknown[] = []) {
  const c = new pg.Client({ connectionString: cluster.url });
  await c.connect();
  try {
    return (await c.query<R>(text, params)).rows;
  } finally {
    await c.end();
  }
}

/** A create (or update) body: a name and an e-mail made from it. */
const customer = (name: string) => ({ name, email: `${name.replace(/[^a-z0-9]+/gi, '-')}@example.com` });

const customersNamed = async (name: string) =>
  (await sql<{ n: number }>('SELECT count(*)::int AS n FROM customers WHERE name = $1', [name]))[0]?.n;

/** The contract's 503: `{"detail":"Service unavailable"}` (and perhaps `request_id`) with Retry-After. */
function assertUnavailable(r: { status: number; headers: Record<string, unknown>; body: string }, what: string) {
  assert.equal(r.status, 503, `${what}: ${r.status} ${r.body}`);
  assert.equal(r.headers['retry-after'], '5', `${what}: Retry-After`);
  const body = JSON.parse(r.body);
  assert.equal(body.detail, 'Service unavailable', what);
  assert.deepEqual(
    Object.keys(body).filter((k) => k !== 'request_id'),
    ['detail'],
    `${what}: only {"detail"}`,
  );
}

before(async () => {
  if (skip) return;
  cluster = await Cluster.create();
  const db = new PostgresDb({ connectionString: cluster.url, max: 2 });
  try {
    await migrate(db);
    const b = await createBusiness(db, { name: 'Outages', ownerEmail: 'outages@example.com' });
    token = b.token;
    businessId = b.business_id;
    headers = authHeaders(b.token, b.business_id);
  } finally {
    await db.close();
  }
  server = await startServerProcess({
    DATABASE_URL: cluster.url,
    // Cached authentication: the handler itself, after the body was read, meets the outage.
    AUTH_CACHE_SECONDS: '300',
    RATE_LIMIT_PER_TOKEN: '0',
    DB_STATEMENT_TIMEOUT_MS: '10000',
    DB_CONNECT_TIMEOUT_MS: '500',
    DB_STARTUP_WAIT_SECONDS: '0',
  });
});
after(async () => {
  await server?.stop();
  await cluster?.destroy();
});

describe('a real server process while its database fails', { skip }, () => {
  test('an unexpected error in a POST with a body: 500 {"detail"}, logged; with a key, not stored', async () => {
    await sql(`CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$
               BEGIN RAISE EXCEPTION 'boom' USING ERRCODE = 'XX000'; END $$`);
    await sql(`CREATE TRIGGER boom BEFORE INSERT ON customers FOR EACH ROW
               WHEN (NEW.name LIKE 'boom%') EXECUTE FUNCTION boom()`);
    try {
      const r = await http(server.url, { method: 'POST', path: '/api/v1/customers', headers, body: customer('boom') });
      assert.equal(r.status, 500, r.body);
      assert.deepEqual(r.json(), { detail: 'Internal Server Error', request_id: r.headers['x-request-id'] });
      await until('the 500 in the error log', () =>
        server
          .logs()
          .find((l) => l.reqId === r.headers['x-request-id'] && l.level === 50 && l.msg === 'unhandled error'),
      );
      const keyed = await http(server.url, {
        method: 'POST',
        path: '/api/v1/customers',
        headers: { ...headers, 'idempotency-key': 'boom-key' },
        body: customer('boom keyed'),
      });
      assert.equal(keyed.status, 500, keyed.body);
    } finally {
      await sql('DROP TRIGGER boom ON customers');
    }
    const retried = await http(server.url, {
      method: 'POST',
      path: '/api/v1/customers',
      headers: { ...headers, 'idempotency-key': 'boom-key' },
      body: customer('boom keyed'),
    });
    assert.equal(retried.status, 201, `the 500 was not stored under its key: ${retried.body}`);
    assert.equal(retried.headers['idempotent-replayed'], undefined);
    assert.equal(await customersNamed('boom keyed'), 1);
  });

  test('PostgreSQL stopped: POST and PUT with bodies → 503 + Retry-After; a keyed POST is not stored; the typed client retries', async () => {
    const created = await http(server.url, {
      method: 'POST',
      path: '/api/v1/customers',
      headers,
      body: customer('before the outage'),
    });
    assert.equal(created.status, 201, created.body);
    const id = created.json().data.id as string;
    const retries: RetryEvent[] = [];
    const client = new CustomersApi({
      baseUrl: server.url,
      token,
      businessId,
      retry: { max: 30, baseDelayMs: 100, maxDelayMs: 6000 },
      onRetry: (e) => retries.push(e),
    });
    await cluster.stop();
    let viaClient: Promise<unknown> | undefined;
    try {
      const post = await http(server.url, { method: 'POST', path: '/api/v1/customers', headers, body: customer('x') });
      assertUnavailable(post, 'POST');
      const put = await http(server.url, {
        method: 'PUT',
        path: `/api/v1/customers/${id}`,
        headers,
        body: customer('renamed'),
      });
      assertUnavailable(put, 'PUT');
      const keyed = await http(server.url, {
        method: 'POST',
        path: '/api/v1/customers',
        headers: { ...headers, 'idempotency-key': 'outage-key' },
        body: customer('outage keyed'),
      });
      assertUnavailable(keyed, 'keyed POST');
      viaClient = client.customers.create(customer('outage via client'));
      viaClient.catch(() => {});
      await until('the typed client retrying a 503', () => retries.find((e) => e.status === 503));
    } finally {
      await cluster.start();
    }
    await viaClient;
    assert.equal(await customersNamed('outage via client'), 1, 'the client retried the 503 into one customer');
    const retried = await until('the keyed POST served again', async () => {
      const r = await http(server.url, {
        method: 'POST',
        path: '/api/v1/customers',
        headers: { ...headers, 'idempotency-key': 'outage-key' },
        body: customer('outage keyed'),
      });
      return r.status === 503 ? undefined : r;
    });
    assert.equal(retried.status, 201, retried.body);
    assert.equal(retried.headers['idempotent-replayed'], undefined, 'nothing was stored during the outage');
    assert.equal(await customersNamed('outage keyed'), 1);
  });

  test('PostgreSQL stops during a keyed write: 503 {"detail"} (never a body of Fastify’s own), the retry creates one', async () => {
    await sql(`CREATE OR REPLACE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS $$
               BEGIN PERFORM pg_sleep(30); RETURN NEW; END $$`);
    await sql(`CREATE TRIGGER slow BEFORE INSERT ON customers FOR EACH ROW
               WHEN (NEW.name = 'mid-write') EXECUTE FUNCTION slow()`);
    const send = () =>
      http(server.url, {
        method: 'POST',
        path: '/api/v1/customers',
        headers: { ...headers, 'idempotency-key': 'mid-write-key' },
        body: customer('mid-write'),
        timeoutMs: 20_000,
      });
    const first = send();
    await until('the write waiting in its trigger', async () =>
      (await sql(`SELECT 1 FROM pg_stat_activity WHERE wait_event = 'PgSleep'`)).length > 0 ? true : undefined,
    );
    await cluster.stop();
    try {
      assertUnavailable(await first, 'the write cut off by the stop');
    } finally {
      await cluster.start();
    }
    await sql('DROP TRIGGER slow ON customers');
    const retried = await until(
      'the key free again',
      async () => {
        const r = await send();
        return r.status === 503 || r.status === 409 ? undefined : r;
      },
      20_000,
    );
    assert.equal(retried.status, 201, retried.body);
    assert.equal(retried.headers['idempotent-replayed'], undefined);
    assert.equal(await customersNamed('mid-write'), 1);
  });
});
