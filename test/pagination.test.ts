import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';
import fc from 'fast-check';
import { foldCase } from '../src/platform/text.js';
import { call, createCustomer, type Harness, setup, type Tenant, tenant } from './helpers/harness.js';
import { cmpCodePoints, page as getPage, type Query, walk as walkList } from './helpers/walk.js';

/**
 * Pagination is tested by walking: every page forward and backward over data
 * with tied sort values, NULLs and case differences, compared with an
 * independent oracle; and with inserts, updates and deletes between pages.
 */

type Sort = 'created_at' | 'updated_at' | 'name' | 'email' | 'role';
const SORTS: Sort[] = ['created_at', 'updated_at', 'name', 'email', 'role'];

interface Row {
  id: string;
  name: string;
  email: string | null;
  role: string | null;
  created_at: string;
  updated_at: string;
}

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

// Few distinct values, so ties are common; case and accents differ; code-point order matters.
const NAMES = [
  'alice',
  'Alice',
  'ALICE',
  'bob',
  'Bob',
  'o smith',
  'oscar',
  'Óscar',
  'zoë',
  'Zoe',
  'a',
  'a b',
  'ab',
  'Émile',
  '😀 smile',
  'ﬀ ligature',
];
const EMAILS = ['a@x.io', 'A@x.io', 'b@x.io', 'z@x.io', 'Z@X.IO', 'm@x.io'];
const ROLES = ['Billing', 'billing', 'CFO', 'cfo', 'Ops'];
// Microsecond timestamps, several rows per value.
const STAMPS = [
  '2025-01-01T00:00:00.000001Z',
  '2025-01-01T00:00:00.000002Z',
  '2025-01-01T00:00:00.100000Z',
  '2025-03-04T05:06:07.123456Z',
  '2025-03-04T05:06:07.123457Z',
];

const rowArb = fc.record({
  name: fc.constantFrom(...NAMES),
  email: fc.option(fc.constantFrom(...EMAILS), { freq: 3 }),
  role: fc.option(fc.constantFrom(...ROLES), { freq: 2 }),
  created_at: fc.constantFrom(...STAMPS),
  updated_at: fc.constantFrom(...STAMPS),
});

/** The contract's order, written independently of the SQL: key, then id; NULLs last either way. */
function comparator(sort: Sort, descending: boolean): (a: Row, b: Row) => number {
  const value = (r: Row): string | null => {
    const v = r[sort];
    return v === null ? null : sort === 'created_at' || sort === 'updated_at' ? v : v.toLowerCase();
  };
  const sign = descending ? -1 : 1;
  return (a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va === null && vb !== null) return 1;
    if (vb === null && va !== null) return -1;
    if (va !== null && vb !== null) {
      const c = cmpCodePoints(va, vb);
      if (c !== 0) return sign * c;
    }
    return sign * (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  };
}

function oracle(rows: Row[], sort: Sort, descending: boolean): string[] {
  return [...rows].sort(comparator(sort, descending)).map((r) => r.id);
}

