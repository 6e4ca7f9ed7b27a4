import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import {
  AuthenticationError,
  ConflictError,
  ConnectionError,
  CustomersApi,
  type EntityContactResponse,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  type RetryEvent,
  TimeoutError,
  UnprocessableEntityError,
} from '../packages/client/src/index.js';
import { CLIENT_TYPES, clientTypes } from '../scripts/client-types.js';
import { type Harness, setup, type Tenant, tenant, unique } from './helpers/harness.js';

/** The typed client (packages/client) against a live server on this suite's backend. */
let h: Harness;
let t: Tenant;
let base: string;
let api: CustomersApi;
before(async () => {
  h = await setup();
  t = await tenant(h);
  base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  api = new CustomersApi({ baseUrl: base, token: t.ownerToken, businessId: t.businessId });
});
after(async () => {
  await h?.close();
});

const email = () => `${unique('client')}@example.com`;

test("the client's generated types are those of the server's OpenAPI document now", async () => {
  assert.equal(readFileSync(CLIENT_TYPES, 'utf8'), await clientTypes(), 'run npm run client:types');
});

describe('every endpoint', () => {
  test('customers: create, get, update, list, bulk upload, template, delete', async () => {
    const made = await api.customers.create({ name: 'Client Co', email: email(), credit_limit_cents: 500 });
    assert.equal(made.name, 'Client Co');
    assert.deepEqual(made.contacts, []);
    assert.equal((await api.customers.get(made.id)).id, made.id);
    const changed = await api.customers.update(made.id, { notes: 'changed', phone: null });
    assert.equal(changed.notes, 'changed');
    const page = await api.customers.page({ id: made.id, include_total_count: true });
    assert.equal(page.total, 1);
    assert.equal(page.items[0]?.id, made.id);
    const up = await api.customers.bulkUpload(`name,email\nBulk One,${email()}\nBulk Two,${email()}\n`);
    assert.equal(up.created, 2);
    const template = await api.customers.template();
    assert.equal(template.template_name, 'customers');
    assert.equal(await api.customers.delete(made.id), undefined);
    assert.equal((await api.customers.get(made.id)).is_deleted, true);
  });

  test('contacts: create, get, update, list, delete', async () => {
    const customer = await api.customers.create({ name: 'Has Contacts', email: email() });
    const c = await api.contacts.create(customer.id, { name: 'Ada', is_primary: true });
    assert.equal(c.entity_id, customer.id);
    assert.equal((await api.contacts.get(customer.id, c.id)).name, 'Ada');
    assert.equal((await api.contacts.update(customer.id, c.id, { role: 'Billing' })).role, 'Billing');
    assert.deepEqual(
      (await api.contacts.list(customer.id).toArray()).map((x) => x.id),
      [c.id],
    );
    await api.contacts.delete(customer.id, c.id);
    assert.equal((await api.contacts.page(customer.id)).items.length, 0);
    // The change feed: every change above, filtered by type (a repeated parameter) and object.
    const changes = await api.events.list({ object_id: c.id, type: ['contact.created', 'contact.deleted'] }).toArray();
    assert.deepEqual(
      changes.map((e) => e.type),
      ['contact.created', 'contact.deleted'],
    );
    const last = await api.events.page({ object_id: c.id, limit: 10 });
    assert.equal(last.has_next, false);
    assert.equal(typeof last.next_cursor, 'string', 'where to poll from');
  });

  test('businesses, members and tokens', async () => {
    const created = await api.businesses.create({ name: 'Client Business' });
    assert.equal(created.role, 'owner');
    assert.equal((await api.businesses.update(created.id, { name: 'Renamed' })).name, 'Renamed');
    assert.equal((await api.businesses.get(created.id)).name, 'Renamed');
    const mine = await api.businesses.list({ sort_by: 'name' }).toArray();
    assert.ok(mine.some((b) => b.id === created.id) && mine.some((b) => b.id === t.businessId));

    const there = api.forBusiness(created.id);
    // By e-mail: an invitation (never a token); accepted as a new account, then managed as a member.
    const invited = await there.members.add({ email: email(), role: 'viewer' });
    assert.ok('secret' in invited && invited.secret.startsWith('dzi_'));
    const added = await there.invitations.acceptAsNewAccount(invited.secret);
    assert.match(added.token ?? '', /^dz_/);
    assert.equal((await there.members.update(added.user_id, { role: 'member' })).role, 'member');
    assert.equal((await there.members.list({ sort_by: 'email' }).toArray()).length, 2);
    await there.members.remove(added.user_id);
    assert.equal((await there.members.page()).items.length, 1);
    // Invitations: create, list, revoke; accepted with one's own account, no credential.
    const inv = await there.invitations.create({ email: email(), role: 'viewer' });
    assert.deepEqual(
      (await there.invitations.list().toArray()).map((i) => i.id),
      [inv.id],
    );
    await there.invitations.revoke(inv.id);
    assert.equal((await there.invitations.page()).items.length, 0);
    const other = await there.invitations.create({ email: email(), role: 'viewer' });
    const back = new CustomersApi({ baseUrl: base, token: added.token ?? '' });
    const joined = await back.invitations.accept(other.secret);
    assert.equal(joined.token, null);
    assert.deepEqual([joined.user_id, joined.business_id], [added.user_id, created.id]);

    const token = await api.tokens.create({ expires_in_days: 1 });
    assert.match(token.token, /^dz_/);
    const listed = await api.tokens.list().toArray();
    assert.ok(listed.some((x) => x.id === token.id));
    await api.tokens.revoke(token.id);
    const again = new CustomersApi({ baseUrl: base, token: token.token });
    await assert.rejects(again.tokens.page(), AuthenticationError);
  });

  test('webhook endpoints: create (the secret, once), list, get, update, rotate, deliveries, delete', async () => {
    const created = await api.webhooks.create({ url: 'https://93.184.216.34/hooks', events: ['customer.created'] });
    assert.match(created.secret, /^whsec_/);
    assert.deepEqual(
      (await api.webhooks.list().toArray()).map((e) => e.id),
      [created.id],
    );
    assert.equal((await api.webhooks.update(created.id, { enabled: false })).enabled, false);
    assert.equal((await api.webhooks.get(created.id)).enabled, false);
    const rotated = await api.webhooks.rotateSecret(created.id);
    assert.notEqual(rotated.secret, created.secret);
    assert.deepEqual(await api.webhooks.deliveries(created.id).toArray(), []);
    await assert.rejects(
      api.webhooks.create({ url: 'https://127.0.0.1/hooks', events: ['*'] }),
      UnprocessableEntityError,
    );
    await api.webhooks.delete(created.id);
    await assert.rejects(api.webhooks.get(created.id), NotFoundError);
  });
});

