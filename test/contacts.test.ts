import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  call,
  createContact,
  createCustomer,
  type Harness,
  RFC3339_MICROS,
  setup,
  type Tenant,
  tenant,
} from './helpers/harness.js';

let h: Harness;
let t: Tenant;
before(async () => {
  h = await setup();
});
// Every test makes its own tenant: no test depends on another's data.
beforeEach(async () => {
  t = await tenant(h);
});
after(async () => {
  await h?.close();
});

const url = (customerId: string, contactId?: string) =>
  `/api/v1/customers/${customerId}/contacts${contactId ? `/${contactId}` : ''}`;

async function primaries(customerId: string): Promise<string[]> {
  const { rows } = await h.db.query<{ id: string }>(
    'SELECT id FROM contacts WHERE business_id = $1 AND customer_id = $2 AND is_primary',
    [t.businessId, customerId],
  );
  return rows.map((r) => r.id);
}

async function contactCount(customerId: string): Promise<number> {
  const { rows } = await h.db.query<{ stored: number; actual: number }>(
    `SELECT c.contact_count AS stored,
            (SELECT count(*)::int FROM contacts k WHERE k.business_id = c.business_id AND k.customer_id = c.id) AS actual
       FROM customers c WHERE c.business_id = $1 AND c.id = $2`,
    [t.businessId, customerId],
  );
  const row = rows[0];
  assert.ok(row);
  assert.equal(row.stored, row.actual, 'the maintained count matches the rows');
  return row.actual;
}

describe('create', () => {
  test('201 with the envelope and every field, null for empty optionals', async () => {
    const customer = await createCustomer(h, t);
    const r = await call(h, {
      method: 'POST',
      url: url(customer.id),
      headers: t.headers,
      payload: { name: '  Ada Lovelace  ' },
    });
    assert.equal(r.status, 201, r.res.body);
    assert.deepEqual(Object.keys(r.body), ['success', 'message', 'code', 'data']);
    assert.equal(r.body.success, true);
    assert.equal(r.body.code, 'CREATED');
    assert.equal(r.body.message, 'Contact created');
    const c = r.body.data;
    assert.deepEqual(Object.keys(c).sort(), [
      'created_at',
      'email',
      'entity_id',
      'entity_type',
      'id',
      'is_primary',
      'name',
      'notes',
      'phone',
      'role',
      'updated_at',
    ]);
    assert.equal(c.name, 'Ada Lovelace', 'name is trimmed');
    assert.equal(c.entity_type, 'customer');
    assert.equal(c.entity_id, customer.id);
    assert.equal(c.email, null);
    assert.equal(c.phone, null);
    assert.equal(c.role, null);
    assert.equal(c.notes, null);
    assert.equal(c.is_primary, false);
    assert.match(c.created_at, RFC3339_MICROS);
    assert.match(c.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a UUIDv7');
    assert.equal(await contactCount(customer.id), 1);
  });

  test('stores every field, and x-user-email as created_by', async () => {
    const customer = await createCustomer(h, t);
    const body = {
      name: 'Grace Hopper',
      email: 'grace@navy.example',
      phone: '+1 555 0100',
      role: 'Billing',
      is_primary: true,
      notes: 'Prefers e-mail.\nNever calls.',
    };
    const r = await call(h, {
      method: 'POST',
      url: url(customer.id),
      headers: { ...t.headers, 'x-user-email': 'clerk@example.com' },
      payload: { ...body, unknown_field: 'ignored' },
    });
    assert.equal(r.status, 201, r.res.body);
    for (const [k, v] of Object.entries(body)) assert.equal(r.body.data[k], v, k);
    assert.equal('unknown_field' in r.body.data, false);
    assert.equal('created_by' in r.body.data, false, 'audit fields are not returned');
    const { rows } = await h.db.query<{ created_by: string }>('SELECT created_by FROM contacts WHERE id = $1', [
      r.body.data.id,
    ]);
    assert.equal(rows[0]?.created_by, 'clerk@example.com');
    const got = await call(h, { url: url(customer.id, r.body.data.id), headers: t.headers });
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, { success: true, message: 'Contact retrieved', code: 'OK', data: r.body.data });
  });
});

