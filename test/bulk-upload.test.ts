import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { Db } from '../src/platform/db/db.js';
import { call, createCustomer, type Harness, multipart, setup, type Tenant, tenant } from './helpers/harness.js';

let h: Harness;
let t: Tenant;
before(async () => {
  h = await setup({ bodyLimit: 8 * 1024 * 1024 });
});
after(async () => {
  await h?.close();
});

async function upload(content: string | Buffer, opts: Parameters<typeof multipart>[1] = {}, who = t, hh = h) {
  const m = multipart(content, opts);
  return await call(hh, {
    method: 'POST',
    url: '/api/v1/customers/bulk-upload',
    headers: { ...who.headers, ...m.headers },
    payload: m.payload,
  });
}

async function count(who = t, db: Db = h.db): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM customers WHERE business_id = $1', [
    who.businessId,
  ]);
  return rows[0]?.n ?? 0;
}

function rows(n: number, prefix = 'r'): string {
  let csv = 'name,email,credit_limit_cents\n';
  for (let i = 1; i <= n; i++) csv += `Customer ${i},${prefix}${i}@example.com,${i}\n`;
  return csv;
}

describe('bulk upload', () => {
  beforeEach(async () => {
    t = await tenant(h);
  });

  test('BOM, CRLF, quoted commas, quotes and newlines, any column order', async () => {
    const csv =
      '\ufeffemail,name,notes,credit_limit_cents,status\r\n' +
      'a@quoted.example,"Quoted, Inc","Line one\r\nLine ""two""",1500,inactive\r\n' +
      'b@quoted.example,  Plain Co  ,,,\r\n';
    const r = await upload(csv);
    assert.equal(r.status, 201, r.res.body);
    assert.equal(r.body.code, 'CREATED');
    assert.deepEqual(r.body.data, { created: 2, skipped: 0, errors: [] });
    const list = await call(h, { url: '/api/v1/customers?sort_by=email&descending=false', headers: t.headers });
    const [a, b] = list.body.data.items;
    assert.equal(a.name, 'Quoted, Inc');
    assert.equal(a.notes, 'Line one\r\nLine "two"');
    assert.equal(a.credit_limit_cents, 1500);
    assert.equal(a.status, 'inactive');
    assert.equal(b.name, 'Plain Co', 'trimmed like a JSON body');
    assert.equal(b.notes, null, 'an empty cell is a field left out');
    assert.equal(b.status, 'active');
  });

  test('duplicates in the file and in the database are skipped; invalid rows reported by data-row number', async () => {
    await createCustomer(h, t, { email: 'exists@dup.example' });
    const csv = [
      'name,email,credit_limit_cents',
      'One,one@dup.example,1', // row 1: created
      'Exists,EXISTS@dup.example,2', // row 2: skipped (in the database)
      'One again,One@Dup.example,3', // row 3: skipped (earlier in the file)
      ',noname@dup.example,4', // row 4: invalid (name missing)
      'Bad,not-an-email,-5', // row 5: invalid (two problems)
      'Short,short@dup.example', // row 6: wrong field count
      'Two,two@dup.example,', // row 7: created
    ].join('\n');
    const r = await upload(csv);
    assert.equal(r.status, 201, r.res.body);
    assert.equal(r.body.data.created, 2);
    assert.equal(r.body.data.skipped, 2);
    assert.deepEqual(
      r.body.data.errors.map((e: { row: number }) => e.row),
      [4, 5, 6],
    );
    const [noName, bad, short] = r.body.data.errors;
    assert.match(noName.error, /^name: Field required$/);
    assert.match(bad.error, /email: value is not a valid email address/);
    assert.match(bad.error, /credit_limit_cents: Input should be greater than or equal to 0/);
    assert.match(short.error, /expected 3 fields, found 2/);
  });

  test('header problems: unknown, missing or duplicate columns → 422 naming them; nothing created', async () => {
    const before = await count();
    for (const [csv, pattern] of [
      ['name,email,favourite_colour,shoe_size\nA,a@h.example,red,9\n', /unknown columns: favourite_colour, shoe_size/],
      ['name,phone\nA,1\n', /missing required column: email/],
      ['phone\n1\n', /missing required columns: name, email/],
      ['name,email,name\nA,a@h.example,B\n', /duplicate column: name/],
    ] as [string, RegExp][]) {
      const r = await upload(csv);
      assert.equal(r.status, 422, r.res.body);
      assert.deepEqual(r.body.detail[0].loc, ['body', 'file']);
      assert.match(r.body.detail[0].msg, pattern);
    }
    assert.equal(await count(), before);
  });

  test('the message says what happened: no row created and some invalid is not "uploaded"', async () => {
    const allBad = await upload('name,email\nA,not-an-email\nB,\n');
    assert.equal(allBad.status, 201, allBad.res.body);
    assert.equal(allBad.body.success, true);
    assert.equal(allBad.body.data.created, 0);
    assert.equal(allBad.body.message, 'Customers uploaded: 0 rows created, 2 rows failed validation');
    const mixed = await upload('name,email\nA,a@mixed.example\nB,a@mixed.example\nC,bad\n');
    assert.equal(
      mixed.body.message,
      'Customers uploaded: 1 row created, 1 row skipped (e-mail already exists), 1 row failed validation',
    );
    const clean = await upload('name,email\nD,d@mixed.example\n');
    assert.equal(clean.body.message, 'Customers uploaded');
  });

  test('empty file → 422; header only → nothing to do', async () => {
    const empty = await upload('');
    assert.equal(empty.status, 422);
    assert.match(empty.body.detail[0].msg, /empty/);
    const header = await upload('name,email\r\n');
    assert.equal(header.status, 201);
    assert.deepEqual(header.body.data, { created: 0, skipped: 0, errors: [] });
  });

  test('not a CSV: binary, bad UTF-8, broken quoting → 422', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    for (const content of [
      png,
      Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0xff, 0xfe, 0x0a]),
      'name,email\n"unclosed,a@b.io\n',
    ]) {
      const r = await upload(content);
      assert.equal(r.status, 422, r.res.body);
      assert.deepEqual(r.body.detail[0].loc, ['body', 'file']);
    }
  });

  test('not multipart → 415; no "file" field → 422', async () => {
    const json = await call(h, {
      method: 'POST',
      url: '/api/v1/customers/bulk-upload',
      headers: t.headers,
      payload: { file: 'name,email' },
    });
    assert.equal(json.status, 415, json.res.body);
    const says = { detail: "Unsupported media type: send multipart/form-data with the CSV in field 'file'" };
    assert.deepEqual(json.body, says);
    const csv = await call(h, {
      method: 'POST',
      url: '/api/v1/customers/bulk-upload',
      headers: { ...t.headers, 'content-type': 'text/csv' },
      payload: 'name,email\n',
    });
    assert.equal(csv.status, 415, csv.res.body);
    assert.deepEqual(csv.body, says);
    const other = await upload('name,email\n', { field: 'upload' });
    assert.equal(other.status, 422, other.res.body);
    assert.deepEqual(other.body.detail[0], {
      type: 'missing',
      loc: ['body', 'file'],
      msg: 'Field required',
      input: null,
    });
  });

  test('10,000 rows are imported; 10,001 rows → 422 and nothing created', async () => {
    const big = await tenant(h);
    const ok = await upload(rows(10_000), {}, big);
    assert.equal(ok.status, 201, ok.res.body);
    assert.deepEqual(ok.body.data, { created: 10_000, skipped: 0, errors: [] });
    assert.equal(await count(big), 10_000);
    const over = await tenant(h);
    const r = await upload(rows(10_001), {}, over);
    assert.equal(r.status, 422, r.res.body);
    assert.match(r.body.detail[0].msg, /more than 10000 data rows/);
    assert.equal(await count(over), 0);
  });

  test('a 6 MB file → 413 and nothing created', async () => {
    const over = await tenant(h);
    const line = `Name,x@example.com,1,${'n'.repeat(600)}\n`;
    const csv = `name,email,credit_limit_cents,notes\n${line.repeat(Math.ceil((6 * 1024 * 1024) / line.length))}`;
    const r = await upload(csv, {}, over);
    assert.equal(r.status, 413, r.res.body);
    assert.match(r.body.detail, /5 MB/);
    assert.equal(await count(over), 0);
  });

  test('a database failure mid-file creates nothing (one transaction), and says nothing internal', async () => {
    let inserts = 0;
    const broken = await setup({
      wrapDb: (db) => ({
        kind: db.kind,
        query: (text, params) => db.query(text, params),
        exec: (text) => db.exec(text),
        close: () => db.close(),
        transaction: (fn) =>
          db.transaction((tx) =>
            fn({
              exec: (text) => tx.exec(text),
              query(text, params) {
                if (text.includes('INSERT INTO customers') && ++inserts === 2) {
                  throw Object.assign(new Error('disk full'), { code: '53100' });
                }
                return tx.query(text, params);
              },
            }),
          ),
      }),
    });
    try {
      const bt = await tenant(broken);
      const r = await upload(rows(2500), {}, bt, broken);
      assert.equal(r.status, 500, r.res.body);
      assert.equal(r.res.body.includes('disk full'), false);
      assert.equal(await count(bt, broken.db), 0, 'the first batch rolled back with the second');
    } finally {
      await broken.close();
    }
  });
});

describe('template', () => {
  test('describes the columns with one example row, and uploads as it is', async () => {
    const tt = await tenant(h);
    const r = await call(h, { url: '/api/v1/customers/bulk-upload/template', headers: tt.headers });
    assert.equal(r.status, 200);
    const d = r.body.data;
    assert.equal(d.template_name, 'customers');
    assert.equal(d.xls_content_base64, null);
    assert.equal(Buffer.from(d.csv_content_base64, 'base64').toString('utf8'), d.csv_content_stringified);
    assert.equal(d.csv_content_object.length, 1);
    assert.ok(d.csv_content_stringified.startsWith('name,email,'));
    const up = await upload(d.csv_content_stringified, {}, tt);
    assert.equal(up.status, 201, up.res.body);
    assert.deepEqual(up.body.data, { created: 1, skipped: 0, errors: [] });
  });
});
