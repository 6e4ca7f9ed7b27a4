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

const create = (payload: Record<string, unknown>, headers = t.headers) =>
  call(h, { method: 'POST', url: '/api/v1/customers', headers, payload });

describe('create customer', () => {
  test('201 with every field of CustomerResponse, nulls present', async () => {
    const r = await create({ name: ' Acme Corp ', email: 'billing@acme.example' });
    assert.equal(r.status, 201, r.res.body);
    assert.equal(r.body.code, 'CREATED');
    const c = r.body.data;
    assert.deepEqual(Object.keys(c).sort(), [
      'address',
      'business_id',
      'category',
      'contacts',
      'created_at',
      'credit_limit_cents',
      'default_payment_term_id',
      'deleted_at',
      'email',
      'id',
      'invoice_footer',
      'is_deleted',
      'name',
      'notes',
      'phone',
      'status',
      'stripe_customer_id',
      'tax_id',
      'updated_at',
      'website',
    ]);
    assert.equal(c.name, 'Acme Corp');
    assert.equal(c.status, 'active');
    assert.equal(c.is_deleted, false);
    assert.equal(c.deleted_at, null);
    assert.equal(c.credit_limit_cents, null);
    assert.equal(c.business_id, t.businessId);
    assert.deepEqual(c.contacts, []);
    assert.match(c.created_at, RFC3339_MICROS);
  });

  test('stores every optional field', async () => {
    const body = {
      name: 'Globex',
      email: 'ap@globex.example',
      address: '1 Main St\nSpringfield',
      phone: '+1 555 0101',
      tax_id: 'US-123',
      website: 'https://globex.example',
      notes: 'Net 30',
      credit_limit_cents: 9_007_199_254_740_991,
      default_payment_term_id: 'net-30',
      status: 'blocked',
      category: 'Wholesale',
      invoice_footer: 'Thank you',
    };
    const r = await create(body);
    assert.equal(r.status, 201, r.res.body);
    for (const [k, v] of Object.entries(body)) assert.deepEqual(r.body.data[k], v, k);
  });

  test('e-mail is unique per business, case-insensitively → 409', async () => {
    await createCustomer(h, t, { email: 'Dup@Example.com' });
    const r = await create({ name: 'Other', email: 'dup@example.COM' });
    assert.equal(r.status, 409, r.res.body);
    assert.deepEqual(r.body, { detail: 'A customer with this email already exists' });
  });

  test('two concurrent creates with one e-mail: exactly one wins', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, () => create({ name: 'Race', email: 'race@example.com' })),
    );
    assert.deepEqual(results.map((r) => r.status).sort(), [201, 409, 409, 409, 409, 409]);
  });

  test('validation: required, e-mail, credit limit, status', async () => {
    const r = await create({ credit_limit_cents: -1, status: 'gone', email: 'nope' });
    assert.equal(r.status, 422);
    const types = Object.fromEntries(r.body.detail.map((e: { loc: string[]; type: string }) => [e.loc[1], e.type]));
    assert.deepEqual(types, {
      name: 'missing',
      email: 'value_error',
      credit_limit_cents: 'greater_than_equal',
      status: 'literal_error',
    });
    const frac = await create({ name: 'x', email: 'x@example.com', credit_limit_cents: 1.5 });
    assert.equal(frac.body.detail[0].type, 'int_from_float');
  });
});

describe('get customer', () => {
  test('returns its contacts, primary first, then newest first', async () => {
    const customer = await createCustomer(h, t);
    const a = await createContact(h, t, customer.id, { name: 'A' });
    const b = await createContact(h, t, customer.id, { name: 'B', is_primary: true });
    const c = await createContact(h, t, customer.id, { name: 'C', email: 'c@example.com' });
    const r = await call(h, { url: `/api/v1/customers/${customer.id}`, headers: t.headers });
    assert.equal(r.status, 200, r.res.body);
    assert.equal(r.body.message, 'Customer retrieved');
    assert.deepEqual(
      r.body.data.contacts.map((x: { id: string }) => x.id),
      [b.id, c.id, a.id],
    );
    const embedded = r.body.data.contacts[1];
    assert.deepEqual(Object.keys(embedded).sort(), [
      'created_at',
      'customer_id',
      'email',
      'id',
      'is_primary',
      'name',
      'notes',
      'phone',
      'role',
      'updated_at',
    ]);
    assert.equal(embedded.customer_id, customer.id);
    assert.equal(embedded.email, 'c@example.com');
  });

  test('a soft-deleted customer is still returned', async () => {
    const customer = await createCustomer(h, t);
    await h.db.query('UPDATE customers SET is_deleted = true, deleted_at = now() WHERE id = $1', [customer.id]);
    const r = await call(h, { url: `/api/v1/customers/${customer.id}`, headers: t.headers });
    assert.equal(r.status, 200);
    assert.equal(r.body.data.is_deleted, true);
    assert.match(r.body.data.deleted_at, RFC3339_MICROS);
    // Its e-mail may be reused by a new customer.
    const again = await create({ name: 'New', email: customer.email });
    assert.equal(again.status, 201, again.res.body);
  });
});
