/**
 * What a credential may do, and where secrets may go (issue 19, items 2–5b): privileged
 * actions check the database, never a cache; a secret is never stored with an
 * idempotency key; guessing tokens stops costing statements past a budget; credentials in
 * URLs never reach the log, however they are encoded.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import Type from 'typebox';
import { type AppOptions, buildApp } from '../src/http/app.js';
import { Secret } from '../src/platform/secret.js';
import { cursorSecret } from '../src/platform/settings.js';
import { loggerOptions } from '../src/server.js';
import { freePort } from './helpers/cluster.js';
import {
  addTestMember,
  call,
  countingDb,
  createCustomer,
  type Harness,
  setup,
  tenant,
  unique,
  until,
} from './helpers/harness.js';
import { ROUTES } from './helpers/routes.js';

let h: Harness;
before(async () => {
  // A long cache TTL: within the window the cache would answer, so only a database check refuses.
  h = await setup({ authCacheTtlMs: 60_000 });
});
after(async () => {
  await h?.close();
});

/** Another instance on the same database, with its own cache (as another worker or host would have). */
async function instance(opts: Partial<AppOptions> = {}): Promise<Harness> {
  const app = await buildApp({ db: h.db, cursorSecret: await cursorSecret(h.db), authCacheTtlMs: 60_000, ...opts });
  return { db: h.db, app, databaseUrl: h.databaseUrl, close: () => app.close() };
}

/** A random string shaped like a token: it passes the format check, so only a lookup can refuse it. */
const randomToken = () => `dz_${randomBytes(32).toString('base64url')}`;

const activeTokens = async (userId: string) =>
  (
    await h.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL',
      [userId],
    )
  ).rows[0]?.n;

