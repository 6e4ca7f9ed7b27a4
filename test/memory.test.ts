/**
 * Test mode's data side (contract §7): `serve --memory` (nothing on disk, several at
 * once, the PORT=0 line), its refusals, fixtures (given ids and tokens answer as given;
 * a bad file names the JSON path), determinism with `seed`, and the data reset. The
 * fixtures and the reset run in-process on the run's backend; one pair of `--memory`
 * processes answers the checks that are about the process.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { run } from '../src/cli/main.js';
import { buildApp } from '../src/http/app.js';
import { cursorSecret } from '../src/platform/settings.js';
import { captureData, restoreData } from '../src/test-mode/data-reset.js';
import { type Fixtures, loadFixtures, parseFixtures } from '../src/test-mode/fixtures.js';
import { BIN } from './helpers/cli.js';
import { BACKEND, call, freshMigratedDb, type Harness, until } from './helpers/harness.js';

const EXAMPLE = fileURLToPath(new URL('../examples/fixtures.json', import.meta.url));
const example = (): Fixtures => parseFixtures(readFileSync(EXAMPLE, 'utf8'));
const raw = JSON.parse(readFileSync(EXAMPLE, 'utf8'));
const ACME = raw.businesses[0];
const OWNER: string = ACME.members[0].tokens[0];
const VIEWER: string = ACME.members[1].tokens[0];
const auth = (token: string, business: string = ACME.id) => ({
  authorization: `Bearer ${token}`,
  'x-business-id': business,
});

/** A fresh database of the run's backend with `fixtures` loaded, and the app on it. */
async function withFixtures(fixtures: Fixtures): Promise<Harness> {
  const { db, databaseUrl, drop } = await freshMigratedDb();
  await loadFixtures(db, fixtures);
  const app = await buildApp({ db, cursorSecret: await cursorSecret(db) });
  return {
    db,
    app,
    databaseUrl,
    async close() {
      await app.close();
      await db.close();
      await drop();
    },
  };
}

