import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { type AppOptions, buildApp } from '../src/http/app.js';
import { Clock } from '../src/platform/clock.js';
import { InvalidArgumentError } from '../src/platform/errors.js';
import { cursorSecret } from '../src/platform/settings.js';
import { createInvitation } from '../src/resources/invitations/service.js';
import { createSignInLink, MAX_LIVE_SESSIONS } from '../src/resources/sessions/service.js';
import { createToken, revokeToken } from '../src/resources/tokens/service.js';
import {
  call,
  createContact,
  createCustomer,
  type Harness,
  type Json,
  setup,
  type Tenant,
  tenant,
  unique,
} from './helpers/harness.js';
import { ROUTES } from './helpers/routes.js';

/** Console sessions, sign-in links and the CSRF rule (contract §6). */
let h: Harness;
before(async () => {
  h = await setup();
});
after(async () => {
  await h?.close();
});

const SESSIONS = '/api/v1/sessions';
const CURRENT = '/api/v1/sessions/current';
const CSRF = { detail: 'Missing or invalid CSRF token' };

/** An app of its own on the harness's database (other settings: trusted proxy, clock, limits). */
async function appOn(on: Harness, opts: Partial<AppOptions>): Promise<Harness> {
  const app = await buildApp({ db: on.db, cursorSecret: await cursorSecret(on.db), ...opts });
  return { db: on.db, app, databaseUrl: on.databaseUrl, close: () => app.close() };
}

interface Session {
  cookie: string;
  csrf: string;
  res: Json;
}

/** The `name=value` of a Set-Cookie answer. */
function cookieOf(r: Json): string {
  const set = r.res.headers['set-cookie'];
  return String(Array.isArray(set) ? set[0] : set).split(';')[0] ?? '';
}

async function signIn(on: Harness, credential: object, headers: Record<string, string> = {}): Promise<Session> {
  const res = await call(on, { method: 'POST', url: SESSIONS, headers, payload: credential });
  assert.equal(res.status, 201, res.res.body);
  const cookie = cookieOf(res);
  const cur = await call(on, { url: CURRENT, headers: { ...headers, cookie } });
  assert.equal(cur.status, 200, cur.res.body);
  return { cookie, csrf: cur.body.data.csrf_token, res };
}

function headersOf(s: Session, t?: Tenant): Record<string, string> {
  return { cookie: s.cookie, 'x-csrf-token': s.csrf, ...(t ? { 'x-business-id': t.businessId } : {}) };
}

function expect401(r: Json, what = '') {
  assert.equal(r.status, 401, `${what}: ${r.res.body}`);
  assert.deepEqual(r.body, { detail: 'Not authenticated' }, what);
}

async function link(userId: string, minutes?: number, now?: () => number): Promise<string> {
  return (await createSignInLink(h.db, { now }, { user: { id: userId }, minutes, baseUrl: 'http://127.0.0.1:8000' }))
    .secret;
}

async function ownerId(t: Tenant): Promise<string> {
  const { rows } = await h.db.query<{ id: string }>('SELECT id FROM users WHERE email = $1', [t.ownerEmail]);
  return rows[0]?.id ?? '';
}

