/**
 * The customer export (contract §6): the list's rows, filters and order as CSV in the
 * bulk-upload template's columns, streamed batch by batch; would-be formulas guarded both
 * ways; an error after the first byte aborts the connection; and single-use export links.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Db, Queryable, QueryResult } from '../src/platform/db/db.js';
import { csvRecords } from '../src/resources/customers/csv.js';
import {
  addTestMember,
  call,
  createCustomer,
  type Harness,
  multipart,
  setup,
  type Tenant,
  tenant,
  unique,
} from './helpers/harness.js';

const TEMPLATE_HEADER =
  'name,email,phone,address,tax_id,website,notes,credit_limit_cents,default_payment_term_id,status,category,invoice_footer';

/** Fails the list statements it is told to (the export's batches), counting them while armed. */
function failingDb(db: Db) {
  const state = { armed: false, lists: 0, failAt: 0 };
  const check = (text: string) => {
    if (!state.armed || !/\b_tag\b/.test(text) || !/FROM customers t/.test(text)) return;
    state.lists++;
    if (state.lists === state.failAt) throw Object.assign(new Error('the database went away'), { code: '57P01' });
  };
  const wrap = (q: Queryable): Queryable => ({
    query<R>(text: string, params?: readonly unknown[], opts?: Parameters<Queryable['query']>[2]) {
      try {
        check(text);
      } catch (err) {
        return Promise.reject(err) as Promise<QueryResult<R>>;
      }
      return q.query<R>(text, params, opts);
    },
    exec: (text: string) => q.exec(text),
  });
  const wrapped: Db = {
    kind: db.kind,
    ...wrap(db),
    transaction: (fn, opts) => db.transaction((tx) => fn(wrap(tx)), opts),
    close: () => db.close(),
  };
  return { wrapped, state };
}

let h: Harness;
let failing: ReturnType<typeof failingDb>;
/** A business with more customers than one export batch (1,000). */
let big: Tenant;
const BIG = 1_150;
const PUBLIC_URL = 'https://customers.example.test/base';

before(async () => {
  h = await setup({
    bodyLimit: 8 * 1024 * 1024,
    publicUrl: PUBLIC_URL,
    wrapDb: (db) => {
      failing = failingDb(db);
      return failing.wrapped;
    },
  });
  big = await tenant(h);
  let csv = 'name,email,status,credit_limit_cents\n';
  const statuses = ['active', 'inactive', 'blocked'];
  // Names that tie, differ in case, and match a search in part; some without a credit limit (NULLs last).
  for (let i = 1; i <= BIG; i++) {
    csv += `${i % 7 === 0 ? 'acme' : i % 5 === 0 ? 'ACME' : 'Zeta'} Shop ${i % 40},big${i}@example.com,${statuses[i % 3]},${i % 4 === 0 ? '' : i % 9}\n`;
  }
  const r = await upload(big, csv);
  assert.equal(r.body.data.created, BIG, r.res.body);
});
after(async () => {
  await h?.close();
});

async function upload(t: Tenant, csv: string) {
  const m = multipart(csv);
  const r = await call(h, {
    method: 'POST',
    url: '/api/v1/customers/bulk-upload',
    headers: { ...t.headers, ...m.headers },
    payload: m.payload,
  });
  assert.equal(r.status, 201, r.res.body);
  return r;
}

async function records(csv: string): Promise<string[][]> {
  const out: string[][] = [];
  const bytes = (async function* () {
    yield Buffer.from(csv);
  })();
  for await (const record of csvRecords(bytes)) out.push(record);
  return out;
}

