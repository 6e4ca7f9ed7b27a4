/**
 * Failover under pg_auto_failover (Debian's postgresql-15-auto-failover): a
 * monitor, a primary and a secondary of the test's own (temp dir, loopback,
 * free ports, each keeper in its own process group as the postgres user), a
 * real server process on the multi-host URL `pg_autoctl show uri` gives,
 * writers with and without Idempotency-Key. (a) `pg_autoctl perform
 * switchover`. (b) `kill -9` of the primary node (its keeper's process group:
 * keeper and postmaster, as a lost machine; a postmaster killed alone is just
 * restarted by its keeper): the monitor fails over to the secondary. The
 * monitor's health checks are shortened (its documented pgautofailover.* GUCs)
 * so that takes seconds. Throughout: the server stays up, answers only 2xx or
 * 503, writes resume within 5 s of the new primary accepting writes (polled
 * directly), no acknowledged write is lost and no keyed write is made twice.
 * Figures are printed as `# auto-failover …` diagnostics.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import pg from 'pg';
import { openDb } from '../../src/platform/db/open.js';
import { createBusiness } from '../../src/resources/businesses/service.js';
import { clusterUnavailable, freePort } from '../helpers/cluster.js';
import { until } from '../helpers/harness.js';
import {
  checkWrites,
  firstOkAfter,
  type ServerProcess,
  serverProcess,
  startWriters,
  type WriteLog,
} from '../helpers/writers.js';

const run = promisify(execFile);
const PG_AUTOCTL = '/usr/bin/pg_autoctl';
const RESUME_BOUND_MS = 5000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The PostgreSQL bin directory that has the pgautofailover extension (Debian's package is for 15). */
function pgBinWithExtension(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  return readdirSync(root)
    .filter((v) => existsSync(`/usr/share/postgresql/${v}/extension/pgautofailover.control`))
    .map((v) => join(root, v, 'bin'))
    .find((b) => existsSync(join(b, 'postgres')));
}

const BIN = pgBinWithExtension();
const skip =
  (process.env.TEST_DATABASE_URL ? false : 'PostgreSQL suite only') ||
  clusterUnavailable() ||
  (existsSync(PG_AUTOCTL) && BIN
    ? false
    : 'pg_autoctl missing: apt-get install postgresql-15-auto-failover (.ci/run installs it)');

interface Node {
  name: string;
  port: number;
  pgdata: string;
  keeper?: ChildProcess;
  log: string;
}

