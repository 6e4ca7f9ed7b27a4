import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkTenancy } from '../scripts/tenancy.js';
import { buildApp } from '../src/http/app.js';
import { MAX_PREPARED, preparedCount } from '../src/platform/db/postgres.js';
import { BACKEND, type Harness, setup, tenant } from './helpers/harness.js';
import { OPTIONAL_ROUTES, PUBLIC_ROUTES, ROUTES } from './helpers/routes.js';

let h: Harness;
before(async () => {
  h = await setup();
});
after(async () => {
  await h?.close();
});

/** Fastify's `/a/:id/` as the route table writes it: `/a/{id}`. */
const openApiPath = (url: string) => url.replace(/:([A-Za-z_]+)/g, '{$1}').replace(/(.)\/$/, '$1');

describe('the route table', () => {
  test('every registered route is public or optional by the lists, or in the table that drives the auth and isolation suites', () => {
    const registered = h.app.routeTable.filter((r) => r.method !== 'HEAD');
    assert.ok(registered.length > ROUTES.length, 'routes were recorded');
    assert.deepEqual(
      registered
        .filter((r) => r.access === 'public')
        .map((r) => `${r.method} ${r.url}`)
        .sort(),
      [...PUBLIC_ROUTES].sort(),
      'public routes',
    );
    assert.deepEqual(
      registered
        .filter((r) => r.access === 'optional')
        .map((r) => `${r.method} ${r.url}`)
        .sort(),
      [...OPTIONAL_ROUTES].sort(),
      'routes open to anyone whose caller may authenticate',
    );
    assert.deepEqual(
      registered
        .filter((r) => r.access !== 'public' && r.access !== 'optional')
        .map((r) => `${r.method} ${openApiPath(r.url)} needs ${r.access}`)
        .sort(),
      ROUTES.map((r) => `${r.name} needs ${r.declares ?? r.permission}`).sort(),
      'authenticated routes and what each needs: add a new route to test/helpers/routes.ts',
    );
  });

  test('a route that declares no access fails start-up, naming it', async () => {
    await assert.rejects(
      buildApp({
        db: h.db,
        cursorSecret: 'x'.repeat(64),
        extraRoutes: async (app) => {
          app.get('/api/v1/forgotten', async () => ({ open: true }));
        },
      }),
      /routes without a valid config\.access .*GET \/api\/v1\/forgotten/,
    );
  });

  test('a route with a declared access starts, and is enforced', async () => {
    const app = await buildApp({
      db: h.db,
      cursorSecret: 'x'.repeat(64),
      extraRoutes: async (scope) => {
        scope.get('/api/v1/declared', { config: { access: 'token' } }, async () => ({ ok: true }));
      },
    });
    try {
      const r = await app.inject({ url: '/api/v1/declared' });
      assert.equal(r.statusCode, 401, r.body);
    } finally {
      await app.close();
    }
  });
});

describe("access 'optional'", () => {
  test('no token: no caller; a valid token: its caller; a bad one: 401, before the body is checked', async () => {
    const app = await buildApp({
      db: h.db,
      cursorSecret: 'x'.repeat(64),
      extraRoutes: async (scope) => {
        scope.post(
          '/api/v1/maybe',
          {
            config: { access: 'optional' },
            schema: { body: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } } },
          },
          async (req) => ({ user: req.caller?.userId ?? null }),
        );
      },
    });
    try {
      const t = await tenant(h);
      const anonymous = await app.inject({ method: 'POST', url: '/api/v1/maybe', payload: { n: 1 } });
      assert.equal(anonymous.statusCode, 200, anonymous.body);
      assert.deepEqual(JSON.parse(anonymous.body), { user: null });
      const known = await app.inject({
        method: 'POST',
        url: '/api/v1/maybe',
        headers: { authorization: `Bearer ${t.ownerToken}` },
        payload: { n: 1 },
      });
      assert.equal(known.statusCode, 200, known.body);
      assert.match(JSON.parse(known.body).user, /^[0-9a-f-]{36}$/);
      for (const authorization of [`Bearer dz_${'A'.repeat(43)}`, 'Basic eDp5', '']) {
        const bad = await app.inject({
          method: 'POST',
          url: '/api/v1/maybe',
          headers: { authorization },
          payload: { wrong: true },
        });
        assert.equal(bad.statusCode, 401, `${authorization}: ${bad.body}`);
      }
      // Keys are scoped to a caller: like a public route, an optional one takes none (the request just runs).
      const keyed = {
        method: 'POST' as const,
        url: '/api/v1/maybe',
        headers: { 'idempotency-key': 'k' },
        payload: { n: 1 },
      };
      for (let i = 0; i < 2; i++) {
        const r = await app.inject(keyed);
        assert.equal(r.statusCode, 200, r.body);
        assert.equal(r.headers['idempotent-replayed'], undefined);
      }
    } finally {
      await app.close();
    }
  });
});

