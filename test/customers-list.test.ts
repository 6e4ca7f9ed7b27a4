import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { CursorCodec } from '../src/platform/cursor.js';
import { uuidv7 } from '../src/platform/ids.js';
import { cursorSecret } from '../src/platform/settings.js';
import { foldCase, searchKey } from '../src/platform/text.js';
import { CustomersService } from '../src/resources/customers/service.js';
import { call, createCustomer, type Harness, setup, type Tenant, tenant } from './helpers/harness.js';
import { cmpCodePoints, page, walk } from './helpers/walk.js';

interface Row {
  id: string;
  name: string;
  email: string;
  credit_limit_cents: number | null;
  status: string;
  created_at: string;
  updated_at: string;
}

type Sort = 'created_at' | 'updated_at' | 'name' | 'email' | 'credit_limit_cents' | 'status';
const SORTS: Sort[] = ['created_at', 'updated_at', 'name', 'email', 'credit_limit_cents', 'status'];
const NAMES = ['acme', 'Acme', 'ACME', 'Globex', 'globex', 'o smith', 'oscar', 'Óscar', 'Zoë', 'zoe'];
const STAMPS = ['2025-01-01T00:00:00.000001Z', '2025-01-01T00:00:00.000002Z', '2025-06-01T00:00:00.5Z'];
const STATUSES = ['active', 'inactive', 'blocked'];

let h: Harness;
before(async () => {
  h = await setup();
});
after(async () => {
  await h?.close();
});

/** Inserts customers directly, with chosen timestamps so sorts have ties. */
async function insert(t: Tenant, rows: Omit<Row, 'id' | 'email'>[], deleted = false): Promise<Row[]> {
  const out = rows.map((r, i) => ({ ...r, id: uuidv7(), email: `${i}-${uuidv7().slice(-8)}@Example.com` }));
  if (out.length === 0) return out;
  await h.db.query(
    `INSERT INTO customers (business_id, id, name, name_key, search_key, email, email_key, credit_limit_cents, status,
                            is_deleted, created_at, updated_at)
     SELECT $1, u.id, u.name, u.nk, u.sk, u.email, u.ek, u.credit, u.status, $11, u.ca, u.ua
       FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[],
                   $10::timestamptz[], $12::timestamptz[]) AS u(id, name, nk, sk, email, ek, credit, status, ca, ua)`,
    [
      t.businessId,
      out.map((r) => r.id),
      out.map((r) => r.name),
      out.map((r) => foldCase(r.name)),
      out.map((r) => searchKey(r.name)),
      out.map((r) => r.email),
      out.map((r) => foldCase(r.email)),
      out.map((r) => (r.credit_limit_cents === null ? null : String(r.credit_limit_cents))),
      out.map((r) => r.status),
      out.map((r) => r.created_at),
      deleted,
      out.map((r) => r.updated_at),
    ],
  );
  return out;
}

function oracle(rows: Row[], sort: Sort, descending: boolean): string[] {
  const value = (r: Row): string | number | null => {
    const v = r[sort];
    return typeof v === 'string' && (sort === 'name' || sort === 'email') ? v.toLowerCase() : v;
  };
  const sign = descending ? -1 : 1;
  return [...rows]
    .sort((a, b) => {
      const va = value(a);
      const vb = value(b);
      if (va === null && vb !== null) return 1;
      if (vb === null && va !== null) return -1;
      if (va !== null && vb !== null && va !== vb) {
        const c = typeof va === 'number' ? va - (vb as number) : cmpCodePoints(va, vb as string);
        if (c !== 0) return sign * c;
      }
      return sign * (a.id < b.id ? -1 : 1);
    })
    .map((r) => r.id);
}

const rowArb = fc.record({
  name: fc.constantFrom(...NAMES),
  credit_limit_cents: fc.option(fc.constantFrom(0, 100, 5_000_000, 9_007_199_254_740_991), { freq: 3 }),
  status: fc.constantFrom(...STATUSES),
  created_at: fc.constantFrom(...STAMPS),
  updated_at: fc.constantFrom(...STAMPS),
});

