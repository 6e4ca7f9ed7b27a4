import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  authHeaders,
  call,
  createContact,
  createCustomer,
  type Harness,
  setup,
  type Tenant,
  tenant,
} from './helpers/harness.js';
import { type Ids, ROUTES } from './helpers/routes.js';

/**
 * Two businesses with overlapping data (same e-mails, same names); every
 * id-bearing route is tried with the other business's ids, and with ids of
 * another customer of the same business.
 */
let h: Harness;
let a: Tenant;
let b: Tenant;
let aIds: Ids;
let aOther: Ids;
let bIds: Ids;

async function snapshot() {
  const contacts = await h.db.query(
    `SELECT business_id, customer_id, id, name, email, notes, is_primary, updated_at FROM contacts ORDER BY id`,
  );
  const customers = await h.db.query(
    `SELECT business_id, id, name, email, notes, is_deleted, updated_at, contact_count FROM customers ORDER BY id`,
  );
  return { contacts: contacts.rows, customers: customers.rows };
}

before(async () => {
  h = await setup();
  a = await tenant(h);
  b = await tenant(h);
  const same = { name: 'Shared Name Ltd', email: 'billing@shared.example' };
  const ca = await createCustomer(h, a, same);
  const cb = await createCustomer(h, b, same);
  const ca2 = await createCustomer(h, a, { email: 'second@shared.example' });
  const contact = { name: 'Pat Shared', email: 'pat@shared.example', is_primary: true };
  aIds = { customerId: ca.id, contactId: (await createContact(h, a, ca.id, contact)).id };
  bIds = { customerId: cb.id, contactId: (await createContact(h, b, cb.id, contact)).id };
  aOther = { customerId: ca2.id, contactId: (await createContact(h, a, ca2.id, contact)).id };
});
after(async () => {
  await h?.close();
});

for (const route of ROUTES.filter((r) => r.idBearing)) {
  describe(`isolation: ${route.name}`, () => {
    test("another business's customer is not found, and nothing of it changes", async () => {
      const before = await snapshot();
      const r = await call(h, await route.request(bIds, a.headers, h));
      assert.equal(r.status, 404, r.res.body);
      assert.deepEqual(r.body, { detail: 'Customer not found' });
      assert.deepEqual(await snapshot(), before);
    });

    if (route.name.includes('{contact_id}')) {
      test("another business's contact under one's own customer is not found", async () => {
        const before = await snapshot();
        const r = await call(
          h,
          await route.request({ customerId: aIds.customerId, contactId: bIds.contactId }, a.headers, h),
        );
        assert.equal(r.status, 404, r.res.body);
        assert.deepEqual(r.body, { detail: 'Contact not found' });
        assert.deepEqual(await snapshot(), before);
      });

      test("another customer's contact in the same business is not found", async () => {
        const before = await snapshot();
        const r = await call(
          h,
          await route.request({ customerId: aIds.customerId, contactId: aOther.contactId }, a.headers, h),
        );
        assert.equal(r.status, 404, r.res.body);
        assert.deepEqual(r.body, { detail: 'Contact not found' });
        assert.deepEqual(await snapshot(), before);
      });

      test('a contact id that is not a UUID is not found', async () => {
        const r = await call(h, await route.request({ customerId: aIds.customerId, contactId: 'nope' }, a.headers, h));
        assert.equal(r.status, 404, r.res.body);
        assert.deepEqual(r.body, { detail: 'Contact not found' });
      });
    }

    test('a customer id that is not a UUID, or unknown, is not found', async () => {
      for (const customerId of ['nope', '1', '00000000-0000-7000-8000-000000000000']) {
        const r = await call(h, await route.request({ customerId, contactId: aIds.contactId }, a.headers, h));
        assert.equal(r.status, 404, `${customerId}: ${r.res.body}`);
        assert.deepEqual(r.body, { detail: 'Customer not found' });
      }
    });

    test("one's own token with the other business in x-business-id is 403", async () => {
      const r = await call(h, await route.request(bIds, authHeaders(a.ownerToken, b.businessId), h));
      assert.equal(r.status, 403, r.res.body);
    });
  });
}

