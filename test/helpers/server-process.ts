import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { request } from 'node:http';
import { BIN } from './cli.js';
import { BACKEND, freshMigratedDb, migratedDataDir } from './harness.js';

/** A server started as its own process (`customers-api serve`), reached over TCP like any client would. */
export interface ServerProcess {
  url: string;
  port: number;
  pid: number;
  /** Its stdout so far: the JSON log lines. */
  logs: () => Record<string, unknown>[];
  /** Its stderr so far: the banner. */
  stderr: () => string;
  /** SIGKILL to its process group; waits for it to exit (bounded). */
  stop: () => Promise<void>;
}

/** Starts `customers-api serve` with `env` (PORT=0, DEMO=0 unless given) and resolves once it listens (bounded). */
export async function startServerProcess(env: Record<string, string>, waitMs = 30_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: { ...process.env, PORT: '0', DEMO: '0', LOG_LEVEL: 'info', DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // Already gone.
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not listening within ${waitMs} ms: ${stderr}`)), waitMs);
      child.stderr.on('data', (d) => {
        stderr += d;
        const m = /listening on (http:\/\/\S+)/.exec(stderr);
        if (m?.[1]) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`exited with ${code} before listening: ${stderr}`));
      });
    });
    return {
      url,
      port: Number(new URL(url).port),
      pid: child.pid as number,
      logs: () =>
        stdout
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Record<string, unknown>),
      stderr: () => stderr,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The environment for a server on a fresh database of the run's backend, a business in it, and a cleanup. */
export async function serverDatabase(): Promise<{
  env: Record<string, string>;
  token: string;
  businessId: string;
  cleanup: () => Promise<void>;
}> {
  const { createBusiness } = await import('../../src/resources/businesses/service.js');
  if (BACKEND === 'postgres') {
    const fresh = await freshMigratedDb(2);
    const b = await createBusiness(fresh.db, { name: 'Process', ownerEmail: 'process@example.com' });
    await fresh.db.close();
    return {
      env: { DATABASE_URL: fresh.databaseUrl as string },
      token: b.token,
      businessId: b.business_id,
      cleanup: fresh.drop,
    };
  }
  const dir = await migratedDataDir('customers-api-process-');
  const { PgliteDb } = await import('../../src/platform/db/pglite.js');
  const db = await PgliteDb.open(dir);
  const b = await createBusiness(db, { name: 'Process', ownerEmail: 'process@example.com' });
  await db.close();
  return {
    env: { DATA_DIR: dir },
    token: b.token,
    businessId: b.business_id,
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: () => any;
  ms: number;
}

/** One HTTP request over a new TCP connection; rejects after `timeoutMs` with a message. */
export function http(
  base: string,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: unknown; timeoutMs?: number },
): Promise<HttpAnswer> {
  const began = Date.now();
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${opts.path}`,
      {
        method: opts.method ?? 'GET',
        agent: false,
        headers: {
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          ...opts.headers,
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            json: () => JSON.parse(body),
            ms: Date.now() - began,
          }),
        );
      },
    );
    const timeoutMs = opts.timeoutMs ?? 15_000;
    req.setTimeout(timeoutMs, () =>
      req.destroy(new Error(`${opts.method ?? 'GET'} ${opts.path}: no answer within ${timeoutMs} ms`)),
    );
    req.on('error', reject);
    req.end(payload);
  });
}