describe('export and webhook tools', () => {
  test('export (a streamed Response), an export link (once), a test event and a redelivery', async () => {
    const who = await tenant(h);
    const own = new CustomersApi({ baseUrl: base, token: who.ownerToken, businessId: who.businessId });
    const made = await own.customers.create({ name: 'Export Co', email: email(), notes: '=1+1' });
    const res = await own.customers.export({ sort_by: 'name', descending: false });
    assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
    const csv = await res.text();
    assert.match(csv, /^name,email,phone,/);
    assert.ok(csv.includes(`Export Co,${made.email},,,,,'=1+1,`), csv);
    await assert.rejects(own.customers.export({ limit: 5 } as never), UnprocessableEntityError);
    const link = await own.customers.exportLink({ search: 'export' });
    assert.match(link.secret, /^dzx_/);
    const download = await fetch(link.url);
    assert.equal(download.status, 200);
    assert.equal(await download.text(), csv, 'the same export');
    assert.equal((await fetch(link.url)).status, 401, 'once');

    const ep = await own.webhooks.create({ url: 'https://93.184.216.34/hooks', events: ['*'] });
    const sent = await own.webhooks.sendTest(ep.id);
    assert.match(sent.id, /^[0-9a-f-]{36}$/);
    const again = await own.webhooks.redeliver(ep.id, sent.event_id);
    assert.equal(again.id, sent.id);
    await assert.rejects(own.webhooks.redeliver(ep.id, made.id), NotFoundError);
  });
});

