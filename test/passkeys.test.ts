import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildApp } from '../src/http/app.js';
import { Clock } from '../src/platform/clock.js';
import { cursorSecret } from '../src/platform/settings.js';
import { MAX_PASSKEYS } from '../src/resources/passkeys/service.js';
import { call, type Harness, type Json, setup, type Tenant, tenant } from './helpers/harness.js';
import { type Forgery, SoftPasskey } from './helpers/webauthn.js';

/** Passkeys (contract §6, "Signing in again"): register while signed in, sign in with one later. */
let h: Harness;
before(async () => {
  h = await setup();
});
after(async () => {
  await h?.close();
});

const ORIGIN = 'http://localhost:8000';
const HOST = { host: 'localhost:8000' };
const expect401 = (r: Json, what: string) => {
  assert.equal(r.status, 401, `${what}: ${r.res.body}`);
  assert.deepEqual(r.body, { detail: 'Not authenticated' }, what);
};
const bearer = (t: Tenant) => ({ ...HOST, authorization: `Bearer ${t.ownerToken}` });

async function registrationOptions(on: Harness, t: Tenant) {
  const r = await call(on, { method: 'POST', url: '/api/v1/passkeys/options', headers: bearer(t) });
  assert.equal(r.status, 200, r.res.body);
  return r.body.data;
}

async function register(on: Harness, t: Tenant, key: SoftPasskey, f: Forgery = {}, name?: string): Promise<Json> {
  const options = await registrationOptions(on, t);
  return await call(on, {
    method: 'POST',
    url: '/api/v1/passkeys',
    headers: bearer(t),
    payload: { credential: key.register(options, f), ...(name ? { name } : {}) },
  });
}

async function signInOptions(on: Harness) {
  const r = await call(on, { method: 'POST', url: '/api/v1/sessions/passkey/options', headers: HOST });
  assert.equal(r.status, 200, r.res.body);
  return r.body.data;
}

async function signIn(on: Harness, key: SoftPasskey, f: Forgery = {}, options?: { challenge: string }) {
  const credential = key.signIn(options ?? (await signInOptions(on)), f);
  return {
    credential,
    r: await call(on, { method: 'POST', url: '/api/v1/sessions/passkey', headers: HOST, payload: { credential } }),
  };
}

