/**
 * `customers-api/testing`: a test-mode server for an integrator's test suite.
 *
 * `startTestServer()` spawns `customers-api serve --memory --test-mode` (this
 * package's own bin) as a child process in a process group of its own, on a
 * free port, and hands back its address, a typed client acting as the first
 * business's owner, and the `/_test/` control API (contract §7). `stop()` ends
 * the whole group. The server is a real process on a real socket: what a test
 * sees is what production code would see.
 *
 * This module imports nothing of the server itself (the child loads it), so
 * importing it costs a test file almost nothing.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CustomersApi } from '@customers-api/client';

const BIN = fileURLToPath(new URL('../../bin/customers-api.js', import.meta.url));

/** The fixtures file's shape, as far as this helper reads it (contract §7 has all of it). */
export interface TestFixtures {
  seed?: number | string;
  test_key?: string;
  businesses: {
    id?: string;
    name: string;
    members: { email: string; role: string; tokens?: string[] }[];
    customers?: Record<string, unknown>[];
    webhook_endpoints?: Record<string, unknown>[];
  }[];
}

export interface TestServerOptions {
  /** A fixtures file (path) or the fixtures themselves. Default: one business, "Test business", whose owner has a token made here. */
  fixtures?: string | TestFixtures;
  /** More environment for the server (e.g. `LOG_LEVEL`, `RATE_LIMIT_PER_TOKEN`). `PORT` is always 0. */
  env?: Record<string, string>;
  /** More arguments after `serve --memory --test-mode --fixtures FILE`. */
  args?: string[];
  /** How long the start may take before it is given up, in ms (default 30 000). */
  startTimeoutMs?: number;
}

/** `POST /_test/faults`: the next `count` requests matching `method` and `path` meet the fault. */
export interface TestFault {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The path without query; `*` matches any run of characters, `/` included. */
  path: string;
  status?: 429 | 500 | 503;
  delay_ms?: number;
  reset_connection?: boolean;
  count: number;
}

export interface ArmedFault {
  id: string;
  method: string | null;
  path: string;
  status: number | null;
  delay_ms: number | null;
  reset_connection: boolean;
  remaining: number;
}

export interface WebhookAttempt {
  endpoint_id: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  status: number | null;
  error: string | null;
  attempted_at: string;
}

/** What a test needs to reach a running test server: plain data, so a global setup can hand it to its workers. */
export interface TestServerInfo {
  /** `http://127.0.0.1:PORT` (no `/api/v1`). */
  baseUrl: string;
  /** The first API token of the first business's owner (from the fixtures). */
  token: string;
  /** The first business of the fixtures. */
  businessId: string;
  /** The `x-test-key` of the `/_test/` routes. */
  testKey: string;
}

/** A running test server's client and `/_test/` API. */
export interface TestServerHandle extends TestServerInfo {
  /** A `@customers-api/client` client acting as `token` in `businessId`. */
  client: CustomersApi;
  /** `POST /_test/reset`: back to the state right after the fixtures. */
  reset(): Promise<void>;
  faults: {
    arm(fault: TestFault): Promise<string>;
    list(): Promise<ArmedFault[]>;
    clear(): Promise<void>;
  };
  webhooks: {
    list(): Promise<WebhookAttempt[]>;
    /** Attempts every due or scheduled delivery now; resolves to the number of attempts made. */
    flush(): Promise<number>;
  };
  clock: {
    /** Moves the server's now forward; resolves to the new now (RFC 3339). */
    advance(seconds: number): Promise<string>;
  };
}