describe('update', () => {
  test('partial: omitted fields unchanged, null clears, updated_at moves', async () => {
    const customer = await createCustomer(h, t);
    const c = await createContact(h, t, customer.id, { email: 'a@example.com', phone: '1', role: 'CFO', notes: 'n' });
    const r = await call(h, {
      method: 'PUT',
      url: url(customer.id, c.id),
      headers: t.headers,
      payload: { phone: null, role: 'Finance' },
    });
    assert.equal(r.status, 200, r.res.body);
    assert.equal(r.body.code, 'UPDATED');
    const u = r.body.data;
    assert.equal(u.phone, null);
    assert.equal(u.role, 'Finance');
    assert.equal(u.email, 'a@example.com');
    assert.equal(u.notes, 'n');
    assert.equal(u.name, c.name);
    assert.equal(u.created_at, c.created_at);
    assert.ok(u.updated_at > c.updated_at, `updated_at moves: ${c.updated_at} → ${u.updated_at}`);
  });

  test('an empty body changes nothing', async () => {
    const customer = await createCustomer(h, t);
    const c = await createContact(h, t, customer.id, { email: 'b@example.com' });
    const r = await call(h, { method: 'PUT', url: url(customer.id, c.id), headers: t.headers, payload: {} });
    assert.equal(r.status, 200, r.res.body);
    assert.deepEqual(r.body.data, c);
  });

  test('name cannot be null or empty', async () => {
    const customer = await createCustomer(h, t);
    const c = await createContact(h, t, customer.id);
    for (const name of [null, '', '   ']) {
      const r = await call(h, { method: 'PUT', url: url(customer.id, c.id), headers: t.headers, payload: { name } });
      assert.equal(r.status, 422, `${JSON.stringify(name)}: ${r.res.body}`);
      assert.deepEqual(r.body.detail[0].loc, ['body', 'name']);
    }
  });

  test('unknown contact → 404 Contact not found', async () => {
    const customer = await createCustomer(h, t);
    const r = await call(h, {
      method: 'PUT',
      url: url(customer.id, '00000000-0000-7000-8000-000000000000'),
      headers: t.headers,
      payload: { name: 'x' },
    });
    assert.equal(r.status, 404);
    assert.deepEqual(r.body, { detail: 'Contact not found' });
  });
});

describe('primary contact', () => {
  test('making a contact primary demotes the previous one', async () => {
    const customer = await createCustomer(h, t);
    const first = await createContact(h, t, customer.id, { is_primary: true });
    assert.deepEqual(await primaries(customer.id), [first.id]);
    const second = await createContact(h, t, customer.id, { is_primary: true });
    assert.deepEqual(await primaries(customer.id), [second.id]);
    const third = await createContact(h, t, customer.id);
    const r = await call(h, {
      method: 'PUT',
      url: url(customer.id, third.id),
      headers: t.headers,
      payload: { is_primary: true },
    });
    assert.equal(r.status, 200);
    assert.equal(r.body.data.is_primary, true);
    assert.deepEqual(await primaries(customer.id), [third.id]);
    const demoted = await call(h, { url: url(customer.id, second.id), headers: t.headers });
    assert.equal(demoted.body.data.is_primary, false);
    // Re-asserting the current primary keeps it.
    await call(h, {
      method: 'PUT',
      url: url(customer.id, third.id),
      headers: t.headers,
      payload: { is_primary: true },
    });
    assert.deepEqual(await primaries(customer.id), [third.id]);
  });

  test('the database refuses a second primary, whatever the writer', async () => {
    const customer = await createCustomer(h, t);
    await createContact(h, t, customer.id, { is_primary: true });
    const other = await createContact(h, t, customer.id);
    await assert.rejects(
      h.db.query('UPDATE contacts SET is_primary = true WHERE id = $1', [other.id]),
      (err: { code?: string }) => err.code === '23505',
    );
  });

  test('concurrent changes leave exactly one primary', async () => {
    const customer = await createCustomer(h, t);
    const contacts = [];
    for (let i = 0; i < 8; i++) contacts.push(await createContact(h, t, customer.id));
    const results = await Promise.all([
      ...contacts.map((c) =>
        call(h, { method: 'PUT', url: url(customer.id, c.id), headers: t.headers, payload: { is_primary: true } }),
      ),
      ...Array.from({ length: 4 }, () =>
        call(h, {
          method: 'POST',
          url: url(customer.id),
          headers: t.headers,
          payload: { name: 'P', is_primary: true },
        }),
      ),
    ]);
    for (const r of results) assert.ok(r.status === 200 || r.status === 201, r.res.body);
    assert.equal((await primaries(customer.id)).length, 1);
    assert.equal(await contactCount(customer.id), 12);
  });

  test('deleting the primary leaves the customer without one', async () => {
    const customer = await createCustomer(h, t);
    const p = await createContact(h, t, customer.id, { is_primary: true });
    await createContact(h, t, customer.id);
    const r = await call(h, { method: 'DELETE', url: url(customer.id, p.id), headers: t.headers });
    assert.equal(r.status, 200);
    assert.deepEqual(await primaries(customer.id), []);
  });
});