describe('registering a passkey', () => {
  test('a signed-in user registers one; it is listed (no key) and signs them in to a working session', async () => {
    const t = await tenant(h);
    const key = new SoftPasskey(ORIGIN);
    const options = await registrationOptions(h, t);
    assert.equal(options.rp.id, 'localhost');
    assert.equal(options.user.name, t.ownerEmail);
    assert.equal(options.authenticatorSelection.residentKey, 'required');
    const made = await call(h, {
      method: 'POST',
      url: '/api/v1/passkeys',
      headers: bearer(t),
      payload: { name: 'Work laptop', credential: key.register(options) },
    });
    assert.equal(made.status, 201, made.res.body);
    assert.equal(made.body.data.name, 'Work laptop');
    assert.deepEqual(made.body.data.transports, ['internal']);
    assert.equal(made.body.data.last_used_at, null);

    const list = await call(h, { url: '/api/v1/passkeys', headers: bearer(t) });
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.data.items.map((p: { id: string }) => p.id),
      [made.body.data.id],
    );
    assert.ok(!list.res.body.includes('public_key'));

    const { r } = await signIn(h, key);
    assert.equal(r.status, 201, r.res.body);
    assert.equal(r.body.data.user.email, t.ownerEmail);
    const set = String(r.res.headers['set-cookie']);
    assert.match(set, /^dz_session_\d+=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict/);
    const cookie = set.split(';')[0] ?? '';
    const current = await call(h, { url: '/api/v1/sessions/current', headers: { ...HOST, cookie } });
    assert.equal(current.status, 200, current.res.body);
    const customers = await call(h, {
      url: '/api/v1/customers',
      headers: { ...HOST, cookie, 'x-csrf-token': current.body.data.csrf_token, 'x-business-id': t.businessId },
    });
    assert.equal(customers.status, 200, customers.res.body);
    const again = await call(h, { url: '/api/v1/passkeys', headers: bearer(t) });
    assert.notEqual(again.body.data.items[0].last_used_at, null, 'the sign-in is recorded');
  });

  test('the next options name the passkeys held, so an authenticator does not make a second', async () => {
    const t = await tenant(h);
    const key = new SoftPasskey(ORIGIN);
    assert.equal((await register(h, t, key)).status, 201);
    const options = await registrationOptions(h, t);
    assert.deepEqual(
      options.excludeCredentials.map((c: { id: string }) => c.id),
      [key.credentialId],
    );
    const twice = await register(h, t, key);
    assert.equal(twice.status, 409, twice.res.body);
  });

  test('a credential that does not verify → 422 at body.credential, and nothing is kept', async () => {
    const t = await tenant(h);
    const cases: [string, Forgery][] = [
      ['another origin', { origin: 'http://evil.example' }],
      ['another relying party', { rpId: 'evil.example' }],
      ['no user verification', { verified: false }],
      ['a challenge never handed out', { challenge: 'A'.repeat(43) }],
    ];
    for (const [what, forgery] of cases) {
      const r = await register(h, t, new SoftPasskey(ORIGIN), forgery);
      assert.equal(r.status, 422, `${what}: ${r.res.body}`);
      assert.deepEqual(r.body.detail[0].loc, ['body', 'credential'], what);
    }
    const list = await call(h, { url: '/api/v1/passkeys', headers: bearer(t) });
    assert.deepEqual(list.body.data.items, []);
  });

  test("a challenge is single use and its user's alone", async () => {
    const t = await tenant(h);
    const other = await tenant(h);
    const options = await registrationOptions(h, t);
    const stolen = await call(h, {
      method: 'POST',
      url: '/api/v1/passkeys',
      headers: bearer(other),
      payload: { credential: new SoftPasskey(ORIGIN).register(options) },
    });
    assert.equal(stolen.status, 422, `another user's challenge: ${stolen.res.body}`);
    const fresh = await registrationOptions(h, t);
    const first = await call(h, {
      method: 'POST',
      url: '/api/v1/passkeys',
      headers: bearer(t),
      payload: { credential: new SoftPasskey(ORIGIN).register(fresh) },
    });
    assert.equal(first.status, 201, first.res.body);
    const reused = await call(h, {
      method: 'POST',
      url: '/api/v1/passkeys',
      headers: bearer(t),
      payload: { credential: new SoftPasskey(ORIGIN).register(fresh) },
    });
    assert.equal(reused.status, 422, `a used challenge: ${reused.res.body}`);
  });

  test('transports: only those WebAuthn names are kept; a value of the wrong type → 422, and the server carries on', async () => {
    const t = await tenant(h);
    const send = async (transports: unknown) => {
      const credential: { response: Record<string, unknown> } = new SoftPasskey(ORIGIN).register(
        await registrationOptions(h, t),
      );
      credential.response.transports = transports;
      return await call(h, { method: 'POST', url: '/api/v1/passkeys', headers: bearer(t), payload: { credential } });
    };
    const kept = await send(['usb', 'bogus', 'internal', 'usb']);
    assert.equal(kept.status, 201, kept.res.body);
    assert.deepEqual(kept.body.data.transports, ['usb', 'internal']);
    for (const bad of ['usb', 5, [5], Array(9).fill('usb')]) {
      const r = await send(bad);
      assert.equal(r.status, 422, `${JSON.stringify(bad)}: ${r.res.body}`);
    }
    const list = await call(h, { url: '/api/v1/passkeys', headers: bearer(t) });
    assert.equal(list.status, 200, 'the database still answers');
    assert.equal(list.body.data.items.length, 1);
  });

  test(`at most ${MAX_PASSKEYS} passkeys per user: one more → 409`, async () => {
    const t = await tenant(h);
    for (let i = 0; i < MAX_PASSKEYS; i++) assert.equal((await register(h, t, new SoftPasskey(ORIGIN))).status, 201);
    const over = await register(h, t, new SoftPasskey(ORIGIN));
    assert.equal(over.status, 409, over.res.body);
  });

  test('needs a caller; takes no Idempotency-Key; another user cannot delete one (404)', async () => {
    expect401(await call(h, { method: 'POST', url: '/api/v1/passkeys/options', headers: HOST }), 'no token');
    const t = await tenant(h);
    const keyed = await call(h, {
      method: 'POST',
      url: '/api/v1/passkeys/options',
      headers: { ...bearer(t), 'idempotency-key': 'k-1' },
    });
    assert.equal(keyed.status, 422, keyed.res.body);
    const made = await register(h, t, new SoftPasskey(ORIGIN));
    const other = await tenant(h);
    const url = `/api/v1/passkeys/${made.body.data.id}`;
    assert.equal((await call(h, { method: 'DELETE', url, headers: bearer(other) })).status, 404);
    assert.deepEqual((await call(h, { url: '/api/v1/passkeys', headers: bearer(other) })).body.data.items, []);
    assert.equal((await call(h, { method: 'DELETE', url, headers: bearer(t) })).status, 200);
    assert.equal((await call(h, { method: 'DELETE', url, headers: bearer(t) })).status, 404, 'gone');
  });
});