/** A test server this process started. */
export interface TestServer extends TestServerHandle {
  /** The server's process id (the leader of its process group). */
  pid: number;
  /** `baseUrl`, `token`, `businessId`, `testKey`: for `connectTestServer` in another process. */
  info: TestServerInfo;
  /** Ends the server's process group (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>;
}

/** Thrown when the server does not start: its exit code and what it said on stderr. */
export class TestServerStartError extends Error {
  override name = 'TestServerStartError';
}

/** Settings that would make `--memory` refuse to start, or point it elsewhere: not inherited. */
const NOT_INHERITED = ['DATABASE_URL', 'DATABASE_READ_URL', 'WORKERS', 'DATA_DIR', 'TEST_MODE', 'PORT'];
const STDERR_KEPT = 64 * 1024;

function madeFixtures(): TestFixtures {
  return {
    test_key: randomBytes(18).toString('base64url'),
    businesses: [
      {
        name: 'Test business',
        members: [
          { email: 'owner@test.example', role: 'owner', tokens: [`dz_${randomBytes(32).toString('base64url')}`] },
        ],
      },
    ],
  };
}

/** The token the helper acts with: the first business's first owner token, else its first token at all. */
function tokenOf(f: TestFixtures): string {
  const members = f.businesses?.[0]?.members ?? [];
  const owner = members.find((m) => m.role === 'owner' && m.tokens?.length);
  const any = owner ?? members.find((m) => m.tokens?.length);
  const token = any?.tokens?.[0];
  if (token === undefined) {
    throw new TestServerStartError(
      'startTestServer: the first business of the fixtures needs a member with "tokens" (the helper acts with it)',
    );
  }
  return token;
}

/** Starts a test-mode, in-memory server on a free port; resolves once it listens. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  let dir: string | undefined;
  let file: string;
  let fixtures: TestFixtures;
  if (typeof options.fixtures === 'string') {
    file = resolve(options.fixtures);
    try {
      fixtures = JSON.parse(readFileSync(file, 'utf8')) as TestFixtures;
    } catch (err) {
      throw new TestServerStartError(`startTestServer: cannot read fixtures ${file}: ${(err as Error).message}`);
    }
  } else {
    fixtures = options.fixtures ?? madeFixtures();
    dir = mkdtempSync(join(tmpdir(), 'customers-api-testing-'));
    file = join(dir, 'fixtures.json');
    writeFileSync(file, JSON.stringify(fixtures));
  }
  const removeDir = () => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  };
  let token: string;
  try {
    token = tokenOf(fixtures);
  } catch (err) {
    removeDir();
    throw err;
  }

  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of NOT_INHERITED) delete env[name];
  Object.assign(env, { LOG_LEVEL: 'warn' }, options.env, { PORT: '0' });
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--memory', '--test-mode', '--fixtures', file, ...(options.args ?? [])],
    { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    stderr = (stderr + d).slice(-STDERR_KEPT);
  });
  const exited = new Promise<void>((done) => {
    child.once('exit', () => done());
    child.once('error', () => done()); // never spawned: there is nothing to wait for
  });
  // Should the test runner end without stop(), the server goes with it.
  const killOnExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      process.removeListener('exit', killOnExit);
      removeDir();
    })();
    return stopped;
  };

  let first: { listening: string; test_key?: string };
  try {
    first = await firstLine(child, timeoutMs, () => stderr);
  } catch (err) {
    await stop();
    throw err;
  }
  const baseUrl = first.listening;
  const testKey = first.test_key ?? fixtures.test_key ?? '';

  let businessId: string;
  try {
    // Without an id in the file (derived from the seed, or made at start): the business of that name the token sees.
    businessId = fixtures.businesses[0]?.id ?? (await businessNamed(baseUrl, token, fixtures.businesses[0]?.name));
  } catch (err) {
    await stop();
    throw err;
  }

  const info: TestServerInfo = { baseUrl, token, businessId, testKey };
  return { ...connectTestServer(info), info, pid: child.pid as number, stop };
}

/** The client and `/_test/` API of a test server started elsewhere (a global setup, another process). */
export function connectTestServer(info: TestServerInfo): TestServerHandle {
  const { baseUrl, testKey } = info;
  const control = async <T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${baseUrl}/_test/${path}`, {
      method,
      headers: {
        'x-test-key': testKey,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} /_test/${path}: ${res.status} ${text}`);
    return (JSON.parse(text) as { data: T }).data;
  };
  return {
    ...info,
    client: new CustomersApi({ baseUrl, token: info.token, businessId: info.businessId }),
    reset: async () => {
      await control('POST', 'reset');
    },
    faults: {
      arm: async (fault) => (await control<{ id: string }>('POST', 'faults', fault)).id,
      list: () => control<ArmedFault[]>('GET', 'faults'),
      clear: async () => {
        await control('DELETE', 'faults');
      },
    },
    webhooks: {
      list: () => control<WebhookAttempt[]>('GET', 'webhooks'),
      flush: async () => (await control<{ attempts: number }>('POST', 'webhooks/flush')).attempts,
    },
    clock: {
      advance: async (seconds) => (await control<{ now: string }>('POST', 'clock', { advance_seconds: seconds })).now,
    },
  };
}

async function businessNamed(baseUrl: string, token: string, name: string | undefined): Promise<string> {
  const page = await new CustomersApi({ baseUrl, token, retry: { max: 0 } }).businesses.page({ limit: 100 });
  const id = page.items.find((b) => b.name === name)?.id;
  if (id === undefined) throw new TestServerStartError(`startTestServer: the token sees no business named ${name}`);
  return id;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-(child.pid as number), signal);
  } catch {
    // The group is gone already.
  }
}

/** The first line of stdout, `{"listening": …}`; stdout is drained after it (log lines). Bounded by `timeoutMs`. */
function firstLine(
  child: ChildProcess,
  timeoutMs: number,
  stderr: () => string,
): Promise<{ listening: string; test_key?: string }> {
  return new Promise((resolveLine, reject) => {
    let out = '';
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(
      () =>
        settle(() =>
          reject(new TestServerStartError(`customers-api did not listen within ${timeoutMs} ms; stderr:\n${stderr()}`)),
        ),
      timeoutMs,
    );
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (d: string) => {
      if (settled) return; // log lines: read and dropped, so the pipe never fills
      out += d;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      const line = out.slice(0, nl);
      settle(() => {
        try {
          const parsed = JSON.parse(line) as { listening?: unknown; test_key?: string };
          if (typeof parsed.listening !== 'string') throw new Error('no "listening"');
          resolveLine(parsed as { listening: string; test_key?: string });
        } catch {
          reject(new TestServerStartError(`customers-api: unexpected first line on stdout: ${line}`));
        }
      });
    });
    child.once('exit', (code, signal) =>
      settle(() =>
        reject(
          new TestServerStartError(
            `customers-api exited (${signal ?? `code ${code}`}) before listening; stderr:\n${stderr().trimEnd()}`,
          ),
        ),
      ),
    );
    child.once('error', (err) => settle(() => reject(err)));
  });
}
