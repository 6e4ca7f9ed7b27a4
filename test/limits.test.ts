import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { buildApp, type RateLimitOptions } from '../src/http/app.js';
import { cursorSecret } from '../src/platform/settings.js';
import { freePort } from './helpers/cluster.js';
import { BACKEND, call, createCustomer, type Harness, setup, type Tenant, tenant } from './helpers/harness.js';

let h: Harness;
before(async () => {
  h = await setup();
});
after(async () => {
  await h?.close();
});

/** An app on the suite's database with its own limits (and its own counters). */
async function limited(rateLimit: RateLimitOptions, extra: { trustProxy?: string } = {}): Promise<Harness> {
  const app = await buildApp({ db: h.db, cursorSecret: await cursorSecret(h.db), rateLimit, ...extra });
  return { db: h.db, app, databaseUrl: h.databaseUrl, close: () => app.close() };
}

describe('rate limits', () => {
  let t: Tenant;
  let url: string;
  before(async () => {
    t = await tenant(h);
    url = `/api/v1/customers/${(await createCustomer(h, t)).id}/contacts`;
  });

  test('per token: RateLimit headers on every response, then 429 {"detail"} with Retry-After', async () => {
    const l = await limited({ perToken: 3, perAddress: 100, windowMs: 60_000 });
    try {
      for (const remaining of ['2', '1', '0']) {
        const r = await call(l, { url, headers: t.headers });
        assert.equal(r.status, 200, r.res.body);
        assert.equal(r.res.headers['ratelimit-limit'], '3');
        assert.equal(r.res.headers['ratelimit-remaining'], remaining);
        assert.match(String(r.res.headers['ratelimit-reset']), /^\d+$/);
      }
      const over = await call(l, { url, headers: t.headers });
      assert.equal(over.status, 429, over.res.body);
      assert.deepEqual(over.body, { detail: 'Too many requests' });
      assert.match(String(over.res.headers['retry-after']), /^\d+$/);
      const other = await tenant(h);
      const own = await call(l, { url: '/api/v1/customers', headers: other.headers });
      assert.equal(own.status, 200, 'another token has its own budget');
      assert.equal((await l.app.inject({ url: '/healthz' })).statusCode, 200, 'probes are exempt');
    } finally {
      await l.close();
    }
  });

  test('failed authentications count against the address: random tokens cannot get around it', async () => {
    const l = await limited({ perToken: 100, perAddress: 2, windowMs: 60_000 });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) {
        const r = await call(l, { url, headers: { authorization: `Bearer dz_${`${i}`.repeat(43)}` } });
        statuses.push(r.status);
      }
      assert.deepEqual(statuses, [401, 401, 429, 429]);
      for (let i = 0; i < 3; i++) assert.equal((await l.app.inject({ url: '/readyz' })).statusCode, 200);
    } finally {
      await l.close();
    }
  });

  test('the client address honours only trusted proxies', async () => {
    const trusting = await limited({ perToken: 100, perAddress: 1, windowMs: 60_000 }, { trustProxy: '127.0.0.1' });
    const wary = await limited({ perToken: 100, perAddress: 1, windowMs: 60_000 });
    try {
      const from = (app: Harness, ip: string) =>
        call(app, { url: '/api/v1/customers', headers: { 'x-forwarded-for': ip } });
      assert.equal((await from(trusting, '203.0.113.1')).status, 401);
      assert.equal((await from(trusting, '203.0.113.2')).status, 401, 'another client behind the proxy');
      assert.equal((await from(trusting, '203.0.113.1')).status, 429);
      assert.equal((await from(wary, '203.0.113.1')).status, 401);
      assert.equal((await from(wary, '203.0.113.2')).status, 429, 'an untrusted X-Forwarded-For changes nothing');
    } finally {
      await trusting.close();
      await wary.close();
    }
  });
});

