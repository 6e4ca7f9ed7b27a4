import assert from 'node:assert/strict';
import { type ChildProcessByStdio, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { BIN, cli } from '../helpers/cli.js';
import { freshPostgresDatabase } from '../helpers/harness.js';
import { PUBLIC_HOOK_URL } from '../helpers/routes.js';

const PG_BASE = process.env.TEST_DATABASE_URL;
const EMBEDDED = { DATABASE_URL: '' };

type Server = { url: string; child: ChildProcessByStdio<null, Readable, Readable> };
const children = new Set<ChildProcessByStdio<null, Readable, Readable>>();
const cleanups: (() => Promise<void> | void)[] = [];

after(async () => {
  for (const child of children) {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const fn of cleanups.reverse()) await fn();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'customers-api-backup-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A real server process (its own process group, killed in `after` if still running). */
async function startServer(env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', WORKERS: '1', RATE_LIMIT_PER_TOKEN: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start within 60 s: ${out}`)), 60_000);
    child.stderr.on('data', (d) => {
      out += d;
      const m = /listening on (http:\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening: ${out}`));
    });
  });
  return { url, child };
}

async function stopServer(s: Server): Promise<void> {
  if (s.child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => s.child.once('exit', () => resolve()));
  s.child.kill('SIGTERM');
  const timer = setTimeout(() => s.child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

interface Tenant {
  businessId: string;
  userId: string;
  token: string;
}

function headers(t: Tenant): Record<string, string> {
  return { authorization: `Bearer ${t.token}`, 'x-business-id': t.businessId, 'content-type': 'application/json' };
}

async function api(
  s: Server,
  t: Tenant,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: { data: unknown } }> {
  const res = await fetch(`${s.url}${path}`, {
    method,
    headers: headers(t),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

interface Page {
  items: { id: string }[];
  has_next: boolean;
  next_cursor: string | null;
}

/** Every item of a list, following next_cursor through all pages. */
async function all(s: Server, t: Tenant, path: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 1000; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const r = await api(s, t, 'GET', `${path}${sep}limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.body)}`);
    const page = r.body.data as Page;
    items.push(...(page.items as Record<string, unknown>[]));
    if (!page.has_next) return items;
    cursor = page.next_cursor;
  }
  throw new Error(`${path}: more than 1000 pages`);
}

/** What a server serves a business: every list, walked through all its pages. */
async function lists(s: Server, t: Tenant) {
  const customers = await all(s, t, '/api/v1/customers');
  const contacts: Record<string, Record<string, unknown>[]> = {};
  for (const c of customers) contacts[c.id as string] = await all(s, t, `/api/v1/customers/${c.id}/contacts`);
  return {
    customers,
    contacts,
    members: await all(s, t, '/api/v1/businesses/users'),
    events: await all(s, t, '/api/v1/events'),
    endpoints: await all(s, t, '/api/v1/webhook-endpoints'),
  };
}

async function businessCreate(dataDir: string, n: number): Promise<Tenant> {
  const r = await cli(
    ['business', 'create', '--name', `Backup ${n}`, '--owner-email', `owner${n}@backup.example`, '--json'],
    {
      ...EMBEDDED,
      DATA_DIR: dataDir,
    },
  );
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { business_id: string; user_id: string; token: string };
  return { businessId: j.business_id, userId: j.user_id, token: j.token };
}

async function addCustomer(s: Server, t: Tenant, name: string): Promise<void> {
  const c = await api(s, t, 'POST', '/api/v1/customers', {
    name,
    email: `${name.toLowerCase().replaceAll(' ', '-')}@backup.example`,
  });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const id = (c.body.data as { id: string }).id;
  const k = await api(s, t, 'POST', `/api/v1/customers/${id}/contacts`, { name: `${name} contact` });
  assert.equal(k.status, 201, JSON.stringify(k.body));
}

describe('backup and restore of the embedded database', () => {
  test('a backup taken through a running server under writes is one snapshot; restored embedded and into PostgreSQL, every list is served as the original served it', async () => {
    const dir = tempDir();
    const original = join(dir, 'original');
    const a = await startServer({ ...EMBEDDED, DATA_DIR: original });
    const t1 = await businessCreate(original, 1);
    const t2 = await businessCreate(original, 2);
    const tenants = [t1, t2];
    // A member of business 1 besides its owner; a webhook endpoint each (disabled: nothing is sent).
    const added = await api(a, t1, 'POST', '/api/v1/businesses/users', { id: t2.userId, role: 'viewer' });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    for (const t of tenants) {
      const ep = await api(a, t, 'POST', '/api/v1/webhook-endpoints', { url: PUBLIC_HOOK_URL, events: ['*'] });
      assert.equal(ep.status, 201, JSON.stringify(ep.body));
      const off = await api(a, t, 'PUT', `/api/v1/webhook-endpoints/${(ep.body.data as { id: string }).id}`, {
        enabled: false,
      });
      assert.equal(off.status, 200);
    }
    for (const t of tenants)
      for (let i = 0; i < 10; i++) await addCustomer(a, t, `Before ${t.businessId.slice(-4)} ${i}`);

    // Writers on both businesses, before, during and after the backup.
    let stop = false;
    let acknowledged = 0;
    const writing = tenants.map(async (t) => {
      for (let i = 0; !stop; i++) {
        await addCustomer(a, t, `During ${t.businessId.slice(-4)} ${i}`);
        acknowledged++;
      }
    });
    // A writer's failure is reported where the writers are awaited (never as an unhandled rejection).
    const writers = Promise.all(writing);
    writers.catch(() => {});
    const waitFor = async (what: string, ok: () => boolean) => {
      const end = Date.now() + 60_000;
      while (!ok()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await waitFor('writers under way', () => acknowledged >= 4);
    // Everything acknowledged before the backup starts must be in it.
    const before = await Promise.all(tenants.map((t) => all(a, t, '/api/v1/customers')));
    const file1 = join(dir, 'under-writes.sql');
    const b1 = await cli(['backup', file1], { ...EMBEDDED, DATA_DIR: original });
    assert.equal(b1.code, 0, b1.stderr);
    assert.match(b1.stdout, /mode 0600/);
    const atBackupEnd = acknowledged;
    await waitFor('writes after the backup', () => acknowledged >= atBackupEnd + 4);
    stop = true;
    await writers;
    assert.equal(statSync(file1).mode & 0o777, 0o600, 'the backup file is private');
    assert.doesNotMatch(
      readFileSync(file1, 'utf8'),
      /transaction_timeout/,
      'PostgreSQL 15 knows no transaction_timeout',
    );

    // Restoring into a directory a server holds is refused; so is restoring into a non-empty database.
    const held = await cli(['restore', file1], { ...EMBEDDED, DATA_DIR: original });
    assert.equal(held.code, 1, held.stderr);
    assert.match(held.stderr, /restore needs the data directory to itself, and a server holds it/);

    // The backup under writes, restored: one snapshot of the original.
    const restored1 = join(dir, 'restored-under-writes');
    const r1 = await cli(['restore', file1], { ...EMBEDDED, DATA_DIR: restored1 });
    assert.equal(r1.code, 0, r1.stderr);
    const again = await cli(['restore', file1], { ...EMBEDDED, DATA_DIR: restored1 });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /restore needs an empty embedded database/);
    const s1 = await startServer({ ...EMBEDDED, DATA_DIR: restored1 });
    const final = await Promise.all(tenants.map((t) => lists(a, t)));
    for (const [i, t] of tenants.entries()) {
      const got = await lists(s1, t);
      const now = final[i] as Awaited<ReturnType<typeof lists>>;
      // The feed is in commit order: a snapshot holds a prefix of it, and exactly the rows its events made.
      assert.deepEqual(
        got.events,
        now.events.slice(0, got.events.length),
        'the restored feed is a prefix of the original',
      );
      assert.ok(got.events.length < now.events.length, 'writes committed after the backup are not in it');
      const created = (type: string) =>
        got.events
          .filter((e) => e.type === type)
          .map((e) => (e.data as { object: { id: string } }).object.id as string)
          .sort();
      assert.deepEqual(got.customers.map((c) => c.id as string).sort(), created('customer.created'));
      assert.deepEqual(
        Object.values(got.contacts)
          .flat()
          .map((c) => c.id as string)
          .sort(),
        created('contact.created'),
      );
      // Each row as the original serves it (nothing is updated here, so rows do not change).
      // A customer's contacts: those the snapshot's feed created (a contact added after the backup is not in it).
      const byId = new Map(now.customers.map((c) => [c.id, c]));
      const inSnapshot = new Set(created('contact.created'));
      for (const c of got.customers) {
        assert.deepEqual(c, byId.get(c.id));
        assert.deepEqual(
          got.contacts[c.id as string],
          (now.contacts[c.id as string] ?? []).filter((k) => inSnapshot.has(k.id as string)),
        );
      }
      for (const c of before[i] ?? [])
        assert.ok(byId.has(c.id) && got.contacts[c.id as string], 'acknowledged before the backup: in it');
      assert.deepEqual(got.members, now.members);
      assert.deepEqual(got.endpoints, now.endpoints);
    }
    await stopServer(s1);

    // Writers stopped: a second backup, restored, serves exactly what the original serves.
    const file2 = join(dir, 'quiet.sql');
    const b2 = await cli(['backup', file2], { ...EMBEDDED, DATA_DIR: original });
    assert.equal(b2.code, 0, b2.stderr);
    assert.equal(statSync(file2).mode & 0o777, 0o600);
    const restored2 = join(dir, 'restored-quiet');
    const r2 = await cli(['restore', file2], { ...EMBEDDED, DATA_DIR: restored2 });
    assert.equal(r2.code, 0, r2.stderr);
    const s2 = await startServer({ ...EMBEDDED, DATA_DIR: restored2 });
    for (const [i, t] of tenants.entries()) assert.deepEqual(await lists(s2, t), final[i]);
    await stopServer(s2);

    if (PG_BASE) {
      // The embedded → PostgreSQL migration: the same dump, into an empty PostgreSQL database.
      const fresh = await freshPostgresDatabase(PG_BASE);
      cleanups.push(fresh.drop);
      const onPg = await cli(['restore', file2], { DATABASE_URL: fresh.url });
      assert.equal(onPg.code, 0, onPg.stderr);
      const refused = await cli(['restore', file2], { DATABASE_URL: fresh.url });
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /restore needs an empty PostgreSQL database/);
      const noBackup = await cli(['backup', join(dir, 'pg.sql')], { DATABASE_URL: fresh.url });
      assert.equal(noBackup.code, 1);
      assert.match(noBackup.stderr, /use pg_dump/);
      const s3 = await startServer({ DATABASE_URL: fresh.url });
      for (const [i, t] of tenants.entries()) assert.deepEqual(await lists(s3, t), final[i]);
      await stopServer(s3);
      // The dump is plain SQL: psql loads it as well (into another empty database).
      if (spawnSync('psql', ['--version']).status === 0) {
        const other = await freshPostgresDatabase(PG_BASE);
        cleanups.push(other.drop);
        const psql = spawnSync('psql', ['-q', '-v', 'ON_ERROR_STOP=1', '-d', other.url, '-f', file1], {
          encoding: 'utf8',
        });
        assert.equal(psql.status, 0, psql.stderr);
      }
    }
    await stopServer(a);
  });
});