describe('list walks', () => {
  test('every sort and filter, both directions: each live customer once, in the oracle order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(rowArb, { maxLength: 30 }),
        fc.array(rowArb, { maxLength: 5 }),
        fc.constantFrom(...SORTS, 'amount' as const),
        fc.boolean(),
        fc.integer({ min: 1, max: 6 }),
        fc.option(fc.constantFrom(...STATUSES)),
        async (live, gone, sortBy, descending, limit, status) => {
          const t = await tenant(h);
          const rows = await insert(t, live);
          await insert(t, gone, true);
          const sort: Sort = sortBy === 'amount' ? 'credit_limit_cents' : sortBy;
          const visible = rows.filter((r) => status === null || r.status === status);
          const expected = oracle(visible, sort, descending);
          const q = { sort_by: sortBy, descending, limit, status: status ?? undefined, include_total_count: true };
          const fwd = await walk<Row>(h, t.headers, '/api/v1/customers', q, 'next');
          assert.deepEqual(fwd.ids, expected);
          assert.equal(fwd.pages[0]?.total, visible.length, 'total counts what the filters match');
          const back = await walk<Row>(h, t.headers, '/api/v1/customers', q, 'prev');
          assert.deepEqual(back.ids, expected);
          for (const c of fwd.items) assert.equal((c as unknown as { contacts: unknown }).contacts, null);
        },
      ),
      { numRuns: 25 },
    );
  });

  test('amount is an alias of credit_limit_cents: the same order and the same cursors', async () => {
    const t = await tenant(h);
    await insert(
      t,
      [5, null, 5, 1, null, 9].map((c) => ({
        name: 'n',
        credit_limit_cents: c,
        status: 'active',
        created_at: STAMPS[0] as string,
        updated_at: STAMPS[0] as string,
      })),
    );
    const a = await page<Row>(h, t.headers, '/api/v1/customers', { sort_by: 'amount', limit: 2 });
    const b = await page<Row>(h, t.headers, '/api/v1/customers', { sort_by: 'credit_limit_cents', limit: 2 });
    assert.deepEqual(a.items, b.items);
    assert.deepEqual(
      a.items.map((c) => c.credit_limit_cents),
      [9, 5],
    );
    const next = await page<Row>(h, t.headers, '/api/v1/customers', {
      sort_by: 'credit_limit_cents',
      limit: 10,
      cursor: a.next_cursor ?? '',
    });
    assert.deepEqual(
      next.items.map((c) => c.credit_limit_cents),
      [5, 1, null, null],
    );
  });
});

describe('filters', () => {
  test('id, email (case-insensitive) and status; deleted customers never listed', async () => {
    const t = await tenant(h);
    const a = await createCustomer(h, t, { email: 'Finance@Acme.example', status: 'blocked' });
    const b = await createCustomer(h, t, { status: 'active' });
    const del = await call(h, { method: 'DELETE', url: `/api/v1/customers/${b.id}`, headers: t.headers });
    assert.equal(del.status, 200);
    const ids = async (q: string) =>
      (await call(h, { url: `/api/v1/customers?${q}`, headers: t.headers })).body.data.items.map(
        (c: { id: string }) => c.id,
      );
    assert.deepEqual(await ids(`id=${a.id}`), [a.id]);
    assert.deepEqual(await ids(`id=${b.id}`), [], 'a deleted customer leaves lists, even by id');
    assert.deepEqual(await ids('email=finance@ACME.example'), [a.id]);
    assert.deepEqual(await ids('status=blocked'), [a.id]);
    assert.deepEqual(await ids('status=active'), []);
    const bad = await call(h, { url: '/api/v1/customers?id=nope&status=gone', headers: t.headers });
    assert.equal(bad.status, 422);
    assert.deepEqual(bad.body.detail.map((e: { type: string }) => e.type).sort(), ['literal_error', 'uuid_parsing']);
  });
});