/** Runs one statement on a port directly (a fresh connection), or throws. */
async function direct<T = Record<string, unknown>>(
  port: number,
  sql: string,
  db = 'postgres',
  timeoutMs = 1000,
): Promise<T[]> {
  const c = new pg.Client({
    connectionString: `postgres://postgres@127.0.0.1:${port}/${db}`,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  c.on('error', () => {});
  try {
    await c.connect();
    return (await c.query(sql)).rows as T[];
  } finally {
    await c.end().catch(() => {});
  }
}

/** Polls `port` until it is a primary taking writes (what target_session_attrs=read-write picks); when it first was. */
async function acceptsWritesAt(port: number): Promise<number> {
  const end = Date.now() + 60_000;
  for (;;) {
    try {
      const [r] = await direct<{ rec: boolean; ro: string }>(
        port,
        "SELECT pg_is_in_recovery() AS rec, current_setting('transaction_read_only') AS ro, txid_current()",
        'postgres',
        500,
      );
      if (r && !r.rec && r.ro === 'off') return Date.now();
    } catch {
      // Not up yet.
    }
    if (Date.now() > end) throw new Error(`node on port ${port} accepted no write in 60 s`);
    await sleep(20);
  }
}

describe('failover under pg_auto_failover, multi-host DATABASE_URL', { skip }, () => {
  let dir = '';
  let monitorPort = 0;
  const nodes: Node[] = [];
  let monitor: Node | undefined;
  let server: ServerProcess | undefined;
  let headers: Record<string, string>;
  const figures: string[] = [];

  const env = () => ({
    PATH: `${BIN}:/usr/bin:/bin`,
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_DATA_HOME: join(dir, 'share'),
  });
  const envArgs = () => Object.entries(env()).map(([k, v]) => `${k}=${v}`);

  /** `pg_autoctl …` as the postgres user, to completion. */
  async function autoctl(args: string[], timeout = 60_000): Promise<string> {
    try {
      const { stdout } = await run('runuser', ['-u', 'postgres', '--', 'env', ...envArgs(), PG_AUTOCTL, ...args], {
        timeout,
      });
      return stdout;
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`pg_autoctl ${args.join(' ')}: ${e.message}\n${(e.stderr ?? '').slice(-2000)}`);
    }
  }

  /** `pg_autoctl run` for a node, in its own process group. */
  function startKeeper(node: Node): void {
    const child = spawn(
      'runuser',
      ['-u', 'postgres', '--', 'env', ...envArgs(), PG_AUTOCTL, 'run', '--pgdata', node.pgdata],
      {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const keep = (d: Buffer) => {
      if (node.log.length < 200_000) node.log += d;
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    node.keeper = child;
  }

  function killGroup(node: Node): void {
    const pid = node.keeper?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }

  function postmasterPid(node: Node): number | undefined {
    try {
      const pid = Number(readFileSync(join(node.pgdata, 'postmaster.pid'), 'utf8').split('\n')[0]);
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  function alive(pid: number): boolean {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  async function states(): Promise<{ port: number; reported: string; goal: string }[]> {
    return await direct(
      monitorPort,
      'SELECT nodeport AS port, reportedstate AS reported, goalstate AS goal FROM pgautofailover.node ORDER BY nodeid',
      'pg_auto_failover',
    );
  }

  async function stateText(): Promise<string> {
    return await autoctl(['show', 'state', '--pgdata', (monitor as Node).pgdata]).catch((e: Error) => e.message);
  }

  /** The node the monitor has as a settled primary, with the other as a settled secondary. */
  async function settled(): Promise<{ primary: Node; secondary: Node } | undefined> {
    const s = await states().catch(() => []);
    const p = s.find((n) => n.reported === 'primary' && n.goal === 'primary');
    const q = s.find((n) => n.reported === 'secondary' && n.goal === 'secondary');
    if (!p || !q) return undefined;
    const primary = nodes.find((n) => n.port === p.port);
    const secondary = nodes.find((n) => n.port === q.port);
    return primary && secondary ? { primary, secondary } : undefined;
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'customers-api-autofailover-'));
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    chownSync(dir, uid, gid);
    for (const d of ['config', 'share']) {
      mkdirSync(join(dir, d));
      chownSync(join(dir, d), uid, gid);
    }
    monitorPort = await freePort();
    monitor = { name: 'monitor', port: monitorPort, pgdata: join(dir, 'monitor'), log: '' };
    await autoctl([
      'create',
      'monitor',
      '--auth',
      'trust',
      '--ssl-self-signed',
      '--pgdata',
      monitor.pgdata,
      '--pgport',
      String(monitorPort),
      '--hostname',
      '127.0.0.1',
      '--listen',
      '127.0.0.1',
    ]);
    startKeeper(monitor);
    await until(
      'the monitor answering',
      () =>
        states()
          .then(() => true)
          .catch(() => false),
      30_000,
    );
    // Health checks every second, a node unhealthy after 3 s, the old primary given 5 s to demote
    // (defaults 5 s, 20 s, 30 s): the monitor's pgautofailover.* settings, reloaded.
    for (const [k, v] of [
      ['health_check_period', 1000],
      ['health_check_timeout', 1000],
      ['health_check_max_retries', 1],
      ['health_check_retry_delay', 500],
      ['node_considered_unhealthy_timeout', 3000],
      ['primary_demote_timeout', 5000],
    ] as const) {
      await direct(monitorPort, `ALTER SYSTEM SET pgautofailover.${k} = ${v}`, 'pg_auto_failover');
    }
    await direct(monitorPort, 'SELECT pg_reload_conf()', 'pg_auto_failover');
    const monitorUri = `postgres://autoctl_node@127.0.0.1:${monitorPort}/pg_auto_failover?sslmode=require`;
    for (const name of ['node1', 'node2']) {
      const node: Node = { name, port: await freePort(), pgdata: join(dir, name), log: '' };
      nodes.push(node);
      await autoctl([
        'create',
        'postgres',
        '--monitor',
        monitorUri,
        '--auth',
        'trust',
        '--ssl-self-signed',
        '--pgdata',
        node.pgdata,
        '--pgport',
        String(node.port),
        '--hostname',
        '127.0.0.1',
        '--listen',
        '127.0.0.1',
        '--name',
        name,
      ]);
      startKeeper(node);
      // The first node must be the primary before the second registers.
      if (name === 'node1') {
        await until(
          'node1 running alone (single)',
          async () => (await states().catch(() => [])).some((n) => n.port === node.port && n.reported === 'single'),
          60_000,
        ).catch(async (e: Error) => {
          throw new Error(`${e.message}\n${await stateText()}\n${node.log.slice(-2000)}`);
        });
      }
    }
    await until('primary and secondary', settled, 90_000).catch(async (e: Error) => {
      throw new Error(`${e.message}\n${await stateText()}\n${nodes.map((n) => n.log.slice(-1500)).join('\n')}`);
    });
    // The multi-host URL the monitor gives, with our user; libpq's sslmode=require (encrypt, no
    // verification) is node-postgres's sslmode=no-verify (its "require" verifies the certificate).
    const uri = (await autoctl(['show', 'uri', '--formation', 'default', '--pgdata', monitor.pgdata])).trim();
    assert.match(uri, /^postgres:\/\/127\.0\.0\.1:\d+,127\.0\.0\.1:\d+\/postgres\?target_session_attrs=read-write/);
    const databaseUrl = uri
      .replace('postgres://', 'postgres://postgres@')
      .replace('sslmode=require', 'sslmode=no-verify');
    console.log(`# auto-failover DATABASE_URL ${databaseUrl}`);
    const db = await openDb({ databaseUrl, poolMax: 2 });
    try {
      const biz = await createBusiness(db, { name: 'Auto failover', ownerEmail: 'owner@autofailover.example' });
      headers = { authorization: `Bearer ${biz.token}`, 'x-business-id': biz.business_id };
    } finally {
      await db.close();
    }
    server = await serverProcess({
      DATABASE_URL: databaseUrl,
      DB_CONNECT_TIMEOUT_MS: '1000',
      DB_STATEMENT_TIMEOUT_MS: '2000',
      AUTH_CACHE_SECONDS: '5',
    });
  });

  after(async () => {
    await server?.stop();
    const all = [...nodes, ...(monitor ? [monitor] : [])];
    const postmasters = all.map(postmasterPid).filter((p): p is number => p !== undefined);
    for (const n of all) {
      if (n.keeper && n.keeper.exitCode === null && n.keeper.signalCode === null) {
        await autoctl(['stop', '--immediate', '--pgdata', n.pgdata], 10_000).catch(() => {});
      }
    }
    await sleep(500);
    for (const n of all) killGroup(n);
    for (const pid of postmasters) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone.
      }
    }
    const end = Date.now() + 10_000;
    while (postmasters.some(alive) && Date.now() < end) await sleep(50);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Writers through one failover; asserts the contract and returns what was seen. */
  async function underWriters(name: string, failover: () => Promise<Node>): Promise<WriteLog> {
    const s = server as ServerProcess;
    const writers = startWriters(s.url, headers, { n: 6, maxEach: 3000, tag: name });
    try {
      await until('writes acknowledged before the failover', () => writers.log.acknowledged.length >= 30, 20_000).catch(
        (err: Error) => {
          throw new Error(
            `${err.message}: ${JSON.stringify(Object.fromEntries(writers.log.statuses))} ${writers.log.unexpected.slice(0, 3).join('; ')}\n${s.output().slice(-1500)}`,
          );
        },
      );
      const began = Date.now();
      const newPrimary = await failover();
      const acceptedAt = await acceptsWritesAt(newPrimary.port);
      await until(
        `a write acknowledged by the server after the new primary accepted one (${name})`,
        () => firstOkAfter(writers.log, acceptedAt),
        RESUME_BOUND_MS + 10_000,
      ).catch(async (e: Error) => {
        throw new Error(`${e.message}\n${await stateText()}\n${s.output().slice(-1500)}`);
      });
      const resumed = (firstOkAfter(writers.log, acceptedAt) as number) - acceptedAt;
      await sleep(300);
      await writers.stop();
      const log = writers.log;
      const line =
        `auto-failover ${name}: ${log.acknowledged.length} writes acknowledged, ${log.statuses.get(503) ?? 0} answered 503, ` +
        `new primary accepting writes ${acceptedAt - began} ms after the failover began, ` +
        `server writing again ${resumed} ms after that; statuses ${JSON.stringify(Object.fromEntries(log.statuses))}`;
      figures.push(line);
      console.log(`# ${line}`);
      assert.ok(s.alive(), `the server process is alive:\n${s.output().slice(-2000)}`);
      assert.ok(resumed <= RESUME_BOUND_MS, `writes resumed ${resumed} ms after the new primary accepted one`);
      await checkWrites(`postgres://postgres@127.0.0.1:${newPrimary.port}/postgres`, log);
      assert.equal(log.noRetryAfter, 0, 'every 503 carries Retry-After');
      assert.deepEqual(log.unexpected, [], 'only 2xx and 503 during the failover');
      return log;
    } finally {
      await writers.stop();
    }
  }

  test('(a) pg_autoctl perform switchover', async () => {
    const before = await until('a settled primary and secondary', settled, 30_000);
    await underWriters('switchover', async () => {
      await autoctl(['perform', 'switchover', '--pgdata', (monitor as Node).pgdata], 90_000);
      return before.secondary;
    });
    await until(
      'the old primary a secondary again',
      async () => (await settled())?.secondary === before.primary,
      60_000,
    ).catch(async (e: Error) => {
      throw new Error(`${e.message}\n${await stateText()}`);
    });
  });

  test('(b) kill -9 of the primary node: the monitor fails over to the secondary', async () => {
    const before = await until('a settled primary and secondary', settled, 60_000);
    await underWriters('kill-9', async () => {
      const pm = postmasterPid(before.primary);
      killGroup(before.primary); // the keeper and its postmaster, at once
      if (pm !== undefined) {
        try {
          process.kill(pm, 'SIGKILL');
        } catch {
          // Went with its group.
        }
      }
      return before.secondary;
    });
    const ready = await fetch(`${(server as ServerProcess).url}/readyz`);
    assert.equal(ready.status, 200, 'ready again on the new primary');
    console.log(`# auto-failover state after (b):\n# ${(await stateText()).trim().split('\n').join('\n# ')}`);
    console.log(`# auto-failover figures:\n# ${figures.join('\n# ')}`);
  });
});
