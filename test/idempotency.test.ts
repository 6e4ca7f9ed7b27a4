import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildApp } from '../src/http/app.js';
import { wallClock } from '../src/platform/clock.js';
import type { Db, QueryResult } from '../src/platform/db/db.js';
import { purgeExpired } from '../src/platform/idempotency.js';
import { cursorSecret } from '../src/platform/settings.js';
import {
  BACKEND,
  createCustomer,
  type Harness,
  type Json,
  multipart,
  setup,
  type Tenant,
  tenant,
  unique,
  until,
} from './helpers/harness.js';
import { ROUTES } from './helpers/routes.js';

/** Idempotency keys on POST: one effect per key, the same answer replayed, conflicts refused. */
let h: Harness;
let t: Tenant;
before(async () => {
  h = await setup();
  t = await tenant(h);
});
after(async () => {
  await h?.close();
});

async function post(
  url: string,
  payload: unknown,
  key: string | undefined,
  headers: Record<string, string> = t.headers,
): Promise<Json> {
  const res = await h.app.inject({
    method: 'POST',
    url,
    headers: { ...headers, ...(key === undefined ? {} : { 'idempotency-key': key }) },
    payload: payload as object,
  });
  return { status: res.statusCode, body: res.body === '' ? undefined : JSON.parse(res.body), res };
}

async function count(sql: string, params: unknown[]): Promise<number> {
  const { rows } = await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params);
  return rows[0]?.n ?? -1;
}

const email = () => `${unique('idem')}@example.com`;

