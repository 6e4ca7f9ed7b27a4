import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildApp } from '../src/http/app.js';
import { ok } from '../src/http/responses.js';
import { CursorCodec } from '../src/platform/cursor.js';
import type { Db } from '../src/platform/db/db.js';
import { type PageJson, type PageParams, pageJsonFor } from '../src/platform/list.js';
import { cursorSecret } from '../src/platform/settings.js';
import type { TenantContext } from '../src/platform/tenant.js';
import { ContactsService } from '../src/resources/contacts/service.js';
import { CustomersService } from '../src/resources/customers/service.js';
import { call, createContact, createCustomer, type Harness, setup, type Tenant, tenant } from './helpers/harness.js';

// The list endpoints send pages PostgreSQL writes as JSON text. Each answer must be, byte for
// byte, what the server wrote from rows before: the service's page of objects, serialized.

let h: Harness;
let t: Tenant;
let ctx: TenantContext;
let contacts: ContactsService;
let customers: CustomersService;
let hot: string;

/** Text that JSON must escape, and text it must not touch. */
const AWKWARD = [
  'quote " backslash \\ slash /',
  'line\nbreak\r\ttab',
  'control \u0001 \u001f \u007f',
  'unicode \u2028 é ß \u2029 漢字 😀',
  "apostrophe ' and <html> & {json}",
];

before(async () => {
  h = await setup();
  t = await tenant(h);
  ctx = { businessId: t.businessId } as TenantContext;
  const codec = new CursorCodec(await cursorSecret(h.db));
  contacts = new ContactsService(h.db, codec);
  customers = new CustomersService(h.db, codec);
  const customer = await createCustomer(h, t, {
    name: AWKWARD[0],
    address: AWKWARD[1],
    notes: AWKWARD[3],
    credit_limit_cents: 9_007_199_254_740_991,
  });
  hot = customer.id;
  for (let i = 0; i < 7; i++) {
    await createContact(h, t, hot, {
      name: AWKWARD[i % AWKWARD.length],
      ...(i % 2 === 0 ? { email: `c${i}@example.com`, role: i % 4 === 0 ? 'Billing' : AWKWARD[2] } : {}),
      ...(i === 3 ? { notes: AWKWARD[4], phone: '+1 555', is_primary: true } : {}),
    });
  }
  for (let i = 0; i < 5; i++)
    await createCustomer(h, t, { name: `Customer ${i % 2}`, ...(i === 1 ? { category: AWKWARD[4] } : {}) });
  // Timestamps with trailing zero microseconds, a whole second, and ties on the sort key.
  await h.db.query(
    `UPDATE contacts SET created_at = '2026-01-02 03:04:05.000100+00', updated_at = '2026-01-02 03:04:05+00'
      WHERE business_id = $1 AND customer_id = $2 AND name = $3`,
    [t.businessId, hot, AWKWARD[1]],
  );
  await h.db.query(
    `UPDATE customers SET updated_at = '1999-12-31 23:59:59.999999+00' WHERE business_id = $1 AND status = 'active' AND name = 'Customer 0'`,
    [t.businessId],
  );
});
after(async () => {
  await h?.close();
});

const params = (p: Partial<PageParams>): PageParams => ({
  limit: 3,
  direction: 'next',
  includeTotalCount: false,
  sortBy: 'created_at',
  descending: true,
  ...p,
});

const query = (p: PageParams) =>
  new URLSearchParams({
    limit: String(p.limit),
    direction: p.direction,
    include_total_count: String(p.includeTotalCount),
    sort_by: p.sortBy,
    descending: String(p.descending),
    ...(p.cursor ? { cursor: p.cursor } : {}),
  }).toString();

/**
 * Walks a list forward to its end and back to its start over HTTP, each answer compared with
 * what `expected` (the page of objects) serializes to; returns how many pages it compared.
 */
async function walk(
  path: string,
  start: PageParams,
  expected: (p: PageParams) => Promise<unknown>,
  message: string,
): Promise<number> {
  let p = start;
  let pages = 0;
  for (const direction of ['next', 'prev'] as const) {
    for (let guard = 0; guard < 20; guard++) {
      const r = await call(h, { url: `${path}${path.includes('?') ? '&' : '?'}${query(p)}`, headers: t.headers });
      assert.equal(r.status, 200, r.res.body);
      assert.equal(r.res.headers['content-type'], 'application/json; charset=utf-8');
      const want = JSON.stringify(ok(await expected(p), message));
      assert.equal(r.res.body, want, `${path} ${JSON.stringify(p)}`);
      pages++;
      const data = r.body.data;
      const cursor = direction === 'next' ? data.next_cursor : data.prev_cursor;
      if (!cursor) break;
      p = { ...p, direction, cursor };
    }
    // Back from the far end: the cursor that page issued the other way.
    p = { ...p, direction: 'prev' };
  }
  return pages;
}