describe('search', () => {
  let t: Tenant;
  const names = [
    'Acme Corp',
    'Acme Corporation Holdings',
    'Globex',
    'Émile Café',
    'Initech',
    'Acme',
    'Soylent',
    'Vandelay Industries',
  ];
  const ids: Record<string, string> = {};
  before(async () => {
    t = await tenant(h);
    for (const name of names) ids[name] = (await createCustomer(h, t, { name })).id;
  });

  /** Names matching `q`, best match first (sort_by=relevance). */
  const search = async (q: string, extra = '&sort_by=relevance') => {
    const r = await call(h, {
      url: `/api/v1/customers?search=${encodeURIComponent(q)}${extra}`,
      headers: t.headers,
    });
    assert.equal(r.status, 200, r.res.body);
    return r.body.data.items.map((c: { name: string }) => c.name) as string[];
  };

  test('a typo still finds the name, best match first', async () => {
    const found = await search('acme crop');
    assert.equal(found[0], 'Acme Corp');
    assert.ok(found.includes('Acme Corporation Holdings'));
    assert.ok(!found.includes('Globex'));
    assert.ok((await search('vandeley')).includes('Vandelay Industries'));
  });

  test('substrings, case and accents', async () => {
    assert.deepEqual((await search('cme')).sort(), ['Acme', 'Acme Corp', 'Acme Corporation Holdings']);
    assert.equal((await search('acme'))[0], 'Acme', 'an exact name first');
    assert.deepEqual(await search('ÉMILE'), ['Émile Café']);
    assert.deepEqual(await search('cafe'), ['Émile Café']);
    assert.deepEqual(await search('INITECH'), ['Initech']);
    assert.deepEqual(await search('zzzzqqq'), []);
  });

  test('without sort_by, the matches come newest first, like every list', async () => {
    const byAge = names.filter((n) => n.toLowerCase().includes('acme')).map((n) => ids[n]);
    const r = await call(h, { url: '/api/v1/customers?search=acme', headers: t.headers });
    assert.equal(r.status, 200, r.res.body);
    assert.deepEqual(
      r.body.data.items.map((c: { id: string }) => c.id),
      byAge.reverse(),
    );
    const relevance = await search('acme');
    assert.equal(relevance[0], 'Acme', 'sort_by=relevance: the exact name first');
  });

  test('sort_by=relevance without search → 422 naming the allowed values', async () => {
    const r = await call(h, { url: '/api/v1/customers?sort_by=relevance', headers: t.headers });
    assert.equal(r.status, 422, r.res.body);
    assert.equal(r.body.detail.length, 1);
    const [e] = r.body.detail;
    assert.equal(e.type, 'literal_error');
    assert.deepEqual(e.loc, ['query', 'sort_by']);
    assert.equal(e.input, 'relevance');
    assert.equal(
      e.ctx.expected,
      "'created_at', 'updated_at', 'name', 'email', 'credit_limit_cents', 'status' or 'amount'",
    );
    const bogus = await call(h, { url: '/api/v1/customers?sort_by=bogus', headers: t.headers });
    assert.equal(bogus.status, 422);
    assert.match(bogus.body.detail[0].msg, /'relevance'/, 'the enum lists relevance as a value');
  });

  test('with sort_by, the matches in that order; the total counts the matches', async () => {
    const r = await call(h, {
      url: '/api/v1/customers?search=acme&sort_by=name&descending=false&include_total_count=true',
      headers: t.headers,
    });
    assert.deepEqual(
      r.body.data.items.map((c: { name: string }) => c.name),
      ['Acme', 'Acme Corp', 'Acme Corporation Holdings'],
    );
    assert.equal(r.body.data.total, 3);
  });

  test('both orders page like any other: the walk equals one big page, cursors bound to the text', async () => {
    for (const [q, sort_by] of [
      ['acme', 'relevance'],
      ['ac', 'relevance'],
      ['o', 'relevance'],
      ['acme', undefined],
      ['o', undefined],
    ] as const) {
      const all = await page<Row>(h, t.headers, '/api/v1/customers', { search: q, sort_by, limit: 1000 });
      for (const direction of ['next', 'prev'] as const) {
        const w = await walk<Row>(h, t.headers, '/api/v1/customers', { search: q, sort_by, limit: 1 }, direction);
        assert.deepEqual(
          w.ids,
          all.items.map((c) => c.id),
          `${q} ${sort_by} ${direction}`,
        );
      }
    }
    const first = await page<Row>(h, t.headers, '/api/v1/customers', { search: 'acme', limit: 1 });
    const other = await call(h, {
      url: `/api/v1/customers?search=globex&limit=1&cursor=${first.next_cursor}`,
      headers: t.headers,
    });
    assert.equal(other.status, 422);
    assert.deepEqual(other.body.detail[0].loc, ['query', 'cursor']);
  });

  test('search must be 1..200 characters', async () => {
    for (const q of ['', '   ', 'x'.repeat(201)]) {
      const r = await call(h, { url: `/api/v1/customers?search=${encodeURIComponent(q)}`, headers: t.headers });
      assert.equal(r.status, 422, JSON.stringify(q));
      assert.deepEqual(r.body.detail[0].loc, ['query', 'search']);
    }
  });
});

