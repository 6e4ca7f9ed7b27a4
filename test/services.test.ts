/**
 * A handler reaches its services one way: `req.services`, the request's — the app's, or
 * the same bound to the request's transaction (an idempotent POST) or to a replica. No
 * route file can reach another copy (checked in the source), and every keyed POST route
 * of the shared route table runs all its statements in its request's transaction
 * (checked by running each against a database that refuses any other statement while
 * that transaction is open), and every GET route reads the replica it was given.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildApp } from '../src/http/app.js';
import type { Db, Queryable, QueryOptions } from '../src/platform/db/db.js';
import type { ReadReplicas, RecentWrites } from '../src/platform/db/replicas.js';
import { createCustomer, type Harness, setup, tenant, unique } from './helpers/harness.js';
import { ROUTES } from './helpers/routes.js';

const src = fileURLToPath(new URL('../src/', import.meta.url));
const resources = join(src, 'resources');
const routeFiles = readdirSync(resources, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => join(resources, e.name, 'routes.ts'))
  .filter((f) => {
    try {
      readFileSync(f);
      return true;
    } catch {
      return false;
    }
  });

/** Each `import … from '…'` of a file: what it names (values only, or all for a namespace) and from where. */
function importsOf(text: string): { names: string[]; typeOnly: boolean; from: string }[] {
  return [...text.matchAll(/^import\s+(type\s+)?([^;]*?)\s+from\s+'([^']+)';/gms)].map((m) => {
    const clause = m[2] as string;
    const braces = /\{([^}]*)\}/.exec(clause)?.[1] ?? '';
    const named = braces
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '' && !s.startsWith('type '))
      .map((s) => (s.split(/\s+as\s+/)[0] as string).trim());
    const outside = clause
      .replace(/\{[^}]*\}/, '')
      .replace(/,/g, ' ')
      .trim();
    const namespace = /\*\s+as\s+(\w+)/.exec(outside);
    const dflt = !namespace && outside !== '' ? [outside] : [];
    return {
      names: [...named, ...dflt, ...(namespace ? ['*'] : [])],
      typeOnly: m[1] !== undefined,
      from: m[3] as string,
    };
  });
}

/** The source with comments and string contents blanked (an identifier in a description is no use of it). */
function code(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/(^|[^:])\/\/.*$/gm, '$1')
    .replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "''");
}

/** A function or class whose first parameter is a database (what a handler must never call with one of its own). */
function takesDatabase(value: unknown): boolean {
  if (typeof value !== 'function') return false;
  const text = Function.prototype.toString.call(value);
  const params = text.startsWith('class')
    ? /constructor\s*\(([^)]*)\)/.exec(text)?.[1]
    : /^[^(]*\(([^)]*)\)/.exec(text)?.[1];
  const first = (params ?? '').split(',')[0]?.trim() ?? '';
  return /^(db|tx|q|queryable|pool)\b/.test(first);
}