describe('fixtures, in-process', () => {
  let h: Harness;
  before(async () => {
    h = await withFixtures(example());
  });
  after(async () => {
    await h?.close();
  });

  test('the tokens given authenticate as given, on the businesses, customers and contacts with the ids given', async () => {
    const businesses = await call(h, {
      method: 'GET',
      url: '/api/v1/businesses',
      headers: { authorization: `Bearer ${OWNER}` },
    });
    assert.equal(businesses.status, 200, businesses.res.body);
    assert.deepEqual(
      businesses.body.data.items.map((b: any) => [b.id, b.name, b.role]),
      [[ACME.id, 'Acme Corp', 'owner']],
    );
    const customers = await call(h, {
      method: 'GET',
      url: '/api/v1/customers?sort_by=created_at&descending=false',
      headers: auth(VIEWER),
    });
    assert.equal(customers.status, 200, customers.res.body);
    assert.deepEqual(
      customers.body.data.items.map((c: any) => [c.id, c.name, c.email, c.status, c.credit_limit_cents]),
      ACME.customers.map((c: any) => [c.id, c.name, c.email, c.status ?? 'active', c.credit_limit_cents ?? null]),
    );
    const globex = await call(h, {
      method: 'GET',
      url: `/api/v1/customers/${ACME.customers[0].id}`,
      headers: auth(VIEWER),
    });
    assert.equal(globex.status, 200, globex.res.body);
    assert.equal(globex.body.data.contacts[0].id, ACME.customers[0].contacts[0].id, 'the primary, with its given id');
    assert.equal(globex.body.data.contacts[0].is_primary, true);
    assert.equal(globex.body.data.contacts.length, 2);
    const contacts = await call(h, {
      method: 'GET',
      url: `/api/v1/customers/${ACME.customers[0].id}/contacts?include_total_count=true`,
      headers: auth(VIEWER),
    });
    assert.equal(contacts.body.data.total, 2, 'the contact count is kept');
    // Roles as given: the viewer reads, cannot write; the owner writes.
    const denied = await call(h, {
      method: 'POST',
      url: '/api/v1/customers',
      headers: auth(VIEWER),
      payload: { name: 'X', email: 'x@x.example' },
    });
    assert.equal(denied.status, 403, denied.res.body);
    const taken = await call(h, {
      method: 'POST',
      url: '/api/v1/customers',
      headers: auth(OWNER),
      payload: { name: 'Again', email: 'BILLING@globex.example' },
    });
    assert.equal(taken.status, 409, 'the fixture e-mails are taken like any other');
    // One account per e-mail: the viewer of Acme is also a viewer of Wayne, with the same token.
    const wayne = raw.businesses[1];
    const other = await call(h, { method: 'GET', url: '/api/v1/customers', headers: auth(VIEWER, wayne.id) });
    assert.deepEqual(
      other.body.data.items.map((c: any) => c.id),
      [wayne.customers[0].id],
    );
    const endpoints = await call(h, { method: 'GET', url: '/api/v1/webhook-endpoints', headers: auth(OWNER) });
    assert.equal(endpoints.status, 200, endpoints.res.body);
    assert.deepEqual(
      endpoints.body.data.items.map((e: any) => [e.id, e.url, e.events]),
      [[ACME.webhook_endpoints[0].id, 'capture:', ['*']]],
    );
    const secret = await h.db.query<{ secret: string }>('SELECT secret FROM webhook_endpoints');
    assert.deepEqual(
      secret.rows.map((r) => r.secret),
      [ACME.webhook_endpoints[0].secret],
    );
    // Fixtures are the starting state, not changes: the feed starts empty, no delivery is queued.
    const events = await call(h, { method: 'GET', url: '/api/v1/events', headers: auth(OWNER) });
    assert.deepEqual(events.body.data.items, []);
    const queued = await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_deliveries');
    assert.equal(queued.rows[0]?.n, 0);
  });

  test('rows are listed in file order: created_at one millisecond apart', async () => {
    const { rows } = await h.db.query<{ created_at: string }>(
      `SELECT created_at FROM customers WHERE business_id = '${ACME.id}' ORDER BY created_at`,
    );
    const ms = rows.map((r) => Date.parse(r.created_at));
    assert.equal(new Set(ms).size, ms.length, 'no ties');
  });
});

describe('a bad fixtures file names the JSON path of its mistake', () => {
  const base = () => structuredClone(raw);
  const cases: [string, (f: any) => void, RegExp][] = [
    ['not JSON', () => {}, /^fixtures: \$: not valid JSON/],
    [
      'a token not shaped like one',
      (f) => {
        f.businesses[0].members[1].tokens[0] = 'dz_short';
      },
      /^fixtures: \$\.businesses\[0\]\.members\[1\]\.tokens\[0\]: String should match pattern/,
    ],
    [
      'a customer without e-mail',
      (f) => {
        delete f.businesses[1].customers[0].email;
      },
      /^fixtures: \$\.businesses\[1\]\.customers\[0\]\.email: Field required$/,
    ],
    [
      'a misspelt field',
      (f) => {
        f.businesses[0].customers[1].contacts[0].emial = 'x@y.example';
      },
      /^fixtures: \$\.businesses\[0\]\.customers\[1\]\.contacts\[0\]\.emial: Extra inputs are not permitted$/,
    ],
    [
      'a bad contact e-mail',
      (f) => {
        f.businesses[0].customers[0].contacts[1].email = 'not-an-email';
      },
      /^fixtures: \$\.businesses\[0\]\.customers\[0\]\.contacts\[1\]\.email: value is not a valid email address/,
    ],
    [
      'an id used twice',
      (f) => {
        f.businesses[1].customers[0].id = f.businesses[0].customers[2].id;
      },
      /^fixtures: \$\.businesses\[1\]\.customers\[0\]\.id: id "[^"]+" is also at \$\.businesses\[0\]\.customers\[2\]\.id$/,
    ],
    [
      'a token used twice',
      (f) => {
        f.businesses[1].members[0].tokens = [OWNER];
      },
      /^fixtures: \$\.businesses\[1\]\.members\[0\]\.tokens\[0\]: token "dz_[^"]+" is also at \$\.businesses\[0\]\.members\[0\]\.tokens\[0\]$/,
    ],
    [
      'a business without owner',
      (f) => {
        f.businesses[1].members[0].role = 'admin';
      },
      /^fixtures: \$\.businesses\[1\]\.members: a business needs an owner$/,
    ],
    [
      'two primary contacts',
      (f) => {
        f.businesses[0].customers[0].contacts[1].is_primary = true;
      },
      /^fixtures: \$\.businesses\[0\]\.customers\[0\]\.contacts\[1\]\.is_primary: a customer has at most one primary contact$/,
    ],
    [
      'a webhook URL that is not one',
      (f) => {
        f.businesses[0].webhook_endpoints[0].url = 'ftp://x';
      },
      /^fixtures: \$\.businesses\[0\]\.webhook_endpoints\[0\]\.url: must be an http:\/\/ or https:\/\/ URL, or capture:$/,
    ],
  ];
  for (const [name, change, message] of cases) {
    test(name, () => {
      const f = base();
      change(f);
      const text = name === 'not JSON' ? '{"businesses": [' : JSON.stringify(f);
      assert.throws(() => parseFixtures(text), { message });
    });
  }
  test('the example file itself is valid', () => {
    assert.equal(example().businesses.length, 2);
  });
});

