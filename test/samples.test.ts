import assert from 'node:assert/strict';
import { type ChildProcessByStdio, execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { BIN } from './helpers/cli.js';
import { BACKEND, freshPostgresDatabase } from './helpers/harness.js';

/**
 * The first five minutes, over real HTTP: `serve` on an empty database prints
 * a curl for a demo customer's contacts; that curl, and the seed page's
 * JavaScript sample pointed at this server, must work as printed.
 */
const run = promisify(execFile);

/** Debian's python3-httpx installs for the system interpreter (the first python3 on PATH may be another). */
const PYTHON = '/usr/bin/python3';
/** The Python sample needs httpx: CI installs it and must run the test; elsewhere a missing httpx skips it, saying why. */
function pythonSkip(): string | false {
  const probe = spawnSync(PYTHON, ['-c', 'import httpx'], { stdio: 'ignore' });
  if (probe.status === 0) return false;
  if (process.env.CI) throw new Error(`${PYTHON} cannot import httpx: .ci/run installs python3-httpx`);
  return `needs httpx for ${PYTHON} (apt-get install python3-httpx)`;
}
let server: ChildProcessByStdio<null, Readable, Readable>;
let banner = '';
let logged = '';
let cleanup: () => Promise<void>;

before(async () => {
  let env: Record<string, string>;
  if (BACKEND === 'postgres') {
    const fresh = await freshPostgresDatabase(process.env.TEST_DATABASE_URL as string);
    env = { DATABASE_URL: fresh.url, DEMO: '1' };
    cleanup = fresh.drop;
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'customers-api-first-run-'));
    env = { DATA_DIR: dir, DATABASE_URL: '' };
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  server = spawn(process.execPath, [BIN, 'serve'], {
    env: { ...process.env, ...env, PORT: '0', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout.on('data', (d) => {
    logged += d;
  });
  await new Promise<void>((resolve, reject) => {
    // The banner is for a person: it goes to stderr; stdout carries JSON log lines only.
    server.stderr.on('data', (d) => {
      banner += d;
      if (banner.includes("-H 'x-business-id:")) resolve();
    });
    server.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
});

after(async () => {
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
  }
  await cleanup?.();
});

function printed() {
  const url = /curl -X GET '([^']+)'/.exec(banner)?.[1];
  const token = /Authorization: Bearer (dz_[A-Za-z0-9_-]+)/.exec(banner)?.[1];
  const business = /x-business-id: ([0-9a-f-]{36})'/.exec(banner)?.[1];
  assert.ok(url && token && business, banner);
  return { url, token, business, base: new URL(url).origin };
}

describe('first run', () => {
  test('stdout holds JSON log lines only; the banner (with its token) is not among them', async () => {
    await fetch(`${printed().url}?access_token=${printed().token}`, { headers: { 'x-request-id': 'log-probe' } });
    // The request is logged as it completes: wait for its line to arrive.
    await new Promise<void>((resolve) => {
      const seen = () => {
        if (!logged.includes('"log-probe"')) return;
        server.stdout.off('data', seen);
        resolve();
      };
      server.stdout.on('data', seen);
      seen();
    });
    const lines = logged.split('\n').filter((l) => l !== '');
    assert.ok(lines.length > 0, 'something was logged');
    for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), line);
    assert.equal(logged.includes(printed().token), false, 'no token in the logs, not even from a URL');
    assert.equal(logged.includes('listening on'), false);
  });

  test('prints the base URL, the docs URL, the demo business, token and a curl', () => {
    assert.match(banner, /listening on http:\/\/127\.0\.0\.1:\d+/);
    assert.match(banner, /API reference: +http:\/\/127\.0\.0\.1:\d+\/docs/);
    printed();
  });

  test('the printed curl (the seed page’s cURL sample) answers 200 with contacts', async () => {
    const curl = banner.slice(banner.indexOf('curl -X GET')).trim();
    const { stdout } = await run('sh', ['-c', `${curl} --silent --show-error --write-out '\\n%{http_code}'`]);
    const lines = stdout.trim().split('\n');
    assert.equal(lines.at(-1), '200');
    const body = JSON.parse(lines.slice(0, -1).join('\n'));
    assert.equal(body.success, true);
    assert.ok(body.data.items.length > 0);
  });

  test('the seed page’s JavaScript sample, pointed at this server', async () => {
    const { url, token, business } = printed();
    // The sample as published, with its URL, token and business id filled in.
    const response = await fetch(url, {
      method: 'GET',
      headers: {
        Authorization: `Bearer ${token}`,
        'x-business-id': business,
      },
    });
    const data: any = await response.json();
    assert.equal(response.status, 200);
    assert.equal(data.code, 'OK');
    assert.ok(data.data.items.every((c: { entity_type: string }) => c.entity_type === 'customer'));
    assert.ok(response.headers.get('x-request-id'));
  });

  test('the seed page’s Python sample (httpx), pointed at this server', { skip: pythonSkip() }, async () => {
    const { url, token, business } = printed();
    // The sample as published, with its URL, token and business id filled in, then its result printed.
    const sample = [
      'import httpx',
      '',
      'headers = {',
      `    "Authorization": "Bearer ${token}",`,
      `    "x-business-id": "${business}",`,
      '}',
      '',
      `response = httpx.get("${url}", headers=headers)`,
      'data = response.json()',
      '',
      'import json',
      'print(response.status_code)',
      'print(json.dumps(data))',
    ].join('\n');
    const { stdout } = await run(PYTHON, ['-c', sample]);
    const [status, body] = stdout.trim().split('\n');
    assert.equal(status, '200');
    const data = JSON.parse(body as string);
    assert.equal(data.success, true);
    assert.ok(data.data.items.length > 0);
    assert.equal(data.data.has_more, data.data.has_next);
  });

  test('pagination and errors over real HTTP', async () => {
    const { url, token, business } = printed();
    const headers = { Authorization: `Bearer ${token}`, 'x-business-id': business };
    const first: any = await (await fetch(`${url}?limit=2&sort_by=name&descending=false`, { headers })).json();
    assert.equal(first.data.items.length, 2);
    assert.equal(first.data.has_next, true);
    const second: any = await (
      await fetch(`${url}?limit=2&sort_by=name&descending=false&cursor=${encodeURIComponent(first.data.next_cursor)}`, {
        headers,
      })
    ).json();
    assert.equal(second.data.has_prev, true);
    const unauth = await fetch(url);
    assert.equal(unauth.status, 401);
    assert.equal(unauth.headers.get('www-authenticate'), 'Bearer');
    const docs = await fetch(`${printed().base}/docs/`);
    assert.equal(docs.status, 200);
  });
});
