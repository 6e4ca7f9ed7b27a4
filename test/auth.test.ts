import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { InvalidArgumentError, TokenLimitError, UnauthenticatedError } from '../src/platform/errors.js';
import { allows, type Role } from '../src/resources/businesses/roles.js';
import { Authenticator } from '../src/resources/tokens/authenticator.js';
import { createToken, MAX_ACTIVE_TOKENS, revokeToken } from '../src/resources/tokens/service.js';
import {
  addTestMember,
  authHeaders,
  call,
  countingDb,
  createContact,
  createCustomer,
  type Harness,
  setup,
  type Tenant,
  tenant,
  unique,
} from './helpers/harness.js';
import { type Ids, ROUTES } from './helpers/routes.js';

let h: Harness;
before(async () => {
  h = await setup();
});
after(async () => {
  await h?.close();
});

async function fixture(t: Tenant): Promise<Ids> {
  const customer = await createCustomer(h, t);
  const contact = await createContact(h, t, customer.id);
  return { businessId: t.businessId, customerId: customer.id, contactId: contact.id };
}

function expect401(r: { status: number; body: unknown; res: { headers: Record<string, unknown> } }, what: string) {
  assert.equal(r.status, 401, what);
  assert.deepEqual(r.body, { detail: 'Not authenticated' }, what);
  assert.equal(r.res.headers['www-authenticate'], 'Bearer', what);
}