describe('search: the bounded walk', () => {
  // A search in a column's order first walks that column's index for a window of rows and falls
  // back to the trigram index when the window cannot decide the page. Whatever decides it, the
  // matches and their order must be the same: every window size, from one row (the fallback on
  // nearly every page) to more than the business has (the walk alone), gives the walk of the
  // service with no window at all.
  test('every window size gives the same matches in the same order, every sort, both directions', async () => {
    const t = await tenant(h);
    const rows: Omit<Row, 'id' | 'email'>[] = [];
    for (let i = 0; i < 90; i++) {
      // Matches clustered at both ends of the created_at order and sparse in the middle, ties in
      // created_at, NULL credit limits, and names matching by substring or only by similarity.
      const word =
        i < 12 || i > 80 ? 'Acme Holdings' : i % 17 === 0 ? 'Acme' : i % 23 === 0 ? 'Akme Holdingz' : 'Globex';
      rows.push({
        name: `${word} ${i}`,
        credit_limit_cents: i % 3 === 0 ? null : (i % 7) * 100,
        status: STATUSES[i % 3] as string,
        created_at: STAMPS[i % 2] ?? '',
        updated_at: `2025-02-${String((i % 27) + 1).padStart(2, '0')}T00:00:00Z`,
      });
    }
    await insert(t, rows);
    const codec = new CursorCodec(await cursorSecret(h.db));
    const ctx = { businessId: t.businessId, actorEmail: null };
    const walkAll = async (
      window: number,
      search: string,
      sortBy: string,
      descending: boolean,
      direction: 'next' | 'prev',
    ) => {
      const service = new CustomersService(h.db, codec, { searchWindow: window });
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 200; pages++) {
        const p = await service.list(
          ctx,
          { search },
          { cursor, limit: 4, direction, includeTotalCount: false, sortBy, descending },
        );
        const ids = p.items.map((c) => c.id);
        seen.push(...(direction === 'next' ? ids : ids.reverse()));
        cursor = (direction === 'next' ? p.next_cursor : p.prev_cursor) ?? undefined;
        if (!(direction === 'next' ? p.has_next : p.has_prev)) break;
      }
      return direction === 'next' ? seen : seen.reverse();
    };
    let compared = 0;
    for (const search of ['acme', 'holdings', 'ac', 'zzzz']) {
      for (const sortBy of ['created_at', 'credit_limit_cents', 'name', 'status']) {
        for (const descending of [true, false]) {
          for (const direction of ['next', 'prev'] as const) {
            const expected = await walkAll(0, search, sortBy, descending, direction);
            for (const window of [1, 2, 5, 13, 1000]) {
              assert.deepEqual(
                await walkAll(window, search, sortBy, descending, direction),
                expected,
                `${search} ${sortBy} ${descending ? 'desc' : 'asc'} ${direction}, window ${window}`,
              );
              compared++;
            }
          }
        }
      }
    }
    assert.equal(compared, 4 * 4 * 2 * 2 * 5);
    // The oracle is not empty where it should not be: 'holdings' matches 21 by substring, and the
    // fuzzy-only "Akme Holdingz" rows too.
    const all = await walkAll(0, 'holdings', 'created_at', true, 'next');
    assert.ok(all.length > 21, `holdings matched ${all.length}`);
  });
});