async function insertRows(customerId: string, rows: Omit<Row, 'id'>[]): Promise<Row[]> {
  const out = rows.map((r) => ({ ...r, id: randomUUID() }));
  if (out.length === 0) return out;
  await h.db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO contacts (business_id, customer_id, id, name, name_key, email, email_key, role, role_key, created_at, updated_at)
       SELECT $1, $2, u.id, u.name, u.nk, u.email, u.ek, u.role, u.rk, u.ca, u.ua
         FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                     $10::timestamptz[], $11::timestamptz[]) AS u(id, name, nk, email, ek, role, rk, ca, ua)`,
      [
        t.businessId,
        customerId,
        out.map((r) => r.id),
        out.map((r) => r.name),
        out.map((r) => foldCase(r.name)),
        out.map((r) => r.email),
        out.map((r) => foldCase(r.email)),
        out.map((r) => r.role),
        out.map((r) => foldCase(r.role)),
        out.map((r) => r.created_at),
        out.map((r) => r.updated_at),
      ],
    );
    await tx.query('UPDATE customers SET contact_count = contact_count + $3 WHERE business_id = $1 AND id = $2', [
      t.businessId,
      customerId,
      out.length,
    ]);
  });
  return out;
}

const contactsPath = (customerId: string) => `/api/v1/customers/${customerId}/contacts`;
const page = (customerId: string, q: Query) => getPage<Row>(h, t.headers, contactsPath(customerId), q);
const walk = (
  customerId: string,
  sort: Sort,
  descending: boolean,
  limit: number,
  direction: 'next' | 'prev',
  between?: () => Promise<void>,
) => walkList<Row>(h, t.headers, contactsPath(customerId), { sort_by: sort, descending, limit }, direction, between);

describe('walks over static data', () => {
  test('every sort, both directions, several page sizes: each row once, in the oracle order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(rowArb, { maxLength: 40 }),
        fc.constantFrom(...SORTS),
        fc.boolean(),
        fc.integer({ min: 1, max: 7 }),
        async (data, sort, descending, limit) => {
          const customer = await createCustomer(h, t);
          const rows = await insertRows(customer.id, data);
          const expected = oracle(rows, sort, descending);

          const fwd = await walk(customer.id, sort, descending, limit, 'next');
          assert.deepEqual(fwd.ids, expected, 'forward walk');
          assert.equal(fwd.pages[0]?.has_prev, false, 'first page has nothing before it');
          for (const p of fwd.pages.slice(0, -1)) assert.equal(p.items.length, limit, 'only the last page is short');
          for (const p of fwd.pages.slice(1)) assert.equal(p.has_prev, true);

          const back = await walk(customer.id, sort, descending, limit, 'prev');
          assert.deepEqual(back.ids, expected, 'backward walk from the last page');
          assert.equal(back.pages[0]?.has_next, false, 'the last page has nothing after it');
          for (const p of back.pages.slice(0, -1)) assert.equal(p.items.length, limit, 'only the first page is short');

          // prev_cursor of page k+1 gives back page k exactly.
          if (fwd.pages.length >= 2) {
            const k = fwd.pages.length - 2;
            const again = await page(customer.id, {
              sort_by: sort,
              descending,
              limit,
              direction: 'prev',
              cursor: fwd.pages[k + 1]?.prev_cursor ?? undefined,
            });
            assert.deepEqual(
              again.items.map((r) => r.id),
              fwd.pages[k]?.items.map((r) => r.id),
            );
            assert.equal(again.has_prev, k > 0);
            assert.equal(again.has_next, true);
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  test('a fixed set with ties, NULLs and case: each sort in both orders', async () => {
    const customer = await createCustomer(h, t);
    const data = NAMES.flatMap((name, i) => [
      {
        name,
        email: i % 3 === 0 ? null : (EMAILS[i % EMAILS.length] ?? null),
        role: i % 2 ? null : (ROLES[i % ROLES.length] ?? null),
        created_at: STAMPS[i % 2] as string,
        updated_at: STAMPS[i % 5] as string,
      },
      {
        name: name.toUpperCase(),
        email: null,
        role: 'cfo',
        created_at: STAMPS[0] as string,
        updated_at: STAMPS[1] as string,
      },
    ]);
    const rows = await insertRows(customer.id, data);
    for (const sort of SORTS) {
      for (const descending of [false, true]) {
        for (const limit of [1, 3, 50]) {
          const expected = oracle(rows, sort, descending);
          assert.deepEqual(
            (await walk(customer.id, sort, descending, limit, 'next')).ids,
            expected,
            `${sort} ${descending} ${limit}`,
          );
          assert.deepEqual(
            (await walk(customer.id, sort, descending, limit, 'prev')).ids,
            expected,
            `${sort} ${descending} ${limit} prev`,
          );
        }
      }
    }
    const byName = await page(customer.id, { sort_by: 'name', descending: false, limit: 1000 });
    const names = byName.items.map((r) => r.name.toLowerCase());
    assert.ok(names.indexOf('o smith') < names.indexOf('oscar'), '"o smith" before "oscar"');
    assert.ok(names.indexOf('oscar') < names.indexOf('óscar'), 'accented letters after ASCII, by code point');
    const byEmail = await page(customer.id, { sort_by: 'email', descending: true, limit: 1000 });
    const firstNull = byEmail.items.findIndex((r) => r.email === null);
    assert.ok(
      firstNull > 0 && byEmail.items.slice(firstNull).every((r) => r.email === null),
      'NULLs last when descending',
    );
  });
});

describe('walks with writes between pages', () => {
  test('rows present for the whole walk are never skipped or repeated', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(rowArb, { minLength: 1, maxLength: 30 }),
        fc.constantFrom(...SORTS),
        fc.boolean(),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom<'next' | 'prev'>('next', 'prev'),
        fc.array(fc.tuple(fc.constantFrom('insert', 'delete', 'update'), rowArb, fc.nat()), { maxLength: 30 }),
        async (data, sort, descending, limit, direction, ops) => {
          const customer = await createCustomer(h, t);
          const rows = await insertRows(customer.id, data);
          const live = new Map(rows.map((r) => [r.id, r]));
          const touched = new Set<string>();
          let step = 0;
          const between = async () => {
            const op = ops[step++];
            if (!op) return;
            const [kind, values, n] = op;
            const ids = [...live.keys()];
            if (kind === 'insert' || ids.length === 0) {
              const [added] = await insertRows(customer.id, [values]);
              if (added) touched.add(added.id);
              return;
            }
            const id = ids[n % ids.length] as string;
            touched.add(id);
            const url = `/api/v1/customers/${customer.id}/contacts/${id}`;
            if (kind === 'delete') {
              const r = await call(h, { method: 'DELETE', url, headers: t.headers });
              assert.equal(r.status, 200);
              live.delete(id);
            } else {
              const r = await call(h, {
                method: 'PUT',
                url,
                headers: t.headers,
                payload: { name: values.name, email: values.email, role: values.role },
              });
              assert.equal(r.status, 200);
            }
          };
          const w = await walk(customer.id, sort, descending, limit, direction, between);
          const stable = rows.filter((r) => !touched.has(r.id));
          const stableIds = new Set(stable.map((r) => r.id));
          const seenStable = w.ids.filter((id) => stableIds.has(id));
          assert.deepEqual(seenStable, oracle(stable, sort, descending), 'stable rows: all, once, in order');
          // Every page starts strictly after its cursor: the walk, as returned, is in order.
          const cmp = comparator(sort, descending);
          for (let i = 1; i < w.items.length; i++) {
            assert.ok(cmp(w.items[i - 1] as Row, w.items[i] as Row) < 0, `walk in order at ${i}`);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  test('an empty page next to a cursor still leads back, including the cursor row', async () => {
    const customer = await createCustomer(h, t);
    const rows = await insertRows(
      customer.id,
      ['a', 'b', 'c', 'd'].map((name) => ({
        name,
        email: null,
        role: null,
        created_at: STAMPS[0] as string,
        updated_at: STAMPS[0] as string,
      })),
    );
    const first = await page(customer.id, { sort_by: 'name', descending: false, limit: 2 });
    assert.deepEqual(
      first.items.map((r) => r.name),
      ['a', 'b'],
    );
    // Everything after the page disappears.
    for (const r of rows.slice(2)) await h.db.query('DELETE FROM contacts WHERE id = $1', [r.id]);
    const empty = await page(customer.id, {
      sort_by: 'name',
      descending: false,
      limit: 2,
      cursor: first.next_cursor ?? '',
    });
    assert.deepEqual(empty.items, []);
    assert.equal(empty.has_next, false);
    assert.equal(empty.has_prev, true);
    const back = await page(customer.id, {
      sort_by: 'name',
      descending: false,
      limit: 2,
      direction: 'prev',
      cursor: empty.prev_cursor ?? '',
    });
    assert.deepEqual(
      back.items.map((r) => r.name),
      ['a', 'b'],
      'the cursor row itself is included',
    );
    assert.equal(back.has_prev, false);
    assert.equal(back.has_next, false);
  });
});

describe('list parameters', () => {
  test('defaults: 50 per page, newest first; total only when asked', async () => {
    const customer = await createCustomer(h, t);
    const rows = await insertRows(
      customer.id,
      Array.from({ length: 55 }, (_, i) => ({
        name: `n${i}`,
        email: null,
        role: null,
        created_at: STAMPS[i % 5] as string,
        updated_at: STAMPS[0] as string,
      })),
    );
    const p = await page(customer.id, {});
    assert.equal(p.limit, 50);
    assert.equal(p.items.length, 50);
    assert.equal(p.total, null);
    assert.deepEqual(
      p.items.map((r) => r.id),
      oracle(rows, 'created_at', true).slice(0, 50),
    );
    const withTotal = await page(customer.id, { include_total_count: true, limit: 1000 });
    assert.equal(withTotal.total, 55);
    assert.equal(withTotal.items.length, 55);
    assert.equal(withTotal.has_next, false);
  });

  test('direction=prev without a cursor is the last page, in list order', async () => {
    const customer = await createCustomer(h, t);
    const rows = await insertRows(
      customer.id,
      Array.from({ length: 7 }, (_, i) => ({
        name: `n${i}`,
        email: null,
        role: null,
        created_at: STAMPS[i % 5] as string,
        updated_at: STAMPS[0] as string,
      })),
    );
    const p = await page(customer.id, { direction: 'prev', limit: 3, sort_by: 'name', descending: false });
    assert.deepEqual(
      p.items.map((r) => r.id),
      oracle(rows, 'name', false).slice(4),
    );
    assert.equal(p.has_next, false);
    assert.equal(p.has_prev, true);
  });

  test('an empty list', async () => {
    const customer = await createCustomer(h, t);
    for (const direction of ['next', 'prev']) {
      const p = await page(customer.id, { direction, include_total_count: true });
      assert.deepEqual(p, {
        items: [],
        total: 0,
        limit: 50,
        next_cursor: null,
        prev_cursor: null,
        has_next: false,
        has_prev: false,
        has_more: false,
      });
    }
  });
});

describe('cursor misuse → 422 on cursor', () => {
  let customerId: string;
  let cursor: string;
  beforeEach(async () => {
    const customer = await createCustomer(h, t);
    customerId = customer.id;
    await insertRows(
      customerId,
      Array.from({ length: 5 }, (_, i) => ({
        name: `n${i}`,
        email: null,
        role: null,
        created_at: STAMPS[0] as string,
        updated_at: STAMPS[0] as string,
      })),
    );
    cursor = (await page(customerId, { limit: 2, sort_by: 'name' })).next_cursor as string;
  });

  async function rejected(q: Record<string, string | boolean>, cid = customerId, headers = t.headers) {
    const r = await call(h, {
      url: `/api/v1/customers/${cid}/contacts?${new URLSearchParams(q as Record<string, string>)}`,
      headers,
    });
    assert.equal(r.status, 422, r.res.body);
    assert.equal(r.body.detail.length, 1);
    assert.deepEqual(r.body.detail[0].loc, ['query', 'cursor']);
    assert.equal(r.body.detail[0].type, 'value_error');
    return r.body.detail[0];
  }

  test('malformed', async () => {
    for (const bad of ['x', 'abc.def', '.', `${cursor}x`, cursor.replace('.', ''), 'a'.repeat(5000), '%%%']) {
      await rejected({ cursor: bad, sort_by: 'name' });
    }
  });

  test('tampered payload or signature', async () => {
    const [body, sig] = cursor.split('.') as [string, string];
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...payload, v: 'zzz' })).toString('base64url');
    await rejected({ cursor: `${forged}.${sig}`, sort_by: 'name' });
    const flipped = sig.slice(0, -2) + (sig.endsWith('AA') ? 'BB' : 'AA');
    await rejected({ cursor: `${body}.${flipped}`, sort_by: 'name' });
  });

  test('another sort or direction of sort', async () => {
    const e = await rejected({ cursor, sort_by: 'email' });
    assert.match(e.msg, /sort/);
    await rejected({ cursor, sort_by: 'name', descending: 'false' });
  });

  test('another customer, or another business', async () => {
    const other = await createCustomer(h, t);
    await rejected({ cursor, sort_by: 'name' }, other.id);
    const t2 = await tenant(h);
    const foreign = await createCustomer(h, t2);
    await rejected({ cursor, sort_by: 'name' }, foreign.id, t2.headers);
  });

  test('the genuine cursor works, in both directions', async () => {
    for (const direction of ['next', 'prev']) {
      const r = await call(h, {
        url: `/api/v1/customers/${customerId}/contacts?sort_by=name&direction=${direction}&cursor=${cursor}`,
        headers: t.headers,
      });
      assert.equal(r.status, 200, r.res.body);
    }
  });
});