describe('delete', () => {
  test('removes the contact: 200 without data, then 404', async () => {
    const customer = await createCustomer(h, t);
    const c = await createContact(h, t, customer.id);
    const r = await call(h, { method: 'DELETE', url: url(customer.id, c.id), headers: t.headers });
    assert.equal(r.status, 200, r.res.body);
    assert.deepEqual(r.body, { success: true, message: 'Contact deleted', code: 'DELETED' });
    const again = await call(h, { method: 'DELETE', url: url(customer.id, c.id), headers: t.headers });
    assert.equal(again.status, 404);
    assert.deepEqual(again.body, { detail: 'Contact not found' });
    const get = await call(h, { url: url(customer.id, c.id), headers: t.headers });
    assert.equal(get.status, 404);
    assert.equal(await contactCount(customer.id), 0);
  });
});

describe('a soft-deleted customer', () => {
  test('its contacts can be read but not created, updated or deleted (400)', async () => {
    const customer = await createCustomer(h, t);
    const c = await createContact(h, t, customer.id);
    await h.db.query('UPDATE customers SET is_deleted = true, deleted_at = now() WHERE id = $1', [customer.id]);
    const list = await call(h, { url: url(customer.id), headers: t.headers });
    assert.equal(list.status, 200);
    assert.equal(list.body.data.items.length, 1);
    assert.equal((await call(h, { url: url(customer.id, c.id), headers: t.headers })).status, 200);
    const writes = [
      { method: 'POST' as const, url: url(customer.id), payload: { name: 'x' } },
      { method: 'PUT' as const, url: url(customer.id, c.id), payload: { name: 'x' } },
      { method: 'DELETE' as const, url: url(customer.id, c.id) },
    ];
    for (const w of writes) {
      const r = await call(h, { ...w, headers: t.headers });
      assert.equal(r.status, 400, `${w.method}: ${r.res.body}`);
      assert.deepEqual(r.body, { detail: 'Customer is deleted' });
    }
    assert.equal(await contactCount(customer.id), 1);
  });
});

describe('unknown customer', () => {
  test('every contacts route answers 404 Customer not found', async () => {
    const missing = '00000000-0000-7000-8000-000000000001';
    for (const req of [
      { method: 'GET' as const, url: url(missing) },
      { method: 'POST' as const, url: url(missing), payload: { name: 'x' } },
      { method: 'GET' as const, url: url(missing, missing) },
      { method: 'PUT' as const, url: url(missing, missing), payload: {} },
      { method: 'DELETE' as const, url: url(missing, missing) },
    ]) {
      const r = await call(h, { ...req, headers: t.headers });
      assert.equal(r.status, 404, `${req.method} ${req.url}`);
      assert.deepEqual(r.body, { detail: 'Customer not found' });
    }
  });
});