for (const route of ROUTES) {
  describe(`auth: ${route.name}`, () => {
    let t: Tenant;
    let ids: Ids;
    before(async () => {
      t = await tenant(h);
      ids = await fixture(t);
    });

    test('no Authorization header → 401, whatever x-business-id says', async () => {
      expect401(await call(h, await route.request(ids, { 'x-business-id': t.businessId }, h)), 'no auth');
      expect401(await call(h, await route.request(ids, {}, h)), 'no auth, no business');
      expect401(await call(h, await route.request(ids, { 'x-business-id': 'not-a-uuid' }, h)), 'no auth, bad business');
    });

    test('not a Bearer scheme, or a malformed / unknown token → 401', async () => {
      for (const authorization of [
        `Basic ${Buffer.from('a:b').toString('base64')}`,
        'Bearer',
        'Bearer dz_short',
        `Bearer dz_${'A'.repeat(43)}`,
        `Bearer ${t.ownerToken}x`,
        t.ownerToken,
      ]) {
        expect401(
          await call(h, await route.request(ids, { authorization, 'x-business-id': t.businessId }, h)),
          authorization,
        );
      }
    });

    test('expired and revoked tokens → 401', async () => {
      const expiring = await createToken(h.db, { email: t.ownerEmail, expiresInDays: 1 });
      await h.db.query(`UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [
        expiring.token_id,
      ]);
      expect401(await call(h, await route.request(ids, authHeaders(expiring.token, t.businessId), h)), 'expired');

      const revoked = await createToken(h.db, { email: t.ownerEmail });
      const before = await call(h, await route.request(ids, authHeaders(revoked.token, t.businessId), h));
      assert.equal(before.status, route.ok, `works before revocation: ${before.res.body}`);
      await revokeToken(h.db, revoked.token_id);
      expect401(await call(h, await route.request(ids, authHeaders(revoked.token, t.businessId), h)), 'revoked');
    });

    const permission = route.permission;
    if (permission === 'token') {
      test('needs no x-business-id; any x-business-id is ignored', async () => {
        for (const headers of [
          { authorization: `Bearer ${t.ownerToken}` },
          authHeaders(t.ownerToken, 'acme'),
          authHeaders(t.ownerToken, (await tenant(h)).businessId),
        ]) {
          const r = await call(h, await route.request(ids, headers, h));
          assert.equal(r.status, route.ok, r.res.body);
        }
      });

      test('every role may call it (it reads only what belongs to the caller)', async () => {
        for (const role of ['viewer', 'member', 'admin', 'owner'] as Role[]) {
          const r = await call(h, await route.request(ids, await t.as(role), h));
          assert.equal(r.status, route.ok, `${role}: ${r.res.body}`);
        }
      });
    } else if (route.business === 'path') {
      test('needs no x-business-id: the business is the one in the path', async () => {
        const r = await call(h, await route.request(ids, { authorization: `Bearer ${t.ownerToken}` }, h));
        assert.equal(r.status, route.ok, r.res.body);
      });

      test('a business the user is not a member of, or that does not exist → 404', async () => {
        const other = await tenant(h);
        for (const businessId of [other.businessId, '00000000-0000-7000-8000-000000000000', 'acme']) {
          const r = await call(
            h,
            await route.request({ ...ids, businessId }, authHeaders(t.ownerToken, t.businessId), h),
          );
          assert.equal(r.status, 404, r.res.body);
          assert.deepEqual(r.body, { detail: 'Business not found' });
        }
      });

      test(`roles: only those allowed to ${permission} may call it`, async () => {
        for (const role of ['viewer', 'member', 'admin', 'owner'] as Role[]) {
          const r = await call(h, await route.request(ids, await t.as(role), h));
          if (allows(role, permission)) {
            assert.equal(r.status, route.ok, `${role}: ${r.res.body}`);
          } else {
            assert.equal(r.status, 403, `${role}: ${r.res.body}`);
            assert.deepEqual(r.body, { detail: 'Not enough permissions' });
          }
        }
      });
    } else {
      test('x-business-id missing → 422 missing; not a UUID → 422 uuid_parsing', async () => {
        const missing = await call(h, await route.request(ids, { authorization: `Bearer ${t.ownerToken}` }, h));
        assert.equal(missing.status, 422, missing.res.body);
        assert.deepEqual(missing.body.detail, [
          { type: 'missing', loc: ['header', 'x-business-id'], msg: 'Field required', input: null },
        ]);
        const bad = await call(
          h,
          await route.request(ids, { authorization: `Bearer ${t.ownerToken}`, 'x-business-id': 'acme' }, h),
        );
        assert.equal(bad.status, 422, bad.res.body);
        assert.equal(bad.body.detail[0].type, 'uuid_parsing');
        assert.deepEqual(bad.body.detail[0].loc, ['header', 'x-business-id']);
      });

      test('a business the user is not a member of, or that does not exist → 403', async () => {
        const other = await tenant(h);
        for (const businessId of [other.businessId, '00000000-0000-7000-8000-000000000000']) {
          const r = await call(h, await route.request(ids, authHeaders(t.ownerToken, businessId), h));
          assert.equal(r.status, 403, r.res.body);
          assert.deepEqual(r.body, { detail: 'Not enough permissions' });
        }
      });

      test(`roles: only those allowed to ${permission} may call it`, async () => {
        for (const role of ['viewer', 'member', 'admin', 'owner'] as Role[]) {
          const fresh = await fixture(t);
          const r = await call(h, await route.request(fresh, await t.as(role), h));
          if (allows(role, permission)) {
            assert.equal(r.status, route.ok, `${role}: ${r.res.body}`);
          } else {
            assert.equal(r.status, 403, `${role}: ${r.res.body}`);
            assert.deepEqual(r.body, { detail: 'Not enough permissions' });
          }
        }
      });
    }
  });
}

describe('tokens', () => {
  test('are stored only as a SHA-256 hash, with a short display prefix', async () => {
    const t = await tenant(h);
    const { rows } = await h.db.query<{ token_hash: string; prefix: string }>(
      'SELECT token_hash, prefix FROM api_tokens WHERE token_hash = encode(sha256(convert_to($1, $2)), $3)',
      [t.ownerToken, 'UTF8', 'hex'],
    );
    assert.equal(rows.length, 1);
    assert.match(t.ownerToken, /^dz_[A-Za-z0-9_-]{43}$/);
    assert.equal(rows[0]?.prefix, t.ownerToken.slice(0, 11));
    const all = await h.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM api_tokens WHERE token_hash = $1 OR prefix = $1`,
      [t.ownerToken],
    );
    assert.equal(all.rows[0]?.n, 0, 'the secret itself is stored nowhere');
  });

  test('a user may hold at most 10 active tokens; revoking one frees a slot', async () => {
    const email = `${unique('many')}@example.com`;
    const t = await tenant(h);
    const first = await addTestMember(h, t.businessId, 'viewer', email);
    for (let i = 1; i < MAX_ACTIVE_TOKENS; i++) await createToken(h.db, { email });
    await assert.rejects(createToken(h.db, { email }), TokenLimitError);
    await revokeToken(h.db, first.tokenId);
    await createToken(h.db, { email });
    await assert.rejects(createToken(h.db, { email, expiresInDays: 0 }), InvalidArgumentError);
    await assert.rejects(createToken(h.db, { email, expiresInDays: 366 }), InvalidArgumentError);
  });

  test('last_used_at is written on first use, then not on every request', async () => {
    const t = await tenant(h);
    const auth = new Authenticator(h.db);
    const read = async () =>
      (
        await h.db.query<{ last_used_at: string | null }>(
          'SELECT last_used_at FROM api_tokens WHERE token_hash = encode(sha256(convert_to($1, $2)), $3)',
          [t.ownerToken, 'UTF8', 'hex'],
        )
      ).rows[0]?.last_used_at;
    assert.equal(await read(), null, 'never used yet');
    await auth.verify(t.ownerToken, t.businessId);
    await auth.idle();
    const first = await read();
    assert.match(first ?? '', /^\d{4}-/, 'last_used_at set after use');
    for (let i = 0; i < 5; i++) await auth.verify(t.ownerToken, t.businessId);
    await auth.idle();
    assert.equal(await read(), first, 'not rewritten within the minute');
  });

  test('a list request costs the authentication lookup, the change state and one query', async () => {
    let counter: ReturnType<typeof countingDb> | undefined;
    const counted = await setup({
      wrapDb: (db) => {
        counter = countingDb(db);
        return counter;
      },
    });
    try {
      const t = await tenant(counted);
      const customer = await createCustomer(counted, t);
      for (let i = 0; i < 3; i++) await createContact(counted, t, customer.id);
      const url = `/api/v1/customers/${customer.id}/contacts?limit=2`;
      const warm = await call(counted, { url, headers: t.headers });
      assert.equal(warm.status, 200);
      const c = counter as ReturnType<typeof countingDb>;
      for (const q of ['', '&include_total_count=true', `&cursor=${warm.body.data.next_cursor}`, '&direction=prev']) {
        const before = c.count;
        const r = await call(counted, { url: url + q, headers: t.headers });
        assert.equal(r.status, 200, r.res.body);
        // The authentication lookup, the business's change state (its ETag: http/conditional.ts), the page.
        assert.equal(c.count - before, 3, `statements for ${q || 'first page'}`);
      }
    } finally {
      await counted.close();
    }
  });
});

describe('the authentication cache', () => {
  test('reuses a verified token for its TTL; revocation and expiry take effect within it', async () => {
    const t = await tenant(h);
    let clock = Date.now();
    const auth = new Authenticator(h.db, { cacheTtlMs: 5000, now: () => clock });
    const revocable = await createToken(h.db, { email: t.ownerEmail });
    assert.equal((await auth.verify(revocable.token, t.businessId)).role, 'owner');
    await revokeToken(h.db, revocable.token_id);
    clock += 4000;
    assert.equal((await auth.verify(revocable.token, t.businessId)).role, 'owner', 'still cached');
    clock += 1001;
    await assert.rejects(auth.verify(revocable.token, t.businessId), UnauthenticatedError);

    // Expiry is judged against the database's clock: start the fake clock there, never at the JS clock.
    const expiring = await createToken(h.db, { email: t.ownerEmail, expiresInDays: 1 });
    const { rows } = await h.db.query<{ now_ms: number }>(
      `UPDATE api_tokens SET expires_at = now() + interval '2 seconds' WHERE id = $1
       RETURNING (extract(epoch FROM now()) * 1000)::float8 AS now_ms`,
      [expiring.token_id],
    );
    clock = rows[0]?.now_ms ?? Number.NaN;
    await auth.verify(expiring.token, t.businessId);
    clock += 1000;
    assert.equal((await auth.verify(expiring.token, t.businessId)).role, 'owner', 'cached, not yet expired');
    clock += 2000;
    await assert.rejects(auth.verify(expiring.token, t.businessId), UnauthenticatedError, 'expiry is not cached past');
  });

  test('the membership is cached per business: another business is looked up, not assumed', async () => {
    const t = await tenant(h);
    const other = await tenant(h);
    const auth = new Authenticator(h.db, { cacheTtlMs: 60_000 });
    assert.equal((await auth.verify(t.ownerToken, t.businessId)).role, 'owner');
    assert.equal((await auth.verify(t.ownerToken, other.businessId)).role, null);
  });

  test('with the cache on, a list request costs the change state and one query', async () => {
    let counter: ReturnType<typeof countingDb> | undefined;
    const counted = await setup({
      authCacheTtlMs: 60_000,
      wrapDb: (db) => {
        counter = countingDb(db);
        return counter;
      },
    });
    try {
      const t = await tenant(counted);
      const customer = await createCustomer(counted, t);
      const url = `/api/v1/customers/${customer.id}/contacts`;
      assert.equal((await call(counted, { url, headers: t.headers })).status, 200);
      const c = counter as ReturnType<typeof countingDb>;
      const before = c.count;
      assert.equal((await call(counted, { url, headers: t.headers })).status, 200);
      // The business's change state (its ETag) and the page.
      assert.equal(c.count - before, 2);
    } finally {
      await counted.close();
    }
  });
});
