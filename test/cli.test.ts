import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { commandNames, run } from '../src/cli/main.js';
import { wallClock } from '../src/platform/clock.js';
import type { Db } from '../src/platform/db/db.js';
import { loadMigrations } from '../src/platform/db/migrate.js';
import { acquireLock, releaseLock } from '../src/platform/db/pglite.js';
import { acceptInvitation } from '../src/resources/invitations/service.js';
import { createUser } from '../src/resources/users/service.js';
import { BIN, cli, listening } from './helpers/cli.js';
import { freePort } from './helpers/cluster.js';
import { BACKEND, freshMigratedDb, freshPostgresDatabase, migratedDataDir, unique } from './helpers/harness.js';

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
    assert.deepEqual(Object.keys(m).sort(), ['created_at', 'email', 'previous_role', 'role', 'token', 'user_id']);
    assert.equal(m.previous_role, null);
    assert.match(m.token, /^dz_/);
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
      assert.equal(bad.code, 1, bad.stderr);
      assert.match(bad.stderr, /unknown column: colour/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('bad usage exits 2, a failed operation 1, each with a clear message, and nothing changes', async () => {
    const { businessId, ownerEmail } = await business();
    const before = await db.query('SELECT (SELECT count(*) FROM users) AS u, (SELECT count(*) FROM api_tokens) AS t');
    const nobody = '00000000-0000-7000-8000-000000000000';
    for (const [args, code, pattern] of [
      [
        ['member', 'add', '--business', businessId, '--email', 'x@cli.example', '--role', 'boss'],
        2,
        /--role must be one of/,
      ],
      [
        ['member', 'add', '--business', businessId, '--email', 'not an e-mail', '--role', 'viewer'],
        2,
        /--email is not a valid e-mail/,
      ],
      [['member', 'add', '--business', businessId, '--role', 'viewer'], 2, /give --email EMAIL or --user-id ID/],
      [
        ['member', 'add', '--business', nobody, '--email', 'x@cli.example', '--role', 'viewer'],
        1,
        /No business with id/,
      ],
      [['member', 'remove', '--business', businessId, '--user-id', nobody], 1, /is not a member of this business/],
      [['member', 'remove', '--business', businessId, '--email', 'nobody@cli.example'], 1, /No user with e-mail/],
      [['member', 'frob', '--business', businessId], 2, /usage: customers-api member add\|list\|remove/],
      [['token', 'create', '--email', 'nobody@cli.example'], 1, /No user with e-mail/],
      [
        ['token', 'create', '--email', ownerEmail, '--expires-in-days', '400'],
        2,
        /--expires-in-days must be an integer from 1 to 365/,
      ],
      [['token', 'revoke', '--id', 'nope'], 2, /UUID/],
      [['token', 'revoke', '--id', nobody], 1, /No token with id/],
      [
        ['seed', '--business', businessId, '--customers', 'many', '--contacts-per-customer', '1'],
        2,
        /non-negative integer/,
      ],
      [
        ['seed', '--business', businessId, '--customers', '1', '--contacts-per-customer', '2000000'],
        2,
        /--contacts-per-customer must be an integer from 0 to 1000000/,
      ],
      [['frobnicate'], 2, /unknown command/],
      [['business', 'create', '--name', 'x'], 2, /--owner-email is required/],
      [
        ['token', 'list', '--email', ownerEmail, '--colour'],
        2,
        /^customers-api: Unknown option '--colour': token list does not take it\nUsage: customers-api token list \(--email EMAIL \| --user-id ID\)\n$/,
      ],
      [
        ['token', 'revoke', '--id', nobody, '--email', ownerEmail],
        2,
        /Unknown option '--email': token revoke does not take it\nUsage: customers-api token revoke --id TOKEN_ID\n$/,
      ],
      [['migrate', 'now'], 2, /unexpected argument "now"\nUsage: customers-api migrate\n$/],
      [
        ['import', '--business', businessId],
        2,
        /FILE\.csv is required\nUsage: customers-api import FILE\.csv --business ID/,
      ],
      [['business', 'make'], 2, /usage: customers-api business create …/],
    ] as [string[], number, RegExp][]) {
      const r = await cmd(args);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
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

  test('an e-mail several accounts carry names none of them: --user-id instead', async () => {
    const { businessId } = await business();
    const email = `${unique('twice')}@cli.example`;
    const ids = await db.transaction(async (tx) => [
      (await createUser(tx, email)).id,
      (await createUser(tx, email)).id,
    ]);
    for (const args of [
      ['member', 'add', '--business', businessId, '--email', email, '--role', 'viewer'],
      ['member', 'remove', '--business', businessId, '--email', email],
      ['token', 'create', '--email', email],
      ['token', 'list', '--email', email],
    ]) {
      const r = await cmd(args);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stdout}`);
      assert.match(r.stderr, /several accounts have this e-mail: use --user-id/, args.join(' '));
    }
    const [first, second] = ids as [string, string];
    const added = await json(['member', 'add', '--business', businessId, '--user-id', second, '--role', 'viewer']);
    assert.equal(added.user_id, second);
    const t = await json(['token', 'create', '--user-id', first, '--expires-in-days', '1']);
    assert.match(t.token, /^dz_/);
    const listed = await json(['token', 'list', '--user-id', first]);
    assert.deepEqual(
      listed.tokens.map((x: { token_id: string }) => x.token_id),
      [t.token_id],
    );
    const removed = await json(['member', 'remove', '--business', businessId, '--user-id', second]);
    assert.equal(removed.removed.user_id, second);
  });

  test('invite prints the url and the secret; accepting it makes a new account', async () => {
    const { businessId } = await business();
    const email = `${unique('invitee')}@cli.example`;
    const human = await cmd(['invite', '--business', businessId, '--email', email, '--role', 'member']);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^url: +http:\/\/127\.0\.0\.1:8000\/console\/#\/invitation\/dzi_/m);
    assert.match(human.stdout, /^secret: +dzi_[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/m);
    const inv = await json([
      'invite',
      '--business',
      businessId,
      '--email',
      email,
      '--role',
      'admin',
      '--url',
      'https://crm.example/',
    ]);
    assert.equal(inv.url, `https://crm.example/console/#/invitation/${inv.secret}`);
    const accepted = await acceptInvitation(db, wallClock, { secret: inv.secret, callerToken: undefined });
    assert.equal(accepted.role, 'admin');
    assert.match(accepted.token ?? '', /^dz_/);
    for (const [args, code, message] of [
      [['invite', '--business', businessId, '--email', email, '--role', 'boss'], 2, /--role must be one of/],
      [['invite', '--business', businessId, '--role', 'viewer'], 2, /--email is required/],
      [
        ['invite', '--business', '00000000-0000-7000-8000-000000000000', '--email', email, '--role', 'viewer'],
        1,
        /No business/,
      ],
    ] as [string[], number, RegExp][]) {
      const r = await cmd(args);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });

  test('member add on a member changes the role and says so; member list and remove; the last owner stays', async () => {
    const { businessId, ownerEmail } = await business();
    const email = `${unique('m')}@cli.example`;
    await json(['member', 'add', '--business', businessId, '--email', email, '--role', 'viewer']);
    const again = await cmd(['member', 'add', '--business', businessId, '--email', email, '--role', 'admin']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, `${email} was already a member: changed the role from viewer to admin.\n`);
    const same = await cmd(['member', 'add', '--business', businessId, '--email', email, '--role', 'admin']);
    assert.match(same.stdout, /already a member with role admin: nothing changed/);
    const listed = await json(['member', 'list', '--business', businessId]);
    assert.deepEqual(
      listed.members.map((m: { email: string; role: string }) => [m.email, m.role]),
      [
        [ownerEmail, 'owner'],
        [email, 'admin'],
      ],
    );
    const human = await cmd(['member', 'list', '--business', businessId]);
    assert.match(human.stdout, new RegExp(`admin\\s+${email.replace('.', '\\.')}`));
    const last = await cmd(['member', 'remove', '--business', businessId, '--email', ownerEmail]);
    assert.equal(last.code, 1);
    assert.match(last.stderr, /at least one owner/);
    const removed = await cmd(['member', 'remove', '--business', businessId, '--email', email]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal(removed.stdout, `Removed ${email} (admin) from business ${businessId}.\n`);
    assert.equal((await json(['member', 'list', '--business', businessId])).members.length, 1);
  });

  test('--version, and help per command', async () => {
    const v = await cmd(['--version']);
    assert.equal(v.code, 0);
    assert.equal(
      v.stdout,
      `${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`,
    );
    const one = await cmd(['token', 'create', '--help']);
    assert.equal(one.code, 0);
    assert.match(
      one.stdout,
      /^Usage: customers-api token create \(--email EMAIL \| --user-id ID\) \[--expires-in-days N\]\n\nIssue a token/,
    );
    const group = await cmd(['member', '--help']);
    assert.match(group.stdout, /member add .*\n[\s\S]*member list[\s\S]*member remove/);
    assert.doesNotMatch(group.stdout, /^ {2}token create/m);
    assert.match((await cmd(['help', 'import'])).stdout, /^Usage: customers-api import FILE\.csv --business ID/);
    assert.match((await cmd(['import', 'x.csv', '--help'])).stdout, /^Usage: customers-api import FILE\.csv/);
    const all = await cmd(['--help']);
    assert.match(all.stdout, /Exit codes: 0 done, 1 the operation failed, 2 bad usage/);
    assert.deepEqual(
      [...(all.stdout.split('\nOptions')[0] ?? '').matchAll(/^ {2}([a-z-]+(?: [a-z]+)?) {2,}\S/gm)].map((m) => m[1]),
      commandNames(),
      'the list names every command',
    );
  });

  test("each command's usage line and flag list are made from its declaration", async () => {
    // The usage lines the README's CLI table documents.
    const usage: Record<string, string> = {
      serve: 'serve [--demo] [--memory] [--test-mode] [--fixtures FILE]',
      migrate: 'migrate',
      'business create': 'business create --name NAME --owner-email EMAIL',
      'member add': 'member add --business ID (--email EMAIL | --user-id ID) --role owner|admin|member|viewer',
      invite: 'invite --business ID --email EMAIL --role owner|admin|member|viewer [--url PUBLIC_URL]',
      'member list': 'member list --business ID',
      'member remove': 'member remove --business ID (--email EMAIL | --user-id ID)',
      'token create': 'token create (--email EMAIL | --user-id ID) [--expires-in-days N]',
      'token list': 'token list (--email EMAIL | --user-id ID)',
      'token revoke': 'token revoke --id TOKEN_ID',
      'login-link': 'login-link (--email EMAIL | --user-id ID) [--minutes N] [--url PUBLIC_URL]',
      seed: 'seed --business ID --customers N --contacts-per-customer M',
      backup: 'backup FILE',
      restore: 'restore FILE',
      import: 'import FILE.csv --business ID',
      mcp: 'mcp [--business ID]',
    };
    assert.deepEqual(commandNames().sort(), Object.keys(usage).sort());
    for (const name of commandNames()) {
      const r = await cmd([...name.split(' '), '--help']);
      assert.equal(r.code, 0, name);
      assert.equal(r.stdout.split('\n')[0], `Usage: customers-api ${usage[name]}`);
      // Every flag of the usage line is described under "Flags:".
      const flags = r.stdout.split('\nFlags:\n')[1]?.split('\n\n')[0] ?? '';
      for (const flag of (usage[name] as string).match(/--[a-z-]+/g) ?? []) {
        assert.match(flags, new RegExp(`^ {2}${flag}\\b.* {2}\\S`, 'm'), `${name}: ${flag} in\n${r.stdout}`);
      }
    }
  });

  test('a user holds at most 10 active tokens: the 11th is refused, saying so', async () => {
    const { ownerEmail } = await business();
    for (let i = 1; i < 10; i++) await json(['token', 'create', '--email', ownerEmail]);
    const r = await cmd(['token', 'create', '--email', ownerEmail]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /already holds 10 active tokens/);
  });
});

describe('--version and --help answer without loading the server', () => {
  test('neither the server, Fastify, pg nor PGlite is loaded for them (the command runs in a process of its own)', async () => {
    // A module hook that writes down every module the process resolves.
    const dir = mkdtempSync(join(tmpdir(), 'customers-api-loads-'));
    try {
      const hooks = join(dir, 'hooks.mjs');
      writeFileSync(
        hooks,
        `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.LOADED_LOG, resolved.url + '\\n');
  return resolved;
}
`,
      );
      const register = join(dir, 'register.mjs');
      writeFileSync(
        register,
        `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
      );
      const heavy =
        /\/node_modules\/(fastify|@fastify\/[^/]+|pg|pg-pool|@electric-sql\/[^/]+)\/|\/(dist|src)\/(server|cluster|http\/[^/]+)\.(js|ts)$/;
      const lines = [['--help'], ['member', '--help'], ...commandNames().map((n) => [...n.split(' '), '--help'])];
      // The executable itself, once; then every help in one process that loads the CLI as the
      // executable does and runs each in turn. Modules only accumulate in a process, so a help
      // that loaded a heavy module shows in the log at its own marker and in all after it.
      const bin = join(dir, 'bin.log');
      writeFileSync(bin, '');
      const r = spawnSync(process.execPath, ['--import', pathToFileURL(register).href, BIN, '--version'], {
        env: { ...process.env, LOADED_LOG: bin },
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, `--version: ${r.stderr}`);
      const binLoaded = readFileSync(bin, 'utf8').split('\n');
      assert.ok(
        binLoaded.some((u) => /\/cli\/main\.(js|ts)$/.test(u)),
        'the hook saw the CLI load (--version)',
      );
      assert.deepEqual(
        binLoaded.filter((u) => heavy.test(u)),
        [],
        'customers-api --version loads none of these',
      );

      const log = join(dir, 'helps.log');
      writeFileSync(log, '');
      const driver = join(dir, 'driver.mjs');
      writeFileSync(
        driver,
        `import { appendFileSync } from 'node:fs';
const { run } = await import(${JSON.stringify(pathToFileURL(join(BIN, '../../dist/cli/main.js')).href)});
const failed = [];
for (const args of ${JSON.stringify(lines)}) {
  let err = '';
  const code = await run(args, { env: {}, stdout: () => {}, stderr: (t) => { err += t; }, isTTY: false });
  if (code !== 0) failed.push(args.join(' ') + ': ' + code + ' ' + err);
  appendFileSync(process.env.LOADED_LOG, '--- ' + args.join(' ') + '\\n');
}
if (failed.length) { console.error(failed.join('\\n')); process.exit(1); }
`,
      );
      const d = spawnSync(process.execPath, ['--import', pathToFileURL(register).href, driver], {
        env: { ...process.env, LOADED_LOG: log },
        encoding: 'utf8',
      });
      assert.equal(d.status, 0, d.stderr);
      const loaded = readFileSync(log, 'utf8').split('\n');
      assert.ok(
        loaded.some((u) => /\/cli\/main\.(js|ts)$/.test(u)),
        'the hook saw the CLI load',
      );
      const markers = loaded.filter((u) => u.startsWith('--- '));
      assert.deepEqual(
        markers,
        lines.map((a) => `--- ${a.join(' ')}`),
        'every help ran',
      );
      // A module is resolved while its command runs, before that command's marker.
      let since: string[] = [];
      for (const u of loaded) {
        if (!u.startsWith('--- ')) since.push(u);
        else {
          assert.deepEqual(
            since.filter((m) => heavy.test(m)),
            [],
            `customers-api ${u.slice(4)} loads none of these`,
          );
          since = [];
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a command still runs (its modules loaded when it runs): a flag it does not take is refused, exit 2', async () => {
    const r = await cli(['token', 'create', '--email', 'a@cli.example', '--role', 'admin'], { DATABASE_URL: '' });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(
      r.stderr,
      "customers-api: Unknown option '--role': token create does not take it\nUsage: customers-api token create (--email EMAIL | --user-id ID) [--expires-in-days N]\n",
    );
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
  test('beside a running server, the CLI works through it; a second server fails at once, naming the holder', async () => {
    const dir = await migratedDataDir('customers-api-beside-');
    const env = { DATA_DIR: dir, DATABASE_URL: '' };
    const server = spawn(process.execPath, [BIN, 'serve'], {
      env: { ...process.env, ...env, PORT: '0', LOG_LEVEL: 'warn', AUTH_CACHE_SECONDS: '60' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const banner = await listening(server);
      const url = /listening on (http:\S+)/.exec(banner)?.[1] ?? '';
      const businessId = /x-business-id:\s+(\S+)/.exec(banner)?.[1] ?? '';
      const printed = /make more with: npx customers-api (token create --email \S+)\)/.exec(banner)?.[1] ?? '';
      assert.equal(printed, 'token create --email demo@example.com', banner);
      // The banner's sign-in link signs the demo owner in, once.
      const signIn = /sign in:\s+(\S+)/.exec(banner)?.[1] ?? '';
      assert.match(signIn, new RegExp(`^${url}/console/#/sign-in/dzl_[A-Za-z0-9_-]{43}$`), banner);
      const session = (secret: string) =>
        fetch(`${url}/api/v1/sessions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ link: secret }),
        });
      const bannerLink = signIn.split('/').at(-1) ?? '';
      assert.equal((await session(bannerLink)).status, 201);
      assert.equal((await session(bannerLink)).status, 401, 'single use');
      const second = await cli(['serve'], { ...env, PORT: '0' });
      assert.equal(second.code, 1, second.stderr);
      assert.match(second.stderr, new RegExp(`in use by process ${server.pid}`));

      const socket = join(dir, 'control', 'cli.sock');
      assert.equal(statSync(socket).mode & 0o777, 0o600, 'the socket is its owner’s alone');
      assert.equal(statSync(join(dir, 'control')).mode & 0o777, 0o700);

      // The banner's command, as printed.
      const made = await cli([...printed.split(' '), '--expires-in-days', '7', '--json'], env);
      assert.equal(made.code, 0, made.stderr);
      const demo = JSON.parse(made.stdout);
      const get = (token: string, path: string) =>
        fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}`, 'x-business-id': businessId } });
      assert.equal((await get(demo.token, '/api/v1/customers')).status, 200);

      const email = `${unique('colleague')}@cli.example`;
      const added = await cli(
        ['member', 'add', '--business', businessId, '--email', email, '--role', 'viewer', '--json'],
        env,
      );
      assert.equal(added.code, 0, added.stderr);
      const colleague = JSON.parse(added.stdout);
      assert.equal((await get(colleague.token, '/api/v1/customers')).status, 200, 'the new member works over HTTP');
      const listed = await cli(['member', 'list', '--business', businessId], env);
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, new RegExp(`viewer\\s+${email.replace('.', '\\.')}`));

      // Relative file names are the caller's; no request deadline or body limit applies.
      writeFileSync(join(dir, 'few.csv'), 'name,email\nFrom Cli,from-cli@cli.example\n');
      const imported = await cli(['import', 'few.csv', '--business', businessId, '--json'], env, { cwd: dir });
      assert.equal(imported.code, 0, imported.stderr);
      assert.equal(JSON.parse(imported.stdout).created, 1);

      // A sign-in link made through the server, for any user.
      const linked = await cli(
        ['login-link', '--email', email, '--minutes', '5', '--url', 'https://crm.example/'],
        env,
      );
      assert.equal(linked.code, 0, linked.stderr);
      const linkUrl = linked.stdout.split('\n')[0] ?? '';
      assert.match(linkUrl, /^https:\/\/crm\.example\/console\/#\/sign-in\/dzl_[A-Za-z0-9_-]{43}$/);
      const signedIn = await session(linkUrl.split('/').at(-1) ?? '');
      assert.equal(signedIn.status, 201);
      assert.equal(((await signedIn.json()) as { data: { user: { email: string } } }).data.user.email, email);

      // Same exit codes and words as without a server.
      const bad = await cli(['token', 'revoke', '--id', 'nope'], env);
      assert.deepEqual([bad.code, bad.stdout, bad.stderr], [2, '', 'customers-api: --id must be a token id (UUID)\n']);
      const failed = await cli(['token', 'create', '--email', 'nobody@cli.example'], env);
      assert.equal(failed.code, 1);

      // Revoked through the CLI: refused over HTTP at once, though the server caches tokens for 60 s.
      const tokens = JSON.parse((await cli(['token', 'list', '--email', email, '--json'], env)).stdout).tokens;
      assert.equal(tokens.length, 1);
      const revoked = await cli(['token', 'revoke', '--id', tokens[0].token_id, '--json'], env);
      assert.equal(revoked.code, 0, revoked.stderr);
      assert.equal((await get(colleague.token, '/api/v1/customers')).status, 401);
      const removed = await cli(['member', 'remove', '--business', businessId, '--email', email], env);
      assert.equal(removed.code, 0, removed.stderr);
    } finally {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
    }
    assert.equal(existsSync(join(dir, 'control', 'cli.sock')), false, 'the socket goes with the server');
    // Released on shutdown: the next process opens the data directory itself, and finds the server's data.
    const direct = await cli(['token', 'list', '--email', 'demo@example.com', '--json'], env);
    assert.equal(direct.code, 0, direct.stderr);
    assert.equal(JSON.parse(direct.stdout).tokens.length, 2, 'the first-run token and the one made through the server');
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
    const dir = await migratedDataDir('customers-api-lock-');
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