describe('determinism with seed', () => {
  /** The example without the ids and tokens it gives: everything is generated. */
  const generated = (seed: number | undefined): Fixtures => {
    const f = structuredClone(raw);
    if (seed === undefined) delete f.seed;
    else f.seed = seed;
    for (const b of f.businesses) {
      delete b.id;
      for (const m of b.members) delete m.tokens;
      for (const c of b.customers ?? []) {
        delete c.id;
        for (const k of c.contacts ?? []) delete k.id;
      }
      for (const e of b.webhook_endpoints ?? []) {
        delete e.id;
        delete e.secret;
      }
    }
    return parseFixtures(JSON.stringify(f));
  };
  /** Loads into a fresh database: what the fixtures made, and every table's rows. */
  const loadInto = async (f: Fixtures) => {
    const { db, drop } = await freshMigratedDb(2);
    try {
      const loaded = await loadFixtures(db, f);
      return { loaded, data: await captureData(db) };
    } finally {
      await db.close();
      await drop();
    }
  };

  test('the same fixtures with a seed give the same ids, tokens, secrets, times and cursor secret twice', async () => {
    const [a, b] = [await loadInto(generated(7)), await loadInto(generated(7))];
    assert.deepEqual(a.loaded, b.loaded);
    assert.deepEqual(a.data, b.data, 'every row of every table');
    const token = a.loaded.businesses[0]?.members[0]?.tokens[0] ?? '';
    assert.match(token, /^dz_[A-Za-z0-9_-]{43}$/);
    const businesses = JSON.parse(a.data.tables.find((t) => t.name === 'businesses')?.rows ?? '[]');
    assert.equal(Date.parse(businesses[0].created_at), Date.parse('2025-01-01T00:00:00Z'));
    // Without a seed, other data.
    const c = await loadInto(generated(undefined));
    assert.notDeepEqual(a.loaded, c.loaded);
    assert.notDeepEqual(a.data, c.data);
  });
});

