// Conditional requests (ETag / If-None-Match → 304): a 304 only while the answer is the same,
// whoever changed the rows (this app, another instance, seed, the operator) and however.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildApp } from '../src/http/app.js';
import type { Db, Queryable, QueryResult } from '../src/platform/db/db.js';
import { openDb } from '../src/platform/db/open.js';
import { cursorSecret } from '../src/platform/settings.js';
import { seed } from '../src/resources/customers/seed.js';
import { captureData, restoreData } from '../src/test-mode/data-reset.js';
import {
  addTestMember,
  call,
  createContact,
  createCustomer,
  type Harness,
  setup,
  type Tenant,
  tenant,
} from './helpers/harness.js';

/** Every statement the app sends, for the test that looks at what a 304 costs. */
function recordingDb(db: Db): Db & { texts: string[] } {
  const texts: string[] = [];
  const wrap = (q: Queryable): Queryable => ({
    query<R>(text: string, params?: readonly unknown[], opts?: Parameters<Queryable['query']>[2]) {
      texts.push(text);
      return q.query<R>(text, params, opts) as Promise<QueryResult<R>>;
    },
    exec(text: string) {
      texts.push(text);
      return q.exec(text);
    },
  });
  return Object.assign(Object.create(db) as Db, {
    texts,
    kind: db.kind,
    ...wrap(db),
    transaction: <T>(fn: (tx: Queryable) => Promise<T>, opts?: Parameters<Db['transaction']>[1]) =>
      db.transaction((tx) => fn(wrap(tx)), opts),
    close: () => db.close(),
  });
}

let h: Harness;
let recorder: ReturnType<typeof recordingDb> | undefined;
before(async () => {
  h = await setup({
    // Endpoints on loopback are allowed (nothing is delivered: no worker runs here).
    webhooks: { allowHttp: true, allowPrivate: true },
    wrapDb: (db) => {
      recorder = recordingDb(db);
      return recorder;
    },
  });
});
after(async () => {
  await h?.close();
});

interface Seen {
  etag: string;
  body: unknown;
}

/** A GET answered 200 with a validator: what a client would keep. */
async function fetchOk(url: string, headers: Record<string, string>, app = h.app): Promise<Seen> {
  const res = await app.inject({ url, headers });
  assert.equal(res.statusCode, 200, res.body);
  const etag = res.headers.etag;
  assert.equal(typeof etag, 'string', `${url}: an ETag`);
  assert.match(String(etag), /^"[A-Za-z0-9_-]+"$/, 'a strong validator');
  assert.equal(res.headers['cache-control'], 'private, no-cache');
  assert.equal(res.headers.vary, 'Authorization, Cookie, x-business-id');
  return { etag: String(etag), body: JSON.parse(res.body) };
}

/**
 * Revalidates what the client holds, then reads the answer afresh without a validator: a 304
 * must mean the answer is still the one held (never stale), and a 200 carries the current one.
 */
async function revalidate(url: string, headers: Record<string, string>, held: Seen): Promise<'304' | '200'> {
  const r = await call(h, { url, headers: { ...headers, 'if-none-match': held.etag } });
  const fresh = await fetchOk(url, headers);
  if (r.status === 304) {
    assert.equal(r.res.body, '', 'a 304 has no body');
    assert.equal(r.res.headers.etag, held.etag);
    assert.equal(r.res.headers['cache-control'], 'private, no-cache');
    assert.equal(r.res.headers.vary, 'Authorization, Cookie, x-business-id');
    assert.deepEqual(fresh.body, held.body, `${url}: answered 304, but the answer changed`);
    assert.equal(fresh.etag, held.etag);
    return '304';
  }
  assert.equal(r.status, 200, r.res.body);
  assert.notEqual(r.res.headers.etag, held.etag);
  assert.equal(r.res.headers.etag, fresh.etag);
  return '200';
}