describe('search: best matches from the indexes', () => {
  // A best-match page walks the trigram-count index per tier for a window of rows and falls back
  // to the trigram index when the window does not decide it. Whatever decides it, the pages must
  // be those of the indexes alone (window 0): walked in full
  // with small pages (so deep pages, ties and the cursor's bounds all matter), for queries whose
  // matches are many and alike (near-duplicates), short prefixes, words, typos, on both backends.
  test('every window gives the pages of the indexes alone, for many kinds of query', async () => {
    const t = await tenant(h);
    const syllables = ['ka', 'ro', 'mi', 'tel', 'dan', 'or', 'vex', 'lu', 'sa', 'kra'];
    const rows: Omit<Row, 'id' | 'email'>[] = [];
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const word = () =>
      Array.from({ length: 2 + Math.floor(rand() * 2) }, () => syllables[Math.floor(rand() * syllables.length)]).join(
        '',
      );
    for (let i = 0; i < 160; i++) {
      const kinds = [
        `Acme Corp ${i % 23}`,
        `ACME Corporation #${i % 7}`,
        `acme ${i % 5}`,
        `${word()} ${word()} Holdings`,
        `${word()}`,
        `Ka ${word()}`,
        `${word()} & ${word()} Ltd`,
        `The Acme Holdings ${i}`,
      ];
      rows.push({
        name: kinds[i % kinds.length] as string,
        credit_limit_cents: null,
        status: 'active',
        created_at: STAMPS[i % 3] ?? '',
        updated_at: STAMPS[0] ?? '',
      });
    }
    await insert(t, rows);
    const codec = new CursorCodec(await cursorSecret(h.db));
    const ctx = { businessId: t.businessId, actorEmail: null };
    const walkAll = async (window: number, search: string, limit: number, total: boolean) => {
      const service = new CustomersService(h.db, codec, { relevanceWindow: window });
      const seen: string[] = [];
      const totals: (number | null)[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 400; pages++) {
        const p = await service.list(
          ctx,
          { search },
          { cursor, limit, direction: 'next', includeTotalCount: total, sortBy: 'relevance', descending: true },
        );
        seen.push(...p.items.map((c) => c.id));
        totals.push(p.total);
        if (!p.has_next) break;
        cursor = p.next_cursor ?? undefined;
      }
      return { seen, totals };
    };
    let pages = 0;
    for (const search of [
      'acme',
      'acme corp 1',
      'acme corporation',
      'acme korp 1',
      'akme corporatoin',
      'acmee corp',
      'ka',
      'k',
      'kaka',
      'holdings',
      'holdngs',
      'ac',
      'zzz',
    ]) {
      for (const limit of [1, 3, 10]) {
        const expected = await walkAll(0, search, limit, limit === 3);
        for (const window of [1, 7, 20_000]) {
          const got = await walkAll(window, search, limit, limit === 3);
          assert.deepEqual(got, expected, `${search} limit ${limit} window ${window}`);
        }
        pages += expected.totals.length;
      }
    }
    assert.ok(pages > 300, `${pages} pages compared`);
  });
});