describe('the data reset', () => {
  let h: Harness;
  before(async () => {
    h = await withFixtures(example());
  });
  after(async () => {
    await h?.close();
  });

  /** Every list the API has, each walked to its end, as the owner and the viewer see them. */
  async function walkEverything(): Promise<Record<string, unknown[]>> {
    const out: Record<string, unknown[]> = {};
    const walk = async (name: string, url: string, headers: Record<string, string>) => {
      const items: unknown[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 100; page++) {
        const sep = url.includes('?') ? '&' : '?';
        const r = await call(h, {
          method: 'GET',
          url: `${url}${sep}limit=2${cursor ? `&cursor=${cursor}` : ''}`,
          headers,
        });
        assert.equal(r.status, 200, `${url}: ${r.res.body}`);
        items.push(...r.body.data.items);
        cursor = r.body.data.has_more ? r.body.data.next_cursor : null;
        if (!cursor) break;
      }
      out[name] = items;
      return items;
    };
    const owner = auth(OWNER);
    for (const b of raw.businesses) {
      const who = auth(b.members[0].tokens[0], b.id);
      const customers = (await walk(`${b.id} customers`, '/api/v1/customers', who)) as { id: string }[];
      for (const c of customers) await walk(`${b.id} ${c.id} contacts`, `/api/v1/customers/${c.id}/contacts`, who);
      await walk(`${b.id} members`, '/api/v1/businesses/users', who);
      await walk(`${b.id} invitations`, '/api/v1/businesses/invitations', who);
      await walk(`${b.id} events`, '/api/v1/events', who);
      const endpoints = (await walk(`${b.id} endpoints`, '/api/v1/webhook-endpoints', who)) as { id: string }[];
      for (const e of endpoints)
        await walk(`${b.id} ${e.id} attempts`, `/api/v1/webhook-endpoints/${e.id}/deliveries`, who);
    }
    await walk('businesses', '/api/v1/businesses', { authorization: owner.authorization });
    // last_used_at is the wall clock of the walk itself (and written at most once a while): not state to compare.
    const tokens = await walk('tokens', '/api/v1/tokens', { authorization: owner.authorization });
    out.tokens = tokens.map((t) => ({ ...(t as object), last_used_at: '(wall clock)' }));
    return out;
  }

  test('restores exactly the state after the fixtures: every list, every row', async () => {
    const snapshot = await captureData(h.db);
    const before = await walkEverything();
    const owner = auth(OWNER);
    // Change everything a test might: customers, contacts, deletions, members, invitations,
    // tokens, webhook endpoints, idempotency keys, events and their deliveries.
    const created = await call(h, {
      method: 'POST',
      url: '/api/v1/customers',
      headers: { ...owner, 'idempotency-key': 'reset-test-1' },
      payload: { name: 'New Co', email: 'new@co.example' },
    });
    assert.equal(created.status, 201, created.res.body);
    const c0 = ACME.customers[0].id;
    assert.equal(
      (
        await call(h, {
          method: 'POST',
          url: `/api/v1/customers/${c0}/contacts`,
          headers: owner,
          payload: { name: 'N', is_primary: true },
        })
      ).status,
      201,
    );
    assert.equal(
      (
        await call(h, {
          method: 'PUT',
          url: `/api/v1/customers/${ACME.customers[1].id}`,
          headers: owner,
          payload: { name: 'Renamed' },
        })
      ).status,
      200,
    );
    assert.equal(
      (await call(h, { method: 'DELETE', url: `/api/v1/customers/${ACME.customers[2].id}`, headers: owner })).status,
      200,
    );
    const invite = await call(h, {
      method: 'POST',
      url: '/api/v1/businesses/invitations',
      headers: owner,
      payload: { email: 'new@acme.example', role: 'member' },
    });
    assert.equal(invite.status, 201, invite.res.body);
    assert.equal(
      (
        await call(h, {
          method: 'POST',
          url: '/api/v1/tokens',
          headers: { authorization: owner.authorization },
          payload: {},
        })
      ).status,
      201,
    );
    const hook = await call(h, {
      method: 'POST',
      url: '/api/v1/webhook-endpoints',
      headers: owner,
      payload: { url: 'https://93.184.215.14/hook', events: ['*'] },
    });
    assert.equal(hook.status, 201, hook.res.body);
    const changed = await walkEverything();
    assert.notDeepEqual(changed, before, 'the changes show');

    await restoreData(h.db, snapshot);
    h.app.forgetCachedAuth();
    assert.deepEqual(await walkEverything(), before, 'every list as it was');
    const tokensUsed = (d: typeof snapshot) => {
      const tokens = d.tables.find((t) => t.name === 'api_tokens');
      if (tokens)
        tokens.rows = JSON.stringify(JSON.parse(tokens.rows).map((r: object) => ({ ...r, last_used_at: null })));
      // A reset draws a new change epoch on purpose (no ETag from before it matches after it).
      const settings = d.tables.find((t) => t.name === 'settings');
      if (settings)
        settings.rows = JSON.stringify(
          JSON.parse(settings.rows)
            .map((r: { key: string }) => (r.key === 'change_epoch' ? { ...r, value: '' } : r))
            .sort((a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key)),
        );
      d.script = '';
      return d;
    };
    const restored = await captureData(h.db);
    assert.deepEqual(tokensUsed(restored), tokensUsed(structuredClone(snapshot)), 'every row of every table as it was');
    // And the server works on from there: the idempotency key is new again, the e-mail free.
    const again = await call(h, {
      method: 'POST',
      url: '/api/v1/customers',
      headers: { ...owner, 'idempotency-key': 'reset-test-1' },
      payload: { name: 'New Co', email: 'new@co.example' },
    });
    assert.equal(again.status, 201, again.res.body);
    assert.notEqual(again.body.data.id, created.body.data.id, 'a new customer, not a replay');
  });
});