describe('ETag and 304', () => {
  let t: Tenant;
  let customer: { id: string; name: string };
  let contact: { id: string };
  let urls: string[];
  before(async () => {
    t = await tenant(h);
    customer = await createCustomer(h, t);
    contact = await createContact(h, t, customer.id);
    urls = [
      '/api/v1/customers?limit=5',
      `/api/v1/customers/${customer.id}`,
      `/api/v1/customers/${customer.id}/contacts`,
      `/api/v1/customers/${customer.id}/contacts/${contact.id}`,
      '/api/v1/events',
      '/api/v1/businesses/users',
      '/api/v1/webhook-endpoints',
    ];
  });

  test('every business GET: ETag on the 200, 304 with no body on a match (also among several, or weak)', async () => {
    for (const url of urls) {
      const held = await fetchOk(url, t.headers);
      assert.equal(await revalidate(url, t.headers, held), '304', url);
      const several = await call(h, {
        url,
        headers: { ...t.headers, 'if-none-match': `"nope", W/${held.etag}` },
      });
      assert.equal(several.status, 304, url);
      const other = await call(h, { url, headers: { ...t.headers, 'if-none-match': '"nope"' } });
      assert.equal(other.status, 200, url);
    }
  });

  test('HEAD as GET: the same ETag, 304 on a match', async () => {
    const url = `/api/v1/customers/${customer.id}`;
    const held = await fetchOk(url, t.headers);
    const head = await h.app.inject({ method: 'HEAD', url, headers: t.headers });
    assert.equal(head.statusCode, 200);
    assert.equal(head.headers.etag, held.etag);
    const again = await h.app.inject({ method: 'HEAD', url, headers: { ...t.headers, 'if-none-match': held.etag } });
    assert.equal(again.statusCode, 304);
  });

  test('the CSV export (sent no-store) carries no ETag', async () => {
    const res = await h.app.inject({ url: '/api/v1/customers/export', headers: t.headers });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers.etag, undefined);
    assert.equal(res.headers['cache-control'], 'no-store');
  });

  test('query order and defaults do not matter; another query is another ETag', async () => {
    const a = await fetchOk('/api/v1/customers?limit=5&sort_by=name', t.headers);
    const b = await fetchOk('/api/v1/customers?sort_by=name&limit=5', t.headers);
    assert.equal(a.etag, b.etag);
    const c = await fetchOk('/api/v1/customers?limit=6&sort_by=name', t.headers);
    assert.notEqual(a.etag, c.etag);
    const d = await fetchOk('/api/v1/customers', t.headers);
    const e = await fetchOk('/api/v1/customers?limit=50', t.headers);
    assert.equal(d.etag, e.etag, 'the default limit is 50');
  });

  test('a 304 reads no row of the page: one statement for the change state besides authentication', async () => {
    const url = `/api/v1/customers/${customer.id}/contacts`;
    const held = await fetchOk(url, t.headers);
    const r = recorder as NonNullable<typeof recorder>;
    const from = r.texts.length;
    const res = await h.app.inject({ url, headers: { ...t.headers, 'if-none-match': held.etag } });
    assert.equal(res.statusCode, 304);
    const sent = r.texts.slice(from);
    assert.ok(
      sent.every((s) => !/\b(contacts|customers)\b/.test(s)),
      `no statement reads contacts or customers:\n${sent.join('\n---\n')}`,
    );
    assert.equal(sent.filter((s) => /change_counters/.test(s)).length, 1, sent.join('\n---\n'));
  });

  test('a write through the API: 200 with the new body; a write elsewhere in the business too', async () => {
    const url = `/api/v1/customers/${customer.id}`;
    const held = await fetchOk(url, t.headers);
    const list = await fetchOk('/api/v1/customers?limit=5', t.headers);
    const patched = await call(h, {
      method: 'PUT',
      url,
      headers: t.headers,
      payload: { notes: 'changed' },
    });
    assert.equal(patched.status, 200, patched.res.body);
    assert.equal(await revalidate(url, t.headers, held), '200');
    assert.equal(await revalidate('/api/v1/customers?limit=5', t.headers, list), '200');
    const now = await fetchOk(url, t.headers);
    assert.equal((now.body as { data: { notes: string } }).data.notes, 'changed');
    // A contact added to the customer moves the whole business's validators (conservative).
    await createContact(h, t, customer.id);
    assert.equal(await revalidate(url, t.headers, now), '200');
  });

  test('a no-op update: never a stale 304', async () => {
    const url = `/api/v1/customers/${customer.id}`;
    const held = await fetchOk(url, t.headers);
    const same = await call(h, {
      method: 'PUT',
      url,
      headers: t.headers,
      payload: { name: customer.name },
    });
    assert.equal(same.status, 200, same.res.body);
    // The UPDATE ran, so the validator moved; revalidate checks no 304 hides a change either way.
    assert.equal(await revalidate(url, t.headers, held), '200');
  });

  test('a write by another instance on the same database', async () => {
    const url = '/api/v1/customers?limit=5';
    const held = await fetchOk(url, t.headers);
    const otherDb = h.databaseUrl ? await openDb({ databaseUrl: h.databaseUrl, poolMax: 2 }) : h.db;
    const other = await buildApp({ db: otherDb, cursorSecret: await cursorSecret(otherDb) });
    try {
      const r = await other.inject({
        method: 'POST',
        url: '/api/v1/customers',
        headers: t.headers,
        payload: { name: 'From elsewhere', email: `elsewhere-${Date.now()}@example.com` },
      });
      assert.equal(r.statusCode, 201, r.body);
      // The other instance agrees on validators for the same answer.
      const there = await fetchOk(url, t.headers, other);
      assert.equal(await revalidate(url, t.headers, held), '200');
      assert.equal((await fetchOk(url, t.headers)).etag, there.etag);
    } finally {
      await other.close();
      if (otherDb !== h.db) await otherDb.close();
    }
  });

  test('a rolled-back write leaves the validator, and the answer, as they were', async () => {
    const url = `/api/v1/customers/${customer.id}`;
    const held = await fetchOk(url, t.headers);
    await assert.rejects(
      h.db.transaction(async (tx) => {
        await tx.query('UPDATE customers SET notes = $3 WHERE business_id = $1 AND id = $2', [
          t.businessId,
          customer.id,
          'rolled back',
        ]);
        throw new Error('abort');
      }),
      /abort/,
    );
    assert.equal(await revalidate(url, t.headers, held), '304');
    // And one refused by the database (a duplicate e-mail) through the API.
    const dup = await call(h, {
      method: 'POST',
      url: '/api/v1/customers',
      headers: t.headers,
      payload: { name: 'Dup', email: (held.body as { data: { email: string } }).data.email },
    });
    assert.equal(dup.status, 409, dup.res.body);
    assert.equal(await revalidate(url, t.headers, held), '304');
  });

  test('seed, members, webhook endpoints: 200 where they change the answer', async () => {
    const customers = await fetchOk('/api/v1/customers?limit=5', t.headers);
    await seed(h.db, { businessId: t.businessId, customers: 3, contactsPerCustomer: 1 });
    assert.equal(await revalidate('/api/v1/customers?limit=5', t.headers, customers), '200');

    const members = await fetchOk('/api/v1/businesses/users', t.headers);
    const added = await addTestMember(h, t.businessId, 'viewer');
    assert.equal(await revalidate('/api/v1/businesses/users', t.headers, members), '200');
    const before = await fetchOk('/api/v1/businesses/users', t.headers);
    const removed = await call(h, {
      method: 'DELETE',
      url: `/api/v1/businesses/users/${added.userId}`,
      headers: t.headers,
    });
    assert.ok(removed.status === 200 || removed.status === 204, removed.res.body);
    assert.equal(await revalidate('/api/v1/businesses/users', t.headers, before), '200');

    const hooks = await fetchOk('/api/v1/webhook-endpoints', t.headers);
    const made = await call(h, {
      method: 'POST',
      url: '/api/v1/webhook-endpoints',
      headers: t.headers,
      payload: { url: 'http://127.0.0.1:9/in', events: ['*'] },
    });
    assert.equal(made.status, 201, made.res.body);
    assert.equal(await revalidate('/api/v1/webhook-endpoints', t.headers, hooks), '200');
  });

  test('a new token of the caller changes no business answer: still 304', async () => {
    const url = `/api/v1/customers/${customer.id}`;
    const held = await fetchOk(url, t.headers);
    const token = await call(h, {
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { authorization: t.headers.authorization as string },
      payload: {},
    });
    assert.equal(token.status, 201, token.res.body);
    assert.equal(await revalidate(url, t.headers, held), '304');
  });

  test('another role, another user or another business: another ETag', async () => {
    const url = '/api/v1/customers?limit=5';
    const owner = await fetchOk(url, t.headers);
    const viewer = await t.as('viewer');
    const asViewer = await fetchOk(url, viewer);
    assert.notEqual(asViewer.etag, owner.etag);
    const r = await call(h, { url, headers: { ...viewer, 'if-none-match': owner.etag } });
    assert.equal(r.status, 200, "the owner's validator does not answer the viewer");
    const other = await tenant(h);
    const elsewhere = await fetchOk(url, other.headers);
    assert.notEqual(elsewhere.etag, owner.etag);
    const cross = await call(h, { url, headers: { ...other.headers, 'if-none-match': owner.etag } });
    assert.equal(cross.status, 200);
  });

  test('routes whose answer changes with time alone, or has no business, carry no ETag', async () => {
    const invitations = await h.app.inject({ url: '/api/v1/businesses/invitations', headers: t.headers });
    assert.equal(invitations.statusCode, 200, invitations.body);
    assert.equal(invitations.headers.etag, undefined);
    const businesses = await h.app.inject({
      url: '/api/v1/businesses',
      headers: { authorization: t.headers.authorization as string },
    });
    assert.equal(businesses.statusCode, 200, businesses.body);
    assert.equal(businesses.headers.etag, undefined);
  });

  test('errors carry no ETag and a validator never turns one into a 304', async () => {
    const url = `/api/v1/customers/${customer.id}`;
    const held = await fetchOk(url, t.headers);
    const missing = await call(h, {
      url: '/api/v1/customers/00000000-0000-7000-8000-000000000000',
      headers: { ...t.headers, 'if-none-match': held.etag },
    });
    assert.equal(missing.status, 404);
    assert.equal(missing.res.headers.etag, undefined);
    const bad = await call(h, { url: '/api/v1/customers?limit=0', headers: { ...t.headers, 'if-none-match': '*' } });
    assert.equal(bad.status, 422);
    const star = await call(h, { url, headers: { ...t.headers, 'if-none-match': '*' } });
    assert.equal(star.status, 304, 'If-None-Match: * holds for any current answer');
  });

  test('every table with a business_id has the triggers that move its counter', async () => {
    const { rows } = await h.db.query<{ table: string; events: string[] }>(
      `SELECT c.relname AS table,
              array_agg(DISTINCT e.event ORDER BY e.event) FILTER (WHERE e.event IS NOT NULL) AS events
         FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN LATERAL (
           SELECT unnest(ARRAY[CASE WHEN tg.tgtype & 4 <> 0 THEN 'INSERT' END,
                               CASE WHEN tg.tgtype & 8 <> 0 THEN 'DELETE' END,
                               CASE WHEN tg.tgtype & 16 <> 0 THEN 'UPDATE' END]) AS event
             FROM pg_trigger tg JOIN pg_proc p ON p.oid = tg.tgfoid
            WHERE tg.tgrelid = c.oid AND p.proname LIKE 'bump_%change_counter%') e ON true
        WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname <> 'change_counters'
          AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'business_id' AND NOT a.attisdropped)
        GROUP BY c.relname`,
    );
    assert.ok(rows.length >= 10, 'the tenant tables');
    for (const r of rows) assert.deepEqual(r.events, ['DELETE', 'INSERT', 'UPDATE'], r.table);
  });
});