describe('update', () => {
  test('partial update; null clears; name, email and status cannot be null', async () => {
    const t = await tenant(h);
    const c = await createCustomer(h, t, { phone: '1', notes: 'n', credit_limit_cents: 5 });
    const r = await call(h, {
      method: 'PUT',
      url: `/api/v1/customers/${c.id}`,
      headers: t.headers,
      payload: { phone: null, credit_limit_cents: 10, status: 'inactive', name: '  Renamed  ' },
    });
    assert.equal(r.status, 200, r.res.body);
    assert.equal(r.body.code, 'UPDATED');
    const u = r.body.data;
    assert.equal(u.phone, null);
    assert.equal(u.notes, 'n');
    assert.equal(u.credit_limit_cents, 10);
    assert.equal(u.status, 'inactive');
    assert.equal(u.name, 'Renamed');
    assert.ok(u.updated_at > c.updated_at);
    const found = await call(h, { url: '/api/v1/customers?search=renamed', headers: t.headers });
    assert.deepEqual(
      found.body.data.items.map((x: { id: string }) => x.id),
      [c.id],
      'search follows the new name',
    );
    const bad = await call(h, {
      method: 'PUT',
      url: `/api/v1/customers/${c.id}`,
      headers: t.headers,
      payload: { name: null, email: null, status: null },
    });
    assert.equal(bad.status, 422);
    assert.deepEqual(
      bad.body.detail.map((e: { loc: string[]; type: string }) => `${e.loc[1]} ${e.type}`),
      ['name string_type', 'email string_type', 'status literal_error'],
    );
  });

  test('e-mail conflicts → 409; keeping one’s own e-mail is fine', async () => {
    const t = await tenant(h);
    const a = await createCustomer(h, t, { email: 'taken@example.com' });
    const b = await createCustomer(h, t);
    const put = (id: string, email: string) =>
      call(h, { method: 'PUT', url: `/api/v1/customers/${id}`, headers: t.headers, payload: { email } });
    assert.equal((await put(b.id, 'TAKEN@example.com')).status, 409);
    assert.equal((await put(a.id, 'Taken@Example.com')).status, 200);
    const c = await createCustomer(h, t);
    const race = await Promise.all([put(b.id, 'race@example.com'), put(c.id, 'race@example.com')]);
    assert.deepEqual(race.map((r) => r.status).sort(), [200, 409]);
  });

  test('unknown → 404; deleted → 400 Customer is deleted', async () => {
    const t = await tenant(h);
    const missing = await call(h, {
      method: 'PUT',
      url: '/api/v1/customers/00000000-0000-7000-8000-000000000000',
      headers: t.headers,
      payload: {},
    });
    assert.equal(missing.status, 404);
    const c = await createCustomer(h, t);
    await call(h, { method: 'DELETE', url: `/api/v1/customers/${c.id}`, headers: t.headers });
    const r = await call(h, {
      method: 'PUT',
      url: `/api/v1/customers/${c.id}`,
      headers: t.headers,
      payload: { name: 'x' },
    });
    assert.equal(r.status, 400);
    assert.deepEqual(r.body, { detail: 'Customer is deleted' });
  });
});

describe('soft delete', () => {
  test('still fetchable, out of lists, contacts read-only, e-mail reusable, second delete 404', async () => {
    const t = await tenant(h);
    const c = await createCustomer(h, t, { email: 'gone@example.com' });
    const contact = await call(h, {
      method: 'POST',
      url: `/api/v1/customers/${c.id}/contacts`,
      headers: t.headers,
      payload: { name: 'Kept' },
    });
    const del = await call(h, { method: 'DELETE', url: `/api/v1/customers/${c.id}`, headers: t.headers });
    assert.equal(del.status, 200);
    assert.deepEqual(del.body, { success: true, message: 'Customer deleted', code: 'DELETED' });
    const got = await call(h, { url: `/api/v1/customers/${c.id}`, headers: t.headers });
    assert.equal(got.status, 200);
    assert.equal(got.body.data.is_deleted, true);
    assert.notEqual(got.body.data.deleted_at, null);
    assert.equal(got.body.data.contacts.length, 1);
    const list = await call(h, { url: '/api/v1/customers?include_total_count=true', headers: t.headers });
    assert.equal(list.body.data.total, 0);
    const contacts = await call(h, { url: `/api/v1/customers/${c.id}/contacts`, headers: t.headers });
    assert.equal(contacts.body.data.items.length, 1);
    const write = await call(h, {
      method: 'PUT',
      url: `/api/v1/customers/${c.id}/contacts/${contact.body.data.id}`,
      headers: t.headers,
      payload: { name: 'x' },
    });
    assert.equal(write.status, 400);
    const again = await call(h, { method: 'DELETE', url: `/api/v1/customers/${c.id}`, headers: t.headers });
    assert.equal(again.status, 404);
    const reuse = await createCustomer(h, t, { email: 'GONE@example.com' });
    assert.notEqual(reuse.id, c.id);
  });
});