describe('privileged actions check the caller in the database, never the cache (contract §2.1)', () => {
  test('a token revoked through one instance mints nothing through another that cached it', async () => {
    const other = await instance();
    try {
      const t = await tenant(h);
      const m = await addTestMember(h, t.businessId, 'member');
      const headers = { authorization: `Bearer ${m.token}` };
      // Instance 2 verifies (and caches) the token.
      assert.equal((await call(other, { url: '/api/v1/tokens', headers })).status, 200);
      // Revoked through instance 1.
      const revoked = await call(h, { method: 'DELETE', url: `/api/v1/tokens/${m.tokenId}`, headers });
      assert.equal(revoked.status, 200, revoked.res.body);
      // A read may still be answered from instance 2's cache within its window (documented: AUTH_CACHE_SECONDS).
      assert.equal((await call(other, { url: '/api/v1/tokens', headers })).status, 200, 'a read, from the cache');
      // Minting is privileged: checked in the database now.
      const minted = await call(other, { method: 'POST', url: '/api/v1/tokens', headers, payload: {} });
      assert.equal(minted.status, 401, minted.res.body);
      assert.equal(await activeTokens(m.userId), 0, 'nothing was minted');
      // What the database said is now what instance 2 believes, for every use of the token.
      assert.equal((await call(other, { url: '/api/v1/tokens', headers })).status, 401, 'forgotten once found revoked');
    } finally {
      await other.close();
    }
  });

  test('a removed admin changes no membership and no webhook endpoint through an instance that cached the role', async () => {
    const other = await instance();
    try {
      const t = await tenant(h);
      const admin = await addTestMember(h, t.businessId, 'admin');
      const viewer = await addTestMember(h, t.businessId, 'viewer');
      const outsider = await addTestMember(h, (await tenant(h)).businessId, 'viewer');
      const endpoint = await call(h, {
        method: 'POST',
        url: '/api/v1/webhook-endpoints',
        headers: t.headers,
        payload: { url: 'https://93.184.216.34/hooks', events: ['*'] },
      });
      assert.equal(endpoint.status, 201, endpoint.res.body);
      // Instance 2 caches the admin's role.
      assert.equal((await call(other, { url: '/api/v1/businesses/users', headers: admin.headers })).status, 200);
      const removed = await call(h, {
        method: 'DELETE',
        url: `/api/v1/businesses/users/${admin.userId}`,
        headers: t.headers,
      });
      assert.equal(removed.status, 200, removed.res.body);
      // A read may still be served from the cache within its window (documented).
      assert.equal((await call(other, { url: '/api/v1/customers', headers: admin.headers })).status, 200);
      const attempts = [
        { method: 'POST', url: '/api/v1/businesses/users', payload: { id: outsider.userId, role: 'admin' } },
        { method: 'PUT', url: `/api/v1/businesses/users/${viewer.userId}`, payload: { role: 'admin' } },
        { method: 'DELETE', url: `/api/v1/businesses/users/${viewer.userId}` },
        {
          method: 'POST',
          url: '/api/v1/webhook-endpoints',
          payload: { url: 'https://93.184.216.34/x', events: ['*'] },
        },
        { method: 'PUT', url: `/api/v1/webhook-endpoints/${endpoint.body.data.id}`, payload: { enabled: false } },
        { method: 'POST', url: `/api/v1/webhook-endpoints/${endpoint.body.data.id}/rotate-secret` },
        { method: 'DELETE', url: `/api/v1/webhook-endpoints/${endpoint.body.data.id}` },
      ] as const;
      for (const a of attempts) {
        const r = await call(other, { ...a, headers: admin.headers });
        assert.equal(r.status, 403, `${a.method} ${a.url}: ${r.res.body}`);
      }
      const { rows } = await h.db.query<{ user_id: string; role: string }>(
        'SELECT user_id, role FROM memberships WHERE business_id = $1 ORDER BY user_id',
        [t.businessId],
      );
      assert.equal(
        rows.find((r) => r.user_id === outsider.userId),
        undefined,
        'nobody was added',
      );
      assert.equal(rows.find((r) => r.user_id === viewer.userId)?.role, 'viewer', 'no role changed');
      const hook = await call(h, { url: `/api/v1/webhook-endpoints/${endpoint.body.data.id}`, headers: t.headers });
      assert.equal(hook.body.data.enabled, true, 'the endpoint is untouched');
    } finally {
      await other.close();
    }
  });

  test('a demoted admin grants no role through an instance that cached the old one', async () => {
    const other = await instance();
    try {
      const t = await tenant(h);
      const admin = await addTestMember(h, t.businessId, 'admin');
      const outsider = await addTestMember(h, (await tenant(h)).businessId, 'viewer');
      assert.equal((await call(other, { url: '/api/v1/businesses/users', headers: admin.headers })).status, 200);
      const demoted = await call(h, {
        method: 'PUT',
        url: `/api/v1/businesses/users/${admin.userId}`,
        headers: t.headers,
        payload: { role: 'viewer' },
      });
      assert.equal(demoted.status, 200, demoted.res.body);
      const r = await call(other, {
        method: 'POST',
        url: '/api/v1/businesses/users',
        headers: admin.headers,
        payload: { id: outsider.userId, role: 'admin' },
      });
      assert.equal(r.status, 403, r.res.body);
    } finally {
      await other.close();
    }
  });

  test('every route that grants or keeps privileges is declared privileged; a new one that is not fails start-up', async () => {
    const privileged = h.app.routeTable.filter((r) => r.privileged).map((r) => `${r.method} ${r.url}`);
    for (const name of [
      'POST /api/v1/tokens',
      'DELETE /api/v1/tokens/:token_id',
      'POST /api/v1/businesses',
      'PUT /api/v1/businesses/:business_id',
      'POST /api/v1/businesses/users',
      'PUT /api/v1/businesses/users/:user_id',
      'DELETE /api/v1/businesses/users/:user_id',
      'POST /api/v1/webhook-endpoints',
      'PUT /api/v1/webhook-endpoints/:endpoint_id',
      'DELETE /api/v1/webhook-endpoints/:endpoint_id',
      'POST /api/v1/webhook-endpoints/:endpoint_id/rotate-secret',
    ]) {
      assert.ok(privileged.includes(name), `${name} is privileged (have: ${privileged.join(', ')})`);
    }
    for (const [access, method] of [
      ['manage', 'POST'],
      ['manage', 'DELETE'],
      ['token', 'PUT'],
    ] as const) {
      await assert.rejects(
        instance({
          extraRoutes: async (app: FastifyInstance) => {
            app.route({ method, url: '/extra', config: { access }, handler: async () => ({}) });
          },
        }),
        /without config\.privileged: true: (POST|PUT|DELETE) \/extra/,
        `${method} with access ${access}`,
      );
    }
    const fine = await instance({
      extraRoutes: async (app: FastifyInstance) => {
        app.post('/extra', { config: { access: 'manage', privileged: true } }, async () => ({}));
        app.get('/extra', { config: { access: 'manage' } }, async () => ({}));
      },
    });
    await fine.close();
  });
});

/** Credential-shaped text: an API token, a sign-in link, an invitation, an export ticket, a webhook secret. */
const CREDENTIAL = /(dz[lix]?_|whsec_)[A-Za-z0-9+/=_.-]{16,}/;

