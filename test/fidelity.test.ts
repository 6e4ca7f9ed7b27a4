import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { InjectOptions } from 'fastify';
import { ContractChecker } from './helpers/contract.js';
import { call, createContact, createCustomer, type Harness, setup, type Tenant, tenant } from './helpers/harness.js';
import { ROUTES } from './helpers/routes.js';

/** What clients written from DayZero's guides, or generic HTTP wrappers, do — and must get away with. */
let h: Harness;
let t: Tenant;
before(async () => {
  h = await setup();
  t = await tenant(h);
});
after(async () => {
  await h?.close();
});

describe('the pagination guide', () => {
  test('its loop — while (page.has_more) cursor = page.next_cursor — walks the whole list once', async () => {
    const customer = await createCustomer(h, t);
    const made = new Set<string>();
    for (let i = 0; i < 7; i++) made.add((await createContact(h, t, customer.id)).id);
    // The guide's loop, as written there, with the limit it uses scaled down.
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    while (true) {
      const r = await call(h, {
        url: `/api/v1/customers/${customer.id}/contacts?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        headers: t.headers,
      });
      assert.equal(r.status, 200, r.res.body);
      const page = r.body.data;
      pages++;
      seen.push(...page.items.map((c: { id: string }) => c.id));
      assert.ok(pages <= made.size, `the walk ends (has_more after ${pages} pages)`);
      assert.equal(page.has_more, page.has_next);
      if (!page.has_more) break;
      cursor = page.next_cursor;
    }
    assert.equal(pages, 3);
    assert.equal(seen.length, 7);
    assert.deepEqual(new Set(seen), made);
  });
});

describe('a wrapper that sends Content-Type: application/json on every request', () => {
  /** The request as such a wrapper sends it: a JSON content type unless the request has its own (multipart). */
  const wrapped = (req: InjectOptions): InjectOptions => {
    const headers = { ...(req.headers as Record<string, string>) };
    if (!headers['content-type']) headers['content-type'] = 'application/json';
    return { ...req, headers, payload: req.payload ?? '' };
  };

  for (const route of ROUTES) {
    test(`${route.name} behaves as without the header`, async () => {
      const own = await tenant(h);
      const customer = await createCustomer(h, own);
      const contact = await createContact(h, own, customer.id);
      const ids = { businessId: own.businessId, customerId: customer.id, contactId: contact.id };
      const r = await call(h, wrapped(await route.request(ids, own.headers, h)));
      assert.equal(r.status, route.ok, r.res.body);
    });
  }

  test('a POST or PUT with an empty JSON body is still 422 missing body', async () => {
    const customer = await createCustomer(h, t);
    for (const [method, url] of [
      ['POST', '/api/v1/customers'],
      ['PUT', `/api/v1/customers/${customer.id}`],
      ['POST', `/api/v1/customers/${customer.id}/contacts`],
    ] as const) {
      const r = await call(h, {
        method,
        url,
        headers: { ...t.headers, 'content-type': 'application/json' },
        payload: '',
      });
      assert.equal(r.status, 422, `${method} ${url}: ${r.res.body}`);
      assert.deepEqual(r.body.detail, [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }]);
    }
  });
});

describe('customers carry their contacts as DayZero returns them', () => {
  test('PUT returns contacts exactly as GET does; POST returns []', async () => {
    const created = await call(h, {
      method: 'POST',
      url: '/api/v1/customers',
      headers: t.headers,
      payload: { name: 'Embedded Co', email: 'embedded@example.com' },
    });
    assert.equal(created.status, 201, created.res.body);
    assert.deepEqual(created.body.data.contacts, []);
    const id = created.body.data.id;
    const older = await createContact(h, t, id, { name: 'Older' });
    const primary = await createContact(h, t, id, { name: 'Primary', is_primary: true });
    const newer = await createContact(h, t, id, { name: 'Newer' });
    const put = await call(h, {
      method: 'PUT',
      url: `/api/v1/customers/${id}`,
      headers: t.headers,
      payload: { notes: 'changed' },
    });
    assert.equal(put.status, 200, put.res.body);
    const got = await call(h, { url: `/api/v1/customers/${id}`, headers: t.headers });
    assert.deepEqual(put.body.data.contacts, got.body.data.contacts);
    assert.deepEqual(
      got.body.data.contacts.map((c: { id: string }) => c.id),
      [primary.id, newer.id, older.id],
      'primary first, then newest',
    );
    const unchanged = await call(h, { method: 'PUT', url: `/api/v1/customers/${id}`, headers: t.headers, payload: {} });
    assert.deepEqual(unchanged.body.data.contacts, got.body.data.contacts, 'an empty update too');
  });
});

describe('a customer with very many contacts', () => {
  test('embeds at most 1,000 (the primary first, then the newest); the list pages through all', async () => {
    const own = await tenant(h);
    const customer = await createCustomer(h, own);
    // 1,005 contacts straight into the table (the API would take a while), the oldest one primary.
    await h.db.query(
      `INSERT INTO contacts (business_id, customer_id, id, name, name_key, is_primary, created_at, updated_at)
       SELECT $1, $2, gen_random_uuid(), 'c' || i, 'c' || i, i = 1, now() - make_interval(secs => 2000 - i), now()
         FROM generate_series(1, 1005) AS i`,
      [own.businessId, customer.id],
    );
    await h.db.query('UPDATE customers SET contact_count = 1005 WHERE business_id = $1 AND id = $2', [
      own.businessId,
      customer.id,
    ]);
    const got = await call(h, { url: `/api/v1/customers/${customer.id}`, headers: own.headers });
    assert.equal(got.status, 200, got.res.body);
    const names = got.body.data.contacts.map((c: { name: string }) => c.name);
    assert.equal(names.length, 1000);
    assert.deepEqual(names.slice(0, 3), ['c1', 'c1005', 'c1004'], 'the primary, then the newest');
    const total = await call(h, {
      url: `/api/v1/customers/${customer.id}/contacts?limit=1&include_total_count=true`,
      headers: own.headers,
    });
    assert.equal(total.body.data.total, 1005);
  });
});

describe('the response check itself', () => {
  test('fails on an undeclared status and on a body outside the published schema', async () => {
    const checker = await ContractChecker.of(h.app);
    const url = '/api/v1/customers/01900000-0000-7000-8000-000000000001/contacts';
    const page = {
      items: [],
      total: null,
      limit: 50,
      next_cursor: null,
      prev_cursor: null,
      has_next: false,
      has_prev: false,
      has_more: false,
    };
    const body = (data: unknown) => JSON.stringify({ success: true, message: 'm', code: 'OK', data });
    checker.check('GET', url, 200, 'application/json', body(page));
    assert.throws(() => checker.check('GET', url, 418, 'application/json', '{"detail":"x"}'), /does not declare/);
    const { has_more: _, ...missing } = page;
    assert.throws(() => checker.check('GET', url, 200, 'application/json', body(missing)), /has_more/);
    assert.throws(() => checker.check('GET', url, 404, 'application/json', '{"detail":1}'), /does not match/);
  });
});
