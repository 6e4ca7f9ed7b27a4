import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort } from './helpers/cluster.js';
import { BACKEND } from './helpers/harness.js';

/**
 * A real PgBouncer 1.18 in transaction mode in front of the test database, and
 * the contract, pagination and concurrency suites run through it (a child test
 * run, with DB_POOLER=transaction's settings): no named prepared statements, no
 * session settings, every transaction on whichever server connection is free.
 */
const PGBOUNCER = '/usr/sbin/pgbouncer';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SUITES = [
  'test/fidelity.test.ts',
  'test/pagination.test.ts',
  'test/customers-list.test.ts',
  'test/contacts.test.ts',
  'test/idempotency.test.ts',
  'test/events.test.ts',
];

function skip(): string | false {
  if (BACKEND !== 'postgres') return 'PostgreSQL only';
  if (existsSync(PGBOUNCER)) return false;
  if (process.env.CI) throw new Error(`${PGBOUNCER} is missing: .ci/run installs Debian's pgbouncer`);
  return `needs ${PGBOUNCER} (apt-get install pgbouncer)`;
}

async function listening(port: number, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`pgbouncer did not listen on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('through PgBouncer in transaction mode, the contract, pagination and concurrency suites pass', {
  skip: skip(),
}, async (t) => {
  const direct = new URL(process.env.TEST_DATABASE_URL as string);
  const dir = mkdtempSync(join(tmpdir(), 'customers-api-pgbouncer-'));
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  chownSync(dir, uid, gid);
  const port = await freePort();
  writeFileSync(join(dir, 'userlist.txt'), '"postgres" ""\n');
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    `[databases]
* = host=${direct.hostname} port=${direct.port || 5432}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
unix_socket_dir =
auth_type = trust
auth_file = ${join(dir, 'userlist.txt')}
pool_mode = transaction
max_client_conn = 500
default_pool_size = 20
logfile = ${join(dir, 'pgbouncer.log')}
`,
  );
  chownSync(join(dir, 'pgbouncer.ini'), uid, gid);
  chownSync(join(dir, 'userlist.txt'), uid, gid);
  const bouncer = spawn('runuser', ['-u', 'postgres', '--', PGBOUNCER, join(dir, 'pgbouncer.ini')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  try {
    await listening(port, 10_000);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-reporter=tap', '--test-concurrency=2', ...SUITES],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          TEST_POOLER_URL: `postgres://postgres@127.0.0.1:${port}/postgres`,
          NODE_TEST_CONTEXT: undefined,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    const summary = out.split('\n').filter((l) => /^# (tests|pass|fail)/.test(l));
    const failures = out.split('\n').filter((l) => /^\s*not ok/.test(l));
    assert.equal(code, 0, `${summary.join(', ')}\n${failures.join('\n')}\n${out.slice(-3000)}`);
    assert.ok(
      summary.some((l) => /^# fail 0$/.test(l)),
      summary.join(', '),
    );
    t.diagnostic(`through PgBouncer: ${summary.join(', ')}`);
    const log = readFileSync(join(dir, 'pgbouncer.log'), 'utf8');
    assert.match(log, /process up: PgBouncer 1\.\d+/, 'it was PgBouncer');
    // Its clients were the suites' (a login line per client connection it accepted).
    const logins = log.split('\n').filter((l) => /login attempt: db=customers_api_test_/.test(l)).length;
    assert.ok(logins > 0, 'the suites connected through it');
    t.diagnostic(`PgBouncer logins by the suites' databases: ${logins}`);
  } finally {
    try {
      process.kill(-(bouncer.pid as number), 'SIGTERM');
    } catch {}
    await new Promise((resolve) => (bouncer.exitCode === null ? bouncer.once('close', resolve) : resolve(null)));
    rmSync(dir, { recursive: true, force: true });
  }
});