describe('pages written by PostgreSQL', () => {
  test('contacts: every sort, both directions, with and without the total, equal to the rows path', async () => {
    let pages = 0;
    for (const sortBy of ['created_at', 'updated_at', 'name', 'email', 'role']) {
      for (const descending of [true, false]) {
        for (const [limit, includeTotalCount] of [
          [3, true],
          [1, false],
          [50, false],
        ] as const) {
          pages += await walk(
            `/api/v1/customers/${hot}/contacts`,
            params({ sortBy, descending, limit, includeTotalCount }),
            (p) => contacts.list(ctx, hot, p),
            'Contacts retrieved',
          );
        }
      }
    }
    assert.ok(pages >= 60, `walked ${pages} pages`);
  });

  test('contacts: escaping, nulls present, microseconds kept', async () => {
    const r = await call(h, { url: `/api/v1/customers/${hot}/contacts?limit=50&sort_by=name`, headers: t.headers });
    assert.equal(r.status, 200, r.res.body);
    const items = r.body.data.items as Record<string, unknown>[];
    assert.equal(items.length, 7);
    assert.deepEqual(new Set(items.map((c) => c.name)), new Set(AWKWARD));
    for (const c of items) {
      assert.deepEqual(Object.keys(c), [
        'id',
        'entity_type',
        'entity_id',
        'name',
        'email',
        'phone',
        'role',
        'is_primary',
        'notes',
        'created_at',
        'updated_at',
      ]);
      const one = await call(h, { url: `/api/v1/customers/${hot}/contacts/${c.id}`, headers: t.headers });
      assert.deepEqual(c, one.body.data, 'the list item is the contact its GET answers');
    }
    const moved = items.find((c) => c.name === AWKWARD[1]);
    assert.equal(moved?.created_at, '2026-01-02T03:04:05.000100Z');
    assert.equal(moved?.updated_at, '2026-01-02T03:04:05.000000Z');
    assert.ok(items.some((c) => c.email === null && c.role === null && c.notes === null));
  });

  test('customers without search: sorts, filters, both directions, equal to the rows path', async () => {
    let pages = 0;
    for (const sortBy of ['created_at', 'updated_at', 'name', 'email']) {
      for (const descending of [true, false]) {
        pages += await walk(
          '/api/v1/customers',
          params({ sortBy, descending, limit: 2, includeTotalCount: true }),
          (p) => customers.list(ctx, {}, p),
          'Customers retrieved',
        );
      }
    }
    pages += await walk(
      '/api/v1/customers?status=active&email=C0%40EXAMPLE.COM',
      params({ limit: 2 }),
      (p) => customers.list(ctx, { status: 'active', email: 'C0@EXAMPLE.COM' }, p),
      'Customers retrieved',
    );
    pages += await walk(
      `/api/v1/customers?id=${hot}`,
      params({ limit: 2 }),
      (p) => customers.list(ctx, { id: hot }, p),
      'Customers retrieved',
    );
    assert.ok(pages >= 20, `walked ${pages} pages`);
    const r = await call(h, { url: `/api/v1/customers?id=${hot}`, headers: t.headers });
    const c = r.body.data.items[0];
    assert.equal(c.credit_limit_cents, 9_007_199_254_740_991);
    assert.equal(c.contacts, null);
    assert.equal(c.deleted_at, null);
    assert.equal(c.address, AWKWARD[1]);
  });

  test('an empty list, a missing customer, a foreign cursor', async () => {
    const empty = await createCustomer(h, t);
    const r = await call(h, {
      url: `/api/v1/customers/${empty.id}/contacts?include_total_count=true`,
      headers: t.headers,
    });
    assert.equal(r.status, 200, r.res.body);
    assert.equal(
      r.res.body,
      JSON.stringify(
        ok(await contacts.list(ctx, empty.id, params({ limit: 50, includeTotalCount: true })), 'Contacts retrieved'),
      ),
    );
    assert.deepEqual(r.body.data.items, []);
    const missing = await call(h, {
      url: '/api/v1/customers/01900000-0000-7000-8000-000000000000/contacts',
      headers: t.headers,
    });
    assert.equal(missing.status, 404, missing.res.body);
    const page = await call(h, { url: `/api/v1/customers/${hot}/contacts?limit=1`, headers: t.headers });
    const cursor = page.body.data.next_cursor as string;
    const foreign = await call(h, {
      url: `/api/v1/customers/${empty.id}/contacts?cursor=${encodeURIComponent(cursor)}`,
      headers: t.headers,
    });
    assert.equal(foreign.status, 422, foreign.res.body);
  });
});

type Response = Awaited<ReturnType<Harness['app']['inject']>>;

