import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { wallClock } from '../src/platform/clock.js';
import { CursorCodec } from '../src/platform/cursor.js';
import type { Db, Queryable } from '../src/platform/db/db.js';
import { cursorSecret } from '../src/platform/settings.js';
import { ContactsService } from '../src/resources/contacts/service.js';
import { CustomersService } from '../src/resources/customers/service.js';
import { listEvents, purgeEvents } from '../src/resources/events/service.js';
import {
  call,
  createContact,
  createCustomer,
  type Harness,
  multipart,
  setup,
  type Tenant,
  tenant,
  unique,
} from './helpers/harness.js';

/** The events feed: one event per change, in the change's transaction, and no gaps for a reader. */
let h: Harness;
before(async () => {
  h = await setup();
});
after(async () => {
  await h?.close();
});

interface FeedEvent {
  id: string;
  type: string;
  created_at: string;
  data: { object: Record<string, unknown> };
  previous_attributes: Record<string, unknown> | null;
}

/** Every event of the tenant's feed, walked forward. */
async function feed(t: Tenant, query = ''): Promise<FeedEvent[]> {
  const all: FeedEvent[] = [];
  let cursor = '';
  for (let i = 0; i < 1000; i++) {
    const r = await call(h, {
      url: `/api/v1/events?limit=3${query}${cursor ? `&cursor=${cursor}` : ''}`,
      headers: t.headers,
    });
    assert.equal(r.status, 200, r.res.body);
    all.push(...r.body.data.items);
    assert.equal(typeof r.body.data.next_cursor, 'string', 'next_cursor is never null');
    if (!r.body.data.has_next) break;
    cursor = r.body.data.next_cursor;
  }
  return all;
}

describe('every change writes one event', () => {
  test('customers: created, updated (with the changed fields), unchanged (none), deleted', async () => {
    const t = await tenant(h);
    const c = await createCustomer(h, t, { name: 'Evented', email: `${unique('e')}@example.com`, phone: '1' });
    const listed = await call(h, { url: `/api/v1/customers?id=${c.id}`, headers: t.headers });
    const asListed = listed.body.data.items[0];
    const up = await call(h, {
      method: 'PUT',
      url: `/api/v1/customers/${c.id}`,
      headers: t.headers,
      payload: { phone: '2', notes: 'n' },
    });
    assert.equal(up.status, 200);
    const same = await call(h, {
      method: 'PUT',
      url: `/api/v1/customers/${c.id}`,
      headers: t.headers,
      payload: { phone: '2' },
    });
    assert.equal(same.status, 200);
    assert.equal(
      (await call(h, { method: 'DELETE', url: `/api/v1/customers/${c.id}`, headers: t.headers })).status,
      200,
    );
    const events = await feed(t);
    assert.deepEqual(
      events.map((e) => e.type),
      ['customer.created', 'customer.updated', 'customer.deleted'],
    );
    const [created, updated, deleted] = events as [FeedEvent, FeedEvent, FeedEvent];
    assert.deepEqual(created.data.object, asListed, 'the customer as lists show it (contacts: null)');
    assert.equal(created.previous_attributes, null);
    assert.deepEqual(updated.previous_attributes, { phone: '1', notes: null });
    assert.equal(updated.data.object.phone, '2');
    assert.equal(deleted.data.object.is_deleted, true);
    assert.equal(deleted.previous_attributes, null);
    assert.ok(events.every((e) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(e.created_at)));
  });

  test('contacts: a new primary writes contact.updated for the one it demotes; delete keeps the last state', async () => {
    const t = await tenant(h);
    const c = await createCustomer(h, t);
    const first = await createContact(h, t, c.id, { name: 'First', is_primary: true });
    const second = await createContact(h, t, c.id, { name: 'Second', is_primary: true });
    const renamed = await call(h, {
      method: 'PUT',
      url: `/api/v1/customers/${c.id}/contacts/${first.id}`,
      headers: t.headers,
      payload: { name: 'First Renamed', is_primary: true },
    });
    assert.equal(renamed.status, 200);
    await call(h, { method: 'DELETE', url: `/api/v1/customers/${c.id}/contacts/${second.id}`, headers: t.headers });
    const events = (await feed(t)).filter((e) => e.type.startsWith('contact.'));
    assert.deepEqual(
      events.map((e) => [e.type, e.data.object.id, e.previous_attributes]),
      [
        ['contact.created', first.id, null],
        ['contact.updated', first.id, { is_primary: true }],
        ['contact.created', second.id, null],
        ['contact.updated', second.id, { is_primary: true }],
        ['contact.updated', first.id, { name: 'First', is_primary: false }],
        ['contact.deleted', second.id, null],
      ],
    );
    const deleted = events.at(-1) as FeedEvent;
    assert.equal(deleted.data.object.name, 'Second');
    assert.equal(deleted.data.object.is_primary, false);
  });

  test('a bulk upload writes one customer.created per created row; a refused write writes none', async () => {
    const t = await tenant(h);
    const taken = `${unique('taken')}@example.com`;
    await createCustomer(h, t, { email: taken });
    const m = multipart(`name,email\nOne,${unique('a')}@example.com\nDup,${taken}\nTwo,${unique('b')}@example.com\n`);
    const up = await call(h, {
      method: 'POST',
      url: '/api/v1/customers/bulk-upload',
      headers: { ...t.headers, ...m.headers },
      payload: m.payload,
    });
    assert.equal(up.body.data.created, 2);
    const conflict = await call(h, {
      method: 'POST',
      url: '/api/v1/customers',
      headers: t.headers,
      payload: { name: 'Dup', email: taken },
    });
    assert.equal(conflict.status, 409);
    const names = (await feed(t, '&type=customer.created')).map((e) => e.data.object.name);
    assert.equal(names.length, 3);
    assert.deepEqual(names.slice(1), ['One', 'Two']);
  });
});

