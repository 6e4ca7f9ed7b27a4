import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { buildApp } from '../src/http/app.js';
import type { Db } from '../src/platform/db/db.js';
import { openDb } from '../src/platform/db/open.js';
import { cursorSecret } from '../src/platform/settings.js';
import { createBusiness } from '../src/resources/businesses/service.js';
import { createToken } from '../src/resources/tokens/service.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BIN = join(ROOT, 'bin/customers-api.js');

/** The server the benchmarks run against: DATABASE_URL, default the local PostgreSQL. */
export const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A database of the benchmark's own on the server, created if missing and kept for reruns. */
/** The bench's own connection to database `name` (made when missing); `statementTimeoutMs` 0: none. */
export async function benchDatabase(name: string, opts: { statementTimeoutMs?: number } = {}): Promise<Db> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rows.length === 0) await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return await openDb({ databaseUrl: url.toString(), poolMax: 10, statementTimeoutMs: opts.statementTimeoutMs });
}

/** A fresh business and its owner's token. */
export async function benchTenant(
  db: Db,
): Promise<{ businessId: string; token: string; headers: Record<string, string> }> {
  const email = `bench-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
  const b = await createBusiness(db, { name: 'Bench', ownerEmail: email });
  return { businessId: b.business_id, token: b.token, headers: authHeaders(b.token, b.business_id) };
}

export function authHeaders(token: string, businessId: string): Record<string, string> {
  return { authorization: `Bearer ${token}`, 'x-business-id': businessId };
}

/** A new token for the owner of an existing business (tokens are stored hashed: a rerun needs a new one). */
export async function ownerToken(db: Db, businessId: string): Promise<string> {
  const { rows } = await db.query<{ email: string; user_id: string }>(
    `SELECT u.email, u.id AS user_id FROM users u JOIN memberships m ON m.user_id = u.id
      WHERE m.business_id = $1 AND m.role = 'owner' LIMIT 1`,
    [businessId],
  );
  const owner = rows[0];
  if (!owner) throw new Error(`business ${businessId} has no owner`);
  await db.query('UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [owner.user_id]);
  return (await createToken(db, { email: owner.email })).token;
}

/** The app on loopback, on a free port. */
export async function benchServer(db: Db, opts: { bodyLimit?: number } = {}) {
  const app = await buildApp({ db, cursorSecret: await cursorSecret(db), bodyLimit: opts.bodyLimit });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  return { app, base: `http://127.0.0.1:${port}` };
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** p50 / p99 / mean in ms of `n` sequential runs of `fn` (after `warmup` untimed ones). */
export async function timeSequential(fn: () => Promise<void>, n: number, warmup = Math.min(50, n)) {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    p50_ms: round(percentile(times, 50)),
    p99_ms: round(percentile(times, 99)),
    mean_ms: round(times.reduce((a, b) => a + b, 0) / times.length),
  };
}

export async function getOk(url: string, headers: Record<string, string>): Promise<unknown> {
  const res = await fetch(url, { headers });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

export async function serverVersion(db: Db): Promise<string> {
  const { rows } = await db.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
  return rows[0]?.v ?? 'unknown';
}

// ---------------------------------------------------------------------------
// processes

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface Proc {
  pid: number;
  stop: () => Promise<void>;
  peakRssMb: () => number;
  /** CPU time (user + system) the process has used so far, in seconds, from its own counters. */
  cpuSeconds: () => number;
  /** What it has written so far, stdout and stderr together (the server's banner is on stderr). */
  output: () => string;
}

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** utime + stime of a process (fields 14 and 15 of /proc/PID/stat), in seconds. */
export function cpuSecondsOf(pid: number): number {
  // The command name (field 2) may hold spaces: statFields counts fields after its closing parenthesis.
  const fields = statFields(pid);
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** Fields after the command name of /proc/PID/stat (field 3, the state, is index 0). */
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/**
 * The CPU time PostgreSQL spends for one database, in seconds, when the server runs on this
 * machine (else null): the postmaster's own and that of every backend connected to `database`
 * (from pg_stat_activity): a backend already there at the first sample from then on, a later
 * one in full. The backends of other
 * databases are left out: on a shared server they are someone else's load. A backend that
 * ends during a run loses what it used since it was last sampled (the bench's pools keep
 * their connections for the run).
 */
export async function postgresCpu(db: Db, database: string): Promise<(() => Promise<number>) | null> {
  const { rows } = await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const backend = rows[0]?.pid;
  if (backend === undefined) return null;
  let postmaster: number;
  try {
    postmaster = Number(statFields(backend)[1]);
    if (!/postgres|postmaster/.test(readFileSync(`/proc/${postmaster}/comm`, 'utf8'))) return null;
  } catch {
    return null; // not on this machine (or not ours to read)
  }
  const seen = new Map<number, number>();
  let used = 0;
  let first = true;
  return async () => {
    const { rows: pids } = await db.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [
      database,
    ]);
    for (const { pid } of pids) {
      try {
        const now = cpuSecondsOf(pid);
        // A backend first seen after the first sample started since: all its time counts.
        used += now - (seen.get(pid) ?? (first ? now : 0));
        seen.set(pid, now);
      } catch {
        seen.delete(pid); // ended since pg_stat_activity listed it
      }
    }
    first = false;
    return used + cpuSecondsOf(postmaster);
  };
}

export async function startProcess(args: string[], env: Record<string, string>, ready: string): Promise<Proc> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    // The benchmark measures the server, not its request limits: they are off here.
    env: { ...process.env, LOG_LEVEL: 'warn', RATE_LIMIT_PER_TOKEN: '0', RATE_LIMIT_PER_ADDRESS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    // The server's banner is on stderr (stdout carries its JSON log); a bare script may use either.
    const seen = (d: Buffer) => {
      out += d;
      if (out.includes(ready)) resolve();
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
  child.stdout.resume();
  child.stderr.resume();
  return {
    pid: child.pid as number,
    output: () => out,
    cpuSeconds: () => cpuSecondsOf(child.pid as number),
    peakRssMb: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024);
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
