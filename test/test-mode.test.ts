// Test mode's control API (contract §7): the /_test/ routes, faults, the webhook
// capture log and flush, and the clock every rule about time follows.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import {
  ConnectionError,
  CustomersApi,
  type RetryEvent,
  ServerError,
  TimeoutError,
} from '../packages/client/src/index.js';
import { buildApp } from '../src/http/app.js';
import { cursorSecret } from '../src/platform/settings.js';
import { hashToken } from '../src/resources/tokens/service.js';
import { call, createCustomer, type Harness, setup, type Tenant, tenant, unique } from './helpers/harness.js';

const KEY = 'k';
const key = { 'x-test-key': KEY };
let h: Harness;
let resets = 0;
let baseUrl: string;

before(async () => {
  h = await setup({
    // A cached token is judged against the clock too: the cache is on, with a long TTL.
    authCacheTtlMs: 60_000,
    testMode: {
      key: KEY,
      resetData: async () => {
        resets++;
      },
    },
  });
  baseUrl = await h.app.listen({ port: 0, host: '127.0.0.1' });
});
after(async () => {
  // The client's keep-alive connections (one left by an aborted request among them) would hold close for seconds.
  h?.app.server.closeAllConnections();
  await h?.close();
});

async function testCall(method: 'GET' | 'POST' | 'DELETE', url: string, payload?: Record<string, unknown>) {
  return await call(h, { method, url, headers: key, ...(payload === undefined ? {} : { payload }) });
}

async function arm(fault: Record<string, unknown>): Promise<string> {
  const r = await testCall('POST', '/_test/faults', fault);
  assert.equal(r.status, 201, r.res.body);
  return r.body.data.id;
}

async function reset(): Promise<void> {
  const r = await testCall('POST', '/_test/reset');
  assert.equal(r.status, 200, r.res.body);
}

/** A receiver on this machine answering `status` to every delivery. */
async function receiver(status: number): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(status).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, server };
}

async function endpoint(t: Tenant, url: string): Promise<{ id: string; secret: string }> {
  const r = await call(h, {
    method: 'POST',
    url: '/api/v1/webhook-endpoints',
    headers: t.headers,
    payload: { url, events: ['*'] },
  });
  assert.equal(r.status, 201, r.res.body);
  return { id: r.body.data.id, secret: r.body.data.secret };
}

describe('outside test mode', () => {
  test('the /_test/ routes do not exist and are not published; capture: is no webhook URL', async () => {
    const plain = await buildApp({ db: h.db, cursorSecret: await cursorSecret(h.db) });
    try {
      for (const [method, url] of [
        ['POST', '/_test/reset'],
        ['GET', '/_test/faults'],
        ['POST', '/_test/clock'],
        ['GET', '/_test/webhooks'],
      ] as const) {
        const res = await plain.inject({ method, url, headers: key, payload: method === 'POST' ? {} : undefined });
        assert.equal(res.statusCode, 404, `${method} ${url}: ${res.body}`);
      }
      const doc = JSON.parse((await plain.inject({ url: '/openapi.json' })).body);
      assert.deepEqual(
        Object.keys(doc.paths).filter((p) => p.startsWith('/_test')),
        [],
      );
      assert.ok(!doc.tags.some((tag: { name: string }) => tag.name === 'test-mode'));
      const t = await tenant(h);
      const res = await plain.inject({
        method: 'POST',
        url: '/api/v1/webhook-endpoints',
        headers: t.headers,
        payload: { url: 'capture:', events: ['*'] },
      });
      assert.equal(res.statusCode, 422, res.body);
    } finally {
      await plain.close();
    }
  });
});