/** The shared route table's case for a registered route (`:id` there is `{id}` here). */
const caseOf = (method: string, url: string) =>
  ROUTES.find((r) => r.name === `${method} ${url.replace(/:([a-z_]+)/g, '{$1}').replace(/\/$/, '')}`);

describe('a secret is never stored with an idempotency key (contract §5.1)', () => {
  test('every route whose answer carries a secret refuses Idempotency-Key with a 422, and none is stored', async () => {
    const refusing = h.app.routeTable.filter((r) => r.method === 'POST' && (r.secret || r.idempotency === 'refuse'));
    const names = refusing.map((r) => `${r.method} ${r.url}`);
    for (const name of [
      'POST /api/v1/tokens',
      'POST /api/v1/webhook-endpoints',
      'POST /api/v1/webhook-endpoints/:endpoint_id/rotate-secret',
      'POST /api/v1/businesses/users',
    ]) {
      assert.ok(names.includes(name), `${name} refuses keys (have: ${names.join(', ')})`);
    }
    for (const route of refusing) {
      const t = await tenant(h);
      // Whatever else is wrong with the request (a made-up id, an empty body), the key is refused too.
      const bare = await h.app.inject({
        method: 'POST',
        url: route.url.replace(/:[a-z_]+/g, '00000000-0000-7000-8000-000000000000'),
        headers: {
          ...(route.access === 'public' || route.access === 'optional' ? {} : t.headers),
          'idempotency-key': unique('bare-'),
        },
        payload: {},
      });
      assert.equal(bare.statusCode, 422, `${route.url}: ${bare.body}`);
      assert.ok(
        JSON.parse(bare.body).detail.some((d: { loc: string[] }) => d.loc.join('.') === 'header.idempotency-key'),
        `${route.url}: ${bare.body}`,
      );
      // And a request that would succeed without it (the shared table's, for the authenticated routes).
      const rc = caseOf(route.method, route.url);
      if (!rc) {
        assert.ok(
          route.access === 'public' || route.access === 'optional',
          `${route.method} ${route.url} is in test/helpers/routes.ts`,
        );
        continue;
      }
      const customer = await createCustomer(h, t);
      const ids = { businessId: t.businessId, customerId: customer.id, contactId: '' };
      const key = unique('secret-');
      const req = await rc.request(ids, { ...t.headers, 'idempotency-key': key }, h);
      const r = await call(h, req);
      assert.equal(r.status, 422, `${rc.name}: ${r.res.body}`);
      assert.deepEqual(r.body.detail[0].loc, ['header', 'idempotency-key'], rc.name);
      const { rows } = await h.db.query('SELECT 1 FROM idempotency_keys WHERE key = $1', [key]);
      assert.equal(rows.length, 0, `${rc.name}: the key was not recorded`);
    }
  });

  test('no POST route that takes keys answers with a credential; the table of keys holds none', async () => {
    for (const rc of ROUTES.filter((r) => r.name.startsWith('POST '))) {
      const t = await tenant(h);
      const customer = await createCustomer(h, t);
      const ids = { businessId: t.businessId, customerId: customer.id, contactId: '' };
      const plain = await call(h, await rc.request(ids, t.headers, h));
      assert.equal(plain.status, rc.ok, `${rc.name}: ${plain.res.body}`);
      const path = rc.name.slice('POST '.length).replace(/\{([a-z_]+)\}/g, ':$1');
      const entry = h.app.routeTable.find((r) => r.method === 'POST' && r.url.replace(/\/$/, '') === path);
      if (CREDENTIAL.test(plain.res.body)) {
        assert.equal(entry?.idempotency, 'refuse', `${rc.name} answers with a credential, so it must refuse keys`);
      }
      // With a key, whatever the route: a replay record never holds a credential.
      await call(h, await rc.request(ids, { ...t.headers, 'idempotency-key': unique('k-') }, h));
    }
    const { rows } = await h.db.query<{ scope: string; key: string }>(
      `SELECT scope, key FROM idempotency_keys
        WHERE body LIKE '%whsec\\_%' OR body ~ 'dz[lix]?_[A-Za-z0-9_-]{16}'`,
    );
    assert.deepEqual(rows, [], 'no credential stored in idempotency_keys');
  });

  test('an app with a route that answers a secret but takes keys fails to start; declaring the refusal fixes it', async () => {
    const SecretAnswer = Type.Object({ data: Type.Object({ link: Secret() }) });
    await assert.rejects(
      instance({
        extraRoutes: async (app: FastifyInstance) => {
          app.post(
            '/extra-secret',
            { config: { access: 'token', privileged: true }, schema: { response: { 201: SecretAnswer } } },
            async () => ({ data: { link: 'dzl_x' } }),
          );
        },
      }),
      /POST routes whose answer carries a secret without config\.idempotency: 'refuse'.*POST \/extra-secret/,
    );
    // A public one too (contract §5.1: "public routes included"): refused, and its header → 422.
    const fine = await instance({
      extraRoutes: async (app: FastifyInstance) => {
        app.post(
          '/extra-secret',
          { config: { access: 'public', idempotency: 'refuse' }, schema: { response: { 200: SecretAnswer } } },
          async () => ({ data: { link: 'dzl_x' } }),
        );
      },
    });
    try {
      const r = await fine.app.inject({ method: 'POST', url: '/extra-secret', headers: { 'idempotency-key': 'k1' } });
      assert.equal(r.statusCode, 422, r.body);
      assert.deepEqual(JSON.parse(r.body).detail[0].loc, ['header', 'idempotency-key']);
      assert.equal((await fine.app.inject({ method: 'POST', url: '/extra-secret' })).statusCode, 200);
    } finally {
      await fine.close();
    }
  });
});

