import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';
import { changeRole, removeMember } from '../src/resources/members/service.js';
import { revokeToken } from '../src/resources/tokens/service.js';
import { redactTokens } from '../src/server.js';
import { authHeaders, call, type Harness, type Json, setup, type Tenant, tenant, unique } from './helpers/harness.js';
import { page } from './helpers/walk.js';

/** Invitations (contract §2.1, §6): no answer hands one person another's credential. */
let h: Harness;
before(async () => {
  h = await setup();
});
after(async () => {
  await h?.close();
});

const INVITATIONS = '/api/v1/businesses/invitations';
const ACCEPT = '/api/v1/invitations/accept';
const USERS = '/api/v1/businesses/users';

async function invite(headers: Record<string, string>, email: string, role = 'member', url = INVITATIONS) {
  const r = await call(h, { method: 'POST', url, headers, payload: { email, role } });
  assert.equal(r.status, 201, r.res.body);
  return r;
}

async function accept(link: string, headers: Record<string, string> = {}, as: 'token' | null = 'token') {
  return await call(h, { method: 'POST', url: ACCEPT, headers, payload: as ? { link, as } : { link } });
}

function expect401(r: Json) {
  assert.equal(r.status, 401, r.res.body);
  assert.deepEqual(r.body, { detail: 'Not authenticated' });
}

function expect410(r: Json) {
  assert.equal(r.status, 410, r.res.body);
  assert.deepEqual(r.body, { detail: 'This invitation is no longer valid' });
}

async function pending(t: Tenant): Promise<string[]> {
  const r = await call(h, { url: `${INVITATIONS}?limit=1000`, headers: t.headers });
  assert.equal(r.status, 200, r.res.body);
  return r.body.data.items.map((i: { id: string }) => i.id);
}