describe('GET /api/v1/events', () => {
  test('filters by type (repeatable) and object; sort_by is not offered; the feed is the business’s own', async () => {
    const t = await tenant(h);
    const other = await tenant(h);
    const a = await createCustomer(h, t);
    const b = await createCustomer(h, t);
    await createContact(h, t, a.id);
    await createCustomer(h, other);
    assert.equal((await feed(t, '&type=customer.created')).length, 2);
    assert.equal((await feed(t, '&type=customer.created&type=contact.created')).length, 3);
    assert.deepEqual(
      (await feed(t, `&object_id=${b.id}`)).map((e) => e.data.object.id),
      [b.id],
    );
    assert.equal((await feed(other)).length, 1, 'only its own');
    for (const q of ['sort_by=created_at', 'descending=true', 'type=customer.exploded', 'object_id=nope']) {
      const r = await call(h, { url: `/api/v1/events?${q}`, headers: t.headers });
      assert.equal(r.status, 422, `${q}: ${r.res.body}`);
    }
    // A cursor of another business's feed, or of another filter, is refused.
    const theirs = await call(h, { url: '/api/v1/events?limit=1', headers: other.headers });
    const foreign = await call(h, { url: `/api/v1/events?cursor=${theirs.body.data.next_cursor}`, headers: t.headers });
    assert.equal(foreign.status, 422);
  });

  test('at the end, next_cursor is where to poll from; prev walks back; a total when asked', async () => {
    const t = await tenant(h);
    for (let i = 0; i < 4; i++) await createCustomer(h, t);
    const r = await call(h, { url: '/api/v1/events?limit=10&include_total_count=true', headers: t.headers });
    const page = r.body.data;
    assert.equal(page.items.length, 4);
    assert.equal(page.total, 4);
    assert.equal(page.has_next, false);
    assert.equal(page.has_more, false);
    assert.equal(page.has_prev, false);
    const empty = await call(h, { url: `/api/v1/events?cursor=${page.next_cursor}`, headers: t.headers });
    assert.deepEqual(
      [empty.body.data.items.length, empty.body.data.has_next, empty.body.data.has_prev],
      [0, false, true],
    );
    assert.equal(empty.body.data.next_cursor, page.next_cursor, 'nothing new: poll from the same place');
    const lastSeen = await call(h, {
      url: `/api/v1/events?direction=prev&limit=1&cursor=${empty.body.data.prev_cursor}`,
      headers: t.headers,
    });
    assert.deepEqual(
      lastSeen.body.data.items.map((e: FeedEvent) => e.id),
      [page.items[3].id],
      'the page before an empty one at the end holds the last event',
    );
    const c = await createCustomer(h, t);
    const polled = await call(h, { url: `/api/v1/events?cursor=${page.next_cursor}`, headers: t.headers });
    assert.deepEqual(
      polled.body.data.items.map((e: FeedEvent) => e.data.object.id),
      [c.id],
    );
    const back = await call(h, { url: `/api/v1/events?direction=prev&limit=2`, headers: t.headers });
    assert.equal(back.body.data.items.length, 2);
    assert.equal(back.body.data.items[1].data.object.id, c.id, 'from the end, oldest first within the page');
    assert.equal(back.body.data.has_prev, true);
    const further = await call(h, {
      url: `/api/v1/events?direction=prev&limit=10&cursor=${back.body.data.prev_cursor}`,
      headers: t.headers,
    });
    assert.equal(further.body.data.items.length, 3);
    assert.equal(further.body.data.has_prev, false);
  });

  test('events past their retention are purged', async () => {
    const t = await tenant(h);
    await createCustomer(h, t);
    await h.db.query(`UPDATE events SET created_at = now() - interval '31 days' WHERE business_id = $1`, [
      t.businessId,
    ]);
    assert.ok((await purgeEvents(h.db, wallClock, 30)) >= 1);
    assert.equal((await feed(t)).length, 0);
  });
});

