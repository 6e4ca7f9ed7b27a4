import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { loadConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';
import { openDb } from '../src/platform/db/open.js';
import { uuidv7 } from '../src/platform/ids.js';
import { cursorSecret } from '../src/platform/settings.js';
import { refusedAddress, refusedUrl } from '../src/resources/webhooks/address.js';
import { BACKEND, call, createCustomer, type Harness, setup, type Tenant, tenant, until } from './helpers/harness.js';
import { PUBLIC_HOOK_URL } from './helpers/routes.js';

const onPostgres = BACKEND === 'postgres';

/** A webhook receiver on loopback: records every request; `respond` decides each status. */
interface Receiver {
  url: string;
  got: { headers: IncomingHttpHeaders; body: string }[];
  respond: (n: number) => number;
  close(): Promise<void>;
}

async function receiver(respond: (n: number) => number = () => 204): Promise<Receiver> {
  const r: Receiver = { url: '', got: [], respond, close: async () => {} };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      r.got.push({ headers: req.headers, body });
      res.statusCode = r.respond(r.got.length);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks`;
  r.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return r;
}

const FAST = { deliver: true, allowPrivate: true, allowHttp: true, pollMs: 20, timeoutMs: 2_000 };

async function addEndpoint(h: Harness, t: Tenant, url: string, events: string[] = ['*']) {
  const r = await call(h, {
    method: 'POST',
    url: '/api/v1/webhook-endpoints',
    headers: t.headers,
    payload: { url, events },
  });
  assert.equal(r.status, 201, r.res.body);
  return r.body.data as { id: string; secret: string };
}

describe('webhook endpoints over the API', () => {
  let h: Harness;
  let t: Tenant;
  before(async () => {
    h = await setup();
    t = await tenant(h);
  });
  after(async () => {
    await h?.close();
  });

  test('create shows the secret once; list, get, update and delete; another business sees none of it', async () => {
    const created = await addEndpoint(h, t, PUBLIC_HOOK_URL, ['customer.created', 'contact.created']);
    assert.match(created.secret, /^whsec_[A-Za-z0-9+/]{32}$/);
    const got = await call(h, { url: `/api/v1/webhook-endpoints/${created.id}`, headers: t.headers });
    assert.equal(got.status, 200);
    assert.deepEqual(Object.keys(got.body.data), ['id', 'url', 'events', 'description', 'enabled', 'created_at']);
    assert.deepEqual(got.body.data.events, ['customer.created', 'contact.created']);
    const list = await call(h, { url: '/api/v1/webhook-endpoints', headers: t.headers });
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.data.items.map((e: { id: string }) => e.id),
      [created.id],
    );
    assert.ok(!JSON.stringify(list.body).includes(created.secret), 'no secret in the list');
    const put = await call(h, {
      method: 'PUT',
      url: `/api/v1/webhook-endpoints/${created.id}`,
      headers: t.headers,
      payload: { enabled: false, description: 'CRM', events: ['*', 'customer.created'] },
    });
    assert.equal(put.status, 200);
    assert.equal(put.body.data.enabled, false);
    assert.deepEqual(put.body.data.events, ['*'], "'*' stands alone");

    // Another business: not found, whatever the route.
    const other = await tenant(h);
    for (const [method, suffix] of [
      ['GET', ''],
      ['PUT', ''],
      ['DELETE', ''],
      ['POST', '/rotate-secret'],
      ['GET', '/deliveries'],
    ] as const) {
      const r = await call(h, {
        method,
        url: `/api/v1/webhook-endpoints/${created.id}${suffix}`,
        headers: other.headers,
        ...(method === 'PUT' ? { payload: { enabled: true } } : {}),
      });
      assert.equal(r.status, 404, `${method} ${suffix}`);
      assert.deepEqual(r.body, { detail: 'Webhook endpoint not found' });
    }
    const otherList = await call(h, { url: '/api/v1/webhook-endpoints', headers: other.headers });
    assert.deepEqual(otherList.body.data.items, []);
    // A viewer and a member cannot manage endpoints.
    for (const role of ['viewer', 'member'] as const) {
      const r = await call(h, { url: '/api/v1/webhook-endpoints', headers: await t.as(role) });
      assert.equal(r.status, 403, role);
    }

    const del = await call(h, { method: 'DELETE', url: `/api/v1/webhook-endpoints/${created.id}`, headers: t.headers });
    assert.equal(del.status, 200);
    const again = await call(h, {
      method: 'DELETE',
      url: `/api/v1/webhook-endpoints/${created.id}`,
      headers: t.headers,
    });
    assert.equal(again.status, 404);
  });

  test('bad bodies → 422 naming the field', async () => {
    for (const [payload, loc] of [
      [{ url: PUBLIC_HOOK_URL, events: [] }, ['body', 'events']],
      [{ url: PUBLIC_HOOK_URL, events: ['customer.exploded'] }, ['body', 'events', 0]],
      [{ url: PUBLIC_HOOK_URL }, ['body', 'events']],
      [{ url: 'not a url', events: ['*'] }, ['body', 'url']],
      [{ url: 'ftp://93.184.216.34/', events: ['*'] }, ['body', 'url']],
      [{ url: 'https://user:pw@93.184.216.34/', events: ['*'] }, ['body', 'url']],
    ] as const) {
      const r = await call(h, { method: 'POST', url: '/api/v1/webhook-endpoints', headers: t.headers, payload });
      assert.equal(r.status, 422, JSON.stringify(payload));
      assert.deepEqual(r.body.detail[0].loc, loc, JSON.stringify(r.body));
    }
  });

  test('private and loopback targets are refused in every notation, by the API and by the policy', async () => {
    const refused = [
      'https://127.0.0.1/',
      'https://127.1/',
      'https://2130706433/', // decimal
      'https://0177.0.0.1/', // octal
      'https://0x7f.0.0.1/', // hex
      'https://0x7f000001/',
      'https://[::1]/',
      'https://[::ffff:127.0.0.1]/', // IPv4-mapped
      'https://[::ffff:7f00:1]/',
      'https://[0:0:0:0:0:ffff:a00:1]/', // mapped 10.0.0.1
      'https://10.1.2.3/',
      'https://172.16.0.1/',
      'https://192.168.1.1/',
      'https://169.254.169.254/latest/meta-data/', // cloud metadata
      'https://[fd00:ec2::254]/', // cloud metadata, IPv6
      'https://[fe80::1]/',
      'https://[fc00::1]/',
      'https://0.0.0.0/',
      'https://100.64.0.1/',
      'https://localhost/',
      'https://api.localhost/',
      'http://93.184.216.34/', // http without the operator's leave
    ];
    for (const url of refused) {
      const r = await call(h, {
        method: 'POST',
        url: '/api/v1/webhook-endpoints',
        headers: t.headers,
        payload: { url, events: ['*'] },
      });
      assert.equal(r.status, 422, url);
      assert.deepEqual(r.body.detail[0].loc, ['body', 'url'], url);
    }
    // The same on update.
    const ok = await addEndpoint(h, t, PUBLIC_HOOK_URL);
    const put = await call(h, {
      method: 'PUT',
      url: `/api/v1/webhook-endpoints/${ok.id}`,
      headers: t.headers,
      payload: { url: 'https://0x7f.1/' },
    });
    assert.equal(put.status, 422);
    // Public addresses pass; the operator's leave lets private ones and http:// through.
    assert.equal(refusedAddress('93.184.216.34'), null);
    assert.equal(refusedAddress('2606:2800:220:1:248:1893:25c8:1946'), null);
    assert.equal(refusedUrl('http://127.0.0.1:9/', { allowPrivate: true, allowHttp: true }), null);
    assert.notEqual(refusedUrl('http://127.0.0.1:9/', { allowPrivate: true, allowHttp: false }), null);
  });
});

describe('webhook delivery', () => {
  let h: Harness;
  before(async () => {
    h = await setup({ webhooks: { ...FAST, retryScheduleMs: [150, 300, 600] } });
  });
  after(async () => {
    await h?.close();
  });

  test('a real receiver on loopback gets every event, in order, signed (verified with standardwebhooks)', async () => {
    const t = await tenant(h);
    const rx = await receiver();
    try {
      const ep = await addEndpoint(h, t, rx.url);
      const customer = await createCustomer(h, t, { name: 'Hooked Ltd' });
      const contact = await call(h, {
        method: 'POST',
        url: `/api/v1/customers/${customer.id}/contacts`,
        headers: t.headers,
        payload: { name: 'Ada', email: 'ada@hooked.example' },
      });
      assert.equal(contact.status, 201);
      await call(h, {
        method: 'PUT',
        url: `/api/v1/customers/${customer.id}`,
        headers: t.headers,
        payload: { name: 'Hooked Holdings' },
      });
      const feed = await call(h, { url: '/api/v1/events', headers: t.headers });
      const events = feed.body.data.items as { id: string; type: string }[];
      assert.deepEqual(
        events.map((e) => e.type),
        ['customer.created', 'contact.created', 'customer.updated'],
      );
      await until('three deliveries', () => rx.got.length >= 3);
      const wh = new Webhook(ep.secret);
      const received = rx.got.map((g) => {
        const headers = {
          'webhook-id': String(g.headers['webhook-id']),
          'webhook-timestamp': String(g.headers['webhook-timestamp']),
          'webhook-signature': String(g.headers['webhook-signature']),
        };
        assert.equal(g.headers['content-type'], 'application/json');
        return wh.verify(g.body, headers) as { id: string; type: string };
      });
      // In feed order, each the event as GET /api/v1/events gives it, webhook-id its id.
      assert.deepEqual(received, events);
      assert.deepEqual(
        rx.got.map((g) => g.headers['webhook-id']),
        events.map((e) => e.id),
      );
      // A tampered body does not verify.
      const first = rx.got[0] as Receiver['got'][number];
      assert.throws(() =>
        wh.verify(`${first.body} `, {
          'webhook-id': String(first.headers['webhook-id']),
          'webhook-timestamp': String(first.headers['webhook-timestamp']),
          'webhook-signature': String(first.headers['webhook-signature']),
        }),
      );
      // The log: one successful attempt each (recorded just after the receiver answered).
      const log = await until('three attempts logged', async () => {
        const r = await call(h, { url: `/api/v1/webhook-endpoints/${ep.id}/deliveries`, headers: t.headers });
        assert.equal(r.status, 200);
        return r.body.data.items.length >= 3 ? r : null;
      });
      assert.equal(log.body.data.items.length, 3);
      for (const a of log.body.data.items) {
        assert.equal(a.status_code, 204);
        assert.equal(a.attempt, 1);
        assert.equal(a.next_retry_at, null);
      }
    } finally {
      await rx.close();
    }
  });

  test('only the types asked for; a disabled endpoint gets nothing new', async () => {
    const t = await tenant(h);
    const rx = await receiver();
    try {
      const ep = await addEndpoint(h, t, rx.url, ['contact.created']);
      const c = await createCustomer(h, t, { name: 'Typed' });
      await call(h, {
        method: 'POST',
        url: `/api/v1/customers/${c.id}/contacts`,
        headers: t.headers,
        payload: { name: 'Only me' },
      });
      await until('one delivery', () => rx.got.length >= 1);
      await call(h, {
        method: 'PUT',
        url: `/api/v1/webhook-endpoints/${ep.id}`,
        headers: t.headers,
        payload: { enabled: false },
      });
      const notMe = await call(h, {
        method: 'POST',
        url: `/api/v1/customers/${c.id}/contacts`,
        headers: t.headers,
        payload: { name: 'Not me' },
      });
      assert.equal(notMe.status, 201);
      // Committed with its event: a disabled endpoint got no delivery for it, so none can be sent.
      const { rows: deliveries } = await h.db.query<{ state: string }>(
        'SELECT state FROM webhook_deliveries WHERE business_id = $1 AND endpoint_id = $2',
        [t.businessId, ep.id],
      );
      assert.deepEqual(
        deliveries.map((d) => d.state),
        ['succeeded'],
        'only the first event has a delivery',
      );
      assert.equal(rx.got.length, 1);
      assert.equal(JSON.parse(rx.got[0]?.body ?? '{}').type, 'contact.created');
    } finally {
      await rx.close();
    }
  });

  test('a receiver failing three times then recovering gets the event, after increasing delays', async () => {
    const t = await tenant(h);
    const rx = await receiver((n) => (n <= 3 ? 500 : 200));
    try {
      const ep = await addEndpoint(h, t, rx.url);
      await createCustomer(h, t, { name: 'Flaky' });
      await until('four attempts', () => rx.got.length >= 4);
      const ids = new Set(rx.got.map((g) => g.headers['webhook-id']));
      assert.equal(ids.size, 1, 'the same event each time');
      const log = await until('four attempts logged', async () => {
        const r = await call(h, {
          url: `/api/v1/webhook-endpoints/${ep.id}/deliveries?descending=false`,
          headers: t.headers,
        });
        return r.body.data.items.length >= 4 ? r : null;
      });
      assert.deepEqual(
        log.body.data.items.map((a: { attempt: number; status_code: number }) => [a.attempt, a.status_code]),
        [
          [1, 500],
          [2, 500],
          [3, 500],
          [4, 200],
        ],
      );
      // The delays scheduled, exactly, and growing: each attempt's next retry after its own time.
      const scheduled = log.body.data.items
        .slice(0, 3)
        .map(
          (a: { created_at: string; next_retry_at: string }) => Date.parse(a.next_retry_at) - Date.parse(a.created_at),
        );
      assert.deepEqual(scheduled, [150, 300, 600]);
      assert.equal(log.body.data.items[3].next_retry_at, null);
      // Each retry was made once its scheduled time had come (both times from the database's clock).
      for (let i = 1; i < 4; i++) {
        const before = log.body.data.items[i - 1] as { next_retry_at: string };
        const made = log.body.data.items[i] as { created_at: string };
        assert.ok(Date.parse(made.created_at) >= Date.parse(before.next_retry_at), JSON.stringify(log.body.data.items));
      }
      // The success is recorded: the delivery is done, nothing more can be sent for it.
      const { rows: done } = await h.db.query<{ state: string; attempts: number; next_attempt_at: string | null }>(
        'SELECT state, attempts, next_attempt_at FROM webhook_deliveries WHERE business_id = $1 AND endpoint_id = $2',
        [t.businessId, ep.id],
      );
      assert.deepEqual(done, [{ state: 'succeeded', attempts: 4, next_attempt_at: null }]);
      assert.equal(rx.got.length, 4, 'no attempt after the success');
    } finally {
      await rx.close();
    }
  });

  test('rotating the secret: the new one and, for 24 h, the old one both sign', async () => {
    const t = await tenant(h);
    const rx = await receiver();
    try {
      const ep = await addEndpoint(h, t, rx.url);
      const rotated = await call(h, {
        method: 'POST',
        url: `/api/v1/webhook-endpoints/${ep.id}/rotate-secret`,
        headers: t.headers,
      });
      assert.equal(rotated.status, 200);
      assert.notEqual(rotated.body.data.secret, ep.secret);
      await createCustomer(h, t, { name: 'Rotated' });
      await until('one delivery', () => rx.got.length >= 1);
      const g = rx.got[0] as Receiver['got'][number];
      const headers = {
        'webhook-id': String(g.headers['webhook-id']),
        'webhook-timestamp': String(g.headers['webhook-timestamp']),
        'webhook-signature': String(g.headers['webhook-signature']),
      };
      assert.equal(headers['webhook-signature'].split(' ').length, 2);
      new Webhook(rotated.body.data.secret).verify(g.body, headers);
      new Webhook(ep.secret).verify(g.body, headers);
      assert.throws(() =>
        new Webhook(`whsec_${Buffer.from('another secret!!').toString('base64')}`).verify(g.body, headers),
      );
    } finally {
      await rx.close();
    }
  });
});

describe('webhook delivery: what is not a success', () => {
  test('a redirect is not followed, and no answer within the deadline is a failure; both are retried', async () => {
    const h = await setup({ webhooks: { ...FAST, timeoutMs: 1500, retryScheduleMs: [60_000] } });
    const elsewhere = await receiver();
    const servers: Server[] = [];
    const listen = async (handler: Parameters<typeof createServer>[1]) => {
      const server = createServer(handler);
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks`;
    };
    try {
      const redirecting = await listen((req, res) => {
        req.resume();
        res.writeHead(302, { location: elsewhere.url }).end();
      });
      const silent = await listen((req) => {
        req.resume(); // and never answers
      });
      const logOf = async (url: string) => {
        const t = await tenant(h);
        const ep = await addEndpoint(h, t, url);
        await createCustomer(h, t, { name: 'Not delivered' });
        return await until('an attempt logged', async () => {
          const r = await call(h, { url: `/api/v1/webhook-endpoints/${ep.id}/deliveries`, headers: t.headers });
          return r.body.data.items.length > 0 ? r.body.data.items : null;
        });
      };
      const redirected = await logOf(redirecting);
      assert.equal(redirected[0].status_code, 302);
      assert.notEqual(redirected[0].next_retry_at, null, 'a redirect is a failure: tried again later');
      const unanswered = await logOf(silent);
      assert.equal(unanswered[0].status_code, null);
      assert.equal(unanswered[0].error, 'no response within 1.5 s');
      assert.notEqual(unanswered[0].next_retry_at, null);
      assert.equal(elsewhere.got.length, 0, 'the redirect target got nothing');
    } finally {
      for (const server of servers) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
      await elsewhere.close();
      await h.close();
    }
  });
});