describe('rate limits in Redis', () => {
  let redisServer: ChildProcess | undefined;
  let port = 0;
  before(async () => {
    port = await freePort();
    // A Redis of this test's own, on its own port: the test stops it.
    const server = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    redisServer = server;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      server.stdout?.on('data', (d) => {
        out += d;
        if (out.includes('Ready to accept connections')) resolve();
      });
      server.on('exit', (code) => reject(new Error(`redis-server exited ${code}: ${out}`)));
    });
    server.stdout?.resume();
  });
  after(() => {
    redisServer?.kill('SIGKILL');
  });

  const client = () =>
    new Redis({ port, host: '127.0.0.1', connectTimeout: 500, maxRetriesPerRequest: 1, enableOfflineQueue: false });

  test('the limit holds across instances; Redis going away fails open', async () => {
    const t = await tenant(h);
    const [ra, rb] = [client(), client()];
    ra.on('error', () => {});
    rb.on('error', () => {});
    await Promise.all([once(ra, 'ready'), once(rb, 'ready')]);
    const a = await limited({ perToken: 2, perAddress: 100, windowMs: 60_000, redis: ra });
    const b = await limited({ perToken: 2, perAddress: 100, windowMs: 60_000, redis: rb });
    try {
      assert.equal((await call(a, { url: '/api/v1/customers', headers: t.headers })).status, 200);
      assert.equal((await call(b, { url: '/api/v1/customers', headers: t.headers })).status, 200);
      const third = await call(a, { url: '/api/v1/customers', headers: t.headers });
      assert.equal(third.status, 429, 'the two instances share one budget');
      redisServer?.kill('SIGKILL');
      await new Promise((resolve) => redisServer?.once('exit', resolve));
      for (let i = 0; i < 3; i++) {
        const r = await call(a, { url: '/api/v1/customers', headers: t.headers });
        assert.equal(r.status, 200, `served while Redis is away: ${r.res.body}`);
      }
    } finally {
      await a.close();
      await b.close();
      ra.disconnect();
      rb.disconnect();
    }
  });
});

describe('metrics', () => {
  test('Prometheus text: requests by route template, latency, in flight, auth cache, queries, process', async () => {
    const t = await tenant(h);
    const customer = await createCustomer(h, t);
    await call(h, { url: `/api/v1/customers/${customer.id}/contacts`, headers: t.headers });
    const r = await h.app.inject({ url: '/metrics' });
    assert.equal(r.statusCode, 200, r.body);
    assert.match(String(r.headers['content-type']), /^text\/plain/);
    for (const line of [
      /http_requests_total\{route="\/api\/v1\/customers\/:customer_id\/contacts",method="GET",status="200"\} 1/,
      /http_request_duration_seconds_bucket\{le="0.005",route="\/api\/v1\/customers\/:customer_id\/contacts"/,
      /http_requests_in_flight 1/,
      /auth_cache_lookups_total\{result="miss"\} \d+/,
      /db_query_duration_seconds_count\{outcome="ok"\} \d+/,
      /process_cpu_seconds_total \d/,
      /rate_limit_rejections_total/,
    ]) {
      assert.match(r.body, line);
    }
    assert.doesNotMatch(r.body, new RegExp(customer.id), 'ids never become labels');
    if (BACKEND === 'postgres') assert.match(r.body, /db_pool_clients \d+/);
  });

  test('not public by default: only callers on this machine; off when configured', async () => {
    const remote = await h.app.inject({ url: '/metrics', remoteAddress: '203.0.113.9' });
    assert.equal(remote.statusCode, 404);
    const forwarded = await h.app.inject({
      url: '/metrics',
      headers: { 'x-forwarded-for': '127.0.0.1' },
      remoteAddress: '203.0.113.9',
    });
    assert.equal(forwarded.statusCode, 404, 'a forwarded loopback address is not the caller');
    const off = await buildApp({ db: h.db, cursorSecret: 'x'.repeat(64), metrics: 'off' });
    try {
      assert.equal((await off.inject({ url: '/metrics' })).statusCode, 404);
    } finally {
      await off.close();
    }
  });
});