describe('a route file reaches services only through the request', () => {
  test('there are route files to check', () => {
    assert.ok(routeFiles.length >= 8, routeFiles.join(', '));
  });

  for (const file of routeFiles) {
    const rel = relative(src, file);
    const text = readFileSync(file, 'utf8');

    test(`${rel}: every use of "services" is req.services, so none comes through the plugin's options`, () => {
      const uses = [...code(text).matchAll(/(\b[\w$]+\s*\.\s*)?\bservices\b/g)];
      const other = uses.filter((m) => !/^(req|request)\s*\.\s*$/.test(m[1] ?? '')).map((m) => m[0]);
      assert.deepEqual(other, [], `${rel} names services other than the request's`);
      assert.doesNotMatch(code(text), /\bServices\b|\bservicesOf\b|\bcreateServices\b/, `${rel} names a services set`);
    });

    test(`${rel}: imports no services factory, no database, and no core function that takes a database`, async () => {
      const offending: string[] = [];
      for (const imp of importsOf(text)) {
        if (/(^|\/)services\.js$|\/platform\/db\//.test(imp.from)) {
          offending.push(`${imp.from} (${imp.names.join(', ') || 'type'})`);
          continue;
        }
        if (imp.typeOnly || !imp.from.startsWith('.')) continue;
        const target = new URL(imp.from.replace(/\.js$/, '.ts'), pathToFileURL(file));
        if (!fileURLToPath(target).startsWith(src) || fileURLToPath(target).includes('/http/')) continue;
        const mod = (await import(target.href)) as Record<string, unknown>;
        const names = imp.names.includes('*') ? Object.keys(mod) : imp.names;
        for (const name of names) if (takesDatabase(mod[name])) offending.push(`${name} from ${imp.from}`);
      }
      assert.deepEqual(offending, [], `${rel}: a handler calls core functions through req.services only`);
    });
  }

  test('the services factory (src/services.ts) imports nothing of HTTP: http/ and the route files do not form a circle', () => {
    const offending = importsOf(readFileSync(join(src, 'services.ts'), 'utf8'))
      .map((i) => i.from)
      .filter((from) => /\/http\/|routes\.js$|^fastify$|^@fastify\//.test(from));
    assert.deepEqual(offending, []);
  });

  test('the check would see a database-taking import (it is not vacuous)', async () => {
    const mod = await import('../src/resources/customers/service.js');
    assert.equal(takesDatabase(mod.CustomersService), true);
    const businesses = await import('../src/resources/businesses/service.js');
    assert.equal(takesDatabase(businesses.getBusiness), true);
    assert.equal(takesDatabase((await import('../src/resources/invitations/service.js')).InvitationGoneError), false);
  });
});

/**
 * A Db that, while `watch` is on and one transaction of its own is open (the request's),
 * refuses every statement and transaction outside it (the key's own bookkeeping aside):
 * on the embedded database such a statement would wait for that very transaction.
 */
function guarded(db: Db) {
  let open = 0;
  const state = { watch: false, outside: [] as string[], inside: [] as string[] };
  const refuse = (what: string) => {
    if (!state.watch || open === 0 || /idempotency_keys/.test(what)) return;
    state.outside.push(what.replace(/\s+/g, ' ').slice(0, 120));
    throw new Error(`a statement outside the request's transaction: ${what.slice(0, 80)}`);
  };
  const inTx = (tx: Queryable): Queryable => ({
    query: (text: string, params?: readonly unknown[], opts?: QueryOptions) => {
      if (state.watch) state.inside.push(text);
      return tx.query(text, params, opts);
    },
    exec: (text: string) => {
      if (state.watch) state.inside.push(text);
      return tx.exec(text);
    },
  });
  const wrapped: Db = {
    kind: db.kind,
    query: (text, params, opts) => {
      refuse(text);
      return db.query(text, params, opts);
    },
    exec: (text) => {
      refuse(text);
      return db.exec(text);
    },
    transaction: async (fn, opts) => {
      refuse('BEGIN (a transaction beside the request’s)');
      open++;
      try {
        return await db.transaction((tx) => fn(inTx(tx)), opts);
      } finally {
        open--;
      }
    },
    close: () => db.close(),
  };
  return { db: wrapped, state };
}

describe('an idempotent POST runs every statement in its request transaction', () => {
  let h: Harness;
  let guard: ReturnType<typeof guarded>;
  before(async () => {
    h = await setup({
      wrapDb: (db) => {
        guard = guarded(db);
        return guard.db;
      },
    });
  });
  after(async () => {
    await h?.close();
  });

  const keyed = ROUTES.filter((r) => r.name.startsWith('POST '));
  test('the shared route table has keyed POST routes', () => {
    assert.ok(keyed.length >= 4, keyed.map((r) => r.name).join(', '));
  });

  for (const route of keyed) {
    test(`${route.name}`, async (t) => {
      const path = route.name.slice('POST '.length).replace(/\{([a-z_]+)\}/g, ':$1');
      const entry = h.app.routeTable.find((r) => r.method === 'POST' && r.url.replace(/\/$/, '') === path);
      assert.ok(entry, `${route.name} is registered`);
      if (entry.idempotency === 'refuse') {
        t.skip('refuses Idempotency-Key (its answer carries a secret)');
        return;
      }
      const own = await tenant(h);
      const customer = await createCustomer(h, own);
      const ids = { businessId: own.businessId, customerId: customer.id, contactId: '' };
      const req = await route.request(ids, { ...own.headers, 'idempotency-key': unique('tx-') }, h);
      guard.state.outside = [];
      guard.state.inside = [];
      guard.state.watch = true;
      let r: Awaited<ReturnType<typeof h.app.inject>>;
      try {
        r = await h.app.inject(req);
      } finally {
        guard.state.watch = false;
      }
      assert.deepEqual(guard.state.outside, [], `${route.name}: statements outside the request's transaction`);
      assert.equal(r.statusCode, route.ok, r.body);
      const effect = guard.state.inside.filter((s) => !/idempotency_keys/.test(s));
      assert.ok(effect.length > 0, `${route.name}: its effect ran in the request's transaction`);
    });
  }
});

/** A Db whose statements (transactions' included) are listed while `watch` is on. */
function recorded(db: Db) {
  const state = { watch: false, statements: [] as string[] };
  const note = (text: string) => {
    if (state.watch) state.statements.push(text.replace(/\s+/g, ' ').slice(0, 120));
  };
  const wrap = (q: Queryable): Queryable => ({
    query: (text: string, params?: readonly unknown[], opts?: QueryOptions) => {
      note(text);
      return q.query(text, params, opts);
    },
    exec: (text: string) => {
      note(text);
      return q.exec(text);
    },
  });
  const wrapped: Db = {
    kind: db.kind,
    ...wrap(db),
    transaction: (fn, opts) => db.transaction((tx) => fn(wrap(tx)), opts),
    close: async () => {},
  };
  return { db: wrapped, state };
}

describe('a GET with a replica to read runs every statement of its handler on that replica', () => {
  let h: Harness;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let primary: ReturnType<typeof recorded>;
  let replica: ReturnType<typeof recorded>;
  before(async () => {
    h = await setup();
    primary = recorded(h.db);
    // The same database as a "replica" (its data is the primary's: every read finds what it looks for).
    replica = recorded(h.db);
    const replicas = {
      opts: { maxLagMs: 1000, checkMs: 100 },
      pick: () => replica.db,
      status: () => [],
      // Tokens are verified here (as during a primary outage): not a handler's statement, not recorded.
      orReplica: () => h.db,
    } as unknown as ReadReplicas;
    const recentWrites: RecentWrites = { has: async () => false, mark: async () => {} } as unknown as RecentWrites;
    app = await buildApp({
      db: primary.db,
      cursorSecret: 'r'.repeat(64),
      readReplicas: { replicas, recentWrites },
    });
  });
  after(async () => {
    await app?.close();
    await h?.close();
  });

  // A console session is verified on the primary, where sign-out is written: a lagging replica must not keep it alive.
  for (const route of ROUTES.filter((r) => r.name.startsWith('GET ') && !r.session)) {
    test(route.name, async () => {
      const own = await tenant(h);
      const customer = await createCustomer(h, own);
      const contact = await h.app.inject({
        method: 'POST',
        url: `/api/v1/customers/${customer.id}/contacts`,
        headers: own.headers,
        payload: { name: 'Replica Contact' },
      });
      const ids = { businessId: own.businessId, customerId: customer.id, contactId: JSON.parse(contact.body).data.id };
      const req = await route.request(ids, own.headers, h);
      primary.state.statements = [];
      replica.state.statements = [];
      primary.state.watch = true;
      replica.state.watch = true;
      let r: Awaited<ReturnType<typeof app.inject>>;
      try {
        r = await app.inject(req);
      } finally {
        primary.state.watch = false;
        replica.state.watch = false;
      }
      assert.deepEqual(primary.state.statements, [], `${route.name}: statements on the primary`);
      assert.equal(r.statusCode, route.ok, r.body);
      if (route.name !== 'GET /api/v1/customers/bulk-upload/template') {
        assert.ok(replica.state.statements.length > 0, `${route.name}: it read the replica`);
      }
    });
  }
});