describe('isolation: businesses', () => {
  test('another business is not found, whether it exists or not, and its name never shows', async () => {
    for (const id of [b.businessId, '00000000-0000-7000-8000-000000000000', 'nope']) {
      const r = await call(h, { url: `/api/v1/businesses/${id}`, headers: a.headers });
      assert.equal(r.status, 404, `${id}: ${r.res.body}`);
      assert.deepEqual(r.body, { detail: 'Business not found' });
    }
  });

  test("the list holds only the businesses the token's user belongs to, filters included", async () => {
    for (const q of ['', `?id=${b.businessId}`, `?id=${a.businessId}`]) {
      const r = await call(h, { url: `/api/v1/businesses${q}`, headers: a.headers });
      assert.equal(r.status, 200, r.res.body);
      assert.deepEqual(
        r.body.data.items.map((x: { id: string }) => x.id),
        q.includes(b.businessId) ? [] : [a.businessId],
        q,
      );
    }
  });
});

describe('isolation: lists and reads show only the tenant', () => {
  test("a business's list holds only its customer's contacts", async () => {
    const r = await call(h, {
      url: `/api/v1/customers/${aIds.customerId}/contacts?include_total_count=true`,
      headers: a.headers,
    });
    assert.equal(r.status, 200);
    const ids = r.body.data.items.map((c: { id: string }) => c.id);
    assert.ok(ids.includes(aIds.contactId));
    assert.ok(!ids.includes(bIds.contactId) && !ids.includes(aOther.contactId));
    for (const item of r.body.data.items) assert.equal(item.entity_id, aIds.customerId);
    assert.equal(r.body.data.total, ids.length);
  });

  test('the same e-mail may exist in two businesses', async () => {
    const again = await call(h, {
      method: 'POST',
      url: '/api/v1/customers',
      headers: b.headers,
      payload: { name: 'x', email: 'second@shared.example' },
    });
    assert.equal(again.status, 201, again.res.body);
    assert.equal(again.body.data.business_id, b.businessId);
  });

  test('a business_id in the body is ignored: the tenant comes from the membership', async () => {
    const r = await call(h, {
      method: 'POST',
      url: '/api/v1/customers',
      headers: a.headers,
      payload: { name: 'Sneaky', email: 'sneaky@example.com', business_id: b.businessId },
    });
    assert.equal(r.status, 201, r.res.body);
    assert.equal(r.body.data.business_id, a.businessId);
  });

  test('the list filters by id, e-mail and search within the tenant only', async () => {
    // Each query matches the other business's customer too; only the caller's own may come back.
    for (const [q, expected] of [
      [`id=${bIds.customerId}`, []],
      [`id=${aIds.customerId}`, [aIds.customerId]],
      ['email=billing@shared.example', [aIds.customerId]],
      ['search=Shared%20Name', [aIds.customerId]],
    ] as [string, string[]][]) {
      const r = await call(h, { url: `/api/v1/customers?${q}&include_total_count=true`, headers: a.headers });
      assert.equal(r.status, 200, r.res.body);
      assert.deepEqual(
        r.body.data.items.map((c: { id: string }) => c.id),
        expected,
        q,
      );
      assert.equal(r.body.data.total, expected.length, q);
      assert.equal(JSON.stringify(r.body).includes(bIds.customerId), false, q);
    }
  });

  test('a bulk upload creates customers in the caller’s business only, and skips only its own e-mails', async () => {
    const { multipart } = await import('./helpers/harness.js');
    const m = multipart('name,email\nShared,billing@shared.example\nFresh,fresh-iso@shared.example\n');
    const r = await call(h, {
      method: 'POST',
      url: '/api/v1/customers/bulk-upload',
      headers: { ...b.headers, ...m.headers },
      payload: m.payload,
    });
    assert.equal(r.status, 201, r.res.body);
    assert.deepEqual(r.body.data, { created: 1, skipped: 1, errors: [] });
    const { rows } = await h.db.query<{ business_id: string }>(
      `SELECT business_id FROM customers WHERE email = 'fresh-iso@shared.example'`,
    );
    assert.deepEqual(rows, [{ business_id: b.businessId }]);
  });

  test('a customer fetched across businesses never reveals its contacts', async () => {
    const r = await call(h, { url: `/api/v1/customers/${bIds.customerId}`, headers: a.headers });
    assert.equal(r.status, 404);
    assert.equal(JSON.stringify(r.body).includes(bIds.contactId), false);
  });
});