describe('signing in', () => {
  test('with a token: 201 {user, expires_at} and the cookie of §6 (HttpOnly, SameSite=Strict, Path=/; over plain HTTP dz_session_<port>, no Secure); only a hash is stored', async () => {
    const t = await tenant(h);
    const s = await signIn(h, { token: t.ownerToken });
    assert.deepEqual(Object.keys(s.res.body.data).sort(), ['expires_at', 'user']);
    assert.deepEqual(s.res.body.data.user, { id: await ownerId(t), email: t.ownerEmail });
    const set = String(s.res.res.headers['set-cookie']);
    assert.match(set, /^dz_session_80=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Expires=/);
    assert.doesNotMatch(set, /Secure/);
    const secret = s.cookie.split('=')[1] ?? '';
    const stored = await h.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM sessions WHERE secret_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')`,
      [secret],
    );
    assert.equal(stored.rows[0]?.n, 1);
    const raw = await h.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM sessions WHERE secret_hash = $1 OR csrf_token = $1',
      [secret],
    );
    assert.equal(raw.rows[0]?.n, 0, 'the secret itself is stored nowhere');
  });

  test('over HTTPS (as a trusted proxy says): __Host-dz_session with Secure; an untrusted X-Forwarded-Proto changes nothing', async () => {
    const t = await tenant(h);
    const proxied = await appOn(h, { trustProxy: true });
    try {
      const s = await signIn(proxied, { token: t.ownerToken }, { 'x-forwarded-proto': 'https' });
      assert.match(
        String(s.res.res.headers['set-cookie']),
        /^__Host-dz_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Expires=[^;]+; Secure$/,
      );
      // The HTTPS cookie is read over HTTPS, not over plain HTTP.
      const https = { ...headersOf(s), 'x-forwarded-proto': 'https' };
      assert.equal((await call(proxied, { url: CURRENT, headers: https })).status, 200);
      expect401(await call(proxied, { url: CURRENT, headers: headersOf(s) }), 'read over http');
    } finally {
      await proxied.close();
    }
    const direct = await call(h, {
      method: 'POST',
      url: SESSIONS,
      headers: { 'x-forwarded-proto': 'https' },
      payload: { token: t.ownerToken },
    });
    assert.match(String(direct.res.headers['set-cookie']), /^dz_session_80=/);
    assert.doesNotMatch(String(direct.res.headers['set-cookie']), /Secure/);
  });

  test('a bad, revoked or expired token, an unknown, used or expired link → 401 saying nothing of which', async () => {
    const t = await tenant(h);
    const revoked = await createToken(h.db, { email: t.ownerEmail });
    await revokeToken(h.db, revoked.token_id);
    const expired = await createToken(h.db, { email: t.ownerEmail, expiresInDays: 1 });
    await h.db.query(`UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      expired.token_id,
    ]);
    const used = await link(await ownerId(t));
    await signIn(h, { link: used });
    const old = await link(await ownerId(t), 1, () => Date.now() - 61_000);
    for (const credential of [
      { token: `${t.ownerToken}x` },
      { token: 'dz_short' },
      { token: revoked.token },
      { token: expired.token },
      { link: `dzl_${'A'.repeat(43)}` },
      { link: 'nope' },
      { link: used },
      { link: old },
      { link: t.ownerToken },
    ]) {
      const r = await call(h, { method: 'POST', url: SESSIONS, payload: credential });
      expect401(r, JSON.stringify(credential));
      assert.equal(r.res.headers['set-cookie'], undefined);
    }
  });

  test('exactly one of token and link (422); Idempotency-Key → 422; a body past 4 KB → 413', async () => {
    const t = await tenant(h);
    for (const payload of [{}, { token: t.ownerToken, link: 'dzl_x' }]) {
      const r = await call(h, { method: 'POST', url: SESSIONS, payload });
      assert.equal(r.status, 422, r.res.body);
    }
    const keyed = await call(h, {
      method: 'POST',
      url: SESSIONS,
      headers: { 'idempotency-key': unique('k') },
      payload: { token: t.ownerToken },
    });
    assert.equal(keyed.status, 422, keyed.res.body);
    assert.equal(keyed.res.headers['set-cookie'], undefined);
    const big = await call(h, {
      method: 'POST',
      url: SESSIONS,
      payload: { token: t.ownerToken, pad: 'x'.repeat(4100) },
    });
    assert.equal(big.status, 413, big.res.body);
  });

  test('failed sign-ins spend the address budget of failed authentications: past it, even a good token → 401', async () => {
    const t = await tenant(h);
    const limited = await appOn(h, { authFailures: { budget: 2, windowMs: 60_000 } });
    try {
      for (let i = 0; i < 2; i++) {
        expect401(await call(limited, { method: 'POST', url: SESSIONS, payload: { link: `dzl_${'B'.repeat(43)}` } }));
      }
      expect401(await call(limited, { method: 'POST', url: SESSIONS, payload: { token: t.ownerToken } }), 'past');
      const elsewhere = await call(limited, {
        method: 'POST',
        url: SESSIONS,
        remoteAddress: '10.9.8.7',
        payload: { token: t.ownerToken },
      });
      assert.equal(elsewhere.status, 201, 'another address is not held back');
    } finally {
      await limited.close();
    }
  });

  test('a body not sent within the deadline → 408 (a real socket)', async () => {
    const slow = await appOn(h, { unauthenticatedBodyMs: 200 });
    try {
      await slow.app.listen({ port: 0, host: '127.0.0.1' });
      const port = (slow.app.server.address() as { port: number }).port;
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1');
        let got = '';
        const guard = setTimeout(() => {
          socket.destroy();
          reject(new Error(`no answer: ${got}`));
        }, 5000);
        socket.on('data', (d) => {
          got += d;
        });
        socket.on('close', () => {
          clearTimeout(guard);
          resolve(got);
        });
        socket.on('error', () => {});
        socket.write(
          `POST ${SESSIONS} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"link":`,
        );
      });
      assert.match(answer, /^HTTP\/1\.1 408 /);
      assert.match(answer, /\{"detail":"Request Timeout"\}/);
    } finally {
      await slow.close();
    }
  });
});

describe('a session authorizes like its token, with the CSRF header', () => {
  test('GET /sessions/current answers {user, csrf_token, expires_at} to the cookie alone; no cookie or a Bearer alone → 401', async () => {
    const t = await tenant(h);
    const s = await signIn(h, { token: t.ownerToken });
    const cur = await call(h, { url: CURRENT, headers: { cookie: s.cookie } });
    assert.deepEqual(Object.keys(cur.body.data).sort(), ['csrf_token', 'expires_at', 'user']);
    assert.equal(cur.body.data.expires_at, s.res.body.data.expires_at);
    assert.equal(cur.res.headers['cache-control'], 'no-store');
    expect401(await call(h, { url: CURRENT }), 'no cookie');
    expect401(await call(h, { url: CURRENT, headers: { authorization: `Bearer ${t.ownerToken}` } }), 'Bearer');
    expect401(await call(h, { url: CURRENT, headers: { cookie: `dz_session_80=${'C'.repeat(43)}` } }), 'unknown');
  });

  test('a read and a write without x-csrf-token, or with a wrong one → 403; with it → as the token would', async () => {
    const t = await tenant(h);
    const s = await signIn(h, { token: t.ownerToken });
    const read = { url: '/api/v1/customers' };
    const write = { method: 'POST' as const, url: '/api/v1/customers' };
    const body = () => ({ name: unique('Session Co '), email: `${unique('s')}@example.com` });
    for (const csrf of [undefined, 'wrong', `${s.csrf}x`]) {
      const headers = { cookie: s.cookie, 'x-business-id': t.businessId, ...(csrf ? { 'x-csrf-token': csrf } : {}) };
      const r = await call(h, { ...read, headers });
      assert.equal(r.status, 403, `read, csrf ${csrf}`);
      assert.deepEqual(r.body, CSRF);
      const w = await call(h, { ...write, headers, payload: body() });
      assert.equal(w.status, 403, `write, csrf ${csrf}`);
      assert.deepEqual(w.body, CSRF);
    }
    const listed = await call(h, { ...read, headers: headersOf(s, t) });
    assert.equal(listed.status, 200, listed.res.body);
    assert.equal(listed.body.data.items.length, 0, 'the write without the header made nothing');
    const made = await call(h, { ...write, headers: headersOf(s, t), payload: body() });
    assert.equal(made.status, 201, made.res.body);
    // Sign-out needs it too.
    const out = await call(h, { method: 'DELETE', url: CURRENT, headers: { cookie: s.cookie } });
    assert.equal(out.status, 403, out.res.body);
  });

  test('the role is the user’s there: a viewer’s session cannot write; another business → 403', async () => {
    const t = await tenant(h);
    const viewer = await t.member('viewer');
    const s = await signIn(h, { token: viewer.token });
    const w = await call(h, {
      method: 'POST',
      url: '/api/v1/customers',
      headers: headersOf(s, t),
      payload: { name: 'No', email: `${unique('no')}@example.com` },
    });
    assert.equal(w.status, 403, w.res.body);
    assert.deepEqual(w.body, { detail: 'Not enough permissions' });
    const other = await tenant(h);
    assert.equal((await call(h, { url: '/api/v1/customers', headers: headersOf(s, other) })).status, 403);
    assert.equal((await call(h, { url: '/api/v1/customers', headers: headersOf(s) })).status, 422);
  });

  test('every route of the route table: the cookie without x-csrf-token → 403 and changes nothing (MCP: 401)', async () => {
    const t = await tenant(h);
    const customer = await createCustomer(h, t);
    const contact = await createContact(h, t, customer.id);
    const ids = { businessId: t.businessId, customerId: customer.id, contactId: contact.id };
    const s = await signIn(h, { token: t.ownerToken });
    const events = async () =>
      (await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE business_id = $1', [t.businessId]))
        .rows[0]?.n;
    const eventsBefore = await events();
    let checked = 0;
    for (const route of ROUTES) {
      // The session routes make their own cookie; GET /sessions/current is the one the cookie alone may call.
      if (route.session) continue;
      const req = await route.request(
        ids,
        { authorization: `Bearer ${t.ownerToken}`, 'x-business-id': t.businessId },
        h,
      );
      const { authorization: _, ...headers } = (req.headers ?? {}) as Record<string, string>;
      const r = await h.app.inject({ ...req, headers: { ...headers, cookie: s.cookie } });
      if (route.name === 'POST /mcp') {
        assert.equal(r.statusCode, 401, `${route.name}: ${r.body}`);
      } else {
        assert.equal(r.statusCode, 403, `${route.name}: ${r.body}`);
        assert.deepEqual(JSON.parse(r.body), CSRF, route.name);
      }
      checked++;
    }
    assert.equal(checked, ROUTES.length - 2, 'every route but the two session routes');
    assert.equal(await events(), eventsBefore, 'no write happened');
    // The same cookie with its header still works (the refusals did not end the session).
    assert.equal((await call(h, { url: '/api/v1/customers', headers: headersOf(s, t) })).status, 200);
  });

  test('the MCP endpoint never accepts the cookie (contract §8), CSRF header or not', async () => {
    const t = await tenant(h);
    const s = await signIn(h, { token: t.ownerToken });
    const r = await h.app.inject({
      method: 'POST',
      url: '/mcp',
      headers: {
        ...headersOf(s, t),
        accept: 'application/json, text/event-stream',
        'content-type': 'application/json',
      },
      payload: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'list_businesses', arguments: {} } },
    });
    assert.equal(r.statusCode, 401, r.body);
    // The same session authorizes the REST twin.
    assert.equal((await call(h, { url: '/api/v1/businesses', headers: headersOf(s, t) })).status, 200);
  });

  test('Bearer wins when both are sent: the token’s user acts; a bad Bearer with a good cookie → 401', async () => {
    const a = await tenant(h);
    const b = await tenant(h);
    const s = await signIn(h, { token: a.ownerToken });
    const r = await call(h, {
      url: '/api/v1/customers',
      headers: { ...headersOf(s), authorization: `Bearer ${b.ownerToken}`, 'x-business-id': b.businessId },
    });
    assert.equal(r.status, 200, r.res.body);
    const asA = await call(h, {
      url: '/api/v1/customers',
      headers: { ...headersOf(s), authorization: `Bearer ${b.ownerToken}`, 'x-business-id': a.businessId },
    });
    assert.equal(asA.status, 403, 'B’s token in A’s business, whatever the cookie says');
    expect401(
      await call(h, { url: '/api/v1/customers', headers: { ...headersOf(s, a), authorization: 'Bearer dz_nope' } }),
      'bad bearer',
    );
  });

  test('the cookie is ignored on routes anyone may call: accepting an invitation with only a cookie makes a new account', async () => {
    const t = await tenant(h);
    const s = await signIn(h, { token: t.ownerToken });
    const other = await tenant(h);
    const inv = await createInvitation(h.db, new Clock(), {
      businessId: other.businessId,
      email: t.ownerEmail,
      role: 'viewer',
      inviter: null,
      baseUrl: 'http://127.0.0.1:8000',
    });
    const r = await call(h, {
      method: 'POST',
      url: '/api/v1/invitations/accept',
      headers: headersOf(s),
      payload: { link: inv.secret, as: 'token' },
    });
    assert.equal(r.status, 201, r.res.body);
    assert.notEqual(r.body.data.user_id, await ownerId(t));
  });

  test('a token minted by a session expires no later than the session', async () => {
    const t = await tenant(h);
    const s = await signIn(h, { link: await link(await ownerId(t)) });
    const r = await call(h, { method: 'POST', url: '/api/v1/tokens', headers: headersOf(s), payload: {} });
    assert.equal(r.status, 201, r.res.body);
    assert.equal(r.body.data.expires_at, s.res.body.data.expires_at);
  });
});

describe('a session ends', () => {
  test('at sign-out, refused at once by every instance though both cache authentication', async () => {
    const t = await tenant(h);
    const one = await appOn(h, { authCacheTtlMs: 60_000 });
    const two = await appOn(h, { authCacheTtlMs: 60_000 });
    try {
      const s = await signIn(one, { token: t.ownerToken });
      const read = { url: '/api/v1/customers', headers: headersOf(s, t) };
      assert.equal((await call(one, read)).status, 200);
      assert.equal((await call(two, read)).status, 200);
      const out = await call(one, { method: 'DELETE', url: CURRENT, headers: headersOf(s) });
      assert.equal(out.status, 200, out.res.body);
      assert.match(
        String(out.res.headers['set-cookie']),
        /^dz_session_80=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0/,
      );
      expect401(await call(two, read), 'the other instance');
      expect401(await call(one, read), 'this instance');
      expect401(await call(two, { url: CURRENT, headers: { cookie: s.cookie } }), 'current');
      assert.equal((await call(two, { url: '/api/v1/customers', headers: t.headers })).status, 200, 'the token lives');
    } finally {
      await one.close();
      await two.close();
    }
  });

  test('when its token is revoked, and never after the token expires', async () => {
    const t = await tenant(h);
    const token = await createToken(h.db, { email: t.ownerEmail, expiresInDays: 2 });
    const s = await signIn(h, { token: token.token });
    assert.equal(s.res.body.data.expires_at, token.expires_at, 'no later than its token');
    const r = await call(h, {
      method: 'DELETE',
      url: `/api/v1/tokens/${token.token_id}`,
      headers: { authorization: `Bearer ${t.ownerToken}` },
    });
    assert.equal(r.status, 200, r.res.body);
    expect401(await call(h, { url: CURRENT, headers: { cookie: s.cookie } }), 'revoked');
    expect401(await call(h, { url: '/api/v1/customers', headers: headersOf(s, t) }), 'revoked, read');
  });

  test(`the ${MAX_LIVE_SESSIONS + 1}st of a user ends the oldest`, async () => {
    const t = await tenant(h);
    const first = await signIn(h, { token: t.ownerToken });
    const rest: Session[] = [];
    for (let i = 1; i < MAX_LIVE_SESSIONS; i++) {
      const res = await call(h, { method: 'POST', url: SESSIONS, payload: { token: t.ownerToken } });
      rest.push({ cookie: cookieOf(res), csrf: '', res });
    }
    assert.equal((await call(h, { url: CURRENT, headers: { cookie: first.cookie } })).status, 200, '20 live');
    const last = await signIn(h, { token: t.ownerToken });
    expect401(await call(h, { url: CURRENT, headers: { cookie: first.cookie } }), 'the oldest ended');
    for (const s of [rest[0], rest.at(-1), last]) {
      assert.equal((await call(h, { url: CURRENT, headers: { cookie: s?.cookie ?? '' } })).status, 200);
    }
  });

  test('after the idle time without use (use extends it, at most once per interval), and at the absolute end', async () => {
    const t = await tenant(h);
    let clock = Date.now();
    const timed = await appOn(h, {
      sessions: { idleMs: 10_000, absoluteMs: 30_000, touchEveryMs: 1_000, now: () => clock },
    });
    try {
      const s = await signIn(timed, { token: t.ownerToken });
      const use = () => call(timed, { url: CURRENT, headers: { cookie: s.cookie } });
      // Used every 8 s: idle never reached, until the absolute end at 30 s.
      for (let at = 8_000; at < 30_000; at += 8_000) {
        clock += 8_000;
        assert.equal((await use()).status, 200, `used at +${at} ms`);
      }
      clock += 6_001; // +30.001 s
      expect401(await use(), 'past the absolute end');

      const idle = await signIn(timed, { token: t.ownerToken });
      const useIdle = () => call(timed, { url: CURRENT, headers: { cookie: idle.cookie } });
      clock += 500;
      assert.equal((await useIdle()).status, 200, 'used within the interval: not extended');
      clock += 9_501; // 10.001 s after sign-in, 9.501 s after that use
      expect401(await useIdle(), 'idle since the last extension');
      // The time is passed in, never the database's now(): a link expires by the same clock.
      const l = await link(await ownerId(t), 1, () => clock);
      clock += 60_001;
      expect401(await call(timed, { method: 'POST', url: SESSIONS, payload: { link: l } }), 'link expired');
    } finally {
      await timed.close();
    }
  });
});

describe('sign-in links', () => {
  test('single use, 15 minutes by default, 1..1440 minutes; a used link → 401', async () => {
    const t = await tenant(h);
    const before = Date.now();
    const made = await createSignInLink(h.db, {}, { user: { email: t.ownerEmail }, baseUrl: 'http://127.0.0.1:8000/' });
    assert.match(made.url, /^http:\/\/127\.0\.0\.1:8000\/console\/#\/sign-in\/dzl_[A-Za-z0-9_-]{43}$/);
    assert.equal(made.url.split('/').at(-1), made.secret);
    const minutes = (Date.parse(made.expires_at) - before) / 60_000;
    assert.ok(minutes > 14.9 && minutes < 15.1, `${minutes}`);
    for (const bad of [0, 1441, 1.5]) {
      await assert.rejects(
        createSignInLink(h.db, {}, { user: { email: t.ownerEmail }, minutes: bad, baseUrl: 'http://x' }),
        InvalidArgumentError,
      );
    }
    const stored = await h.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM sign_in_links WHERE secret_hash = $1',
      [made.secret],
    );
    assert.equal(stored.rows[0]?.n, 0, 'stored hashed');
    const s = await signIn(h, { link: made.secret });
    assert.deepEqual(s.res.body.data.user, { id: await ownerId(t), email: t.ownerEmail });
    assert.equal((await call(h, { url: '/api/v1/customers', headers: headersOf(s, t) })).status, 200);
    expect401(await call(h, { method: 'POST', url: SESSIONS, payload: { link: made.secret } }), 'used');
  });

  test('two sign-ins with one link at once: exactly one session', async () => {
    const t = await tenant(h);
    const l = await link(await ownerId(t));
    const both = await Promise.all([1, 2].map(() => call(h, { method: 'POST', url: SESSIONS, payload: { link: l } })));
    assert.deepEqual(both.map((r) => r.status).sort(), [201, 401]);
  });
});