describe('limits', () => {
  test('a 304 counts against the rate limit like any request', async () => {
    const t = await tenant(h);
    const limited = await buildApp({
      db: h.db,
      cursorSecret: await cursorSecret(h.db),
      rateLimit: { perToken: 3, perAddress: 0, windowMs: 60_000 },
    });
    try {
      const url = '/api/v1/customers';
      const first = await limited.inject({ url, headers: t.headers });
      assert.equal(first.statusCode, 200, first.body);
      const etag = String(first.headers.etag);
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await limited.inject({ url, headers: { ...t.headers, 'if-none-match': etag } });
        statuses.push(r.statusCode);
        if (r.statusCode === 304) assert.equal(r.headers['ratelimit-remaining'], String(1 - i));
      }
      assert.deepEqual(statuses, [304, 304, 429]);
    } finally {
      await limited.close();
    }
  });
});

// Last: it puts the whole database back as it was when captured.
describe('reset epoch', () => {
  test("test mode's reset: no validator from before it matches after it, though versions repeat", async () => {
    const t = await tenant(h);
    const customer = await createCustomer(h, t);
    const url = `/api/v1/customers/${customer.id}`;
    const snapshot = await captureData(h.db);
    const atSnapshot = await fetchOk(url, t.headers);
    const patch = (notes: string) => call(h, { method: 'PUT', url, headers: t.headers, payload: { notes } });
    assert.equal((await patch('first')).status, 200);
    const afterFirst = await fetchOk(url, t.headers);
    await restoreData(h.db, snapshot);
    // The same rows as at the snapshot, but a new epoch: a client holding that answer refetches once.
    assert.equal(await revalidate(url, t.headers, atSnapshot), '200');
    // The same writes again reach the same versions; the epoch keeps their validators apart.
    assert.equal((await patch('second')).status, 200);
    assert.equal(await revalidate(url, t.headers, afterFirst), '200');
  });
});