describe('PAGE_JSON: every writer, the same answers', () => {
  test('postgres, node and arrays write every list answer byte for byte alike, cursors included', async () => {
    const secret = await cursorSecret(h.db);
    const writers: PageJson[] = ['postgres', 'node', 'arrays'];
    // Each app's statements and how it asked for rows, to see that each writer is the one at work.
    const seen: Record<PageJson, { text: string; arrays: boolean }[]> = { postgres: [], node: [], arrays: [] };
    const recording = (pageJson: PageJson): Db => ({
      kind: h.db.kind,
      query: (text, values, opts) => {
        seen[pageJson].push({ text, arrays: opts?.arrays === true });
        return h.db.query(text, values, opts);
      },
      exec: (text) => h.db.exec(text),
      transaction: (fn, opts) => h.db.transaction(fn, opts),
      close: async () => {},
    });
    const apps = await Promise.all(
      writers.map((pageJson) => buildApp({ db: recording(pageJson), cursorSecret: secret, pageJson })),
    );
    try {
      const lists = [
        { path: `/api/v1/customers/${hot}/contacts`, sorts: ['created_at', 'updated_at', 'name', 'email', 'role'] },
        { path: '/api/v1/customers', sorts: ['created_at', 'updated_at', 'name', 'email', 'status'] },
        { path: '/api/v1/customers?status=active', sorts: ['created_at', 'name'] },
        { path: '/api/v1/customers?search=customer', sorts: ['created_at', 'name'] },
      ];
      let compared = 0;
      /** The three apps' answers to `url`, compared; the first's data. */
      const compare = async (url: string) => {
        const answers = await Promise.all(apps.map((app) => app.inject({ url, headers: t.headers })));
        const [a, ...others] = answers as [Response, ...Response[]];
        assert.equal(a.statusCode, 200, a.body);
        for (const b of others) {
          assert.equal(b.statusCode, a.statusCode, url);
          assert.equal(b.headers['content-type'], a.headers['content-type'], url);
          assert.equal(b.body, a.body, url);
        }
        compared++;
        return JSON.parse(a.body).data as { next_cursor: string | null; prev_cursor: string | null };
      };
      for (const { path, sorts } of lists) {
        const at = (q: string) => `${path}${path.includes('?') ? '&' : '?'}${q}`;
        for (const sortBy of sorts) {
          for (const descending of [true, false]) {
            const first = `limit=2&sort_by=${sortBy}&descending=${descending}`;
            // Forward to the end, then back to the start with the cursors the pages issued.
            let url: string | undefined = at(`${first}&include_total_count=true`);
            let back: string | null = null;
            for (let guard = 0; url && guard < 10; guard++) {
              const data = await compare(url);
              back = data.prev_cursor;
              url = data.next_cursor ? at(`${first}&cursor=${encodeURIComponent(data.next_cursor)}`) : undefined;
            }
            const prev = (cursor: string | null) =>
              cursor ? at(`${first}&direction=prev&cursor=${encodeURIComponent(cursor)}`) : undefined;
            url = prev(back);
            for (let guard = 0; url && guard < 10; guard++) url = prev((await compare(url)).prev_cursor);
          }
        }
      }
      assert.ok(compared >= 80, `compared ${compared} answers`);
      const writes = (pageJson: PageJson) => seen[pageJson].filter((q) => /_json\b/.test(q.text)).length;
      const arrayReads = (pageJson: PageJson) => seen[pageJson].filter((q) => q.arrays && /_j0\b/.test(q.text)).length;
      assert.ok(writes('postgres') >= compared / 4, 'PostgreSQL wrote the pages of the first app');
      assert.equal(writes('node') + arrayReads('node'), 0, 'the second app wrote its pages from objects');
      assert.ok(arrayReads('arrays') >= compared / 4, 'the third app read its pages as arrays');
      assert.equal(writes('arrays'), 0);
      // A refusal, a missing customer and an empty list are the same too.
      const empty = await createCustomer(h, t);
      for (const url of [
        '/api/v1/customers?cursor=nonsense',
        '/api/v1/customers/01900000-0000-7000-8000-000000000000/contacts',
        `/api/v1/customers/${empty.id}/contacts?include_total_count=true`,
      ]) {
        const answers = await Promise.all(apps.map((app) => app.inject({ url, headers: t.headers })));
        for (const b of answers.slice(1)) assert.equal(b.body, answers[0]?.body, url);
        assert.notEqual(answers[0]?.statusCode, 500, url);
      }
    } finally {
      await Promise.all(apps.map((app) => app.close()));
    }
  });

  test('auto: PostgreSQL writes the pages on both backends (the README says why)', () => {
    assert.equal(pageJsonFor('auto', { kind: 'pglite' }), 'postgres');
    assert.equal(pageJsonFor('auto', { kind: 'postgres' }), 'postgres');
    assert.equal(pageJsonFor('node', { kind: 'pglite' }), 'node');
    assert.equal(pageJsonFor('arrays', { kind: 'postgres' }), 'arrays');
    assert.equal(pageJsonFor('postgres', { kind: 'postgres' }), 'postgres');
  });
});
