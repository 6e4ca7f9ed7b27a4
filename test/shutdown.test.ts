import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.js';
import { startServer } from '../src/server.js';
import { listening } from './helpers/cli.js';
import { BACKEND, freshMigratedDb, migratedDataDir } from './helpers/harness.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function get(url: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The server's own configuration against a database of the run's backend. */
async function serverConfig(extra: Record<string, string>) {
  let databaseUrl: string | undefined;
  let drop = async () => {};
  let dir: string | undefined;
  if (BACKEND === 'postgres') {
    const fresh = await freshMigratedDb();
    await fresh.db.close();
    ({ databaseUrl, drop } = fresh);
  } else dir = await migratedDataDir('customers-api-shutdown-');
  const config = loadConfig({
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: dir }),
    PORT: '0',
    LOG_LEVEL: 'silent',
    DEMO: '0',
    ...extra,
  });
  return {
    config,
    cleanup: async () => {
      await drop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('shutdown', () => {
  test('idle keep-alive connections do not hold it up: it drains before its deadline', async () => {
    const { config, cleanup } = await serverConfig({ SHUTDOWN_TIMEOUT_MS: '30000' });
    const running = await startServer(config);
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    try {
      const statuses = await Promise.all(Array.from({ length: 8 }, () => get(`${running.url}/healthz`, agent)));
      assert.deepEqual(new Set(statuses), new Set([200]));
      // Eight keep-alive connections now sit idle: closing must not wait for the client to drop them.
      assert.equal(await running.close(), 'drained');
    } finally {
      agent.destroy();
      await running.close();
      await cleanup();
    }
  });

  test('a request arriving while it shuts down gets 503 {"detail": …} with Retry-After', async () => {
    const { config, cleanup } = await serverConfig({});
    const running = await startServer(config);
    try {
      const closing = running.close();
      const r = await running.app.inject({ url: '/healthz' });
      assert.equal(r.statusCode, 503, r.body);
      assert.deepEqual(JSON.parse(r.body), { detail: 'Service unavailable' });
      assert.equal(r.headers['retry-after'], '5');
      await closing;
    } finally {
      await running.close();
      await cleanup();
    }
  });

  test('npm start stopped with SIGTERM stops the server too (no orphan)', { skip: BACKEND !== 'pglite' }, async () => {
    const dir = await migratedDataDir('customers-api-npm-start-');
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dir, DATABASE_URL: '', PORT: '0', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let serverPid = 0;
    const builtBefore = statSync(join(ROOT, 'dist/.built')).mtimeMs;
    try {
      await listening(npm);
      serverPid = JSON.parse(readFileSync(join(dir, 'customers-api.lock'), 'utf8')).pid;
      const exited = new Promise((resolve) => npm.once('exit', resolve));
      npm.kill('SIGTERM');
      await exited;
      // The server shuts down within its deadline (10 s by default); wait for it by its PID, generously.
      const gone = await new Promise<boolean>((resolve) => {
        const started = Date.now();
        const check = () => {
          try {
            process.kill(serverPid, 0);
          } catch {
            resolve(true);
            return;
          }
          if (Date.now() - started > 20_000) resolve(false);
          else setTimeout(check, 50);
        };
        check();
      });
      assert.ok(gone, `the server (PID ${serverPid}) stopped with npm`);
      assert.equal(statSync(join(ROOT, 'dist/.built')).mtimeMs, builtBefore, 'nothing changed, nothing rebuilt');
    } finally {
      try {
        process.kill(-(npm.pid as number), 'SIGKILL');
      } catch {
        // Already gone.
      }
      if (serverPid) {
        try {
          process.kill(serverPid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
