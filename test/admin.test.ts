import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { UnauthenticatedError } from '../src/platform/errors.js';
import { changeRole, removeMember } from '../src/resources/members/service.js';
import { Authenticator } from '../src/resources/tokens/authenticator.js';
import { createToken, MAX_ACTIVE_TOKENS } from '../src/resources/tokens/service.js';
import { loggerOptions } from '../src/server.js';
import { authHeaders, call, type Harness, type Json, setup, type Tenant, tenant, unique } from './helpers/harness.js';
import { page } from './helpers/walk.js';

/** Members, tokens and businesses over HTTP: the rules the shared auth suite does not reach. */
let h: Harness;
let logs = '';
before(async () => {
  const stream = new Writable({
    write(chunk, _enc, done) {
      logs += chunk.toString();
      done();
    },
  });
  h = await setup({ authCacheTtlMs: 60_000, logger: loggerOptions('info', stream) });
});
after(async () => {
  await h?.close();
});

const USERS = '/api/v1/businesses/users';

async function members(t: Tenant): Promise<Map<string, string>> {
  const r = await call(h, { url: `${USERS}?limit=1000`, headers: t.headers });
  assert.equal(r.status, 200, r.res.body);
  return new Map(r.body.data.items.map((m: { email: string; role: string }) => [m.email, m.role]));
}

function expectError(r: Json, status: number, detail: string | RegExp) {
  assert.equal(r.status, status, r.res.body);
  if (typeof detail === 'string') assert.deepEqual(r.body, { detail });
  else assert.match(r.body.detail, detail);
}