/** Every customer the list returns, walking forward page by page from the first. */
async function walk(t: Tenant, query: string, limit = 400): Promise<string[]> {
  const emails: string[] = [];
  let cursor: string | null = null;
  for (;;) {
    const qs: string = `${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const r = await call(h, { url: `/api/v1/customers?${qs}`, headers: t.headers });
    assert.equal(r.status, 200, r.res.body);
    emails.push(...r.body.data.items.map((c: { email: string }) => c.email));
    if (!r.body.data.has_next) return emails;
    cursor = r.body.data.next_cursor;
  }
}

async function exported(t: Tenant, query: string, headers = t.headers) {
  const r = await call(h, { url: `/api/v1/customers/export?${query}`, headers });
  assert.equal(r.status, 200, r.res.body.slice(0, 300));
  return r;
}

describe('GET /api/v1/customers/export', () => {
  test("the list's rows, filters and order, in the template's columns, over several batches", async () => {
    const viewer = await big.as('viewer');
    for (const query of [
      '',
      'sort_by=name&descending=false',
      'sort_by=credit_limit_cents',
      'sort_by=amount&descending=false',
      'status=blocked&sort_by=email',
      'search=acme',
      'search=acme&sort_by=relevance',
      'search=shop%2012&status=inactive&sort_by=updated_at&descending=false',
      `email=BIG7@example.com`,
    ]) {
      const r = await exported(big, query, viewer);
      assert.equal(r.res.headers['content-type'], 'text/csv; charset=utf-8');
      assert.match(
        String(r.res.headers['content-disposition']),
        /^attachment; filename="customers-\d{4}-\d{2}-\d{2}\.csv"$/,
      );
      const [header, ...rows] = await records(r.res.body);
      assert.equal(header?.join(','), TEMPLATE_HEADER, query);
      const expected = await walk(big, query);
      assert.ok(expected.length > 0, `${query}: the list has rows`);
      assert.deepEqual(
        rows.map((row) => row[1]),
        expected,
        `${query}: the export is the list's walk`,
      );
    }
    const all = await records((await exported(big, '')).res.body);
    assert.equal(all.length, 1 + BIG, 'every row, past the first batch');
  });

  test('the template header, and its columns filled from each customer', async () => {
    const template = await call(h, { url: '/api/v1/customers/bulk-upload/template', headers: big.headers });
    assert.equal(template.body.data.csv_content_stringified.split('\r\n')[0], TEMPLATE_HEADER);
    const t = await tenant(h);
    const c = await createCustomer(h, t, {
      name: 'Full Co',
      phone: '555 0100',
      address: '1 Main St, Springfield',
      tax_id: 'T-1',
      website: 'https://full.example',
      notes: 'Says "hi"\nand more',
      credit_limit_cents: 1200,
      default_payment_term_id: 'net30',
      status: 'inactive',
      category: 'Retail',
      invoice_footer: 'Thanks',
    });
    const r = await exported(t, '');
    assert.equal(
      r.res.body,
      `${TEMPLATE_HEADER}\r\nFull Co,${c.email},555 0100,"1 Main St, Springfield",T-1,https://full.example,"Says ""hi""\nand more",1200,net30,inactive,Retail,Thanks\r\n`,
    );
    const empty = await exported(await tenant(h), '');
    assert.equal(empty.res.body, `${TEMPLATE_HEADER}\r\n`, 'no customers: the header alone');
  });

  test('cursor, limit, direction and include_total_count are refused (422), and the list own rules hold', async () => {
    const r = await call(h, { url: '/api/v1/customers/export?cursor=abc&limit=10', headers: big.headers });
    assert.equal(r.status, 422);
    assert.deepEqual(
      r.body.detail.map((d: { loc: string[] }) => d.loc),
      [
        ['query', 'cursor'],
        ['query', 'limit'],
      ],
    );
    for (const query of ['direction=prev', 'include_total_count=true', 'sort_by=relevance', 'sort_by=nope']) {
      const bad = await call(h, { url: `/api/v1/customers/export?${query}`, headers: big.headers });
      assert.equal(bad.status, 422, query);
    }
  });

  test('export → bulk upload round trip: the same customers, the same file', async () => {
    const from = await tenant(h);
    const tricky = [
      { name: 'Formula Co', notes: '=HYPERLINK("http://x.example","y")', phone: '+1 555 0100' },
      { name: '@Mention Inc', category: '-negative', address: '\tTabbed street' },
      { name: 'Quote Ltd', notes: "'=already quoted", invoice_footer: "''+twice" },
      { name: 'Plain, "Commas" & Sons', notes: 'line one\r\nline two', address: 'Straße 1, Zürich' },
      { name: 'Nulls Only' },
    ];
    for (const body of tricky) await createCustomer(h, from, body);
    const a = await exported(from, 'sort_by=email&descending=false');
    const to = await tenant(h);
    const m = multipart(a.res.body);
    const up = await call(h, {
      method: 'POST',
      url: '/api/v1/customers/bulk-upload',
      headers: { ...to.headers, ...m.headers },
      payload: m.payload,
    });
    assert.equal(up.status, 201, up.res.body);
    assert.deepEqual(up.body.data, { created: tricky.length, skipped: 0, errors: [] });
    const b = await exported(to, 'sort_by=email&descending=false');
    assert.equal(b.res.body, a.res.body, 'the re-uploaded customers export to the same file');
    const fields = ['name', 'email', 'phone', 'address', 'notes', 'category', 'invoice_footer', 'status'];
    const pick = (items: Record<string, unknown>[]) =>
      items.map((c) => Object.fromEntries(fields.map((f) => [f, c[f]])));
    const before = await call(h, { url: '/api/v1/customers?sort_by=email&descending=false', headers: from.headers });
    const afterUpload = await call(h, { url: '/api/v1/customers?sort_by=email&descending=false', headers: to.headers });
    assert.deepEqual(pick(afterUpload.body.data.items), pick(before.body.data.items), 'every value unchanged');
  });

  test("formula prefix: the export writes a leading ' and bulk upload strips exactly that", async () => {
    const t = await tenant(h);
    const values = ['=1+2', '+1 555', '-5', '@SUM(A1)', '\tx', '\rx', "'=x", "'plain", 'plain', 'a=b'];
    for (const [i, notes] of values.entries()) await createCustomer(h, t, { name: `F${i}`, notes });
    const r = await exported(t, 'sort_by=name&descending=false');
    const [, ...rows] = await records(r.res.body);
    const notes = rows.map((row) => row[6]);
    assert.deepEqual(notes, ["'=1+2", "'+1 555", "'-5", "'@SUM(A1)", "'\tx", "'\rx", "''=x", "'plain", 'plain', 'a=b']);

    // A hand-written file: the guard comes off where it guards a formula, and only there.
    const into = await tenant(h);
    const csv = `name,email,notes\r\nG1,g1@example.com,'=1+2\r\nG2,g2@example.com,'plain\r\nG3,g3@example.com,''@x\r\nG4,g4@example.com,=raw\r\n`;
    await upload(into, csv);
    const list = await call(h, { url: '/api/v1/customers?sort_by=name&descending=false', headers: into.headers });
    assert.deepEqual(
      list.body.data.items.map((c: { notes: string }) => c.notes),
      ['=1+2', "'plain", "'@x", '=raw'],
    );
  });

  test('a database failure before the first byte is an ordinary error answer', async () => {
    failing.state.lists = 0;
    failing.state.failAt = 1;
    failing.state.armed = true;
    try {
      const r = await h.app.inject({ url: '/api/v1/customers/export', headers: big.headers });
      assert.ok(r.statusCode >= 500, `${r.statusCode} ${r.body}`);
      assert.match(String(r.headers['content-type']), /^application\/json/);
      assert.ok(JSON.parse(r.body).detail);
    } finally {
      failing.state.armed = false;
    }
  });

  test('a database failure after the first byte aborts the connection: never a file that looks whole', async () => {
    const address = await h.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (h.app.server.address() as AddressInfo).port;
    assert.ok(address);
    const url = `http://127.0.0.1:${port}/api/v1/customers/export`;
    // Unarmed, over the same socket path: the whole file arrives.
    const whole = await fetch(url, { headers: big.headers });
    assert.equal(whole.status, 200);
    assert.equal((await records(await whole.text())).length, 1 + BIG);

    failing.state.lists = 0;
    failing.state.failAt = 2; // the second batch
    failing.state.armed = true;
    try {
      const res = await fetch(url, { headers: big.headers });
      assert.equal(res.status, 200, 'the first batch went out');
      await assert.rejects(res.text(), 'the body ends in a broken transfer, not a clean end');
      assert.equal(failing.state.lists, 2, 'the failure came from the second batch');
    } finally {
      failing.state.armed = false;
    }
  });
});

