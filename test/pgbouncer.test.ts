import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BACKEND } from './helpers/harness.js';
import { PGBOUNCER, PgBouncer } from './helpers/pgbouncer.js';

/**
 * A real PgBouncer 1.18 in transaction mode in front of the test database, and
 * the contract, pagination and concurrency suites run through it (a child test
 * run, with DB_POOLER=transaction's settings): no named prepared statements, no
 * session settings, every transaction on whichever server connection is free.
 */
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

test('through PgBouncer in transaction mode, the contract, pagination and concurrency suites pass', {
  skip: skip(),
}, async (t) => {
  const bouncer = await PgBouncer.start(new URL(process.env.TEST_DATABASE_URL as string));
  try {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-reporter=tap', '--test-concurrency=2', ...SUITES],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          TEST_POOLER_URL: bouncer.url('postgres'),
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
    const log = bouncer.log();
    assert.match(log, /process up: PgBouncer 1\.\d+/, 'it was PgBouncer');
    // Its clients were the suites' (a login line per client connection it accepted).
    const logins = log.split('\n').filter((l) => /login attempt: db=customers_api_test_/.test(l)).length;
    assert.ok(logins > 0, 'the suites connected through it');
    t.diagnostic(`PgBouncer logins by the suites' databases: ${logins}`);
  } finally {
    await bouncer.stop();
  }
});