describe('guessing tokens does not cost the database (contract §1.4, 429 row)', () => {
  /** An app on the suite's database whose statements are counted. */
  async function counted(opts: Partial<AppOptions>): Promise<Harness & { statements: () => number }> {
    const c = countingDb(h.db);
    const app = await buildApp({ db: c, cursorSecret: await cursorSecret(h.db), ...opts });
    return { db: h.db, app, databaseUrl: h.databaseUrl, close: () => app.close(), statements: () => c.count };
  }

  test('500 random tokens from one address cost at most the budget in statements; a cached valid token still works', async (ctx) => {
    const budget = 20;
    const l = await counted({
      authCacheTtlMs: 60_000,
      rateLimit: { perToken: 0, perAddress: budget, windowMs: 60_000 },
    });
    try {
      const t = await tenant(h);
      assert.equal((await call(l, { url: '/api/v1/customers', headers: t.headers })).status, 200, 'warm the cache');
      const before = l.statements();
      const statuses = new Map<number, number>();
      for (let i = 0; i < 500; i++) {
        const r = await l.app.inject({
          url: '/api/v1/customers',
          headers: { authorization: `Bearer ${randomToken()}` },
        });
        statuses.set(r.statusCode, (statuses.get(r.statusCode) ?? 0) + 1);
      }
      const spent = l.statements() - before;
      assert.deepEqual([...statuses.keys()].sort(), [401, 429], JSON.stringify([...statuses]));
      assert.ok(spent <= budget + 2, `500 guesses ran ${spent} statements (budget ${budget})`);
      ctx.diagnostic(`500 guesses with a budget of ${budget}: ${spent} statements, ${JSON.stringify([...statuses])}`);
      const ok = await call(l, { url: '/api/v1/customers', headers: t.headers });
      assert.equal(ok.status, 200, `a valid, cached token from the same address: ${ok.res.body}`);
    } finally {
      await l.close();
    }
  });

  test('concurrent guesses cannot all slip under the budget at once', async () => {
    const budget = 10;
    const l = await counted({ rateLimit: { perToken: 0, perAddress: budget, windowMs: 60_000 } });
    try {
      const before = l.statements();
      const rs = await Promise.all(
        Array.from({ length: 200 }, () =>
          l.app.inject({ url: '/api/v1/tokens', headers: { authorization: `Bearer ${randomToken()}` } }),
        ),
      );
      assert.ok(
        rs.every((r) => r.statusCode === 401 || r.statusCode === 429),
        rs.map((r) => r.statusCode).join(),
      );
      const spent = l.statements() - before;
      assert.ok(spent <= budget, `200 concurrent guesses ran ${spent} statements (budget ${budget})`);
    } finally {
      await l.close();
    }
  });

  test('without an auth cache, a token verified lately still works from an address past its budget', async () => {
    const l = await counted({ authCacheTtlMs: 0, rateLimit: { perToken: 0, perAddress: 5, windowMs: 60_000 } });
    try {
      const t = await tenant(h);
      assert.equal((await call(l, { url: '/api/v1/customers', headers: t.headers })).status, 200);
      for (let i = 0; i < 30; i++) {
        await l.app.inject({ url: '/api/v1/customers', headers: { authorization: `Bearer ${randomToken()}` } });
      }
      const before = l.statements();
      for (let i = 0; i < 30; i++) {
        await l.app.inject({ url: '/api/v1/customers', headers: { authorization: `Bearer ${randomToken()}` } });
      }
      assert.equal(l.statements() - before, 0, 'past the budget a guess costs no statement');
      const r = await call(l, { url: '/api/v1/customers', headers: t.headers });
      assert.equal(r.status, 200, r.res.body);
      // Privileged actions of that token are still checked in the database, and work.
      const minted = await call(l, { method: 'POST', url: '/api/v1/tokens', headers: t.headers, payload: {} });
      assert.equal(minted.status, 201, minted.res.body);
      const never = await call(l, {
        url: '/api/v1/customers',
        headers: { ...t.headers, authorization: `Bearer ${minted.body.data.token}` },
      });
      assert.ok(
        [401, 429].includes(never.status),
        `a valid token this process never verified waits for the window to pass: ${never.status}`,
      );
    } finally {
      await l.close();
    }
  });

  describe('in Redis, shared by every instance', () => {
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
        const timer = setTimeout(() => reject(new Error(`redis-server did not start in 10 s: ${out}`)), 10_000);
        server.stdout?.on('data', (d) => {
          out += d;
          if (out.includes('Ready to accept connections')) {
            clearTimeout(timer);
            resolve();
          }
        });
        server.on('exit', (code) => reject(new Error(`redis-server exited ${code}: ${out}`)));
      });
      server.stdout?.resume();
    });
    after(() => {
      redisServer?.kill('SIGKILL');
    });

    test('guesses spread over two instances cost about the budget, not twice it', async () => {
      const client = () =>
        new Redis({ port, host: '127.0.0.1', connectTimeout: 500, maxRetriesPerRequest: 1, enableOfflineQueue: false });
      const [ra, rb] = [client(), client()];
      ra.on('error', () => {});
      rb.on('error', () => {});
      await Promise.all([once(ra, 'ready'), once(rb, 'ready')]);
      const budget = 20;
      const a = await counted({ rateLimit: { perToken: 0, perAddress: budget, windowMs: 60_000, redis: ra } });
      const b = await counted({ rateLimit: { perToken: 0, perAddress: budget, windowMs: 60_000, redis: rb } });
      try {
        const before = a.statements() + b.statements();
        for (let i = 0; i < 200; i++) {
          const [app, redis] = i % 2 === 0 ? [a, ra] : [b, rb];
          await app.app.inject({ url: '/api/v1/tokens', headers: { authorization: `Bearer ${randomToken()}` } });
          // The count is sent without waiting; a PING on the same connection answers after it.
          await redis.ping();
        }
        const spent = a.statements() + b.statements() - before;
        assert.ok(spent <= budget + 4, `200 guesses over two instances ran ${spent} statements (budget ${budget})`);
      } finally {
        await a.close();
        await b.close();
        ra.disconnect();
        rb.disconnect();
      }
    });
  });
});

