// `npm pack` gives a tarball an integrator installs with `npm i -D ./customers-api-*.tgz`, offline,
// into an empty project: no dev dependency and no build at install, and then `npx customers-api
// serve --memory --fixtures …` serves, `customers-api/testing` starts a server (the client bundled
// with it), and the pytest recipe runs against `npx`. `npm run test:pack`.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { run } from './run.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const example = JSON.parse(readFileSync(join(ROOT, 'examples/fixtures.json'), 'utf8'));
let dir: string;
let project: string;
let tarball: string;
let files: string[];

/**
 * The lockfile of an empty project that already pins our runtime dependencies as package-lock.json
 * does. An offline install needs each package's registry document to resolve a range, and `npm ci`
 * (which filled the cache) never fetches those: it installs from the lockfile's URLs. With these
 * pins npm takes every tarball from the cache; the versions are the ones the suite tested.
 */
function consumerLock(): object {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
  const packages: Record<string, unknown> = { '': { name: 'consumer', version: '1.0.0' } };
  for (const [path, entry] of Object.entries(lock.packages as Record<string, { dev?: boolean; link?: boolean }>)) {
    if (path.startsWith('node_modules/') && !entry.dev && !entry.link) packages[path] = entry;
  }
  return { name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true, packages };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'customers-api-pack-'));
  const packed = await run('npm', ['pack', '--pack-destination', dir], { cwd: ROOT, timeoutMs: 300_000 });
  assert.equal(packed.code, 0, packed.out);
  const name = readdirSync(dir).find((n) => n.endsWith('.tgz'));
  assert.ok(name, packed.out);
  tarball = join(dir, name);
  const listed = await run('tar', ['tzf', tarball]);
  files = listed.out.split('\n').filter(Boolean);
  project = join(dir, 'consumer');
  cpSync(join(ROOT, 'examples'), join(project, 'examples'), { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  writeFileSync(join(project, 'package-lock.json'), JSON.stringify(consumerLock()));
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the packed server', () => {
  test('ships the build, the snapshot, the migrations and the bundled client; no sources, tests or build caches', () => {
    for (const f of [
      'package/bin/customers-api.js',
      'package/dist/cli/main.js',
      'package/dist/memory-snapshot.tar',
      'package/dist/testing/index.js',
      'package/dist/testing/index.d.ts',
      'package/src/platform/db/migrations/0001_init.sql',
      'package/examples/fixtures.json',
      'package/node_modules/@customers-api/client/dist/index.js',
    ]) {
      assert.ok(files.includes(f), `${f} in the tarball`);
    }
    const stray = files.filter(
      (f) =>
        /^package\/(test|scripts|bench)\//.test(f) ||
        /^package\/src\/.*\.ts$/.test(f) ||
        f.endsWith('.tsbuildinfo') ||
        f.endsWith('.map'),
    );
    assert.deepEqual(stray, []);
  });

  test('installs offline into an empty project with npm i -D, without dev dependencies and without a build', async () => {
    const r = await run('npm', ['i', '-D', '--offline', '--no-audit', '--no-fund', tarball], {
      cwd: project,
      timeoutMs: 180_000,
    });
    assert.equal(r.code, 0, r.out);
    const installed = join(project, 'node_modules/customers-api');
    assert.ok(existsSync(join(installed, 'dist/cli/main.js')));
    for (const dev of ['typescript', 'tsx', '@biomejs/biome', 'vitest', 'jest']) {
      assert.ok(!existsSync(join(project, 'node_modules', dev)), `${dev} is not installed`);
    }
    // npm runs no `prepare` for a tarball dependency: the build stamp is the one packed.
    const packedStamp = await run('tar', ['xzOf', tarball, 'package/dist/.built']);
    assert.equal(readFileSync(join(installed, 'dist/.built'), 'utf8'), packedStamp.out);
  });

  test('npx customers-api serve --memory --fixtures … serves the fixtures', async () => {
    const child = spawn('npx', ['--no', 'customers-api', 'serve', '--memory', '--fixtures', 'examples/fixtures.json'], {
      cwd: project,
      env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', DATABASE_URL: '', NODE_TEST_CONTEXT: undefined },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not listening within 60 s: ${stderr}`)), 60_000);
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          const m = /^\{"listening":"([^"]+)"/.exec(out);
          if (m?.[1]) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`exited ${code}: ${stderr}`));
        });
      });
      const business = example.businesses[0];
      const res = await fetch(`${url}/api/v1/customers/${business.customers[0].id}`, {
        headers: { authorization: `Bearer ${business.members[0].tokens[0]}`, 'x-business-id': business.id },
      });
      assert.equal(res.status, 200, await res.clone().text());
      assert.equal(((await res.json()) as { data: { name: string } }).data.name, business.customers[0].name);
    } finally {
      try {
        process.kill(-(child.pid as number), 'SIGTERM');
      } catch {
        // gone
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // gone
      }
    }
  });

  test('customers-api/testing starts a server there, its client included', async () => {
    const script = `import { startTestServer } from 'customers-api/testing';
const s = await startTestServer({ fixtures: 'examples/fixtures.json' });
try {
  const page = await s.client.customers.page();
  await s.reset();
  console.log(JSON.stringify({ customers: page.items.length, business: s.businessId }));
} finally {
  await s.stop();
}`;
    writeFileSync(join(project, 'start.mjs'), script);
    const r = await run(process.execPath, ['start.mjs'], { cwd: project, timeoutMs: 90_000 });
    assert.equal(r.code, 0, r.out);
    assert.deepEqual(JSON.parse(r.out.trim().split('\n').at(-1) as string), {
      customers: example.businesses[0].customers.length,
      business: example.businesses[0].id,
    });
  });

  test('the pytest recipe, with npx customers-api as written', async () => {
    const r = await run(
      '/usr/bin/python3',
      ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'examples/recipes/pytest'],
      {
        cwd: project,
        env: { PYTHONDONTWRITEBYTECODE: '1', CUSTOMERS_API: undefined },
        timeoutMs: 120_000,
      },
    );
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /3 passed/);
  });
});