describe('signing in with a passkey', () => {
  test('every bad answer → 401, saying nothing of why', async () => {
    const t = await tenant(h);
    const key = new SoftPasskey(ORIGIN);
    assert.equal((await register(h, t, key)).status, 201);
    const cases: [string, Forgery][] = [
      ['another origin', { origin: 'http://evil.example' }],
      ['another relying party', { rpId: 'evil.example' }],
      ['a bad signature', { badSignature: true }],
      ['no user verification', { verified: false }],
      ['a challenge never handed out', { challenge: 'A'.repeat(43) }],
    ];
    for (const [what, forgery] of cases) expect401((await signIn(h, key, forgery)).r, what);
    expect401((await signIn(h, new SoftPasskey(ORIGIN))).r, 'a passkey never registered');
    // The signature counter only moves forward (a cloned authenticator).
    assert.equal((await signIn(h, key, { counter: 50 })).r.status, 201);
    expect401((await signIn(h, key, { counter: 10 })).r, 'a counter gone back');
    assert.equal((await signIn(h, key, { counter: 51 })).r.status, 201, 'the key still works');
  });

  test('a signature counter past 2³¹ (WebAuthn allows up to 2³²−1) still signs in, and still only moves forward', async () => {
    const t = await tenant(h);
    const key = new SoftPasskey(ORIGIN);
    assert.equal((await register(h, t, key)).status, 201);
    const high = (await signIn(h, key, { counter: 3_000_000_000 })).r;
    assert.equal(high.status, 201, high.res.body);
    assert.equal((await signIn(h, key, { counter: 3_000_000_001 })).r.status, 201);
    expect401((await signIn(h, key, { counter: 2_999_999_999 })).r, 'back');
  });

  test('the sign-in options spend the address rate limit (each stores a challenge)', async () => {
    const app = await buildApp({
      db: h.db,
      cursorSecret: await cursorSecret(h.db),
      rateLimit: { perToken: 0, perAddress: 2, windowMs: 60_000 },
    });
    const on: Harness = { ...h, app, contract: undefined, close: () => app.close() };
    try {
      const ask = () => call(on, { method: 'POST', url: '/api/v1/sessions/passkey/options', headers: HOST });
      assert.equal((await ask()).status, 200);
      assert.equal((await ask()).status, 200);
      const third = await ask();
      assert.equal(third.status, 429, third.res.body);
    } finally {
      await app.close();
    }
  });

  test('an answer replayed, or its challenge used twice → 401', async () => {
    const t = await tenant(h);
    const key = new SoftPasskey(ORIGIN);
    assert.equal((await register(h, t, key)).status, 201);
    const { credential, r } = await signIn(h, key);
    assert.equal(r.status, 201, r.res.body);
    const replay = await call(h, {
      method: 'POST',
      url: '/api/v1/sessions/passkey',
      headers: HOST,
      payload: { credential },
    });
    expect401(replay, 'replayed');
    const options = await signInOptions(h);
    assert.equal((await signIn(h, key, {}, options)).r.status, 201);
    expect401((await signIn(h, key, {}, options)).r, 'the challenge again');
  });

  test('a deleted passkey signs nobody in', async () => {
    const t = await tenant(h);
    const key = new SoftPasskey(ORIGIN);
    const made = await register(h, t, key);
    await call(h, { method: 'DELETE', url: `/api/v1/passkeys/${made.body.data.id}`, headers: bearer(t) });
    expect401((await signIn(h, key)).r, 'deleted');
  });

  test('a challenge expires after 5 minutes', async () => {
    const clock = new Clock();
    const app = await buildApp({ db: h.db, cursorSecret: await cursorSecret(h.db), clock });
    const on: Harness = { ...h, app, contract: undefined, close: () => app.close() };
    try {
      const t = await tenant(on);
      const key = new SoftPasskey(ORIGIN);
      assert.equal((await register(on, t, key)).status, 201);
      const options = await signInOptions(on);
      clock.advance(5 * 60 + 1);
      expect401((await signIn(on, key, {}, options)).r, 'expired');
      const late = await registrationOptions(on, t);
      clock.advance(5 * 60 + 1);
      const r = await call(on, {
        method: 'POST',
        url: '/api/v1/passkeys',
        headers: bearer(t),
        payload: { credential: new SoftPasskey(ORIGIN).register(late) },
      });
      assert.equal(r.status, 422, r.res.body);
    } finally {
      await app.close();
    }
  });

  test('with PUBLIC_URL, passkeys belong to its host, whatever Host a request sends', async () => {
    const app = await buildApp({
      db: h.db,
      cursorSecret: await cursorSecret(h.db),
      publicUrl: 'https://console.example.com',
    });
    const on: Harness = { ...h, app, contract: undefined, close: () => app.close() };
    try {
      const t = await tenant(on);
      const options = await registrationOptions(on, t);
      assert.equal(options.rp.id, 'console.example.com');
      const local = await register(on, t, new SoftPasskey(ORIGIN));
      assert.equal(local.status, 422, 'a passkey made for localhost');
      const key = new SoftPasskey('https://console.example.com');
      assert.equal((await register(on, t, key)).status, 201);
      assert.equal((await signIn(on, key)).r.status, 201);
    } finally {
      await app.close();
    }
  });

  test('failed passkey sign-ins spend the address budget of failed authentications', async () => {
    const app = await buildApp({
      db: h.db,
      cursorSecret: await cursorSecret(h.db),
      authFailures: { budget: 2, windowMs: 60_000 },
    });
    const on: Harness = { ...h, app, contract: undefined, close: () => app.close() };
    try {
      const t = await tenant(on);
      const key = new SoftPasskey(ORIGIN);
      assert.equal((await register(on, t, key)).status, 201);
      for (let i = 0; i < 2; i++) expect401((await signIn(on, key, { badSignature: true })).r, `failure ${i}`);
      expect401((await signIn(on, key)).r, 'past the budget, even a good answer');
    } finally {
      await app.close();
    }
  });
});