describe('members', () => {
  test('adding by e-mail makes an invitation, never a token: the same answer whether or not the e-mail has an account', async () => {
    const t = await tenant(h);
    const known = await (await tenant(h)).member('viewer');
    const shapes: string[][] = [];
    for (const email of [`${unique('new')}@example.com`, known.email.toUpperCase()]) {
      const r = await call(h, { method: 'POST', url: USERS, headers: t.headers, payload: { email, role: 'member' } });
      assert.equal(r.status, 201, r.res.body);
      assert.equal(r.body.message, 'Invitation created');
      const d = r.body.data;
      shapes.push(Object.keys(d).sort());
      assert.equal(d.email, email);
      assert.equal(d.role, 'member');
      assert.match(d.secret, new RegExp(`^dzi_${t.businessId}\\.[A-Za-z0-9_-]{43}$`));
      assert.ok(d.url.endsWith(`/console/#/invitation/${d.secret}`), d.url);
      assert.ok(!/"dz_/.test(r.res.body), 'no token in the answer');
      // Nobody became a member: the invitation waits for its acceptance.
      assert.equal((await members(t)).has(email), false);
    }
    assert.deepEqual(shapes[0], ['email', 'expires_at', 'id', 'role', 'secret', 'url']);
    assert.deepEqual(shapes[0], shapes[1], 'the answer does not tell whether the e-mail has an account');
  });

  test("by DayZero's user id: the Member, no token; already a member → 409; unknown user → 404", async () => {
    const t = await tenant(h);
    const elsewhere = await (await tenant(h)).member('viewer');
    const r = await call(h, {
      method: 'POST',
      url: USERS,
      headers: t.headers,
      payload: { id: elsewhere.userId, role: 'viewer' },
    });
    assert.equal(r.status, 201, r.res.body);
    assert.deepEqual(Object.keys(r.body.data).sort(), ['created_at', 'email', 'role', 'user_id']);
    assert.equal(r.body.data.user_id, elsewhere.userId);

    const again = await call(h, {
      method: 'POST',
      url: USERS,
      headers: t.headers,
      payload: { id: elsewhere.userId, role: 'admin' },
    });
    expectError(again, 409, /already a member/);
    assert.equal((await members(t)).get(elsewhere.email), 'viewer', 'the 409 changed nothing');
    const unknown = await call(h, {
      method: 'POST',
      url: USERS,
      headers: t.headers,
      payload: { id: '00000000-0000-7000-8000-000000000000', role: 'viewer' },
    });
    expectError(unknown, 404, 'User not found');
  });

  test('bad bodies → 422 naming the field: neither or both of id and email, a bad role or e-mail', async () => {
    const t = await tenant(h);
    const cases: [unknown, string, unknown[]][] = [
      [{ role: 'viewer' }, 'value_error', ['body']],
      [{ id: '00000000-0000-7000-8000-000000000000', email: 'a@example.com', role: 'viewer' }, 'value_error', ['body']],
      [{ email: 'a@example.com', role: 'boss' }, 'literal_error', ['body', 'role']],
      [{ email: 'a@example.com' }, 'missing', ['body', 'role']],
      [{ email: 'not an e-mail', role: 'viewer' }, 'value_error', ['body', 'email']],
      [{ id: 'not-a-uuid', role: 'viewer' }, 'uuid_parsing', ['body', 'id']],
    ];
    for (const [payload, type, loc] of cases) {
      const r = await call(h, { method: 'POST', url: USERS, headers: t.headers, payload: payload as object });
      assert.equal(r.status, 422, `${JSON.stringify(payload)}: ${r.res.body}`);
      assert.equal(r.body.detail[0].type, type, r.res.body);
      assert.deepEqual(r.body.detail[0].loc, loc, r.res.body);
    }
  });

  test('only an owner grants, changes or removes the owner role; admins manage the rest', async () => {
    const t = await tenant(h);
    const admin = await t.member('admin');
    const viewer = await t.member('viewer');
    const coOwner = await t.member('owner');
    const grant = await call(h, {
      method: 'POST',
      url: USERS,
      headers: admin.headers,
      payload: { email: `${unique('o')}@example.com`, role: 'owner' },
    });
    expectError(grant, 403, 'Not enough permissions');
    const promote = await call(h, {
      method: 'PUT',
      url: `${USERS}/${viewer.userId}`,
      headers: admin.headers,
      payload: { role: 'owner' },
    });
    expectError(promote, 403, 'Not enough permissions');
    const demote = await call(h, {
      method: 'PUT',
      url: `${USERS}/${coOwner.userId}`,
      headers: admin.headers,
      payload: { role: 'viewer' },
    });
    expectError(demote, 403, 'Not enough permissions');
    expectError(
      await call(h, { method: 'DELETE', url: `${USERS}/${coOwner.userId}`, headers: admin.headers }),
      403,
      'Not enough permissions',
    );

    // An admin does the rest.
    const r = await call(h, {
      method: 'PUT',
      url: `${USERS}/${viewer.userId}`,
      headers: admin.headers,
      payload: { role: 'admin' },
    });
    assert.equal(r.status, 200, r.res.body);
    assert.equal(r.body.data.role, 'admin');
    // An owner may do it all.
    const o = await call(h, {
      method: 'PUT',
      url: `${USERS}/${viewer.userId}`,
      headers: t.headers,
      payload: { role: 'owner' },
    });
    assert.equal(o.body.data.role, 'owner', o.res.body);
    assert.equal(
      (await call(h, { method: 'DELETE', url: `${USERS}/${coOwner.userId}`, headers: t.headers })).status,
      200,
    );
    const now = await members(t);
    assert.equal(now.get(viewer.email), 'owner');
    assert.equal(now.has(coOwner.email), false);
  });

  test('anyone may remove themselves; a viewer may not remove anyone else', async () => {
    const t = await tenant(h);
    const viewer = await t.member('viewer');
    const other = await t.member('viewer');
    expectError(
      await call(h, { method: 'DELETE', url: `${USERS}/${other.userId}`, headers: viewer.headers }),
      403,
      'Not enough permissions',
    );
    const left = await call(h, { method: 'DELETE', url: `${USERS}/${viewer.userId}`, headers: viewer.headers });
    assert.equal(left.status, 200, left.res.body);
    assert.deepEqual(left.body, { success: true, message: 'User removed', code: 'DELETED' });
    assert.equal((await members(t)).has(viewer.email), false);
  });

  test('the last owner can be neither demoted nor removed (409); with a second owner, both work', async () => {
    const t = await tenant(h);
    const me = (await call(h, { url: `${USERS}?sort_by=created_at&descending=false&limit=1`, headers: t.headers })).body
      .data.items[0];
    assert.equal(me.role, 'owner');
    const demote = await call(h, {
      method: 'PUT',
      url: `${USERS}/${me.user_id}`,
      headers: t.headers,
      payload: { role: 'admin' },
    });
    expectError(demote, 409, /at least one owner/);
    expectError(
      await call(h, { method: 'DELETE', url: `${USERS}/${me.user_id}`, headers: t.headers }),
      409,
      /at least one owner/,
    );
    // Not even the operator: the rule is the core's.
    await assert.rejects(
      removeMember(h.db, { businessId: t.businessId, userId: me.user_id, actor: null }),
      /at least one owner/,
    );
    assert.equal((await members(t)).get(t.ownerEmail), 'owner');

    const second = await t.member('owner');
    const ok = await call(h, {
      method: 'PUT',
      url: `${USERS}/${me.user_id}`,
      headers: t.headers,
      payload: { role: 'admin' },
    });
    assert.equal(ok.status, 200, ok.res.body);
    expectError(
      await call(h, { method: 'DELETE', url: `${USERS}/${second.userId}`, headers: second.headers }),
      409,
      /at least one owner/,
    );
  });

  test('two owners demoting each other at once: one wins, the business keeps an owner', async () => {
    const t = await tenant(h);
    const me = await t.member('owner');
    const you = await t.member('owner');
    // The first owner leaves, so exactly two owners remain.
    const creator = await h.db.query<{ user_id: string }>(
      `SELECT m.user_id FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.business_id = $1 AND u.email = $2`,
      [t.businessId, t.ownerEmail],
    );
    await removeMember(h.db, { businessId: t.businessId, userId: creator.rows[0]?.user_id ?? '', actor: null });
    const results = await Promise.allSettled([
      changeRole(h.db, {
        businessId: t.businessId,
        userId: you.userId,
        role: 'viewer',
        actor: { userId: me.userId, role: 'owner' },
      }),
      changeRole(h.db, {
        businessId: t.businessId,
        userId: me.userId,
        role: 'viewer',
        actor: { userId: you.userId, role: 'owner' },
      }),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    const owners = await h.db.query(`SELECT 1 FROM memberships WHERE business_id = $1 AND role = 'owner'`, [
      t.businessId,
    ]);
    assert.equal(owners.rows.length, 1);
  });

  test("a removed member's token stops working for that business at once on this process", async () => {
    const t = await tenant(h);
    const viewer = await t.member('viewer');
    assert.equal((await call(h, { url: '/api/v1/customers', headers: viewer.headers })).status, 200, 'cached now');
    assert.equal(
      (await call(h, { method: 'DELETE', url: `${USERS}/${viewer.userId}`, headers: t.headers })).status,
      200,
    );
    expectError(await call(h, { url: '/api/v1/customers', headers: viewer.headers }), 403, 'Not enough permissions');
    // The token itself still works, for what is the user's own.
    assert.equal(
      (await call(h, { url: '/api/v1/tokens', headers: { authorization: viewer.headers.authorization ?? '' } })).status,
      200,
    );
  });

  test('on another process, a role change takes effect within the cache TTL', async () => {
    const t = await tenant(h);
    const admin = await t.member('admin');
    let clock = Date.now();
    const elsewhere = new Authenticator(h.db, { cacheTtlMs: 5000, now: () => clock });
    assert.equal((await elsewhere.verify(admin.token, t.businessId)).role, 'admin');
    await changeRole(h.db, { businessId: t.businessId, userId: admin.userId, role: 'viewer', actor: null });
    clock += 4000;
    assert.equal((await elsewhere.verify(admin.token, t.businessId)).role, 'admin', 'still cached');
    clock += 1001;
    assert.equal((await elsewhere.verify(admin.token, t.businessId)).role, 'viewer');
  });

  test("another business's member is not found, and nothing changes", async () => {
    const a = await tenant(h);
    const b = await tenant(h);
    const theirs = await b.member('viewer');
    const before = await members(b);
    for (const req of [
      { method: 'PUT' as const, url: `${USERS}/${theirs.userId}`, payload: { role: 'admin' } },
      { method: 'DELETE' as const, url: `${USERS}/${theirs.userId}` },
      { method: 'DELETE' as const, url: `${USERS}/not-a-uuid` },
    ]) {
      expectError(await call(h, { ...req, headers: a.headers }), 404, 'Member not found');
    }
    assert.deepEqual(await members(b), before);
    assert.equal((await members(a)).has(theirs.email), false, "a's list holds only a's members");
  });

  test('the members list pages by created_at and by e-mail, both ways, with a total', async () => {
    const t = await tenant(h);
    const made = [t.ownerEmail];
    for (const role of ['viewer', 'member', 'admin', 'viewer', 'member'] as const)
      made.push((await t.member(role)).email);
    for (const sort_by of ['created_at', 'email']) {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      for (;;) {
        const p = await page<{ email: string }>(h, t.headers, USERS, {
          sort_by,
          descending: false,
          limit: 2,
          cursor,
          include_total_count: true,
        });
        assert.equal(p.total, made.length);
        seen.push(...p.items.map((m) => m.email));
        pages++;
        assert.ok(pages <= made.length, `the walk ends (has_next after ${pages} pages)`);
        if (!p.has_next) break;
        cursor = p.next_cursor ?? undefined;
      }
      const expected = sort_by === 'email' ? [...made].sort() : made;
      assert.deepEqual(seen, expected, sort_by);
    }
  });
});

describe('tokens over HTTP', () => {
  const TOKENS = '/api/v1/tokens';

  test('create shows the secret once; the list never does', async () => {
    const t = await tenant(h);
    const me = { authorization: `Bearer ${t.ownerToken}` };
    const r = await call(h, { method: 'POST', url: TOKENS, headers: me, payload: { expires_in_days: 30 } });
    assert.equal(r.status, 201, r.res.body);
    const created = r.body.data;
    assert.deepEqual(Object.keys(created).sort(), ['expires_at', 'id', 'prefix', 'token']);
    assert.equal(created.prefix, created.token.slice(0, 11));
    const list = await call(h, { url: `${TOKENS}?include_total_count=true`, headers: me });
    assert.equal(list.status, 200);
    assert.equal(list.body.data.total, 2);
    assert.ok(!list.res.body.includes(created.token), 'no secret in the list');
    assert.ok(!list.res.body.includes(t.ownerToken));
    assert.deepEqual(Object.keys(list.body.data.items[0]).sort(), [
      'created_at',
      'expires_at',
      'id',
      'last_used_at',
      'prefix',
      'revoked_at',
    ]);
    // An empty body (or none) is a token with no expiry of its own.
    for (const payload of [undefined, '']) {
      const none = await call(h, {
        method: 'POST',
        url: TOKENS,
        headers: { ...me, ...(payload === '' ? { 'content-type': 'application/json' } : {}) },
        ...(payload === undefined ? {} : { payload }),
      });
      assert.equal(none.status, 201, none.res.body);
      assert.equal(none.body.data.expires_at, null);
    }
    // The new token works, and the secrets reached no log line.
    assert.equal((await call(h, { url: TOKENS, headers: { authorization: `Bearer ${created.token}` } })).status, 200);
    assert.ok(logs.length > 0, 'the app logged');
    assert.ok(!logs.includes(created.token) && !logs.includes(t.ownerToken), 'no secret in the logs');
  });

  test('expires_in_days outside 1..365 → 422 at body.expires_in_days', async () => {
    const t = await tenant(h);
    for (const days of [0, 366, 1.5, 'soon']) {
      const r = await call(h, {
        method: 'POST',
        url: TOKENS,
        headers: { authorization: `Bearer ${t.ownerToken}` },
        payload: { expires_in_days: days },
      });
      assert.equal(r.status, 422, `${days}: ${r.res.body}`);
      assert.deepEqual(r.body.detail[0].loc, ['body', 'expires_in_days']);
    }
  });

  test('a token never mints one that outlives it', async () => {
    const t = await tenant(h);
    const short = await createToken(h.db, { email: t.ownerEmail, expiresInDays: 2 });
    const auth = { authorization: `Bearer ${short.token}` };
    for (const payload of [{ expires_in_days: 30 }, {}]) {
      const r = await call(h, { method: 'POST', url: TOKENS, headers: auth, payload });
      assert.equal(r.status, 201, r.res.body);
      assert.equal(r.body.data.expires_at, short.expires_at, JSON.stringify(payload));
    }
    const shorter = await call(h, { method: 'POST', url: TOKENS, headers: auth, payload: { expires_in_days: 1 } });
    assert.ok(Date.parse(shorter.body.data.expires_at) < Date.parse(short.expires_at ?? ''));
  });

  test('an 11th active token → 409 with a clear message; revoking one frees a slot', async () => {
    const t = await tenant(h);
    const me = { authorization: `Bearer ${t.ownerToken}` };
    const ids: string[] = [];
    for (let i = 1; i < MAX_ACTIVE_TOKENS; i++) {
      const r = await call(h, { method: 'POST', url: TOKENS, headers: me, payload: {} });
      assert.equal(r.status, 201, r.res.body);
      ids.push(r.body.data.id);
    }
    const over = await call(h, { method: 'POST', url: TOKENS, headers: me, payload: {} });
    expectError(over, 409, 'This user already holds 10 active tokens; revoke one first.');
    assert.equal((await call(h, { method: 'DELETE', url: `${TOKENS}/${ids[0]}`, headers: me })).status, 200);
    assert.equal((await call(h, { method: 'POST', url: TOKENS, headers: me, payload: {} })).status, 201);
  });

  test("another user's token → 404 and stays valid; revoking one's own token in use ends it", async () => {
    const t = await tenant(h);
    const other = await t.member('viewer');
    const me = { authorization: `Bearer ${t.ownerToken}` };
    expectError(
      await call(h, { method: 'DELETE', url: `${TOKENS}/${other.tokenId}`, headers: me }),
      404,
      'Token not found',
    );
    expectError(await call(h, { method: 'DELETE', url: `${TOKENS}/nope`, headers: me }), 404, 'Token not found');
    assert.equal((await call(h, { url: '/api/v1/customers', headers: other.headers })).status, 200);
    const mine = await call(h, { url: TOKENS, headers: me });
    const current = mine.body.data.items.find((x: { prefix: string }) => x.prefix === t.ownerToken.slice(0, 11));
    const r = await call(h, { method: 'DELETE', url: `${TOKENS}/${current.id}`, headers: me });
    assert.equal(r.status, 200, r.res.body);
    assert.deepEqual(r.body, { success: true, message: 'Token revoked', code: 'DELETED' });
    const after = await call(h, { url: TOKENS, headers: me });
    assert.equal(after.status, 401, 'revoked at once on this process, despite the 60 s cache');
    await assert.rejects(new Authenticator(h.db).verify(t.ownerToken, null), UnauthenticatedError);
  });
});

describe('businesses over HTTP', () => {
  test('create makes the caller its owner; rename by owners and admins', async () => {
    const t = await tenant(h);
    const me = { authorization: `Bearer ${t.ownerToken}` };
    const name = unique('  New Co ');
    const r = await call(h, { method: 'POST', url: '/api/v1/businesses', headers: me, payload: { name } });
    assert.equal(r.status, 201, r.res.body);
    const b = r.body.data;
    assert.equal(b.name, name.trim());
    assert.equal(b.role, 'owner');
    const listed = await call(h, { url: `/api/v1/businesses?id=${b.id}`, headers: me });
    assert.equal(listed.body.data.items.length, 1);
    const headers = authHeaders(t.ownerToken, b.id);
    assert.equal((await call(h, { url: '/api/v1/customers', headers })).status, 200, 'the new tenant works at once');

    const renamed = await call(h, {
      method: 'PUT',
      url: `/api/v1/businesses/${b.id}`,
      headers: me,
      payload: { name: 'Renamed Co' },
    });
    assert.equal(renamed.status, 200, renamed.res.body);
    assert.equal(renamed.body.data.name, 'Renamed Co');
    assert.ok(renamed.body.data.updated_at > b.updated_at);
    for (const payload of [{ name: '   ' }, {}, { name: 'x'.repeat(256) }]) {
      const bad = await call(h, { method: 'PUT', url: `/api/v1/businesses/${b.id}`, headers: me, payload });
      assert.equal(bad.status, 422, bad.res.body);
      assert.deepEqual(bad.body.detail[0].loc, ['body', 'name']);
    }
  });
});
