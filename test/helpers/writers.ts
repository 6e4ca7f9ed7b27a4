/**
 * A real server process on a given DATABASE_URL, and writers that create
 * customers through it (with and without Idempotency-Key), recording every
 * answer: for failover and crash tests that must see the process survive and
 * count what was acknowledged.
 */
import assert from 'node:assert/strict';
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import pg from 'pg';
import { BIN, listening } from './cli.js';

export interface ServerProcess {
  url: string;
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** Whether it is still running. */
  alive(): boolean;
  /** What it wrote on stderr (its error log lines go to stdout: both kept). */
  output(): string;
  stop(): Promise<void>;
}

export async function serverProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: {
      ...process.env,
      PORT: '0',
      LOG_LEVEL: 'error',
      DEMO: '0',
      RATE_LIMIT_PER_TOKEN: '0',
      RATE_LIMIT_PER_ADDRESS: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => {
    if (out.length < 200_000) out += d;
  });
  child.stderr.on('data', (d) => {
    if (out.length < 200_000) out += d;
  });
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const banner = await Promise.race([
    listening(child),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no banner in 30 s: ${out}`)), 30_000)),
  ]).catch((err) => {
    child.kill('SIGKILL');
    throw err;
  });
  const url = /listening on (http:\/\/\S+)/.exec(banner)?.[1];
  if (!url) throw new Error(`no URL in the banner: ${banner}`);
  return {
    url,
    child,
    alive: () => !exited && child.exitCode === null && child.signalCode === null,
    output: () => out,
    stop: async () => {
      if (exited) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    },
  };
}

export interface WriteLog {
  /** Every status seen, with its count. */
  statuses: Map<number, number>;
  /** Answers other than 2xx and 503 (status, body, when). */
  unexpected: string[];
  /** Ids of the customers acknowledged (2xx). */
  acknowledged: string[];
  /** Each key that was acknowledged → the customer id its answer named. */
  keyed: Map<string, string>;
  /** When each 2xx answer arrived (epoch ms). */
  okAt: number[];
  /** 503s without Retry-After. */
  noRetryAfter: number;
}

/**
 * `n` writers (half with an Idempotency-Key unless `keys` is false, retried with the same key until it
 * is acknowledged) until `stop()` or `maxEach` writes each; resolves when all
 * have stopped.
 */
export function startWriters(
  base: string,
  headers: Record<string, string>,
  opts: { n: number; maxEach: number; tag: string; keys?: boolean },
): { log: WriteLog; stop: () => Promise<void> } {
  const log: WriteLog = {
    statuses: new Map(),
    unexpected: [],
    acknowledged: [],
    keyed: new Map(),
    okAt: [],
    noRetryAfter: 0,
  };
  let stopping = false;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const writer = async (w: number) => {
    const keyed = opts.keys !== false && w % 2 === 0;
    for (let i = 0; i < opts.maxEach && !stopping; i++) {
      const key = `${opts.tag}-w${w}-${i}`;
      // A keyed write is retried with its key until acknowledged; an unkeyed one is tried once.
      while (!stopping) {
        let status = 0;
        let body = '';
        let retryAfter: string | null = null;
        try {
          const r = await fetch(`${base}/api/v1/customers`, {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/json', ...(keyed ? { 'idempotency-key': key } : {}) },
            body: JSON.stringify({ name: key, email: `${key}@failover.example` }),
            signal: AbortSignal.timeout(20_000),
          });
          status = r.status;
          retryAfter = r.headers.get('retry-after');
          body = await r.text();
        } catch (err) {
          body = String(err);
        }
        log.statuses.set(status, (log.statuses.get(status) ?? 0) + 1);
        if (status >= 200 && status < 300) {
          const id = (JSON.parse(body) as { data: { id: string } }).data.id;
          log.acknowledged.push(id);
          log.okAt.push(Date.now());
          if (keyed) log.keyed.set(key, id);
          break;
        }
        if (status === 503) {
          if (retryAfter === null) log.noRetryAfter++;
        } else if (log.unexpected.length < 50) {
          log.unexpected.push(`${keyed ? 'keyed: ' : ''}${status} ${body.slice(0, 200)}`);
        }
        await sleep(25);
        if (!keyed) break;
      }
    }
  };
  const running = Promise.all(Array.from({ length: opts.n }, (_, w) => writer(w)));
  return {
    log,
    stop: async () => {
      stopping = true;
      await running;
    },
  };
}

/** The first 2xx that arrived at or after `at`, or undefined. */
export function firstOkAfter(log: WriteLog, at: number): number | undefined {
  return log.okAt.filter((t) => t >= at).sort((a, b) => a - b)[0];
}

/** Every acknowledged customer is in the database at `url`; each acknowledged key made exactly one. */
export async function checkWrites(url: string, log: WriteLog): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query('SELECT id FROM customers WHERE id = ANY($1::uuid[])', [log.acknowledged]);
    assert.equal(rows.length, new Set(log.acknowledged).size, 'no acknowledged write lost');
    const names = [...log.keyed.keys()];
    const counts = await c.query<{ name: string; n: number }>(
      'SELECT name, count(*)::int AS n FROM customers WHERE name = ANY($1::text[]) GROUP BY name',
      [names],
    );
    const twice = counts.rows.filter((r) => r.n !== 1).map((r) => `${r.name} × ${r.n}`);
    assert.deepEqual(twice, [], 'each acknowledged key made exactly one customer');
    assert.equal(counts.rows.length, names.length, 'every acknowledged key has its customer');
  } finally {
    await c.end();
  }
}
