import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { Db } from '../src/platform/db/db.js';
import { call, createContact, createCustomer, type Harness, setup, type Tenant, tenant } from './helpers/harness.js';

let h: Harness;
let t: Tenant;
let customerId: string;
before(async () => {
  h = await setup();
});
// Every test makes its own tenant: no test depends on another's data.
beforeEach(async () => {
  t = await tenant(h);
  customerId = (await createCustomer(h, t)).id;
});
after(async () => {
  await h?.close();
});

const list = (q: string) => call(h, { url: `/api/v1/customers/${customerId}/contacts?${q}`, headers: t.headers });
const post = (payload: unknown, headers: Record<string, string> = {}) =>
  call(h, {
    method: 'POST',
    url: `/api/v1/customers/${customerId}/contacts`,
    headers: { ...t.headers, ...headers },
    payload: payload as string,
  });

function only(r: { status: number; body: any; res: { body: string } }) {
  assert.equal(r.status, 422, r.res.body);
  assert.equal(r.body.detail.length, 1, r.res.body);
  return r.body.detail[0];
}

describe('422 matrix: query', () => {
  const cases: [string, string, Record<string, unknown>][] = [
    ['limit=0', 'greater_than_equal', { loc: ['query', 'limit'], input: 0, ctx: { ge: 1 } }],
    ['limit=1001', 'less_than_equal', { loc: ['query', 'limit'], input: 1001, ctx: { le: 1000 } }],
    ['limit=-5', 'greater_than_equal', { loc: ['query', 'limit'] }],
    ['limit=abc', 'int_parsing', { loc: ['query', 'limit'], input: 'abc' }],
    ['limit=1.5', 'int_parsing', { loc: ['query', 'limit'], input: '1.5' }],
    ['limit=', 'int_parsing', { loc: ['query', 'limit'] }],
    [
      'direction=up',
      'literal_error',
      { loc: ['query', 'direction'], input: 'up', ctx: { expected: "'next' or 'prev'" } },
    ],
    ['descending=maybe', 'bool_parsing', { loc: ['query', 'descending'], input: 'maybe' }],
    ['include_total_count=2', 'bool_parsing', { loc: ['query', 'include_total_count'] }],
    [
      'sort_by=amount',
      'literal_error',
      { loc: ['query', 'sort_by'], ctx: { expected: "'created_at', 'updated_at', 'name', 'email' or 'role'" } },
    ],
  ];
  for (const [q, type, fields] of cases) {
    test(`${q} → ${type}`, async () => {
      const e = only(await list(q));
      assert.equal(e.type, type);
      assert.equal(typeof e.msg, 'string');
      for (const [k, v] of Object.entries(fields)) assert.deepEqual(e[k], v, k);
    });
  }

  test('every problem is reported at once', async () => {
    const r = await list('limit=0&direction=sideways&sort_by=id&descending=perhaps');
    assert.equal(r.status, 422);
    assert.deepEqual(r.body.detail.map((e: { loc: string[] }) => e.loc[1]).sort(), [
      'descending',
      'direction',
      'limit',
      'sort_by',
    ]);
  });

  test("pydantic's boolean words and the last of a repeated parameter are accepted", async () => {
    for (const q of ['include_total_count=yes', 'descending=0', 'descending=OFF', 'limit=5&limit=7', 'limit=1000']) {
      const r = await list(q);
      assert.equal(r.status, 200, `${q}: ${r.res.body}`);
    }
    const r = await list('limit=5&limit=7&include_total_count=on');
    assert.equal(r.body.data.limit, 7);
    assert.equal(r.body.data.total, 0);
  });
});

