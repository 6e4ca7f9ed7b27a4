import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { run } from '../src/cli/main.js';
import type { Db } from '../src/platform/db/db.js';
import { loadMigrations } from '../src/platform/db/migrate.js';
import { acquireLock, releaseLock } from '../src/platform/db/pglite.js';
import { BIN, cli, listening } from './helpers/cli.js';
import { freePort } from './helpers/cluster.js';
import { BACKEND, freshMigratedDb, freshPostgresDatabase, unique } from './helpers/harness.js';

/**
 * The commands run in-process against one migrated database of the suite's
 * backend (opening an embedded database per command would cost seconds each);
 * a few end-to-end tests below run the real executable.
 */
let db: Db;
let drop: () => Promise<void>;
before(async () => {
  ({ db, drop } = await freshMigratedDb(4));
});
after(async () => {
  await db?.close();
  await drop?.();
});

interface Ran {
  code: number | 'serving';
  stdout: string;
  stderr: string;
}

async function cmd(args: string[]): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    env: {},
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    isTTY: false,
    db,
  });
  return { code, stdout, stderr };
}

async function json(args: string[]): Promise<any> {
  const r = await cmd([...args, '--json']);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** A business of this test's own, made through the CLI. */
async function business(): Promise<{ businessId: string; ownerEmail: string }> {
  const ownerEmail = `${unique('owner')}@cli.example`;
  const r = await json(['business', 'create', '--name', unique('Cli Co '), '--owner-email', ownerEmail]);
  return { businessId: r.business_id, ownerEmail };
}

describe('administration commands', () => {
  test('business create → business, owner, token', async () => {
    const ownerEmail = `${unique('owner')}@cli.example`;
    const r = await json(['business', 'create', '--name', 'Cli Co', '--owner-email', ownerEmail]);
    assert.deepEqual(Object.keys(r).sort(), ['business_id', 'token', 'user_id']);
    assert.match(r.token, /^dz_[A-Za-z0-9_-]{43}$/);
    const { rows } = await db.query<{ name: string; role: string; email: string }>(
      `SELECT b.name, m.role, u.email FROM businesses b JOIN memberships m ON m.business_id = b.id
         JOIN users u ON u.id = m.user_id WHERE b.id = $1`,
      [r.business_id],
    );
    assert.deepEqual(rows, [{ name: 'Cli Co', role: 'owner', email: ownerEmail }]);
  });

  test('member add, token create / list / revoke', async () => {
    const { businessId } = await business();
    const email = `${unique('viewer')}@cli.example`;
    const m = await json(['member', 'add', '--business', businessId, '--email', email, '--role', 'viewer']);
    assert.deepEqual(Object.keys(m).sort(), ['token', 'user_id']);
    const t = await json(['token', 'create', '--email', email, '--expires-in-days', '30']);
    assert.deepEqual(Object.keys(t).sort(), ['expires_at', 'token', 'token_id']);
    const listed = await json(['token', 'list', '--email', email]);
    assert.equal(listed.tokens.length, 2);
    assert.equal(JSON.stringify(listed).includes(t.token), false, 'secrets are never listed');
    const made = listed.tokens.find((x: { token_id: string }) => x.token_id === t.token_id);
    // Both instants come from the database's clock: exactly 30 days apart.
    assert.equal(Date.parse(made.expires_at) - Date.parse(made.created_at), 30 * 86_400_000);
    assert.equal(made.expires_at, t.expires_at);
    const revoked = await json(['token', 'revoke', '--id', t.token_id]);
    assert.equal(revoked.token_id, t.token_id);
    const after = await json(['token', 'list', '--email', email]);
    assert.equal(after.tokens.find((x: { token_id: string }) => x.token_id === t.token_id).active, false);
    const { rows } = await db.query<{ role: string }>(
      `SELECT m.role FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = $1 AND m.business_id = $2`,
      [email, businessId],
    );
    assert.deepEqual(rows, [{ role: 'viewer' }]);
  });

  test('seed inserts customers and contacts with exact counts', async () => {
    const { businessId } = await business();
    const r = await json(['seed', '--business', businessId, '--customers', '30', '--contacts-per-customer', '4']);
    assert.equal(r.customers, 30);
    assert.equal(r.contacts, 120);
    const { rows } = await db.query<{ customers: number; contacts: number; bad_counts: number; primaries: number }>(
      `SELECT (SELECT count(*)::int FROM customers WHERE business_id = $1) AS customers,
              (SELECT count(*)::int FROM contacts WHERE business_id = $1) AS contacts,
              (SELECT count(*)::int FROM customers c WHERE business_id = $1 AND contact_count <>
                 (SELECT count(*) FROM contacts k WHERE k.business_id = c.business_id AND k.customer_id = c.id)) AS bad_counts,
              (SELECT count(*)::int FROM contacts WHERE business_id = $1 AND is_primary) AS primaries`,
      [businessId],
    );
    assert.deepEqual(rows[0], { customers: 30, contacts: 120, bad_counts: 0, primaries: 30 });
  });

  test('import: the bulk-upload rules from a file, batches committed as they go', async () => {
    const { businessId } = await business();
    const dir = mkdtempSync(join(tmpdir(), 'customers-api-import-'));
    try {
      const file = join(dir, 'customers.csv');
      const lines = ['\ufeffname,email,status'];
      for (let i = 1; i <= 2500; i++) lines.push(`"Imported ${i}, Ltd",imp${i}@cli.example,active`);
      lines.push('Again,IMP1@cli.example,active', 'Bad,bad,unknown');
      writeFileSync(file, `${lines.join('\r\n')}\r\n`);
      const r = await json(['import', file, '--business', businessId]);
      assert.equal(r.created, 2500);
      assert.equal(r.skipped, 1);
      assert.deepEqual(
        r.errors.map((e: { row: number }) => e.row),
        [2502],
      );
      assert.match(r.errors[0].error, /email: value is not a valid email address.*status: Input should be/);
      const stored = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM customers WHERE business_id = $1', [
        businessId,
      ]);
      assert.equal(stored.rows[0]?.n, 2500);
      const missing = await cmd(['import', join(dir, 'missing.csv'), '--business', businessId]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /cannot read/);
      writeFileSync(file, 'name,email,colour\nA,a@cli.example,red\n');
      const bad = await cmd(['import', file, '--business', businessId]);
      assert.equal(bad.code, 2, bad.stderr);
      assert.match(bad.stderr, /unknown column: colour/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('bad input is a usage error (exit 2) with a clear message, and changes nothing', async () => {
    const { businessId, ownerEmail } = await business();
    const before = await db.query('SELECT (SELECT count(*) FROM users) AS u, (SELECT count(*) FROM api_tokens) AS t');
    for (const [args, pattern] of [
      [
        ['member', 'add', '--business', businessId, '--email', 'x@cli.example', '--role', 'boss'],
        /--role must be one of/,
      ],
      [
        [
          'member',
          'add',
          '--business',
          '00000000-0000-7000-8000-000000000000',
          '--email',
          'x@cli.example',
          '--role',
          'viewer',
        ],
        /No business with id/,
      ],
      [['token', 'create', '--email', 'nobody@cli.example'], /No user with e-mail/],
      [
        ['token', 'create', '--email', ownerEmail, '--expires-in-days', '400'],
        /--expires-in-days must be an integer from 1 to 365/,
      ],
      [['token', 'revoke', '--id', 'nope'], /UUID/],
      [['token', 'revoke', '--id', '00000000-0000-7000-8000-000000000000'], /No token with id/],
      [
        ['seed', '--business', businessId, '--customers', 'many', '--contacts-per-customer', '1'],
        /non-negative integer/,
      ],
      [
        ['seed', '--business', businessId, '--customers', '1', '--contacts-per-customer', '2000000'],
        /--contacts-per-customer must be an integer from 0 to 1000000/,
      ],
      [['frobnicate'], /unknown command/],
      [['business', 'create', '--name', 'x'], /--owner-email is required/],
      [['token', 'list', '--email', ownerEmail, '--colour'], /Unknown option '--colour'/],
    ] as [string[], RegExp][]) {
      const r = await cmd(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, pattern);
    }
    const j = await cmd(['token', 'revoke', '--id', 'nope', '--json']);
    assert.equal(j.code, 2);
    assert.match(JSON.parse(j.stderr).error, /UUID/);
    const afterwards = await db.query(
      'SELECT (SELECT count(*) FROM users) AS u, (SELECT count(*) FROM api_tokens) AS t',
    );
    assert.deepEqual(afterwards.rows, before.rows);
  });

  test('a user holds at most 10 active tokens: the 11th is refused, saying so', async () => {
    const { ownerEmail } = await business();
    for (let i = 1; i < 10; i++) await json(['token', 'create', '--email', ownerEmail]);
    const r = await cmd(['token', 'create', '--email', ownerEmail]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /already holds 10 active tokens/);
  });
});

describe('start-up without a database', () => {
  test('serve waits for PostgreSQL, saying so, then fails with one clear line (exit 1, no stack)', async () => {
    const port = await freePort();
    const r = await cli(['serve'], {
      DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/nothing`,
      DB_STARTUP_WAIT_SECONDS: '1',
      DB_CONNECT_TIMEOUT_MS: '200',
      PORT: '0',
    });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`waiting for PostgreSQL at 127\\.0\\.0\\.1:${port}/nothing \\(attempt 1: `));
    const last = r.stderr.trim().split('\n').at(-1) ?? '';
    assert.match(last, new RegExp(`^customers-api: cannot reach PostgreSQL at 127\\.0\\.0\\.1:${port}/nothing: `));
    assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
  });
});

describe('the executable, end to end', () => {
  let env: Record<string, string | undefined>;
  let cleanup: () => Promise<void>;
  before(async () => {
    if (BACKEND === 'postgres') {
      const fresh = await freshPostgresDatabase(process.env.TEST_DATABASE_URL as string);
      env = { DATABASE_URL: fresh.url, DATA_DIR: undefined };
      cleanup = fresh.drop;
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'customers-api-cli-'));
      env = { DATABASE_URL: undefined, DATA_DIR: dir };
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    }
  });
  after(async () => {
    await cleanup?.();
  });

  test('migrate applies the migrations once, then nothing; exit codes and streams are real', async () => {
    const first = await cli(['migrate', '--json'], env);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(JSON.parse(first.stdout), { applied: loadMigrations().map((m) => m.name) });
    const again = await cli(['migrate', '--json'], env);
    assert.deepEqual(JSON.parse(again.stdout), { applied: [] });
    const usage = await cli(['token', 'revoke', '--id', 'nope'], env);
    assert.equal(usage.code, 2);
    assert.equal(usage.stdout, '');
    assert.match(usage.stderr, /^customers-api: --id must be a token id \(UUID\)\n$/);
  });
});

describe('the embedded data dir admits one process', { skip: BACKEND !== 'pglite' }, () => {
  test('a second process fails at once, naming the holder, and never touches the files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'customers-api-lock-'));
    const server = spawn(process.execPath, [BIN, 'serve'], {
      env: { ...process.env, DATA_DIR: dir, DATABASE_URL: '', PORT: '0', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await listening(server);
      const r = await cli(['migrate'], { DATA_DIR: dir, DATABASE_URL: '' });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`in use by process ${server.pid}`));
    } finally {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
    }
    // Released on shutdown: the next process opens it, and the server's data is intact.
    const r = await cli(['token', 'list', '--email', 'demo@example.com', '--json'], {
      DATA_DIR: dir,
      DATABASE_URL: '',
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).tokens.length, 1);
    rmSync(dir, { recursive: true, force: true });
  });

  const lockPath = (dir: string) => join(dir, 'customers-api.lock');
  /** Takes the data dir's lock as opening the database would (without the seconds of creating one). */
  const opensAfter = async (dir: string) => {
    releaseLock(acquireLock(dir));
    assert.equal(existsSync(lockPath(dir)), false, 'released');
  };

  test('an empty or unreadable lock file never blocks (locks are always written whole)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'customers-api-lock-'));
    try {
      writeFileSync(lockPath(dir), '');
      await opensAfter(dir);
      writeFileSync(lockPath(dir), '{"pid":');
      await opensAfter(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a dead holder whose PID is now another process's (the container case) does not block", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'customers-api-lock-'));
    try {
      // This very PID, but a start time that is not this process's: the holder was an earlier process.
      writeFileSync(
        lockPath(dir),
        JSON.stringify({ pid: process.pid, host: hostname(), process_start: '1', command: 'old', started_at: 'then' }),
      );
      await opensAfter(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a server killed as PID 1 of its own namespace leaves a lock that the next process takes over', {
    skip: spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true']).status === 0 ? false : 'needs unshare',
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'customers-api-lock-'));
    const server = spawn('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, BIN, 'serve'], {
      env: { ...process.env, DATA_DIR: dir, DATABASE_URL: '', PORT: '0', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    try {
      await listening(server);
      assert.equal(JSON.parse(readFileSync(lockPath(dir), 'utf8')).pid, 1, 'the holder was PID 1');
    } finally {
      process.kill(-(server.pid as number), 'SIGKILL');
      await new Promise((resolve) => server.once('close', resolve));
    }
    try {
      assert.ok(existsSync(lockPath(dir)), 'the killed holder left its lock');
      await opensAfter(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
