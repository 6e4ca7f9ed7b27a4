import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createBusiness } from '../src/resources/businesses/service.js';
import { addTestMember, authHeaders, call, type Harness, setup, unique } from './helpers/harness.js';
import { walk } from './helpers/walk.js';

let h: Harness;
before(async () => {
  h = await setup();
});
after(async () => {
  await h?.close();
});

interface Item {
  id: string;
  name: string;
  role: string;
  created_at: string;
  updated_at: string;
}

/** A user who owns three businesses and is a viewer of a fourth; the token of the last business made. */
async function userWithBusinesses() {
  const email = `${unique('multi')}@example.com`;
  const owned = [];
  for (const name of ['beta Works', 'Alpha Trading', 'Ärger GmbH']) {
    owned.push(await createBusiness(h.db, { name, ownerEmail: email }));
  }
  const someoneElse = await createBusiness(h.db, { name: 'Gamma Alpha', ownerEmail: `${unique('o')}@example.com` });
  const viewer = await addTestMember(h, someoneElse.business_id, 'viewer', email);
  return { token: viewer.token, owned, viewed: someoneElse, email };
}

describe('GET /api/v1/businesses', () => {
  test("lists the token's businesses with the caller's role, newest first, with no x-business-id", async () => {
    const u = await userWithBusinesses();
    const r = await call(h, { url: '/api/v1/businesses?include_total_count=true', headers: authHeaders(u.token, '') });
    assert.equal(r.status, 200, r.res.body);
    assert.equal(r.body.message, 'Businesses retrieved');
    const data = r.body.data;
    assert.equal(data.total, 4);
    assert.deepEqual(
      data.items.map((b: Item) => [b.id, b.role]),
      [[u.viewed.business_id, 'viewer'], ...u.owned.map((b) => [b.business_id, 'owner']).reverse()],
    );
    assert.deepEqual(Object.keys(data.items[0]).sort(), ['created_at', 'id', 'name', 'role', 'updated_at']);
    assert.equal(data.has_more, false);
  });

  test('sort_by=name is case-insensitive by code point; both directions walk every business once', async () => {
    const u = await userWithBusinesses();
    const headers = { authorization: `Bearer ${u.token}` };
    const names = (
      await walk<Item>(h, headers, '/api/v1/businesses', { sort_by: 'name', descending: false, limit: 1 }, 'next')
    ).items.map((b) => b.name);
    assert.deepEqual(names, ['Alpha Trading', 'beta Works', 'Gamma Alpha', 'Ärger GmbH']);
    const back = await walk<Item>(
      h,
      headers,
      '/api/v1/businesses',
      { sort_by: 'name', descending: false, limit: 3 },
      'prev',
    );
    assert.deepEqual(
      back.items.map((b) => b.name),
      names,
    );
  });

  test('filters: id, and name as a case-insensitive substring', async () => {
    const u = await userWithBusinesses();
    const headers = { authorization: `Bearer ${u.token}` };
    const byName = await call(h, { url: '/api/v1/businesses?name=ALPHA&sort_by=name&descending=false', headers });
    assert.deepEqual(
      byName.body.data.items.map((b: Item) => b.name),
      ['Alpha Trading', 'Gamma Alpha'],
    );
    const none = await call(h, { url: '/api/v1/businesses?name=%25', headers });
    assert.deepEqual(none.body.data.items, [], 'LIKE metacharacters are literal');
    const byId = await call(h, { url: `/api/v1/businesses?id=${u.owned[1]?.business_id}`, headers });
    assert.deepEqual(
      byId.body.data.items.map((b: Item) => b.name),
      ['Alpha Trading'],
    );
  });

  test("DayZero's integration filters answer 422 naming each, rather than being ignored", async () => {
    const u = await userWithBusinesses();
    const r = await call(h, {
      url: '/api/v1/businesses?teal_instance=x&user_id=00000000-0000-7000-8000-000000000000',
      headers: { authorization: `Bearer ${u.token}` },
    });
    assert.equal(r.status, 422, r.res.body);
    assert.deepEqual(
      r.body.detail.map((e: { loc: string[]; type: string }) => [e.loc, e.type]),
      [
        [['query', 'teal_instance'], 'value_error'],
        [['query', 'user_id'], 'value_error'],
      ],
    );
    assert.match(r.body.detail[0].msg, /teal_instance .* not supported/);
  });

  test('bad parameters are 422s in the usual shape', async () => {
    const u = await userWithBusinesses();
    const r = await call(h, {
      url: '/api/v1/businesses?sort_by=email&limit=0&id=nope',
      headers: { authorization: `Bearer ${u.token}` },
    });
    assert.equal(r.status, 422, r.res.body);
    assert.deepEqual(r.body.detail.map((e: { loc: string[] }) => e.loc[1]).sort(), ['id', 'limit', 'sort_by']);
  });
});

describe('GET /api/v1/businesses/{business_id}', () => {
  test("one of the caller's businesses, with the caller's role", async () => {
    const u = await userWithBusinesses();
    const r = await call(h, {
      url: `/api/v1/businesses/${u.viewed.business_id}`,
      headers: { authorization: `Bearer ${u.token}` },
    });
    assert.equal(r.status, 200, r.res.body);
    assert.equal(r.body.data.name, 'Gamma Alpha');
    assert.equal(r.body.data.role, 'viewer');
    assert.equal(r.body.data.created_at, r.body.data.updated_at);
  });
});