describe('422 matrix: body', () => {
  test('missing required field', async () => {
    const e = only(await post({ email: 'a@b.io' }));
    assert.deepEqual(e, { type: 'missing', loc: ['body', 'name'], msg: 'Field required', input: { email: 'a@b.io' } });
  });

  test('lengths, types, e-mail and literal problems, all together', async () => {
    const r = await post({
      name: 'x'.repeat(256),
      email: 'not-an-email',
      phone: 12345,
      role: 'r'.repeat(101),
      is_primary: 'sometimes',
      notes: 'n'.repeat(10_001),
    });
    assert.equal(r.status, 422, r.res.body);
    const byField = Object.fromEntries(r.body.detail.map((e: { loc: string[] }) => [e.loc[1], e]));
    assert.equal(byField.name.type, 'string_too_long');
    assert.deepEqual(byField.name.ctx, { max_length: 255 });
    assert.equal(byField.email.type, 'value_error');
    assert.match(byField.email.msg, /^value is not a valid email address: /);
    assert.equal(byField.phone.type, 'string_type');
    assert.equal(byField.role.type, 'string_too_long');
    assert.equal(byField.is_primary.type, 'bool_parsing');
    assert.equal(byField.notes.type, 'string_too_long');
    assert.equal(r.body.detail.length, 6);
  });

  test('a name of only spaces is too short after trimming', async () => {
    const e = only(await post({ name: '   ' }));
    assert.equal(e.type, 'string_too_short');
    assert.deepEqual(e.ctx, { min_length: 1 });
  });

  test('not an object → model_attributes_type', async () => {
    for (const payload of [[1, 2], '"text"', '42']) {
      const r = await post(typeof payload === 'string' ? payload : JSON.stringify(payload), {
        'content-type': 'application/json',
      });
      const e = only(r);
      assert.equal(e.type, 'model_attributes_type');
      assert.deepEqual(e.loc, ['body']);
    }
  });

  test('invalid JSON → json_invalid; empty body → missing', async () => {
    const bad = only(await post('{"name": ', { 'content-type': 'application/json' }));
    assert.equal(bad.type, 'json_invalid');
    assert.equal(bad.loc[0], 'body');
    const empty = only(await post('', { 'content-type': 'application/json' }));
    assert.deepEqual(empty, { type: 'missing', loc: ['body'], msg: 'Field required', input: null });
    const none = only(
      await call(h, { method: 'POST', url: `/api/v1/customers/${customerId}/contacts`, headers: t.headers }),
    );
    assert.equal(none.type, 'missing');
  });

  test('a path and body problem reported together with query problems', async () => {
    const contact = await createContact(h, t, customerId);
    const r = await call(h, {
      method: 'PUT',
      url: `/api/v1/customers/${customerId}/contacts/${contact.id}`,
      headers: t.headers,
      payload: { name: null, is_primary: null },
    });
    assert.equal(r.status, 422);
    assert.deepEqual(r.body.detail.map((e: { loc: string[] }) => e.loc.join('.')).sort(), [
      'body.is_primary',
      'body.name',
    ]);
  });

  test('x-user-email must be an e-mail address', async () => {
    const e = only(await post({ name: 'x' }, { 'x-user-email': 'nobody' }));
    assert.deepEqual(e.loc, ['header', 'x-user-email']);
    assert.equal(e.type, 'value_error');
  });
});