describe('a POST with an Idempotency-Key', () => {
  test('retried, creates one resource and replays the same status and body (JSON compared by value)', async () => {
    const key = unique('key-');
    const address = email();
    const first = await post('/api/v1/customers', { name: 'Once Ltd', email: address, notes: 'n' }, key);
    assert.equal(first.status, 201, first.res.body);
    assert.equal(first.res.headers['idempotent-replayed'], undefined);
    const again = await post('/api/v1/customers', { notes: 'n', email: address, name: 'Once Ltd' }, key);
    assert.equal(again.status, 201);
    assert.equal(again.res.headers['idempotent-replayed'], 'true');
    assert.equal(again.res.body, first.res.body, 'the very same body');
    assert.equal(await count('customers WHERE business_id = $1 AND email = $2', [t.businessId, address]), 1);
  });

  test('the same key with another body, path or method → 422 at the header, nothing done', async () => {
    const key = unique('key-');
    const customer = await post('/api/v1/customers', { name: 'Keyed', email: email() }, key);
    assert.equal(customer.status, 201);
    for (const [url, payload] of [
      ['/api/v1/customers', { name: 'Other', email: email() }],
      [`/api/v1/customers/${customer.body.data.id}/contacts`, { name: 'Keyed' }],
    ] as const) {
      const r = await post(url, payload, key);
      assert.equal(r.status, 422, r.res.body);
      assert.deepEqual(r.body.detail[0].loc, ['header', 'idempotency-key']);
      assert.match(r.body.detail[0].msg, /used for another request/);
    }
    assert.equal(
      await count('contacts WHERE business_id = $1 AND customer_id = $2', [t.businessId, customer.body.data.id]),
      0,
    );
  });

  test('keys belong to their business: the same key in another business is another request', async () => {
    const other = await tenant(h);
    const key = unique('key-');
    const a = await post('/api/v1/customers', { name: 'A', email: email() }, key);
    const b = await post('/api/v1/customers', { name: 'B', email: email() }, key, other.headers);
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.equal(b.res.headers['idempotent-replayed'], undefined);
    assert.notEqual(a.body.data.id, b.body.data.id);
  });

  test('a business-rule 4xx (404, 409) is replayed; a 422 is not stored, so the key can be used again', async () => {
    const missing = '00000000-0000-7000-8000-000000000000';
    const key404 = unique('key-');
    const r404 = await post(`/api/v1/customers/${missing}/contacts`, { name: 'Nobody' }, key404);
    assert.equal(r404.status, 404);
    const again404 = await post(`/api/v1/customers/${missing}/contacts`, { name: 'Nobody' }, key404);
    assert.equal(again404.status, 404);
    assert.equal(again404.res.headers['idempotent-replayed'], 'true');

    const taken = email();
    assert.equal((await post('/api/v1/customers', { name: 'Taken', email: taken }, undefined)).status, 201);
    const key409 = unique('key-');
    assert.equal((await post('/api/v1/customers', { name: 'Dup', email: taken }, key409)).status, 409);
    const again409 = await post('/api/v1/customers', { name: 'Dup', email: taken }, key409);
    assert.equal(again409.status, 409);
    assert.equal(again409.res.headers['idempotent-replayed'], 'true');

    const key422 = unique('key-');
    assert.equal((await post('/api/v1/customers', { name: '', email: 'bad' }, key422)).status, 422);
    const fixed = await post('/api/v1/customers', { name: 'Fixed', email: email() }, key422);
    assert.equal(fixed.status, 201, 'a 422 left the key free');
  });

  test('a bulk upload is the same request when its file is the same', async () => {
    const key = unique('key-');
    const csv = `name,email\nBulk A,${email()}\nBulk B,${email()}\n`;
    const send = async (content: string) => {
      const m = multipart(content);
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/customers/bulk-upload',
        headers: { ...t.headers, ...m.headers, 'idempotency-key': key },
        payload: m.payload,
      });
      return res;
    };
    const first = await send(csv);
    assert.equal(first.statusCode, 201, first.body);
    assert.equal(JSON.parse(first.body).data.created, 2);
    const again = await send(csv);
    assert.equal(again.statusCode, 201);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(again.body, first.body);
    const other = await send(`name,email\nBulk C,${email()}\n`);
    assert.equal(other.statusCode, 422, other.body);
  });

  test('refused where the answer carries a secret (POST /api/v1/tokens), and when malformed', async () => {
    const r = await post('/api/v1/tokens', {}, 'k1', { authorization: `Bearer ${t.ownerToken}` });
    assert.equal(r.status, 422, r.res.body);
    assert.deepEqual(r.body.detail[0].loc, ['header', 'idempotency-key']);
    assert.equal(await count('api_tokens t JOIN users u ON u.id = t.user_id WHERE u.email = $1', [t.ownerEmail]), 1);
    for (const key of ['x'.repeat(256), 'tab\there', 'é']) {
      const bad = await post('/api/v1/customers', { name: 'Bad Key', email: email() }, key);
      assert.equal(bad.status, 422, key);
      assert.deepEqual(bad.body.detail[0].loc, ['header', 'idempotency-key']);
    }
    // Businesses and members take keys too (scoped to the user, and to the business).
    const key = unique('key-');
    const me = { authorization: `Bearer ${t.ownerToken}` };
    const b1 = await post('/api/v1/businesses', { name: 'Keyed Business' }, key, me);
    const b2 = await post('/api/v1/businesses', { name: 'Keyed Business' }, key, me);
    assert.equal(b1.status, 201);
    assert.equal(b2.res.body, b1.res.body);
  });

  test('a key whose holder died is free again after its lease; a live lease answers 409 with Retry-After', async () => {
    const key = unique('key-');
    const payload = { name: 'After Crash', email: email() };
    // A request that claimed the key, then its process died: the record is left running.
    const first = await post('/api/v1/customers', payload, key);
    assert.equal(first.status, 201);
    await h.db.query(
      `UPDATE idempotency_keys SET state = 'running', status = NULL, body = NULL, locked_until = now() + interval '1 minute'
        WHERE scope = $1 AND key = $2`,
      [`b:${t.businessId}`, key],
    );
    const busy = await post('/api/v1/customers', payload, key);
    assert.equal(busy.status, 409, busy.res.body);
    assert.deepEqual(busy.body, { detail: 'A request with this Idempotency-Key is in progress' });
    assert.equal(busy.res.headers['retry-after'], '1');
    await h.db.query(
      `UPDATE idempotency_keys SET locked_until = now() - interval '1 second' WHERE scope = $1 AND key = $2`,
      [`b:${t.businessId}`, key],
    );
    const taken = await post('/api/v1/customers', { ...payload, email: email() }, key);
    assert.equal(taken.status, 422, 'another body is still another request');
    const retried = await post('/api/v1/customers', payload, key);
    assert.equal(retried.status, 409, 'the customer exists (the dead request had committed it): the rules answer');
  });

  test('two concurrent requests with one key: one effect, and one 409', async () => {
    // A second instance on the same database, whose customer inserts wait at a gate: the
    // first request is then surely in flight when the second arrives.
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    let arrived!: () => void;
    const atGate = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const gated: Db = new Proxy(h.db, {
      get(target, prop, receiver) {
        if (prop === 'transaction') {
          return (fn: (tx: unknown) => Promise<unknown>, opts: unknown) =>
            target.transaction(async (tx) => {
              const wrapped = {
                query: async (text: string, params?: unknown[]): Promise<QueryResult<unknown>> => {
                  if (text.includes('INSERT INTO customers')) {
                    arrived();
                    await gate;
                  }
                  return tx.query(text, params);
                },
                exec: (text: string) => tx.exec(text),
              };
              return fn(wrapped);
            }, opts as never);
        }
        return Reflect.get(target, prop, receiver);
      },
    });
    // Its authentication is cached (warmed below): with the embedded database, any statement would
    // wait for the gated transaction, which PGlite runs alone.
    const slow = await buildApp({ db: gated, cursorSecret: await cursorSecret(h.db), authCacheTtlMs: 60_000 });
    try {
      const key = unique('key-');
      const payload = { name: 'Concurrent', email: email() };
      assert.equal((await slow.inject({ url: '/api/v1/customers?limit=1', headers: t.headers })).statusCode, 200);
      const slowRequest = slow.inject({
        method: 'POST',
        url: '/api/v1/customers',
        headers: { ...t.headers, 'idempotency-key': key },
        payload,
      });
      await atGate;
      // The same instance knows its own requests in flight.
      const second = await slow.inject({
        method: 'POST',
        url: '/api/v1/customers',
        headers: { ...t.headers, 'idempotency-key': key },
        payload,
      });
      assert.equal(second.statusCode, 409, second.body);
      assert.equal(second.headers['retry-after'], '1');
      if (BACKEND === 'postgres') {
        // Another instance learns it from the key's lease in the database.
        const elsewhere = await post('/api/v1/customers', payload, key);
        assert.equal(elsewhere.status, 409, elsewhere.res.body);
      }
      open();
      const first = await slowRequest;
      assert.equal(first.statusCode, 201, first.body);
      const replay = await post('/api/v1/customers', payload, key);
      assert.equal(replay.status, 201);
      assert.equal(replay.res.body, first.body);
      assert.equal(await count('customers WHERE business_id = $1 AND email = $2', [t.businessId, payload.email]), 1);
    } finally {
      open();
      await slow.close();
    }
  });

  test('an effect whose outcome cannot be stored is rolled back and answered 503; the key stays free', async () => {
    // The store fails for these keys only (a trigger refuses their outcome).
    await h.db.exec(`CREATE OR REPLACE FUNCTION refuse_outcome() RETURNS trigger LANGUAGE plpgsql AS $$
                     BEGIN RAISE EXCEPTION 'outcome refused'; END $$`);
    await h.db.exec(`CREATE TRIGGER refuse_outcome BEFORE UPDATE ON idempotency_keys FOR EACH ROW
                     WHEN (NEW.state = 'done' AND NEW.key LIKE 'unstorable-%') EXECUTE FUNCTION refuse_outcome()`);
    const key = unique('unstorable-');
    const payload = { name: 'Unstorable', email: email() };
    const missing = '00000000-0000-7000-8000-000000000000';
    try {
      const r = await post('/api/v1/customers', payload, key);
      assert.equal(r.status, 503, r.res.body);
      assert.equal(r.res.headers['retry-after'], '5');
      assert.equal(r.body.detail, 'Service unavailable');
      assert.equal(await count('customers WHERE business_id = $1 AND email = $2', [t.businessId, payload.email]), 0);
      // A business-rule 4xx that cannot be stored is no different.
      const r404 = await post(`/api/v1/customers/${missing}/contacts`, { name: 'Nobody' }, unique('unstorable-'));
      assert.equal(r404.status, 503, r404.res.body);
    } finally {
      await h.db.exec('DROP TRIGGER refuse_outcome ON idempotency_keys');
    }
    const retried = await post('/api/v1/customers', payload, key);
    assert.equal(retried.status, 201, retried.res.body);
    assert.equal(retried.res.headers['idempotent-replayed'], undefined);
    assert.equal(await count('customers WHERE business_id = $1 AND email = $2', [t.businessId, payload.email]), 1);
  });

  test('a request whose lease lapsed and whose key was claimed again cannot commit: one effect, it answers 503', {
    skip: BACKEND !== 'postgres' && 'needs two connections (PostgreSQL)',
  }, async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    let arrived!: () => void;
    const atGate = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    // The first request's contact insert waits at the gate, its key's lease meanwhile lapsing.
    const gated: Db = new Proxy(h.db, {
      get(target, prop, receiver) {
        if (prop === 'transaction') {
          return (fn: (tx: unknown) => Promise<unknown>, opts: unknown) =>
            target.transaction(
              async (tx) =>
                fn({
                  query: async (text: string, params?: unknown[]): Promise<QueryResult<unknown>> => {
                    if (text.includes("SET state = 'done'")) {
                      arrived();
                      await gate;
                    }
                    return tx.query(text, params);
                  },
                  exec: (text: string) => tx.exec(text),
                }),
              opts as never,
            );
        }
        return Reflect.get(target, prop, receiver);
      },
    });
    const slow = await buildApp({ db: gated, cursorSecret: await cursorSecret(h.db) });
    try {
      const customer = await createCustomer(h, t);
      const url = `/api/v1/customers/${customer.id}/contacts`;
      const key = unique('key-');
      const name = unique('Fenced ');
      const first = slow.inject({
        method: 'POST',
        url,
        headers: { ...t.headers, 'idempotency-key': key },
        payload: { name },
      });
      await atGate;
      await h.db.query(
        `UPDATE idempotency_keys SET locked_until = now() - interval '1 second' WHERE scope = $1 AND key = $2`,
        [`b:${t.businessId}`, key],
      );
      // Another request takes the key; its own effect waits for the first's locks.
      const taking = post(url, { name }, key);
      await until('the second request waiting on the first', async () => {
        const { rows } = await h.db.query(
          `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
        );
        return rows.length > 0;
      });
      open();
      const late = await first;
      const second = await taking;
      assert.equal(second.status, 201, second.res.body);
      assert.equal(late.statusCode, 503, `the lapsed holder stores nothing and commits nothing: ${late.body}`);
      assert.equal(await count('contacts WHERE customer_id = $1 AND name = $2', [customer.id, name]), 1);
      const replay = await post(url, { name }, key);
      assert.equal(replay.res.headers['idempotent-replayed'], 'true');
      assert.equal(replay.res.body, second.res.body);
    } finally {
      open();
      await slow.close();
    }
  });

  test('expired keys are purged in batches, and free before that', async () => {
    const key = unique('key-');
    assert.equal((await post('/api/v1/customers', { name: 'Old', email: email() }, key)).status, 201);
    await h.db.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1`, [key]);
    let purged = 0;
    for (let n = await purgeExpired(h.db, wallClock, 10); n > 0; n = await purgeExpired(h.db, wallClock, 10))
      purged += n;
    assert.ok(purged >= 1);
    assert.equal(await count('idempotency_keys WHERE key = $1', [key]), 0);

    // Past its 24 hours, even before the purge, a key is free for another request.
    const reused = unique('key-');
    assert.equal((await post('/api/v1/customers', { name: 'First', email: email() }, reused)).status, 201);
    await h.db.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1`, [reused]);
    const fresh = await post('/api/v1/customers', { name: 'Second', email: email() }, reused);
    assert.equal(fresh.status, 201, fresh.res.body);
    assert.equal(fresh.res.headers['idempotent-replayed'], undefined);
  });
});

describe('every POST route', () => {
  // Each runs its effect in the request's transaction (its handler reads its services through
  // req.services, test/services.test.ts): one that did not would not be covered by the key — and on the embedded
  // database would wait forever for the transaction its own request holds open.
  // Routes whose answer carries a secret refuse keys (their own tests: test/admin.test.ts, test/invitations.test.ts).
  const refusing = new Set([
    'POST /api/v1/tokens',
    'POST /api/v1/businesses/users',
    'POST /api/v1/businesses/invitations',
  ]);
  for (const route of ROUTES.filter((r) => r.name.startsWith('POST ') && !refusing.has(r.name))) {
    test(`${route.name}: one effect, the same answer replayed`, async () => {
      const own = await tenant(h);
      const customer = await createCustomer(h, own);
      const ids = { businessId: own.businessId, customerId: customer.id, contactId: '' };
      const req = await route.request(ids, { ...own.headers, 'idempotency-key': unique('route-') }, h);
      const first = await h.app.inject(req);
      // A route whose answer carries a secret refuses keys instead (test/trust.test.ts covers those).
      const path = route.name.replace(/\{([a-z_]+)\}/g, ':$1').slice('POST '.length);
      if (h.app.routeTable.some((r) => r.method === 'POST' && r.url === path && r.idempotency === 'refuse')) {
        assert.equal(first.statusCode, 422, first.body);
        return;
      }
      assert.equal(first.statusCode, route.ok, first.body);
      const again = await h.app.inject(req);
      assert.equal(again.statusCode, route.ok, again.body);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.equal(again.body, first.body);
    });
  }
});
