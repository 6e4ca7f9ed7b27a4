import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../src/platform/db/db.js';
import { openDb } from '../src/platform/db/open.js';
import { BIN, cli } from './helpers/cli.js';
import { BACKEND, freshPostgresDatabase } from './helpers/harness.js';

/** The CLI against the suite's backend: a fresh PostgreSQL database, or an embedded data dir. */
let env: Record<string, string | undefined>;
let cleanup: () => Promise<void>;
let dataDir: string | undefined;

before(async () => {
  if (BACKEND === 'postgres') {
    const fresh = await freshPostgresDatabase(process.env.TEST_DATABASE_URL as string);
    env = { DATABASE_URL: fresh.url, DATA_DIR: undefined };
    cleanup = fresh.drop;
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'customers-api-cli-'));
    env = { DATABASE_URL: undefined, DATA_DIR: dataDir };
    cleanup = async () => rmSync(dataDir as string, { recursive: true, force: true });
  }
});
after(async () => {
  await cleanup?.();
});

async function json(args: string[]): Promise<any> {
  const r = await cli([...args, '--json'], env);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Reads the database the CLI wrote, after it exited (the embedded one admits one process). */
async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

describe('administration commands', () => {
  let businessId: string;

  test('migrate applies the migrations once', async () => {
    assert.deepEqual(await json(['migrate']), { applied: ['0001_init.sql'] });
    assert.deepEqual(await json(['migrate']), { applied: [] });
  });

  test('business create → business, owner, token', async () => {
    const r = await json(['business', 'create', '--name', 'Cli Co', '--owner-email', 'owner@cli.example']);
    assert.deepEqual(Object.keys(r).sort(), ['business_id', 'token', 'user_id']);
    assert.match(r.token, /^dz_[A-Za-z0-9_-]{43}$/);
    businessId = r.business_id;
  });

  test('member add, token create / list / revoke', async () => {
    const m = await json([
      'member',
      'add',
      '--business',
      businessId,
      '--email',
      'viewer@cli.example',
      '--role',
      'viewer',
    ]);
    assert.deepEqual(Object.keys(m).sort(), ['token', 'user_id']);
    const t = await json(['token', 'create', '--email', 'viewer@cli.example', '--expires-in-days', '30']);
    assert.deepEqual(Object.keys(t).sort(), ['expires_at', 'token', 'token_id']);
    const days = (Date.parse(t.expires_at) - Date.now()) / 86_400_000;
    assert.ok(days > 29.9 && days <= 30, `expires in ${days} days`);
    const listed = await json(['token', 'list', '--email', 'viewer@cli.example']);
    assert.equal(listed.tokens.length, 2);
    assert.equal(JSON.stringify(listed).includes(t.token), false, 'secrets are never listed');
    const revoked = await json(['token', 'revoke', '--id', t.token_id]);
    assert.equal(revoked.token_id, t.token_id);
    const after = await json(['token', 'list', '--email', 'viewer@cli.example']);
    assert.equal(after.tokens.find((x: { token_id: string }) => x.token_id === t.token_id).active, false);
    await withDb(async (db) => {
      const { rows } = await db.query<{ role: string }>(
        `SELECT m.role FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = 'viewer@cli.example'`,
      );
      assert.deepEqual(rows, [{ role: 'viewer' }]);
    });
  });

  test('seed inserts customers and contacts with exact counts', async () => {
    const r = await json(['seed', '--business', businessId, '--customers', '30', '--contacts-per-customer', '4']);
    assert.equal(r.customers, 30);
    assert.equal(r.contacts, 120);
    await withDb(async (db) => {
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
  });

  test('import: the bulk-upload rules from a file, batches committed as they go', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'customers-api-import-')), 'customers.csv');
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
    const header = await cli(['import', file.replace('customers.csv', 'missing.csv'), '--business', businessId], env);
    assert.equal(header.code, 2);
    writeFileSync(file, 'name,email,colour\nA,a@cli.example,red\n');
    const bad = await cli(['import', file, '--business', businessId], env);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /unknown column: colour/);
  });

  test('bad input is a usage error (exit 2) with a clear message, and changes nothing', async () => {
    for (const [args, pattern] of [
      [
        ['member', 'add', '--business', businessId, '--email', 'x@cli.example', '--role', 'boss'],
        /--role must be one of/,
      ],
      [['token', 'create', '--email', 'nobody@cli.example'], /No user with e-mail/],
      [['token', 'create', '--email', 'owner@cli.example', '--expires-in-days', '400'], /1 to 365/],
      [['token', 'revoke', '--id', 'nope'], /UUID/],
      [
        ['seed', '--business', businessId, '--customers', 'many', '--contacts-per-customer', '1'],
        /non-negative integer/,
      ],
      [['frobnicate'], /unknown command/],
      [['business', 'create', '--name', 'x'], /--owner-email is required/],
    ] as [string[], RegExp][]) {
      const r = await cli(args, env);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, pattern);
    }
    const j = await cli(['token', 'revoke', '--id', 'nope', '--json'], env);
    assert.equal(j.code, 2);
    assert.match(JSON.parse(j.stderr).error, /UUID/);
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
      await new Promise<void>((resolve, reject) => {
        let out = '';
        server.stdout.on('data', (d) => {
          out += d;
          if (out.includes('listening on')) resolve();
        });
        server.on('exit', (code) => reject(new Error(`server exited ${code}`)));
      });
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
});