describe('other request errors', () => {
  test('body over the limit → 413', async () => {
    const r = await post(JSON.stringify({ name: 'x', notes: 'n'.repeat(70_000) }), {
      'content-type': 'application/json',
    });
    assert.equal(r.status, 413, r.res.body);
    assert.deepEqual(Object.keys(r.body), ['detail']);
  });

  test('not JSON → 415', async () => {
    const r = await post('name=x', { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(r.status, 415, r.res.body);
    assert.deepEqual(r.body, { detail: 'Unsupported media type: send application/json' });
  });

  test('unknown route → 404 Not Found; wrong method → 405 with Allow', async () => {
    const r = await call(h, { url: '/api/v1/nothing-here' });
    assert.equal(r.status, 404);
    assert.deepEqual(r.body, { detail: 'Not Found' });
    const m = await call(h, { method: 'PATCH', url: `/api/v1/customers/${customerId}/contacts` });
    assert.equal(m.status, 405);
    assert.deepEqual(m.body, { detail: 'Method Not Allowed' });
    assert.match(String(m.res.headers.allow), /GET/);
    assert.match(String(m.res.headers.allow), /POST/);
  });

  test('every response carries x-request-id: the caller’s when sane, else a new one', async () => {
    const mine = await call(h, { url: '/healthz', headers: { 'x-request-id': 'req-123' } });
    assert.equal(mine.res.headers['x-request-id'], 'req-123');
    const insane = await call(h, { url: '/healthz', headers: { 'x-request-id': 'bad id with spaces' } });
    assert.notEqual(insane.res.headers['x-request-id'], 'bad id with spaces');
    assert.match(String(insane.res.headers['x-request-id']), /^[0-9a-f-]{36}$/);
    for (const r of [await call(h, { url: '/nope' }), await list('limit=0'), await call(h, { url: '/readyz' })]) {
      assert.ok(r.res.headers['x-request-id'], 'present on every response');
    }
  });
});

describe('internal failures never leak', () => {
  function failingDb(db: Db, error: () => Error): Db {
    let armed = false;
    return {
      kind: db.kind,
      query(text, params) {
        if (armed && text.includes('LATERAL')) throw error();
        armed = true;
        return db.query(text, params);
      },
      exec: (text) => db.exec(text),
      transaction: (fn) => db.transaction(fn),
      close: () => db.close(),
    } as Db;
  }

  test('an unexpected error → bare 500 with a request id; a lost database → 503 with Retry-After', async () => {
    for (const [make, status, detail] of [
      [
        () => Object.assign(new Error('relation "secret_table" does not exist at SELECT password'), { code: '42P01' }),
        500,
        'Internal Server Error',
      ],
      [
        () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
        503,
        'Service unavailable',
      ],
    ] as const) {
      const broken = await setup({ wrapDb: (db) => failingDb(db, make) });
      try {
        const bt = await tenant(broken);
        const c = await createCustomer(broken, bt);
        const r = await call(broken, { url: `/api/v1/customers/${c.id}/contacts`, headers: bt.headers });
        assert.equal(r.status, status, r.res.body);
        assert.equal(r.body.detail, detail);
        assert.equal(r.body.request_id, r.res.headers['x-request-id']);
        assert.equal(r.res.body.includes('secret_table'), false);
        assert.equal(r.res.body.includes('ECONNREFUSED'), false);
        if (status === 503) assert.equal(r.res.headers['retry-after'], '5');
      } finally {
        await broken.close();
      }
    }
  });
});

describe('surface', () => {
  test('/healthz and /readyz need no auth', async () => {
    assert.deepEqual((await call(h, { url: '/healthz' })).body, { status: 'ok' });
    const ready = await call(h, { url: '/readyz' });
    assert.equal(ready.status, 200);
    assert.equal(ready.body.database, h.db.kind);
  });

  test('/openapi.json: OpenAPI 3.1 with the contract operation ids and documented errors', async () => {
    const r = await call(h, { url: '/openapi.json' });
    assert.equal(r.status, 200);
    const doc = r.body;
    assert.equal(doc.openapi, '3.1.0');
    const ops = Object.values(doc.paths).flatMap((p: any) => Object.values(p).map((o: any) => o.operationId));
    for (const id of [
      'list_contacts_api_v1_customers__customer_id__contacts_get',
      'create_contact_api_v1_customers__customer_id__contacts_post',
      'get_contact_api_v1_customers__customer_id__contacts__contact_id__get',
      'update_contact_api_v1_customers__customer_id__contacts__contact_id__put',
      'delete_contact_api_v1_customers__customer_id__contacts__contact_id__delete',
      'create_customer_api_v1_customers_post',
      'get_customer_api_v1_customers__customer_id__get',
    ]) {
      assert.ok(ops.includes(id), id);
    }
    const listOp = doc.paths['/api/v1/customers/{customer_id}/contacts'].get;
    for (const code of ['200', '401', '403', '404', '422']) assert.ok(listOp.responses[code], code);
    assert.ok(JSON.stringify(listOp.responses['422']).includes('HTTPValidationError'));
    assert.ok(doc.components.schemas.HTTPValidationError);
    const params = listOp.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`);
    for (const p of [
      'query:cursor',
      'query:limit',
      'query:direction',
      'query:include_total_count',
      'query:sort_by',
      'query:descending',
      'path:customer_id',
      'header:x-business-id',
    ]) {
      assert.ok(params.includes(p), p);
    }
  });

  test('logs never contain a token', async () => {
    const { Writable } = await import('node:stream');
    const { buildApp } = await import('../src/http/app.js');
    const { cursorSecret } = await import('../src/platform/settings.js');
    const { loggerOptions } = await import('../src/server.js');
    let logs = '';
    const stream = new Writable({
      write(chunk, _enc, done) {
        logs += chunk;
        done();
      },
    });
    const logged = await buildApp({
      db: h.db,
      cursorSecret: await cursorSecret(h.db),
      logger: loggerOptions('trace', stream),
    });
    try {
      await logged.inject({ url: `/api/v1/customers/${customerId}/contacts`, headers: t.headers });
      await logged.inject({ url: `/api/v1/customers/${customerId}/contacts?limit=0`, headers: t.headers });
      await logged.inject({
        url: '/api/v1/customers/x/contacts',
        headers: { authorization: `Bearer ${t.ownerToken}` },
      });
    } finally {
      await logged.close();
    }
    assert.ok(logs.includes('incoming request'), 'requests are logged');
    assert.equal(logs.includes(t.ownerToken), false);
    assert.equal(logs.includes(t.ownerToken.slice(3)), false);
  });

  test('/docs serves the interactive reference', async () => {
    const r = await h.app.inject({ url: '/docs/' });
    assert.equal(r.statusCode, 200);
    assert.match(r.headers['content-type'] as string, /text\/html/);
  });
});