describe('auto-pagination', () => {
  test('walks 1,000 contacts through the iterator, forwards and backwards, each once and in order', async () => {
    const own = await tenant(h);
    const client = new CustomersApi({ baseUrl: base, token: own.ownerToken, businessId: own.businessId });
    const customer = await client.customers.create({ name: 'Many Contacts', email: email() });
    // 1,000 contacts straight into the table (through the API it would take a while); names tie in pairs.
    await h.db.query(
      `INSERT INTO contacts (business_id, customer_id, id, name, name_key, is_primary, created_at, updated_at)
       SELECT $1, $2, gen_random_uuid(), 'c' || lpad((i / 2)::text, 4, '0'), 'c' || lpad((i / 2)::text, 4, '0'),
              false, now() - make_interval(secs => i), now()
         FROM generate_series(1, 1000) AS i`,
      [own.businessId, customer.id],
    );
    await h.db.query('UPDATE customers SET contact_count = 1000 WHERE business_id = $1 AND id = $2', [
      own.businessId,
      customer.id,
    ]);
    const forward: EntityContactResponse[] = [];
    for await (const contact of client.contacts.list(customer.id, { sort_by: 'name', descending: false, limit: 37 })) {
      forward.push(contact);
    }
    assert.equal(forward.length, 1000);
    assert.equal(new Set(forward.map((c) => c.id)).size, 1000, 'each once');
    const names = forward.map((c) => c.name);
    assert.deepEqual(names, [...names].sort(), 'in order');

    const backward = await client.contacts
      .list(customer.id, { sort_by: 'name', descending: false, limit: 37, direction: 'prev' })
      .toArray();
    assert.deepEqual(
      backward.map((c) => c.id),
      forward.map((c) => c.id).reverse(),
    );

    // Page at a time, with the cursors, both ways.
    const first = await client.contacts.page(customer.id, { sort_by: 'name', limit: 10 });
    const second = await client.contacts.page(customer.id, {
      sort_by: 'name',
      limit: 10,
      cursor: first.next_cursor ?? '',
    });
    const back = await client.contacts.page(customer.id, {
      sort_by: 'name',
      limit: 10,
      cursor: second.prev_cursor ?? '',
      direction: 'prev',
    });
    assert.deepEqual(
      back.items.map((c) => c.id),
      first.items.map((c) => c.id),
    );
    let pages = 0;
    for await (const p of client.contacts.list(customer.id, { limit: 400 }).pages()) {
      pages++;
      assert.ok(p.items.length <= 400);
    }
    assert.equal(pages, 3);
  });
});

describe('errors as types', () => {
  test('401, 403, 404, 409 and 422 are distinct classes carrying status, detail and the request id', async () => {
    const noToken = new CustomersApi({ baseUrl: base, token: 'dz_nope', businessId: t.businessId });
    const e401 = await noToken.customers.page().catch((e: unknown) => e);
    assert.ok(e401 instanceof AuthenticationError);
    assert.equal(e401.status, 401);
    assert.equal(e401.detail, 'Not authenticated');
    assert.match(e401.requestId ?? '', /^[0-9a-f-]{36}$/);

    const viewer = new CustomersApi({
      baseUrl: base,
      token: (await t.member('viewer')).token,
      businessId: t.businessId,
    });
    const e403 = await viewer.customers.create({ name: 'No', email: email() }).catch((e: unknown) => e);
    assert.ok(e403 instanceof PermissionDeniedError);
    assert.equal(e403.detail, 'Not enough permissions');

    const e404 = await api.customers.get('00000000-0000-7000-8000-000000000000').catch((e: unknown) => e);
    assert.ok(e404 instanceof NotFoundError);
    assert.equal(e404.detail, 'Customer not found');

    const taken = email();
    await api.customers.create({ name: 'Taken', email: taken });
    const e409 = await api.customers.create({ name: 'Again', email: taken.toUpperCase() }).catch((e: unknown) => e);
    assert.ok(e409 instanceof ConflictError);
    assert.equal(e409.status, 409);

    const e422 = await api.customers.create({ name: '', email: 'nope' }).catch((e: unknown) => e);
    assert.ok(e422 instanceof UnprocessableEntityError);
    assert.deepEqual(
      e422.errors.map((i) => [i.type, i.loc.join('.')]),
      [
        ['string_too_short', 'body.name'],
        ['value_error', 'body.email'],
      ],
    );
  });

  test('no response in time is a TimeoutError; a POST whose response was lost is retried with its key, once in effect', async () => {
    const hanging = new CustomersApi({
      baseUrl: base,
      token: t.ownerToken,
      businessId: t.businessId,
      timeoutMs: 50,
      retry: { max: 0 },
      fetch: (_input, init) =>
        new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('aborted')))),
    });
    await assert.rejects(hanging.customers.page(), TimeoutError);

    // The server creates the customer, then the connection drops before the response arrives.
    let sent = 0;
    const keys: (string | null)[] = [];
    const lossy = new CustomersApi({
      baseUrl: base,
      token: t.ownerToken,
      businessId: t.businessId,
      retry: { baseDelayMs: 1 },
      fetch: async (input, init) => {
        sent++;
        keys.push(new Headers(init?.headers).get('idempotency-key'));
        const res = await fetch(input, init);
        if (sent === 1) throw new TypeError('fetch failed');
        return res;
      },
    });
    const address = email();
    const created = await lossy.customers.create({ name: 'Once', email: address });
    assert.equal(created.email, address, 'the retry got the first answer');
    assert.equal(sent, 2, 'the POST was sent again, with its Idempotency-Key');
    assert.ok(keys[0] && keys[0] === keys[1], 'one key for both attempts');
    assert.equal((await api.customers.page({ email: address })).items.length, 1, 'and created once');

    // A POST whose answer is a secret carries no key (the server never stores one): it is not sent again.
    sent = 0;
    await assert.rejects(lossy.tokens.create({ expires_in_days: 1 }), ConnectionError);
    assert.equal(sent, 1);
  });

  test('a DELETE retried after its response was lost, answered 404, is success', async () => {
    const customer = await api.customers.create({ name: 'Deleted Once', email: email() });
    let sent = 0;
    const retries: RetryEvent[] = [];
    const lossy = new CustomersApi({
      baseUrl: base,
      token: t.ownerToken,
      businessId: t.businessId,
      retry: { baseDelayMs: 1 },
      onRetry: (e) => retries.push(e),
      fetch: async (input, init) => {
        sent++;
        const res = await fetch(input, init);
        if (sent === 1) throw new TypeError('fetch failed'); // deleted, but the answer never came
        return res;
      },
    });
    assert.equal(await lossy.customers.delete(customer.id), undefined);
    assert.equal(sent, 2);
    assert.deepEqual(
      retries.map((r) => [r.method, r.attempt, r.status]),
      [['DELETE', 1, null]],
    );
    // Without a lost first response, a 404 is an error as usual.
    await assert.rejects(api.customers.delete(customer.id), NotFoundError);
  });
});