/** Runs the CLI in-process with this environment: exit code and stderr. */
async function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | 'serving'; stderr: string }> {
  let stderr = '';
  const code = await run(args, {
    env,
    stdout: () => {},
    stderr: (t) => {
      stderr += t;
    },
    isTTY: false,
  });
  return { code, stderr };
}

describe('what --memory, test mode and fixtures refuse (exit 2)', () => {
  const cases: [string, string[], Record<string, string>, RegExp][] = [
    [
      '--memory with DATABASE_URL',
      ['--memory'],
      { DATABASE_URL: 'postgres://x@127.0.0.1/x' },
      /--memory keeps the embedded database in memory: unset DATABASE_URL/,
    ],
    [
      'DATA_DIR=:memory: with DATABASE_URL',
      [],
      { DATA_DIR: ':memory:', DATABASE_URL: 'postgres://x@127.0.0.1/x' },
      /DATA_DIR=:memory: keeps .* unset DATABASE_URL/,
    ],
    [
      '--memory with DATABASE_READ_URL',
      ['--memory'],
      { DATABASE_READ_URL: 'postgres://x@127.0.0.1/x' },
      /unset DATABASE_READ_URL/,
    ],
    ['--memory with WORKERS=2', ['--memory'], { WORKERS: '2' }, /--memory is one process: WORKERS=2/],
    ['--test-mode without --memory', ['--test-mode'], {}, /--test-mode needs --memory/],
    ['TEST_MODE=1 without --memory', [], { TEST_MODE: '1' }, /TEST_MODE=1 needs --memory/],
    ['--fixtures without --memory', ['--fixtures', EXAMPLE], {}, /--fixtures needs --memory/],
    [
      'a bad fixtures file',
      ['--memory', '--fixtures', '/nonexistent/fixtures.json'],
      {},
      /fixtures: cannot read \/nonexistent\/fixtures\.json: ENOENT/,
    ],
  ];
  for (const [name, flags, env, message] of cases) {
    test(name, async () => {
      const r = await cli(['serve', ...flags], env);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /^customers-api: /);
    });
  }
  test('a bad fixtures file stops the start with its JSON path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'customers-api-fixtures-'));
    try {
      const f = structuredClone(raw);
      f.businesses[0].members[0].role = 'boss';
      writeFileSync(join(dir, 'f.json'), JSON.stringify(f));
      const r = await cli(['serve', '--memory', '--fixtures', join(dir, 'f.json')]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(
        r.stderr,
        /^customers-api: fixtures: \$\.businesses\[0\]\.members\[0\]\.role: Input should be 'owner', 'admin', 'member' or 'viewer'\n$/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  test('other commands refuse DATA_DIR=:memory: (nothing they did would last)', async () => {
    const r = await cli(['token', 'list', '--email', 'a@b.example'], { DATA_DIR: ':memory:' });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /DATA_DIR=:memory: lives only as long as its server/);
  });
});

describe('serve --memory, as a process', {
  skip: BACKEND !== 'pglite' && 'one run is enough: the process embeds its database',
}, () => {
  test('two at once, the PORT=0 line first, nothing written to the working or the temp directory', async (t) => {
    const work = mkdtempSync(join(tmpdir(), 'customers-api-memory-cwd-'));
    const temp = mkdtempSync(join(tmpdir(), 'customers-api-memory-tmp-'));
    t.after(() => {
      rmSync(work, { recursive: true, force: true });
      rmSync(temp, { recursive: true, force: true });
    });
    const start = (fixtures: boolean) => {
      const child = spawn(
        process.execPath,
        [BIN, 'serve', '--memory', ...(fixtures ? ['--test-mode', '--fixtures', EXAMPLE] : [])],
        {
          cwd: work,
          env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', TMPDIR: temp, DATABASE_URL: '', DATA_DIR: '' },
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true,
        },
      );
      const exited = new Promise((resolve) => child.once('exit', resolve));
      t.after(async () => {
        if (child.exitCode === null && child.signalCode === null) process.kill(-(child.pid as number), 'SIGKILL');
        await exited;
      });
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      const firstLine = new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d) => {
          stdout += d;
          const nl = stdout.indexOf('\n');
          if (nl >= 0) resolve(stdout.slice(0, nl));
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
      });
      return { child, firstLine, stderr: () => stderr, stdout: () => stdout };
    };
    const a = start(true);
    const b = start(false);
    const [lineA, lineB] = await Promise.all([a.firstLine, b.firstLine]);
    const portLine = JSON.parse(lineA);
    assert.deepEqual(Object.keys(portLine), ['listening', 'test_key'], lineA);
    assert.match(portLine.listening, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(portLine.test_key, raw.test_key, 'the fixtures key');
    const other = JSON.parse(lineB);
    assert.deepEqual(Object.keys(other), ['listening'], 'no key outside test mode');
    assert.notEqual(other.listening, portLine.listening);
    // The fixture token answers over HTTP; the other server has its own (demo) data, not these.
    const customers = await fetch(`${portLine.listening}/api/v1/customers`, { headers: auth(OWNER) });
    assert.equal(customers.status, 200);
    const body = (await customers.json()) as any;
    assert.equal(body.data.items.length, ACME.customers.length);
    assert.equal((await fetch(`${other.listening}/api/v1/customers`, { headers: auth(OWNER) })).status, 401);
    await fetch(`${portLine.listening}/api/v1/customers`, {
      method: 'POST',
      headers: { ...auth(OWNER), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Written', email: 'written@x.example' }),
    });
    // Later lines are the logs: JSON each.
    for (const line of a.stdout().trim().split('\n').slice(1)) assert.doesNotThrow(() => JSON.parse(line), line);
    // The banner goes to stderr once the server listens: it may come after the port line.
    await until('the test-mode banner', () => a.stderr().includes('listening on') || undefined, 10_000);
    await until('the other banner', () => b.stderr().includes('listening on') || undefined, 10_000);
    assert.match(a.stderr(), /TEST MODE — not for production/);
    assert.match(b.stderr(), /First run: created a demo business/, 'without fixtures, the demo data of a first run');
    for (const s of [a, b]) {
      const code = new Promise((resolve) => s.child.once('exit', resolve));
      process.kill(-(s.child.pid as number), 'SIGTERM');
      assert.equal(await code, 0);
    }
    assert.deepEqual(readdirSync(work), [], 'nothing in the working directory');
    assert.deepEqual(readdirSync(temp), [], 'nothing in the temp directory');
  });
});