describe('the /_test/ routes', () => {
  test('are published under the tag test-mode, with their schemas', async () => {
    const doc = JSON.parse((await h.app.inject({ url: '/openapi.json' })).body);
    const paths = Object.keys(doc.paths).filter((p) => p.startsWith('/_test/'));
    assert.deepEqual(paths.sort(), [
      '/_test/clock',
      '/_test/faults',
      '/_test/reset',
      '/_test/webhooks',
      '/_test/webhooks/flush',
    ]);
    for (const p of paths) {
      for (const op of Object.values(doc.paths[p]) as { tags: string[] }[]) assert.deepEqual(op.tags, ['test-mode']);
    }
    assert.ok(doc.tags.some((tag: { name: string }) => tag.name === 'test-mode'));
    assert.ok(doc.components.schemas.TestFaultCreateRequest);
  });

  test('need x-test-key: missing or wrong → 401 in the contract shape', async () => {
    for (const headers of [{}, { 'x-test-key': 'wrong' }, { 'x-test-key': `${KEY}x` }]) {
      for (const [method, url] of [
        ['POST', '/_test/reset'],
        ['GET', '/_test/faults'],
        ['GET', '/_test/webhooks'],
      ] as const) {
        const r = await call(h, { method, url, headers });
        assert.equal(r.status, 401, `${method} ${url} ${JSON.stringify(headers)}`);
        assert.deepEqual(r.body, { detail: 'Not authenticated' });
      }
    }
    const before = resets;
    await reset();
    assert.equal(resets, before + 1, 'resetData was called');
  });

  test('reset clears faults, the capture log, the clock and the auth cache, after the requests in flight', async () => {
    const t = await tenant(h);
    const e = await endpoint(t, 'capture:');
    await createCustomer(h, t);
    await testCall('POST', '/_test/webhooks/flush');
    assert.ok((await testCall('GET', '/_test/webhooks')).body.data.some((a: any) => a.endpoint_id === e.id));
    await arm({ path: '/api/v1/never*', status: 500, count: 1 });
    await testCall('POST', '/_test/clock', { advance_seconds: 3600 });
    // The owner's token is cached; revoked behind the cache's back, it is still accepted until the reset.
    assert.equal((await call(h, { url: '/api/v1/businesses', headers: t.headers })).status, 200);
    await h.db.query('UPDATE api_tokens SET revoked_at = now() WHERE token_hash = $1', [hashToken(t.ownerToken)]);
    assert.equal((await call(h, { url: '/api/v1/businesses', headers: t.headers })).status, 200, 'cached');

    // A request held by a delay fault is in flight when the reset comes: the reset waits for it.
    const other = await tenant(h);
    await arm({ method: 'GET', path: '/api/v1/customers', delay_ms: 300, count: 1 });
    const order: string[] = [];
    const slow = call(h, { url: '/api/v1/customers', headers: other.headers }).then((r) => {
      order.push(`request ${r.status}`);
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const r = await testCall('POST', '/_test/reset');
    order.push('reset');
    await slow;
    assert.equal(r.status, 200);
    assert.deepEqual(order, ['request 200', 'reset']);
    assert.ok(Math.abs(Date.parse(r.body.data.now) - Date.now()) < 60_000, 'the clock is back to real time');

    assert.deepEqual((await testCall('GET', '/_test/faults')).body.data, []);
    assert.deepEqual((await testCall('GET', '/_test/webhooks')).body.data, []);
    assert.equal((await call(h, { url: '/api/v1/businesses', headers: t.headers })).status, 401, 'cache cleared');
  });

  test('reset starts the rate limits afresh', async () => {
    const limited = await buildApp({
      db: h.db,
      cursorSecret: await cursorSecret(h.db),
      rateLimit: { perToken: 2, perAddress: 0, windowMs: 60_000 },
      testMode: { key: KEY, resetData: async () => {} },
    });
    try {
      const t = await tenant(h);
      const get = async () => (await limited.inject({ url: '/api/v1/businesses', headers: t.headers })).statusCode;
      assert.deepEqual([await get(), await get(), await get()], [200, 200, 429]);
      assert.equal((await limited.inject({ method: 'POST', url: '/_test/reset', headers: key })).statusCode, 200);
      assert.equal(await get(), 200);
    } finally {
      await limited.close();
    }
  });
});

describe('faults', () => {
  test('answer 429, 500 and 503 in the real shapes, count times, after authentication', async () => {
    await reset();
    const t = await tenant(h);
    const url = '/api/v1/customers';
    await arm({ method: 'GET', path: '/api/v1/cust*', status: 429, count: 2 });
    // No token: the 401 comes first, and spends nothing of the fault.
    assert.equal((await call(h, { url })).status, 401);
    for (let i = 0; i < 2; i++) {
      const r = await call(h, { url, headers: t.headers });
      assert.equal(r.status, 429);
      assert.deepEqual(r.body, { detail: 'Too many requests' });
      assert.equal(r.res.headers['retry-after'], '1');
    }
    assert.equal((await call(h, { url, headers: t.headers })).status, 200, 'count spent');

    await arm({ path: url, status: 503, count: 1 });
    const unavailable = await call(h, { url, headers: t.headers });
    assert.equal(unavailable.status, 503);
    assert.deepEqual(unavailable.body, { detail: 'Service unavailable' });
    assert.equal(unavailable.res.headers['retry-after'], '1');

    await arm({ path: url, status: 500, count: 1 });
    const failed = await call(h, { url, headers: t.headers });
    assert.equal(failed.status, 500);
    assert.deepEqual(failed.body, { detail: 'Internal Server Error' });

    // Another method, another path: untouched.
    await arm({ method: 'POST', path: url, status: 500, count: 1 });
    assert.equal((await call(h, { url, headers: t.headers })).status, 200);
    assert.equal((await testCall('GET', '/_test/faults')).body.data.length, 1);
    assert.equal((await testCall('DELETE', '/_test/faults')).status, 200);
    assert.deepEqual((await testCall('GET', '/_test/faults')).body.data, []);
  });

  test('a status fault runs nothing: no effect, no idempotency record', async () => {
    await reset();
    const t = await tenant(h);
    const idem = unique('key');
    const payload = { name: unique('Customer '), email: `${unique('c')}@example.com` };
    await arm({ method: 'POST', path: '/api/v1/customers', status: 503, count: 1 });
    const headers = { ...t.headers, 'idempotency-key': idem };
    const refused = await call(h, { method: 'POST', url: '/api/v1/customers', headers, payload });
    assert.equal(refused.status, 503);
    const { rows } = await h.db.query('SELECT 1 FROM idempotency_keys WHERE key = $1', [idem]);
    assert.equal(rows.length, 0, 'no idempotency record');
    const list = await call(h, { url: '/api/v1/customers', headers: t.headers });
    assert.equal(list.body.data.items.length, 0, 'no effect');
    const created = await call(h, { method: 'POST', url: '/api/v1/customers', headers, payload });
    assert.equal(created.status, 201, 'the retry with the same key runs');
  });

  test('never match /_test/; an armed fault needs a kind; a bad status is 422', async () => {
    await reset();
    await arm({ path: '*', status: 500, count: 100 });
    assert.equal((await testCall('GET', '/_test/faults')).status, 200);
    assert.equal((await testCall('DELETE', '/_test/faults')).status, 200);
    const none = await testCall('POST', '/_test/faults', { path: '/x', count: 1 });
    assert.equal(none.status, 422, none.res.body);
    assert.deepEqual(none.body.detail[0].loc, ['body', 'status']);
    const teapot = await testCall('POST', '/_test/faults', { path: '/x', status: 418, count: 1 });
    assert.equal(teapot.status, 422, teapot.res.body);
    const noCount = await testCall('POST', '/_test/faults', { path: '/x', status: 500 });
    assert.equal(noCount.status, 422, noCount.res.body);
  });

  test('reach the typed client, which retries 429 and 503 as documented (real socket)', async () => {
    await reset();
    const t = await tenant(h);
    const retries: RetryEvent[] = [];
    const api = new CustomersApi({
      baseUrl,
      token: t.ownerToken,
      businessId: t.businessId,
      retry: { baseDelayMs: 10 },
      onRetry: (e) => retries.push(e),
    });
    // 429 then 503: retried after Retry-After, and the call succeeds.
    await arm({ method: 'GET', path: '/api/v1/customers', status: 429, count: 1 });
    await arm({ method: 'GET', path: '/api/v1/customers', status: 503, count: 1 });
    const page = await api.customers.page();
    assert.deepEqual(page.items, []);
    assert.deepEqual(
      retries.map((e) => e.status),
      [429, 503],
    );
    assert.ok(
      retries.every((e) => e.delayMs >= 1000),
      'Retry-After: 1 is honoured',
    );

    // 500: not retried, a ServerError.
    retries.length = 0;
    await arm({ method: 'GET', path: '/api/v1/customers', status: 500, count: 1 });
    await assert.rejects(api.customers.page(), (err) => err instanceof ServerError && err.status === 500);
    assert.equal(retries.length, 0);

    // A reset connection: a GET is retried (and then answered); without retries it is a ConnectionError.
    await arm({ method: 'GET', path: '/api/v1/customers', reset_connection: true, count: 1 });
    assert.deepEqual((await api.customers.page()).items, []);
    assert.deepEqual(
      retries.map((e) => e.status),
      [null],
    );
    const once = new CustomersApi({ baseUrl, token: t.ownerToken, businessId: t.businessId, retry: { max: 0 } });
    await arm({ method: 'GET', path: '/api/v1/customers', reset_connection: true, count: 1 });
    await assert.rejects(once.customers.page(), (err) => err instanceof ConnectionError);

    // A delay: past the client's deadline a TimeoutError, within it the answer (wide margins
    // both ways: a loaded machine must not turn either into the other).
    const client = (timeoutMs: number) =>
      new CustomersApi({ baseUrl, token: t.ownerToken, businessId: t.businessId, timeoutMs, retry: { max: 0 } });
    await arm({ method: 'GET', path: '/api/v1/customers', delay_ms: 3000, count: 1 });
    await assert.rejects(client(200).customers.page(), (err) => err instanceof TimeoutError);
    await arm({ method: 'GET', path: '/api/v1/customers', delay_ms: 50, count: 1 });
    assert.deepEqual((await client(10_000).customers.page()).items, []);
    assert.deepEqual((await testCall('GET', '/_test/faults')).body.data, []);
  });
});

describe('webhooks in test mode', () => {
  test('capture: records a delivery signed like a real one, and flush attempts it now', async () => {
    await reset();
    const t = await tenant(h);
    const e = await endpoint(t, 'capture:');
    const customer = await createCustomer(h, t);
    const flushed = await testCall('POST', '/_test/webhooks/flush');
    assert.equal(flushed.status, 200, flushed.res.body);
    assert.equal(flushed.body.data.attempts, 1);
    const log = (await testCall('GET', '/_test/webhooks')).body.data;
    assert.equal(log.length, 1);
    const [attempt] = log;
    assert.equal(attempt.endpoint_id, e.id);
    assert.equal(attempt.url, 'capture:');
    assert.equal(attempt.status, 204);
    assert.equal(attempt.error, null);
    const verified = new Webhook(e.secret).verify(attempt.body, attempt.headers) as any;
    assert.equal(verified.type, 'customer.created');
    assert.equal(verified.data.object.id, customer.id);
    assert.throws(() => new Webhook(e.secret).verify(`${attempt.body} `, attempt.headers), 'the signature is checked');
  });

  test('http:// and private receivers are allowed; every attempt is logged, oldest first', async () => {
    await reset();
    const t = await tenant(h);
    const r = await receiver(500);
    try {
      const e = await endpoint(t, r.url);
      await createCustomer(h, t);
      await createCustomer(h, t);
      await testCall('POST', '/_test/webhooks/flush');
      const log = (await testCall('GET', '/_test/webhooks')).body.data;
      assert.deepEqual(
        log.map((a: any) => [a.endpoint_id, a.url, a.status]),
        [
          [e.id, r.url, 500],
          [e.id, r.url, 500],
        ],
      );
      assert.ok(Date.parse(log[0].attempted_at) <= Date.parse(log[1].attempted_at));
    } finally {
      r.server.close();
    }
  });
});

describe('the clock', () => {
  test('advance_seconds must be a number ≥ 0; the answer is the new now', async () => {
    await reset();
    for (const payload of [{ advance_seconds: -1 }, { advance_seconds: 'soon' }, {}]) {
      const r = await testCall('POST', '/_test/clock', payload);
      assert.equal(r.status, 422, JSON.stringify(payload));
    }
    const r = await testCall('POST', '/_test/clock', { advance_seconds: 86_400 });
    assert.equal(r.status, 200);
    assert.match(r.body.data.now, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    assert.ok(Date.parse(r.body.data.now) - Date.now() > 86_300_000);
  });

  test('moves a token past its expiry: accepted, then 401 (the cached answer too)', async () => {
    await reset();
    const t = await tenant(h);
    const minted = await call(h, {
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { authorization: `Bearer ${t.ownerToken}` },
      payload: { expires_in_days: 1 },
    });
    assert.equal(minted.status, 201, minted.res.body);
    const headers = { authorization: `Bearer ${minted.body.data.token}`, 'x-business-id': t.businessId };
    // A second one, first used after the clock moved: judged by the database lookup, not the cache.
    const unused = await call(h, {
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { authorization: `Bearer ${t.ownerToken}` },
      payload: { expires_in_days: 1 },
    });
    const unusedHeaders = { authorization: `Bearer ${unused.body.data.token}`, 'x-business-id': t.businessId };
    assert.equal((await call(h, { url: '/api/v1/customers', headers })).status, 200);
    await testCall('POST', '/_test/clock', { advance_seconds: 86_400 - 600 });
    assert.equal((await call(h, { url: '/api/v1/customers', headers })).status, 200, 'not yet expired');
    await testCall('POST', '/_test/clock', { advance_seconds: 1200 });
    assert.equal((await call(h, { url: '/api/v1/customers', headers })).status, 401, 'expired by the clock');
    assert.equal((await call(h, { url: '/api/v1/customers', headers: unusedHeaders })).status, 401, 'looked up');
    await reset();
    assert.equal((await call(h, { url: '/api/v1/customers', headers })).status, 200, 'back to real time');
  });

  test('idempotency keys expire by the clock', async () => {
    await reset();
    const t = await tenant(h);
    const customer = await createCustomer(h, t);
    const url = `/api/v1/customers/${customer.id}/contacts`;
    const headers = { ...t.headers, 'idempotency-key': unique('key') };
    const payload = { name: unique('Contact ') };
    const first = await call(h, { method: 'POST', url, headers, payload });
    const replay = await call(h, { method: 'POST', url, headers, payload });
    assert.equal(replay.body.data.id, first.body.data.id, 'replayed within 24 h');
    await testCall('POST', '/_test/clock', { advance_seconds: 25 * 3600 });
    const again = await call(h, { method: 'POST', url, headers, payload });
    assert.equal(again.status, 201);
    assert.notEqual(again.body.data.id, first.body.data.id, 'the key expired: the request ran again');
  });

  test('the webhook retry schedule and its give-up follow the clock', async () => {
    await reset();
    const t = await tenant(h);
    const r = await receiver(500);
    try {
      const e = await endpoint(t, r.url);
      await createCustomer(h, t);
      const advanced = Date.parse((await testCall('POST', '/_test/clock', { advance_seconds: 7200 })).body.data.now);
      await testCall('POST', '/_test/webhooks/flush');
      const attempts = await call(h, { url: `/api/v1/webhook-endpoints/${e.id}/deliveries`, headers: t.headers });
      const [first] = attempts.body.data.items;
      assert.equal(first.status_code, 500);
      // The next attempt is 5 s after the clock's now, two hours ahead of the wall clock's.
      const next = Date.parse(first.next_retry_at) - advanced;
      assert.ok(next >= 4_000 && next < 60_000, `next attempt ${next} ms after the clock's now`);
      // Past the 3 days the schedule gives up: a flush then sends nothing, and the delivery is failed.
      await testCall('POST', '/_test/clock', { advance_seconds: 3 * 86_400 });
      const flushed = await testCall('POST', '/_test/webhooks/flush');
      assert.equal(flushed.body.data.attempts, 0);
      const { rows } = await h.db.query<{ state: string }>(
        'SELECT state FROM webhook_deliveries WHERE business_id = $1 AND endpoint_id = $2',
        [t.businessId, e.id],
      );
      assert.deepEqual(
        rows.map((row) => row.state),
        ['failed'],
      );
    } finally {
      r.server.close();
    }
  });
});