describe('the source layout', () => {
  const src = fileURLToPath(new URL('../src/', import.meta.url));
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
    );
  const imports = (file: string) =>
    [...readFileSync(file, 'utf8').matchAll(/^import [^;]*? from '([^']+)';/gms)].map((m) => m[1] as string);

  test('the core (platform/ and every resource but its routes.ts) imports nothing of HTTP or the CLI', () => {
    const core = files(src).filter((f) => {
      const rel = relative(src, f);
      return rel.startsWith('platform/') || (rel.startsWith('resources/') && !rel.endsWith('/routes.ts'));
    });
    assert.ok(core.length > 10);
    const offending = core.flatMap((f) =>
      imports(f)
        .filter((i) => /^fastify$|^@fastify\/|^@scalar\/|\/http\/|\/cli\//.test(i))
        .map((i) => `${relative(src, f)} imports ${i}`),
    );
    assert.deepEqual(offending, []);
  });

  test('the CLI imports nothing of HTTP (it calls the core; a running server serves it over its own socket)', () => {
    const offending = files(join(src, 'cli')).flatMap((f) =>
      imports(f)
        .filter((i) => /^fastify$|^@fastify\/|\/http\//.test(i))
        .map((i) => `${relative(src, f)} imports ${i}`),
    );
    assert.deepEqual(offending, []);
  });

  test('platform/ knows no resource', () => {
    const offending = files(join(src, 'platform')).flatMap((f) =>
      imports(f)
        .filter((i) => i.includes('/resources/'))
        .map((i) => `${relative(src, f)} imports ${i}`),
    );
    assert.deepEqual(offending, []);
  });
});

describe('prepared statements', () => {
  test('are bounded: texts past the bound run unnamed, and still answer', {
    skip: BACKEND !== 'postgres',
  }, async () => {
    for (let i = 0; i <= MAX_PREPARED; i++) {
      const { rows } = await h.db.query<{ n: number }>(`SELECT ${i}::int AS n`);
      assert.equal(rows[0]?.n, i);
    }
    assert.equal(preparedCount(), MAX_PREPARED);
    const { rows } = await h.db.query<{ n: number }>('SELECT $1::int + 1 AS n', [41]);
    assert.equal(rows[0]?.n, 42);
  });
});

describe('distribution by tenant (Citus)', () => {
  test('every tenant table can be distributed by business_id (npm run check:tenancy checks it in CI too)', async () => {
    assert.deepEqual(await checkTenancy(h.db), []);
  });

  test('the check names a tenant table whose keys or references leave business_id out, and an unclassified table', async () => {
    await h.db.exec(`CREATE TABLE probe_other (id uuid PRIMARY KEY);
      CREATE TABLE probe_tenant (business_id uuid NOT NULL, id uuid PRIMARY KEY, code text UNIQUE,
                                 parent_id uuid REFERENCES probe_tenant (id))`);
    try {
      const problems = await checkTenancy(h.db);
      assert.ok(
        problems.some((p) => /^probe_tenant: primary key .* lacks business_id/.test(p)),
        problems.join('\n'),
      );
      assert.ok(
        problems.some((p) => /^probe_tenant: unique index .*\(code\) lacks business_id/.test(p)),
        problems.join('\n'),
      );
      assert.ok(
        problems.some((p) => /^probe_other: neither a tenant table/.test(p)),
        problems.join('\n'),
      );
      assert.ok(
        problems.some((p) => /^probe_tenant: foreign key .* to probe_tenant does not carry business_id/.test(p)),
        problems.join('\n'),
      );
    } finally {
      await h.db.exec('DROP TABLE IF EXISTS probe_tenant; DROP TABLE IF EXISTS probe_other');
    }
  });
});
