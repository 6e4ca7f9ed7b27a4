import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { BIN, cli, listening } from './helpers/cli.js';
import { BACKEND, freshPostgresDatabase, until } from './helpers/harness.js';

/** WORKERS=N: several server processes on one port, on PostgreSQL. */

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // A new connection each time (no keep-alive), so the requests spread over the workers.
    const req = request(url, { agent: false, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error(`no answer from ${url} in 5 s`)));
    req.end();
  });
}

const children = (pid: number): number[] => {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
};

describe('WORKERS', () => {
  test('refused where it cannot hold: on the embedded database, and with rate limits but no shared store', async () => {
    const embedded = await cli(['serve'], { WORKERS: '2', DATABASE_URL: '', DATA_DIR: '/nonexistent/never-created' });
    assert.equal(embedded.code, 2, embedded.stderr);
    assert.match(
      embedded.stderr,
      /WORKERS=2 needs PostgreSQL \(DATABASE_URL\): the embedded database admits one process/,
    );
    const limits = await cli(['serve'], {
      WORKERS: '2',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
      RATE_LIMIT_PER_TOKEN: '100',
      REDIS_URL: '',
    });
    assert.equal(limits.code, 2, limits.stderr);
    assert.match(limits.stderr, /with rate limits needs REDIS_URL/);
  });

  describe('on PostgreSQL', { skip: BACKEND !== 'postgres' ? 'PostgreSQL only' : false }, () => {
    let url: string;
    let drop: () => Promise<void>;
    before(async () => {
      ({ url, drop } = await freshPostgresDatabase(process.env.TEST_DATABASE_URL as string));
    });
    after(async () => {
      await drop?.();
    });

    test('two processes serve one port; metrics are summed; a crashed worker is replaced; SIGTERM stops them all', async () => {
      const server = spawn(process.execPath, [BIN, 'serve'], {
        env: {
          ...process.env,
          DATABASE_URL: url,
          WORKERS: '2',
          PORT: '0',
          DEMO: '1',
          LOG_LEVEL: 'warn',
          RATE_LIMIT_PER_TOKEN: '0',
          RATE_LIMIT_PER_ADDRESS: '0',
          SHUTDOWN_TIMEOUT_MS: '2000',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      try {
        let stderr = '';
        server.stderr.on('data', (d) => {
          stderr += d;
        });
        const banner = await listening(server);
        assert.match(banner, /Workers:\s+2/);
        assert.equal((banner.match(/First run: created a demo business/g) ?? []).length, 1, 'one demo, made once');
        const base = /listening on (http:\S+)/.exec(banner)?.[1] ?? '';
        const pid = server.pid as number;
        await until('two workers', () => children(pid).length === 2);
        for (let i = 0; i < 20; i++) assert.equal((await get(`${base}/openapi.json`)).status, 200);
        const metrics = await get(`${base}/metrics`);
        assert.match(
          metrics.body,
          /^http_requests_total\{route="\/openapi\.json",method="GET",status="200"\} 20$/m,
          'the sum over both workers (each served about half)',
        );

        const [victim] = children(pid);
        process.kill(victim as number, 'SIGKILL');
        await until('a replacement worker', () => {
          const now = children(pid);
          return now.length === 2 && !now.includes(victim as number);
        });
        await until('the replacement to listen', () => /starting another/.test(stderr), 5000);
        for (let i = 0; i < 10; i++) assert.equal((await get(`${base}/healthz`)).status, 200);

        const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
        const workers = children(pid);
        process.kill(pid, 'SIGTERM');
        assert.equal(await exited, 0);
        await until('the workers to exit', () =>
          workers.every((w) => {
            try {
              process.kill(w, 0);
              return false;
            } catch {
              return true;
            }
          }),
        );
      } finally {
        try {
          process.kill(-(server.pid as number), 'SIGKILL');
        } catch {}
      }
    });
  });
});