describe('POST /api/v1/customers/export-links', () => {
  const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

  async function link(t: Tenant, query: string, headers = t.headers) {
    const r = await call(h, { method: 'POST', url: `/api/v1/customers/export-links?${query}`, headers });
    assert.equal(r.status, 201, r.res.body);
    return r.body.data as { url: string; secret: string; expires_at: string };
  }

  test('a viewer gets a single-use link that streams the same export with no other credential', async () => {
    const viewer = await big.as('viewer');
    const query = 'status=blocked&sort_by=name&descending=false';
    const l = await link(big, query, viewer);
    assert.match(l.secret, /^dzx_[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    assert.ok(l.secret.startsWith(`dzx_${big.businessId}.`));
    assert.equal(l.url, `${PUBLIC_URL}/api/v1/export-links/${l.secret}`, 'PUBLIC_URL, then the path');
    const ttl = Date.parse(l.expires_at) - Date.now();
    assert.ok(ttl > 30_000 && ttl <= 60_000, `valid 60 s by default (${ttl} ms left)`);
    // Stored hashed, by business.
    const stored = await h.db.query<{ query: string }>(
      'SELECT query FROM export_tickets WHERE business_id = $1 AND secret_hash = $2',
      [big.businessId, sha256(l.secret)],
    );
    assert.equal(stored.rows.length, 1);
    const raw = await h.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM export_tickets WHERE secret_hash = $1 OR query LIKE '%dzx_%'",
      [l.secret],
    );
    assert.equal(raw.rows[0]?.n, 0, 'the secret itself is stored nowhere');

    const path = new URL(l.url).pathname.replace(/^\/base/, '');
    const first = await call(h, { url: path });
    assert.equal(first.status, 200, first.res.body.slice(0, 300));
    assert.equal(first.res.headers['content-type'], 'text/csv; charset=utf-8');
    assert.match(String(first.res.headers['content-disposition']), /^attachment; filename="customers-/);
    const direct = await exported(big, query);
    assert.equal(first.res.body, direct.res.body, 'the export the link was made for');

    const again = await call(h, { url: path });
    assert.equal(again.status, 401, 'single use');
    assert.deepEqual(again.body, { detail: 'Not authenticated' });
  });

  test('unknown, tampered, or of a member removed since → 401; Idempotency-Key → 422; pagination → 422', async () => {
    const base = '/api/v1/customers/export-links';
    const open = '/api/v1/export-links';
    for (const secret of ['nope', `dzx_${big.businessId}.${'A'.repeat(43)}`]) {
      const r = await call(h, { url: `${open}/${secret}` });
      assert.equal(r.status, 401, secret);
    }
    const l = await link(big, '');
    const other = await tenant(h);
    const moved = l.secret.replace(big.businessId, other.businessId);
    assert.equal((await call(h, { url: `${open}/${moved}` })).status, 401, 'another business: not found there');

    const member = await addTestMember(h, big.businessId, 'viewer');
    const theirs = await link(big, '', member.headers);
    await h.db.query('DELETE FROM memberships WHERE business_id = $1 AND user_id = $2', [
      big.businessId,
      member.userId,
    ]);
    assert.equal((await call(h, { url: `${open}/${theirs.secret}` })).status, 401, 'no longer a member');

    const keyed = await call(h, {
      method: 'POST',
      url: base,
      headers: { ...big.headers, 'idempotency-key': unique('k') },
    });
    assert.equal(keyed.status, 422, keyed.res.body);
    assert.deepEqual(keyed.body.detail[0].loc, ['header', 'idempotency-key']);
    const paged = await call(h, { method: 'POST', url: `${base}?limit=5`, headers: big.headers });
    assert.equal(paged.status, 422);
  });

  test('a link past its lifetime → 401 (a 1 s lifetime, used after 2.5 s)', async () => {
    const short = await setup({ exportLinkTtlMs: 1_000 });
    try {
      const t = await tenant(short);
      await createCustomer(short, t);
      const make = async () => {
        const r = await call(short, { method: 'POST', url: '/api/v1/customers/export-links', headers: t.headers });
        assert.equal(r.status, 201, r.res.body);
        return r.body.data as { secret: string; expires_at: string };
      };
      const used = await make();
      const unused = await make();
      assert.ok(Date.parse(used.expires_at) - Date.now() <= 1_000);
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      const late = await call(short, { url: `/api/v1/export-links/${used.secret}` });
      assert.equal(late.status, 401, 'expired');
      // Ended tickets of the business are deleted when it makes the next one.
      const stored = () =>
        short.db.query<{ secret_hash: string }>('SELECT secret_hash FROM export_tickets WHERE business_id = $1', [
          t.businessId,
        ]);
      assert.equal((await stored()).rows.length, 1, 'the unused one is still stored');
      const next = await make();
      assert.deepEqual(
        (await stored()).rows.map((r) => r.secret_hash),
        [createHash('sha256').update(next.secret).digest('hex')],
        `the ended ticket (${unused.secret.slice(0, 8)}…) is gone, the new one is there`,
      );
      const fresh = await call(short, { url: `/api/v1/export-links/${next.secret}` });
      assert.equal(fresh.status, 200, 'a live one works');
    } finally {
      await short.close();
    }
  });
});