describe('retries', () => {
  test('a 429 is retried after Retry-After, then succeeds; past the retries it is a RateLimitError', async () => {
    const limited = await setup({ rateLimit: { perToken: 2, perAddress: 0, windowMs: 1000 } });
    try {
      const lt = await tenant(limited);
      const url = await limited.app.listen({ port: 0, host: '127.0.0.1' });
      const retries: RetryEvent[] = [];
      const client = new CustomersApi({
        baseUrl: url,
        token: lt.ownerToken,
        businessId: lt.businessId,
        onRetry: (e) => retries.push(e),
      });
      for (let i = 0; i < 3; i++) assert.equal((await client.customers.page()).items.length, 0);
      assert.ok(retries.length >= 1, 'the third request met the limit');
      for (const r of retries) {
        assert.equal(r.status, 429);
        assert.ok(r.delayMs >= 1000, `waited as Retry-After said (${r.delayMs} ms)`);
      }
      // A POST refused with 429 was never acted on: it is retried too.
      const posted = await client.customers.create({ name: 'After 429', email: email() });
      assert.equal(posted.name, 'After 429');

      const impatient = new CustomersApi({
        baseUrl: url,
        token: lt.ownerToken,
        businessId: lt.businessId,
        retry: { max: 0 },
      });
      let limitedError: unknown;
      for (let i = 0; i < 5 && limitedError === undefined; i++) {
        limitedError = await impatient.customers.page().then(
          () => undefined,
          (e: unknown) => e,
        );
      }
      assert.ok(limitedError instanceof RateLimitError);
      assert.ok((limitedError.retryAfterMs ?? 0) > 0);
    } finally {
      await limited.close();
    }
  });
});

describe('revalidate', () => {
  test('sends If-None-Match and answers a 304 with the kept answer; a change is fetched anew', async () => {
    const seen: { status: number; ifNoneMatch: string | null }[] = [];
    const watching: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      const headers = new Headers(init?.headers);
      if ((init?.method ?? 'GET') === 'GET')
        seen.push({ status: res.status, ifNoneMatch: headers.get('if-none-match') });
      return res;
    };
    const cached = new CustomersApi({
      baseUrl: base,
      token: t.ownerToken,
      businessId: t.businessId,
      revalidate: true,
      fetch: watching,
    });
    const made = await cached.customers.create({ name: 'Revalidated Co', email: email() });
    const first = await cached.customers.get(made.id);
    const second = await cached.customers.get(made.id);
    assert.deepEqual(second, first);
    assert.equal(seen[0]?.ifNoneMatch, null);
    assert.equal(seen[1]?.status, 304);
    assert.match(seen[1]?.ifNoneMatch ?? '', /^"/);
    await cached.customers.update(made.id, { notes: 'now changed' });
    const third = await cached.customers.get(made.id);
    assert.equal(seen[2]?.status, 200, 'the change is fetched, not the kept answer');
    assert.equal(third.notes, 'now changed');
    // Without the option nothing is kept and no validator is sent.
    seen.length = 0;
    const plain = new CustomersApi({ baseUrl: base, token: t.ownerToken, businessId: t.businessId, fetch: watching });
    await plain.customers.get(made.id);
    await plain.customers.get(made.id);
    assert.deepEqual(
      seen.map((s) => [s.status, s.ifNoneMatch]),
      [
        [200, null],
        [200, null],
      ],
    );
  });
});