describe('credentials in URLs never reach the log', () => {
  test('plain, percent-encoded in any case or twice, for every prefix the server issues', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logged = await instance({ logger: loggerOptions('info', sink) });
    try {
      await logged.app.listen({ port: 0, host: '127.0.0.1' });
      const addr = logged.app.server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      const secret = randomBytes(24).toString('base64url').replace(/[-_]/g, 'x');
      const urls = [
        `/api/v1/customers?access_token=dz_${secret}`,
        `/api/v1/customers?access_token=dz%5F${secret}`,
        `/api/v1/customers?access_token=dz%5f${secret}`,
        `/api/v1/customers?access_token=%64%7A%5F${secret}`,
        `/api/v1/customers?access_token=dz%255F${secret}`,
        `/api/v1/customers/whsec_${secret}`,
        `/api/v1/customers?link=dzl_${secret}`,
        `/api/v1/customers?link=dzl%5F${secret}`,
        `/api/v1/customers?invite=dzi_0190c2a4-1d3e-7f00-8000-000000000000.${secret}`,
        `/api/v1/customers?ticket=dzx%5F${secret}`,
      ];
      for (const url of urls) {
        const r = await fetch(`http://127.0.0.1:${port}${url}`);
        assert.equal(r.status, 401, url);
        await r.arrayBuffer();
      }
      await until('every request logged', () => lines.filter((l) => l.includes('"url"')).length >= urls.length);
      const text = lines.join('');
      assert.ok(
        !text.includes(secret),
        `a secret reached the log:\n${lines.filter((l) => l.includes(secret)).join('')}`,
      );
      assert.ok(!text.includes(secret.slice(0, 16)), 'not even its start');
      assert.ok(text.includes('dz_[redacted]') && text.includes('whsec_[redacted]') && text.includes('dzi_[redacted]'));
    } finally {
      await logged.close();
    }
  });
});
