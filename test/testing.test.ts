// `customers-api/testing` (contract §7): startTestServer spawns a real `serve --memory --test-mode`
// child in its own process group and drives its /_test/ API; stop() leaves no process behind.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { NotFoundError, ServerError } from '@customers-api/client';
import { startTestServer, type TestServer, TestServerStartError } from 'customers-api/testing';

const FIXTURES = new URL('../examples/fixtures.json', import.meta.url);
const example = JSON.parse(readFileSync(FIXTURES, 'utf8'));

/** Whether any process of the group led by `pid` is alive. */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('startTestServer with the example fixtures', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ fixtures: 'examples/fixtures.json' });
  });
  after(async () => {
    await s?.stop();
  });

  test('hands back the address, the test key, the owner token and the business of the fixtures', async () => {
    assert.match(s.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(s.testKey, example.test_key);
    assert.equal(s.token, example.businesses[0].members[0].tokens[0]);
    assert.equal(s.businessId, example.businesses[0].id);
    const res = await fetch(`${s.baseUrl}/healthz`);
    assert.equal(res.status, 200);
    const page = await s.client.customers.page({ limit: 100 });
    assert.deepEqual(
      page.items.map((c) => c.id).sort(),
      example.businesses[0].customers.map((c: { id: string }) => c.id).sort(),
    );
  });

  test('reset() puts the fixtures back: a customer created since is gone', async () => {
    const made = await s.client.customers.create({ name: 'Made in a test', email: 'made@test.example' });
    assert.equal((await s.client.customers.get(made.id)).name, 'Made in a test');
    await s.reset();
    await assert.rejects(s.client.customers.get(made.id), NotFoundError);
  });

  test('faults: arm, list, meet, clear', async () => {
    await s.reset();
    const id = await s.faults.arm({ method: 'GET', path: '/api/v1/customers*', status: 500, count: 2 });
    const armed = await s.faults.list();
    assert.deepEqual(
      armed.map((f) => [f.id, f.status, f.remaining]),
      [[id, 500, 2]],
    );
    await assert.rejects(s.client.customers.page(), ServerError);
    assert.equal((await s.faults.list())[0]?.remaining, 1);
    await s.faults.clear();
    assert.deepEqual(await s.faults.list(), []);
    assert.ok((await s.client.customers.page()).items.length > 0);
  });

  test('webhooks: a change is delivered to the capture: endpoint and listed; clock: moves now forward', async () => {
    await s.reset();
    assert.deepEqual(await s.webhooks.list(), []);
    const made = await s.client.customers.create({ name: 'Hooked', email: 'hooked@test.example' });
    await s.webhooks.flush();
    const attempts = await s.webhooks.list();
    assert.ok(attempts.length >= 1, JSON.stringify(attempts));
    const first = attempts[0];
    assert.equal(first?.url, 'capture:');
    assert.equal(first?.status, 204);
    const event = JSON.parse(first?.body ?? '{}');
    assert.equal(event.type, 'customer.created');
    assert.equal(event.data.object.id, made.id);
    const now = Date.parse(await s.clock.advance(3600));
    assert.ok(now >= Date.now() + 3500_000, `${new Date(now).toISOString()}`);
    await s.reset();
    assert.deepEqual(await s.webhooks.list(), []);
  });

  test('/_test/ answers 401 without its key: the helper sends it', async () => {
    const res = await fetch(`${s.baseUrl}/_test/faults`);
    assert.equal(res.status, 401);
  });
});

describe('startTestServer on its own fixtures', () => {
  test('without fixtures: a business and an owner token made for the run; stop() ends the process group and removes its temp dir', async () => {
    const before = new Set(listTemp());
    const s = await startTestServer();
    let stopped = false;
    try {
      const made = listTemp().filter((n) => !before.has(n));
      assert.equal(made.length, 1, `one temp dir for the fixtures: ${made}`);
      assert.match(s.token, /^dz_[A-Za-z0-9_-]{43}$/);
      const business = await s.client.businesses.get(s.businessId);
      assert.equal(business.name, 'Test business');
      assert.deepEqual((await s.client.customers.page()).items, []);
      assert.ok(groupAlive(s.pid));
      await s.stop();
      stopped = true;
      assert.ok(!groupAlive(s.pid), 'the process group is gone');
      assert.deepEqual(
        listTemp().filter((n) => !before.has(n)),
        [],
      );
      await s.stop(); // twice is fine
      await assert.rejects(fetch(`${s.baseUrl}/healthz`));
    } finally {
      if (!stopped) await s.stop();
    }
  });

  test('bad fixtures: the start rejects with the server’s own message (exit 2, the JSON path)', async () => {
    await assert.rejects(
      startTestServer({
        fixtures: {
          businesses: [{ name: 'Bad', members: [{ email: 'o@bad.example', role: 'owner', tokens: ['dz_short'] }] }],
        },
      }),
      (err: Error) => {
        assert.ok(err instanceof TestServerStartError, String(err));
        assert.match(err.message, /exited \(code 2\)/);
        assert.match(err.message, /fixtures: \$\.businesses\[0\]\.members\[0\]\.tokens\[0\]/);
        return true;
      },
    );
  });

  test('a start that does not listen in time is given up, with no process left', async () => {
    await assert.rejects(startTestServer({ startTimeoutMs: 1 }), /did not listen within 1 ms/);
  });
});

function listTemp(): string[] {
  return readdirSync(tmpdir()).filter((n) => n.startsWith('customers-api-testing-'));
}