describe('the takeover across businesses is closed', () => {
  test('A invites X, the invitee takes a token; B invites X: same answer as for a new e-mail, a NEW account, and A’s invitee has nothing in B', async () => {
    const a = await tenant(h);
    const b = await tenant(h);
    const x = `${unique('squat')}@example.com`;
    // Business A adds X the old way (members endpoint): now an invitation, accepted without signing in.
    const fromA = await invite(a.headers, x, 'admin', USERS);
    const squat = await accept(fromA.body.data.secret);
    assert.equal(squat.status, 201, squat.res.body);
    assert.match(squat.body.data.token, /^dz_/);
    const squatter = squat.body.data;

    // B invites X (which has an account now) and a never-seen e-mail: the answers differ in no way but the values.
    const toX = await invite(b.headers, x, 'admin', USERS);
    const toNew = await invite(b.headers, `${unique('fresh')}@example.com`, 'admin', USERS);
    assert.deepEqual(Object.keys(toX.body.data).sort(), Object.keys(toNew.body.data).sort());
    assert.equal(toX.body.message, toNew.body.message);
    assert.equal(toX.status, toNew.status);
    assert.ok(!/"dz_/.test(toX.res.body), 'no token in B’s answer');

    // A's invitee holds nothing in B, before and after B's invitation is accepted.
    const inB = authHeaders(squatter.token, b.businessId);
    assert.equal((await call(h, { url: '/api/v1/customers', headers: inB })).status, 403);
    const real = await accept(toX.body.data.secret);
    assert.equal(real.status, 201, real.res.body);
    assert.notEqual(real.body.data.user_id, squatter.user_id, 'a new account, not the squatter’s');
    assert.equal(real.body.data.business_id, b.businessId);
    for (const path of ['/api/v1/customers', USERS, '/api/v1/webhook-endpoints']) {
      const r = await call(h, { url: path, headers: inB });
      assert.equal(r.status, 403, `${path}: ${r.res.body}`);
    }
    assert.equal(
      (await call(h, { url: '/api/v1/customers', headers: authHeaders(real.body.data.token, b.businessId) })).status,
      200,
    );
    const accounts = await h.db.query('SELECT id FROM users WHERE email_key = lower($1)', [x]);
    assert.equal(accounts.rows.length, 2, 'two accounts carry the e-mail');
  });

  test('no answer of the member or invitation routes carries a token, but the acceptor’s own', async () => {
    const t = await tenant(h);
    const elsewhere = await (await tenant(h)).member('viewer');
    const bodies: string[] = [];
    const made = await invite(t.headers, `${unique('i')}@example.com`);
    bodies.push(made.res.body);
    bodies.push((await invite(t.headers, `${unique('i')}@example.com`, 'viewer', USERS)).res.body);
    bodies.push(
      (
        await call(h, {
          method: 'POST',
          url: USERS,
          headers: t.headers,
          payload: { id: elsewhere.userId, role: 'viewer' },
        })
      ).res.body,
    );
    bodies.push((await call(h, { url: INVITATIONS, headers: t.headers })).res.body);
    bodies.push((await call(h, { url: USERS, headers: t.headers })).res.body);
    // Accepted signed in: the membership, no credential.
    const other = await tenant(h);
    const signedIn = await accept(made.body.data.secret, { authorization: `Bearer ${other.ownerToken}` });
    assert.equal(signedIn.status, 201, signedIn.res.body);
    assert.equal(signedIn.body.data.token, null);
    bodies.push(signedIn.res.body);
    const third = await invite(t.headers, `${unique('i')}@example.com`);
    bodies.push(
      (await call(h, { method: 'DELETE', url: `${INVITATIONS}/${third.body.data.id}`, headers: t.headers })).res.body,
    );
    for (const body of bodies) assert.ok(!/dz_[A-Za-z0-9_-]{8}/.test(body), body);
    // The list never shows a secret.
    assert.ok(!bodies[3]?.includes('dzi_'), bodies[3]);
  });
});

describe('accepting', () => {
  test('signed in: the membership goes to the caller’s own account, no credential; already a member → 409, nothing used', async () => {
    const t = await tenant(h);
    const me = await tenant(h);
    const inv = await invite(t.headers, `${unique('someone')}@example.com`, 'viewer');
    const r = await accept(inv.body.data.secret, { authorization: `Bearer ${me.ownerToken}` }, null);
    assert.equal(r.status, 201, r.res.body);
    assert.equal(r.body.data.role, 'viewer');
    assert.equal(r.body.data.token, null);
    assert.equal(r.body.data.token_expires_at, null);
    assert.equal(
      (await call(h, { url: '/api/v1/customers', headers: authHeaders(me.ownerToken, t.businessId) })).status,
      200,
    );

    const again = await invite(t.headers, `${unique('someone')}@example.com`, 'viewer');
    const dup = await accept(again.body.data.secret, { authorization: `Bearer ${me.ownerToken}` });
    assert.equal(dup.status, 409, dup.res.body);
    assert.ok((await pending(t)).includes(again.body.data.id), 'the 409 used nothing');
    // A Bearer that is not valid is 401, never a new account instead.
    expect401(await accept(again.body.data.secret, { authorization: `Bearer dz_${'A'.repeat(43)}` }));
    expect401(await accept(again.body.data.secret, { authorization: 'Basic eDp5' }));
    assert.ok((await pending(t)).includes(again.body.data.id));
  });

  test('without signing in: a new account with the invitation’s e-mail and a 30-day token', async () => {
    const t = await tenant(h);
    const email = `${unique('new')}@example.com`;
    const inv = await invite(t.headers, email, 'member');
    const r = await accept(inv.body.data.secret);
    assert.equal(r.status, 201, r.res.body);
    const d = r.body.data;
    assert.deepEqual(Object.keys(d).sort(), ['business_id', 'role', 'token', 'token_expires_at', 'user_id']);
    const days = (Date.parse(d.token_expires_at) - Date.now()) / 86_400_000;
    assert.ok(days > 29.9 && days <= 30, `expires in ${days} days`);
    const listed = await call(h, { url: USERS, headers: t.headers });
    assert.ok(
      listed.body.data.items.some(
        (m: { user_id: string; email: string }) => m.user_id === d.user_id && m.email === email,
      ),
    );
  });

  test('the session form makes a new account with a console session (cookie, no token); a bad as → 422', async () => {
    const t = await tenant(h);
    const email = `${unique('s')}@example.com`;
    const bad = await call(h, { method: 'POST', url: ACCEPT, payload: { link: 'dzi_x', as: 'session' } });
    assert.equal(bad.status, 422, bad.res.body);
    assert.deepEqual(bad.body.detail[0].loc, ['body', 'as']);
    const none = await call(h, { method: 'POST', url: ACCEPT, payload: {} });
    assert.equal(none.status, 422, none.res.body);
    const inv = await invite(t.headers, email);
    const r = await accept(inv.body.data.secret, {}, null);
    assert.equal(r.status, 201, r.res.body);
    assert.equal(r.body.data.token, null);
    assert.equal(r.body.data.role, 'member');
    const cookie = String(r.res.headers['set-cookie']).split(';')[0] ?? '';
    assert.match(cookie, /^dz_session_\d+=[A-Za-z0-9_-]{43}$/);
    const me = await call(h, { url: '/api/v1/sessions/current', headers: { cookie } });
    assert.equal(me.status, 200, me.res.body);
    assert.deepEqual(me.body.data.user, { id: r.body.data.user_id, email });
    const list = await call(h, {
      url: '/api/v1/customers',
      headers: { cookie, 'x-csrf-token': me.body.data.csrf_token, 'x-business-id': t.businessId },
    });
    assert.equal(list.status, 200, 'the new member reads the business with the session');
    expect401(await accept(inv.body.data.secret, {}, null));
  });

  test('single use: the second acceptance → 401; two at once → exactly one 201', async () => {
    const t = await tenant(h);
    const inv = await invite(t.headers, `${unique('once')}@example.com`);
    assert.equal((await accept(inv.body.data.secret)).status, 201);
    expect401(await accept(inv.body.data.secret));
    const other = await tenant(h);
    expect401(await accept(inv.body.data.secret, { authorization: `Bearer ${other.ownerToken}` }));

    const race = await invite(t.headers, `${unique('race')}@example.com`);
    const results = await Promise.all([accept(race.body.data.secret), accept(race.body.data.secret)]);
    assert.deepEqual(results.map((r) => r.status).sort(), [201, 401], results.map((r) => r.res.body).join('\n'));
    const members = await h.db.query('SELECT 1 FROM invitations WHERE id = $1 AND accepted_at IS NOT NULL', [
      race.body.data.id,
    ]);
    assert.equal(members.rows.length, 1);
  });

  test('unknown, malformed, expired and revoked links → the same 401', async () => {
    const t = await tenant(h);
    const expired = await invite(t.headers, `${unique('late')}@example.com`);
    await h.db.query(`UPDATE invitations SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      expired.body.data.id,
    ]);
    const revoked = await invite(t.headers, `${unique('rev')}@example.com`);
    const del = await call(h, { method: 'DELETE', url: `${INVITATIONS}/${revoked.body.data.id}`, headers: t.headers });
    assert.equal(del.status, 200, del.res.body);
    const forged = `dzi_${t.businessId}.${'A'.repeat(43)}`;
    for (const link of [expired.body.data.secret, revoked.body.data.secret, forged, 'dzi_nope', 'x']) {
      expect401(await accept(link));
    }
    assert.deepEqual(await pending(t), [], 'expired and revoked ones are not listed');
  });

  test('a body past 4 KB → 413', async () => {
    const r = await call(h, {
      method: 'POST',
      url: ACCEPT,
      payload: { link: 'dzi_x', as: 'token', padding: 'x'.repeat(5000) },
    });
    assert.equal(r.status, 413, r.res.body);
  });
});

describe('invitations die with their inviter’s privileges', () => {
  test('inviter removed → 410 (and no longer listed)', async () => {
    const t = await tenant(h);
    const admin = await t.member('admin');
    const inv = await invite(admin.headers, `${unique('r')}@example.com`);
    await removeMember(h.db, { businessId: t.businessId, userId: admin.userId, actor: null });
    assert.deepEqual(await pending(t), []);
    expect410(await accept(inv.body.data.secret));
  });

  test('inviter demoted below the role → 410; still able to grant it → valid', async () => {
    const t = await tenant(h);
    const owner = await t.member('owner');
    const asOwner = await invite(owner.headers, `${unique('o')}@example.com`, 'owner');
    const asAdmin = await invite(owner.headers, `${unique('a')}@example.com`, 'admin');
    const demote = await call(h, {
      method: 'PUT',
      url: `${USERS}/${owner.userId}`,
      headers: t.headers,
      payload: { role: 'admin' },
    });
    assert.equal(demote.status, 200, demote.res.body);
    assert.deepEqual(await pending(t), [asAdmin.body.data.id]);
    expect410(await accept(asOwner.body.data.secret));
    assert.equal((await accept(asAdmin.body.data.secret)).status, 201);
    // Demoted further, the admin's next invitation dies too.
    const later = await invite(owner.headers, `${unique('v')}@example.com`, 'viewer');
    await changeRole(h.db, { businessId: t.businessId, userId: owner.userId, role: 'member', actor: null });
    expect410(await accept(later.body.data.secret));
  });

  test('the token that made it revoked → 410', async () => {
    const t = await tenant(h);
    const admin = await t.member('admin');
    const inv = await invite(admin.headers, `${unique('t')}@example.com`);
    await revokeToken(h.db, admin.tokenId);
    expect410(await accept(inv.body.data.secret));
  });

  test('checked again at acceptance even when nothing revoked it (the membership gone behind the API’s back)', async () => {
    const t = await tenant(h);
    const admin = await t.member('admin');
    const inv = await invite(admin.headers, `${unique('b')}@example.com`);
    const token = await invite(admin.headers, `${unique('b')}@example.com`);
    await h.db.query('UPDATE api_tokens SET revoked_at = now() WHERE id = $1', [admin.tokenId]);
    expect410(await accept(token.body.data.secret));
    await h.db.query('DELETE FROM memberships WHERE business_id = $1 AND user_id = $2', [t.businessId, admin.userId]);
    expect410(await accept(inv.body.data.secret));
  });
});

describe('who may invite, and isolation', () => {
  test('only an owner invites an owner (an admin → 403); viewers and members may not invite', async () => {
    const t = await tenant(h);
    const admin = await t.member('admin');
    for (const url of [INVITATIONS, USERS]) {
      const r = await call(h, {
        method: 'POST',
        url,
        headers: admin.headers,
        payload: { email: `${unique('o')}@example.com`, role: 'owner' },
      });
      assert.equal(r.status, 403, r.res.body);
      assert.deepEqual(r.body, { detail: 'Not enough permissions' });
    }
    await invite(admin.headers, `${unique('a')}@example.com`, 'admin');
    await invite(t.headers, `${unique('o')}@example.com`, 'owner');
    for (const role of ['member', 'viewer'] as const) {
      const m = await t.member(role);
      const r = await call(h, { url: INVITATIONS, headers: m.headers });
      assert.equal(r.status, 403, `${role} lists: ${r.res.body}`);
    }
  });

  test('Idempotency-Key on the routes whose answer carries a secret → 422, and nothing is made', async () => {
    const t = await tenant(h);
    const inv = await invite(t.headers, `${unique('k')}@example.com`);
    const elsewhere = await (await tenant(h)).member('viewer');
    const before = (await pending(t)).length;
    for (const [url, payload, headers] of [
      [INVITATIONS, { email: `${unique('k')}@example.com`, role: 'viewer' }, t.headers],
      [USERS, { email: `${unique('k')}@example.com`, role: 'viewer' }, t.headers],
      [USERS, { id: elsewhere.userId, role: 'viewer' }, t.headers],
      [ACCEPT, { link: inv.body.data.secret, as: 'token' }, {}],
    ] as const) {
      const r = await call(h, {
        method: 'POST',
        url,
        headers: { ...headers, 'idempotency-key': unique('key') },
        payload,
      });
      assert.equal(r.status, 422, `${url}: ${r.res.body}`);
      assert.deepEqual(r.body.detail[0].loc, ['header', 'idempotency-key']);
    }
    assert.equal((await pending(t)).length, before);
    assert.equal((await accept(inv.body.data.secret)).status, 201, 'the refused accept used nothing');
  });

  test("another business's invitation → 404 on delete and stays usable; each list holds its own", async () => {
    const a = await tenant(h);
    const b = await tenant(h);
    const theirs = await invite(b.headers, `${unique('b')}@example.com`);
    const mine = await invite(a.headers, `${unique('a')}@example.com`);
    for (const id of [theirs.body.data.id, 'nope', '00000000-0000-7000-8000-000000000000']) {
      const r = await call(h, { method: 'DELETE', url: `${INVITATIONS}/${id}`, headers: a.headers });
      assert.equal(r.status, 404, r.res.body);
      assert.deepEqual(r.body, { detail: 'Invitation not found' });
    }
    assert.deepEqual(await pending(a), [mine.body.data.id]);
    assert.deepEqual(await pending(b), [theirs.body.data.id]);
    // The secret names its business: another business's id in it finds nothing.
    const swapped = theirs.body.data.secret.replace(b.businessId, a.businessId);
    expect401(await accept(swapped));
    assert.equal((await accept(theirs.body.data.secret)).status, 201);
  });

  test('the list pages like every list, both ways, with a total', async () => {
    const t = await tenant(h);
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await invite(t.headers, `${unique('p')}@example.com`)).body.data.id);
    for (const sort_by of ['created_at', 'expires_at']) {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      for (;;) {
        const p = await page<{ id: string }>(h, t.headers, INVITATIONS, {
          sort_by,
          descending: false,
          limit: 2,
          cursor,
          include_total_count: true,
        });
        assert.equal(p.total, made.length);
        seen.push(...p.items.map((x) => x.id));
        pages++;
        assert.ok(pages <= made.length, `the walk ends (has_next after ${pages} pages)`);
        if (!p.has_next) break;
        cursor = p.next_cursor ?? undefined;
      }
      assert.deepEqual(seen, made, sort_by);
    }
  });
});

describe('links', () => {
  test('use PUBLIC_URL when set, else the listening address', async () => {
    assert.equal(loadConfig({ PUBLIC_URL: 'https://crm.example' }).PUBLIC_URL, 'https://crm.example');
    assert.throws(() => loadConfig({ PUBLIC_URL: 'crm.example' }), ConfigError);
    const t = await tenant(h);
    const app = await buildApp({ db: h.db, cursorSecret: 'x'.repeat(64), publicUrl: 'https://crm.example/base/' });
    try {
      const r = await app.inject({
        method: 'POST',
        url: INVITATIONS,
        headers: t.headers,
        payload: { email: `${unique('u')}@example.com`, role: 'viewer' },
      });
      assert.equal(r.statusCode, 201, r.body);
      const d = JSON.parse(r.body).data;
      assert.equal(d.url, `https://crm.example/base/console/#/invitation/${d.secret}`);
    } finally {
      await app.close();
    }
    const listening = await buildApp({ db: h.db, cursorSecret: 'x'.repeat(64) });
    try {
      await listening.listen({ port: 0, host: '127.0.0.1' });
      const port = (listening.server.address() as { port: number }).port;
      const r = await listening.inject({
        method: 'POST',
        url: INVITATIONS,
        headers: t.headers,
        payload: { email: `${unique('u')}@example.com`, role: 'viewer' },
      });
      assert.equal(
        JSON.parse(r.body).data.url.startsWith(`http://127.0.0.1:${port}/console/#/invitation/dzi_`),
        true,
        r.body,
      );
    } finally {
      await listening.close();
    }
  });
});

describe('secrets in logs', () => {
  test('invitation secrets are redacted like tokens', () => {
    const secret = `dzi_019abf2e-6a47-7b3e-9c1d-2f4a5b6c7d8e.${'Q'.repeat(43)}`;
    const line = redactTokens(`/console/?link=${secret}&t=dz_${'A'.repeat(43)}`);
    assert.ok(!line.includes('Q'.repeat(8)) && !line.includes('A'.repeat(8)), line);
    assert.match(line, /dzi_\[redacted\]/);
  });
});

describe('rate limit', () => {
  test('acceptances spend the client address’s budget', async () => {
    const limited = await setup({ rateLimit: { perToken: 0, perAddress: 3, windowMs: 60_000 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const r = await limited.app.inject({
          method: 'POST',
          url: ACCEPT,
          payload: { link: `dzi_019abf2e-6a47-7b3e-9c1d-2f4a5b6c7d8e.${'A'.repeat(43)}`, as: 'token' },
        });
        statuses.push(r.statusCode);
      }
      assert.deepEqual(statuses, [401, 401, 401, 429]);
    } finally {
      await limited.close();
    }
  });
});