describe('webhook delivery: endpoints are independent', () => {
  test('a receiver that never answers holds only its own queue: a healthy endpoint is served meanwhile', async () => {
    // Each attempt at the dead receiver waits out the whole per-attempt deadline; six of them
    // are pending. The healthy endpoint's event is created once the dead one's first attempt is
    // in progress, and must arrive before the dead endpoint's first attempts are all made.
    const h = await setup({ webhooks: { ...FAST, timeoutMs: 1_000, retryScheduleMs: [60_000] } });
    const dead: { got: number; server: Server } = { got: 0, server: createServer() };
    dead.server.on('request', (req) => {
      req.resume(); // and never answers
      dead.got++;
    });
    await new Promise<void>((resolve) => dead.server.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(dead.server.address() as { port: number }).port}/hooks`;
    let deadSeenWhenHealthyArrived: number | undefined;
    const healthy = await receiver(() => {
      deadSeenWhenHealthyArrived ??= dead.got;
      return 204;
    });
    try {
      const a = await tenant(h);
      const b = await tenant(h);
      const deadEp = await addEndpoint(h, a, deadUrl);
      await addEndpoint(h, b, healthy.url);
      const pending = 6;
      for (let i = 0; i < pending; i++) await createCustomer(h, a, { name: `Stuck ${i}` });
      await until('the dead receiver got its first attempt', () => dead.got >= 1);
      await createCustomer(h, b, { name: 'Served' });
      await until(
        'the healthy receiver got its event (it is stuck behind the dead receiver)',
        () => healthy.got.length >= 1,
        30_000,
      );
      assert.ok(
        deadSeenWhenHealthyArrived !== undefined && deadSeenWhenHealthyArrived < pending,
        `the healthy event arrived after the dead receiver had seen ${deadSeenWhenHealthyArrived} of ${pending} attempts`,
      );
      // And the dead endpoint's first attempts were still to be made at that moment: its log fills in later.
      const log = await until(
        'every first attempt at the dead receiver logged',
        async () => {
          const r = await call(h, { url: `/api/v1/webhook-endpoints/${deadEp.id}/deliveries`, headers: a.headers });
          return r.body.data.items.length >= pending ? r.body.data.items : null;
        },
        30_000,
      );
      for (const attempt of log) assert.equal(attempt.error, 'no response within 1 s');
    } finally {
      dead.server.closeAllConnections();
      await new Promise((resolve) => dead.server.close(resolve));
      await healthy.close();
      await h.close();
    }
  });
});

describe('webhook delivery under a strict policy', () => {
  test('the address is checked again at delivery: refused there, logged, never sent', async () => {
    // This server refuses private targets. The endpoint got in some other way (made while the
    // operator allowed them, or its name now resolves elsewhere): the deliverer checks the
    // address it would connect to, refuses, and says why in the log.
    const h = await setup({ webhooks: { ...FAST, allowPrivate: false, retryScheduleMs: [60_000] } });
    const rx = await receiver();
    try {
      const t = await tenant(h);
      const { rows: made } = await h.db.query<{ id: string }>(
        `INSERT INTO webhook_endpoints (business_id, id, url, events, secret)
         VALUES ($1, $2, $3, '{*}', 'whsec_dGVzdHRlc3R0ZXN0dGVzdA==') RETURNING id`,
        [t.businessId, uuidv7(), rx.url],
      );
      const endpointId = made[0]?.id as string;
      await createCustomer(h, t, { name: 'Refused' });
      const log = await until('a refused attempt', async () => {
        const r = await call(h, { url: `/api/v1/webhook-endpoints/${endpointId}/deliveries`, headers: t.headers });
        return r.body.data.items.length > 0 ? r.body.data.items : null;
      });
      assert.equal(log[0].status_code, null);
      assert.match(log[0].error, /^refused: url .*private and loopback targets are refused/);
      assert.notEqual(log[0].next_retry_at, null, 'tried again later');
      assert.equal(rx.got.length, 0, 'nothing was sent');
    } finally {
      await rx.close();
      await h.close();
    }
  });
});

describe('webhook delivery across restarts and instances', () => {
  test('a restart mid-backoff still delivers', async () => {
    const h = await setup({ webhooks: { ...FAST, retryScheduleMs: [700] } });
    const rx = await receiver((n) => (n === 1 ? 503 : 200));
    let second: Awaited<ReturnType<typeof buildApp>> | undefined;
    try {
      const t = await tenant(h);
      await addEndpoint(h, t, rx.url);
      await createCustomer(h, t, { name: 'Restarted' });
      await until('the first, failed attempt', () => rx.got.length >= 1);
      await h.app.close(); // the server goes away while the retry waits
      second = await buildApp({
        db: h.db,
        cursorSecret: await cursorSecret(h.db),
        webhooks: { ...FAST, retryScheduleMs: [700] },
      });
      await second.ready();
      await until('the retry, from the new server', () => rx.got.length >= 2);
      assert.equal(rx.got[1]?.headers['webhook-id'], rx.got[0]?.headers['webhook-id']);
      // Recorded just after the receiver answered.
      const rows = await until('the delivery recorded as succeeded', async () => {
        const r = await h.db.query<{ state: string; attempts: number }>(
          'SELECT state, attempts FROM webhook_deliveries WHERE business_id = $1',
          [t.businessId],
        );
        return r.rows[0]?.state === 'succeeded' ? r.rows : null;
      });
      assert.deepEqual(rows, [{ state: 'succeeded', attempts: 2 }]);
    } finally {
      await second?.close();
      await rx.close();
      await h.close();
    }
  });

  test('first attempts go in feed order even when an earlier event is stamped after the worker’s clock', async () => {
    // A delivery's stamp is its transaction's start (the database's clock, microseconds); the
    // worker reads its own clock (milliseconds, maybe another host's). Two writers of one
    // business can commit in the other order than they began, so the earlier position can
    // carry the later stamp — here, exaggerated to an hour, made while no worker runs.
    const h = await setup({ webhooks: { ...FAST, deliver: false } });
    const rx = await receiver();
    let worker: Awaited<ReturnType<typeof buildApp>> | undefined;
    try {
      const t = await tenant(h);
      await addEndpoint(h, t, rx.url);
      for (const name of ['First', 'Second', 'Third']) await createCustomer(h, t, { name });
      const stamped = await h.db.query(
        `UPDATE webhook_deliveries SET next_attempt_at = next_attempt_at + interval '1 hour'
          WHERE business_id = $1 AND event_position = 1 AND attempts = 0 RETURNING id`,
        [t.businessId],
      );
      assert.equal(stamped.rows.length, 1);
      worker = await buildApp({ db: h.db, cursorSecret: await cursorSecret(h.db), webhooks: FAST });
      await worker.ready();
      await until('three deliveries', () => rx.got.length >= 3);
      const feed = await call(h, { url: '/api/v1/events', headers: t.headers });
      assert.deepEqual(
        rx.got.map((g) => g.headers['webhook-id']),
        feed.body.data.items.map((e: { id: string }) => e.id),
        'in feed order',
      );
    } finally {
      await worker?.close();
      await rx.close();
      await h.close();
    }
  });

  test('two server instances on one PostgreSQL deliver each event once', { skip: !onPostgres }, async () => {
    const h = await setup({ webhooks: FAST });
    const rx = await receiver();
    const otherDb = await openDb({ databaseUrl: h.databaseUrl as string, poolMax: 4 });
    const other = await buildApp({ db: otherDb, cursorSecret: await cursorSecret(otherDb), webhooks: FAST });
    try {
      await other.ready();
      const tenants = await Promise.all([tenant(h), tenant(h), tenant(h), tenant(h)]);
      for (const t of tenants) await addEndpoint(h, t, rx.url);
      // Writes through both instances.
      const apps = [h.app, other];
      let n = 0;
      await Promise.all(
        tenants.flatMap((t, i) =>
          Array.from({ length: 10 }, async (_, j) => {
            const app = apps[(i + j) % 2] as typeof h.app;
            const r = await app.inject({
              method: 'POST',
              url: '/api/v1/customers',
              headers: t.headers,
              payload: { name: `Twice ${i}-${j}`, email: `twice-${i}-${j}@example.com` },
            });
            assert.equal(r.statusCode, 201, r.body);
            n++;
          }),
        ),
      );
      assert.equal(n, 40);
      await until('40 deliveries', () => rx.got.length >= 40);
      // Every delivery recorded as succeeded, each after one attempt: a second send of any of them
      // would be a second attempt (each send is recorded).
      await until('all 40 deliveries recorded as succeeded', async () => {
        const r = await h.db.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM webhook_deliveries
            WHERE business_id = ANY($1::uuid[]) AND state = 'succeeded'`,
          [tenants.map((t) => t.businessId)],
        );
        return r.rows[0]?.n === '40';
      });
      const { rows: attempts } = await h.db.query<{ n: string }>(
        'SELECT count(*)::text AS n FROM webhook_attempts WHERE business_id = ANY($1::uuid[])',
        [tenants.map((t) => t.businessId)],
      );
      assert.equal(attempts[0]?.n, '40', 'one attempt per delivery');
      const ids = rx.got.map((g) => String(g.headers['webhook-id']));
      assert.equal(ids.length, 40, 'each event once');
      assert.equal(new Set(ids).size, 40);
      // Whichever instance sent them, each endpoint got its business's events in feed order.
      for (const t of tenants) {
        const feed = await call(h, { url: '/api/v1/events?limit=100', headers: t.headers });
        const expected = feed.body.data.items.map((e: { id: string }) => e.id);
        const got = rx.got
          .filter(
            (g) =>
              (JSON.parse(g.body) as { data: { object: { business_id: string } } }).data.object.business_id ===
              t.businessId,
          )
          .map((g) => g.headers['webhook-id']);
        assert.equal(expected.length, 10);
        assert.deepEqual(got, expected);
      }
    } finally {
      await other.close();
      await otherDb.close();
      await rx.close();
      await h.close();
    }
  });
});