describe('no gaps', () => {
  test('a reader polling all along sees every committed event exactly once, in commit order, while writers commit concurrently', async () => {
    const t = await tenant(h);
    const ctx = { businessId: t.businessId, actorEmail: null };
    const codec = new CursorCodec(await cursorSecret(h.db));
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const jitter = () => sleep(Math.floor(Math.random() * 8));
    // Writers whose transactions pause at random points — before and after their events are
    // written, so one that took its place early may commit late.
    const slowDb: Db = {
      kind: h.db.kind,
      query: (text, params, opts) => h.db.query(text, params, opts),
      exec: (text) => h.db.exec(text),
      close: async () => {},
      transaction: (fn, opts) =>
        h.db.transaction(async (tx) => {
          const paused: Queryable = {
            query: async (text, params, o) => {
              await jitter();
              return tx.query(text, params, o);
            },
            exec: (text) => tx.exec(text),
          };
          const result = await fn(paused);
          await jitter();
          return result;
        }, opts),
    };
    const customers = new CustomersService(slowDb, codec);
    const contacts = new ContactsService(slowDb, codec);
    const WRITERS = 6;
    const WRITES = 12;
    let writing = true;
    const seen: { id: string; type: string; object: string }[] = [];
    const reader = (async () => {
      let cursor: string | undefined;
      for (;;) {
        const last = !writing;
        const page = await listEvents(
          h.db,
          codec,
          t.businessId,
          {},
          {
            cursor,
            limit: 5,
            direction: 'next',
            includeTotalCount: false,
          },
        );
        seen.push(
          ...page.items.map((e) => ({
            id: e.id,
            type: e.type,
            object: String((e.data.object as { id?: unknown }).id),
          })),
        );
        cursor = page.next_cursor;
        if (!page.has_next) {
          if (last) return;
          await sleep(2);
        }
      }
    })();
    const writers = Array.from({ length: WRITERS }, async (_, w) => {
      for (let i = 0; i < WRITES; i++) {
        const c = await customers.create(ctx, { name: `W${w} ${i}`, email: `w${w}-${i}-${unique()}@example.com` });
        if (i % 3 === 0) await contacts.create(ctx, c.id, { name: `K${w} ${i}`, is_primary: true });
      }
    });
    await Promise.all(writers);
    writing = false;
    await reader;
    const { rows } = await h.db.query<{ id: string; position: string }>(
      'SELECT id, position::text AS position FROM events WHERE business_id = $1 ORDER BY events.position',
      [t.businessId],
    );
    const expected = WRITERS * WRITES + WRITERS * Math.ceil(WRITES / 3);
    assert.equal(rows.length, expected, 'every write committed its event');
    assert.deepEqual(
      rows.map((r) => Number(r.position)),
      Array.from({ length: expected }, (_, i) => i + 1),
      'positions are contiguous',
    );
    assert.equal(new Set(seen.map((e) => e.id)).size, seen.length, 'each seen once');
    assert.deepEqual(
      seen.map((e) => e.id),
      rows.map((r) => r.id),
      'the reader saw every event, in feed (commit) order',
    );
  });
});