describe('webhook endpoint refusals and limits', () => {
  let h: Harness;
  before(async () => {
    // Names resolve through this table, not the network: one internal name, one public.
    const names: Record<string, string> = { 'crm.internal.test': '10.20.30.40', 'hooks.public.test': '93.184.216.34' };
    h = await setup({
      webhooks: {
        allowPrivate: false,
        allowHttp: false,
        lookup: async (host) => (names[host] ? [{ address: names[host], family: 4 }] : []),
      },
    });
  });
  after(async () => {
    await h?.close();
  });

  const create = (t: Tenant, url: string, app: Harness = h) =>
    call(app, {
      method: 'POST',
      url: '/api/v1/webhook-endpoints',
      headers: t.headers,
      payload: { url, events: ['*'] },
    });

  test('a refused URL says "not a public address" and the setting that allows it, never what a name resolves to', async () => {
    const t = await tenant(h);
    for (const url of ['https://crm.internal.test/hooks', 'https://[::ffff:a14:1e28]/', 'https://10.20.30.40/']) {
      const r = await create(t, url);
      assert.equal(r.status, 422, r.res.body);
      const msg = r.body.detail[0].msg as string;
      assert.match(msg, /not a public address/, url);
      assert.match(msg, /WEBHOOK_ALLOW_PRIVATE/, url);
      assert.doesNotMatch(msg, /10\.20\.30\.40|a14:1e28/, `${url}: ${msg}`);
    }
    const http = await create(t, 'http://hooks.public.test/');
    assert.equal(http.status, 422, http.res.body);
    assert.match(http.body.detail[0].msg, /WEBHOOK_ALLOW_HTTP/);
    assert.equal((await create(t, 'https://hooks.public.test/')).status, 201, 'a public name passes');
  });

  test('at most 16 endpoints per business by default: the 17th → 409 naming WEBHOOK_MAX_ENDPOINTS', async () => {
    const t = await tenant(h);
    for (let i = 0; i < 16; i++) assert.equal((await create(t, `${PUBLIC_HOOK_URL}/${i}`)).status, 201, `#${i + 1}`);
    const over = await create(t, `${PUBLIC_HOOK_URL}/16`);
    assert.equal(over.status, 409, over.res.body);
    assert.match(over.body.detail, /at most 16 webhook endpoints.*WEBHOOK_MAX_ENDPOINTS/);
    const other = await tenant(h);
    assert.equal((await create(other, PUBLIC_HOOK_URL)).status, 201, 'another business has its own count');
  });

  test('a lowered limit refuses new endpoints only; existing ones keep working', async () => {
    const t = await tenant(h);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await create(t, `${PUBLIC_HOOK_URL}/${i}`)).body.data.id);
    const app = await buildApp({ db: h.db, cursorSecret: await cursorSecret(h.db), webhooks: { maxEndpoints: 2 } });
    const low: Harness = { db: h.db, app, databaseUrl: h.databaseUrl, close: () => app.close() };
    try {
      const over = await create(t, PUBLIC_HOOK_URL, low);
      assert.equal(over.status, 409, over.res.body);
      assert.match(over.body.detail, /at most 2 webhook endpoints/);
      const put = await call(low, {
        method: 'PUT',
        url: `/api/v1/webhook-endpoints/${ids[0]}`,
        headers: t.headers,
        payload: { description: 'still here' },
      });
      assert.equal(put.status, 200, put.res.body);
      const list = await call(low, { url: '/api/v1/webhook-endpoints', headers: t.headers });
      assert.equal(list.body.data.items.length, 3);
      for (const id of ids.slice(0, 2)) {
        const del = await call(low, { method: 'DELETE', url: `/api/v1/webhook-endpoints/${id}`, headers: t.headers });
        assert.equal(del.status, 200, del.res.body);
      }
      assert.equal((await create(t, PUBLIC_HOOK_URL, low)).status, 201, 'room again under the limit');
    } finally {
      await low.close();
    }
  });

  test('WEBHOOK_MAX_ENDPOINTS: 16 by default, a positive integer', () => {
    assert.equal(loadConfig({}).WEBHOOK_MAX_ENDPOINTS, 16);
    assert.equal(loadConfig({ WEBHOOK_MAX_ENDPOINTS: '3' }).WEBHOOK_MAX_ENDPOINTS, 3);
    assert.throws(() => loadConfig({ WEBHOOK_MAX_ENDPOINTS: '0' }), /WEBHOOK_MAX_ENDPOINTS/);
  });

  test('concurrent creates cannot slip past the limit', async () => {
    const t = await tenant(h);
    const app = await buildApp({ db: h.db, cursorSecret: await cursorSecret(h.db), webhooks: { maxEndpoints: 5 } });
    const low: Harness = { db: h.db, app, databaseUrl: h.databaseUrl, close: () => app.close() };
    try {
      const rs = await Promise.all(Array.from({ length: 12 }, (_, i) => create(t, `${PUBLIC_HOOK_URL}/${i}`, low)));
      const statuses = rs.map((r) => r.status).sort();
      assert.deepEqual(statuses, [...Array(5).fill(201), ...Array(7).fill(409)], JSON.stringify(statuses));
      const { rows } = await h.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM webhook_endpoints WHERE business_id = $1',
        [t.businessId],
      );
      assert.equal(rows[0]?.n, 5);
    } finally {
      await low.close();
    }
  });
});
