import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../src/platform/db/db.js';
import { loadMigrations, migrate } from '../src/platform/db/migrate.js';
import { openDb } from '../src/platform/db/open.js';
import { PostgresDb } from '../src/platform/db/postgres.js';
import { cursorSecret } from '../src/platform/settings.js';
import { BACKEND, freshMigratedDb, freshPostgresDatabase } from './helpers/harness.js';

let url: string | undefined;
let drop: (() => Promise<void>) | undefined;
before(async () => {
  if (BACKEND === 'postgres') {
    const fresh = await freshPostgresDatabase(process.env.TEST_DATABASE_URL as string);
    url = fresh.url;
    drop = fresh.drop;
  }
});
after(async () => {
  await drop?.();
});

describe('migrations', () => {
  test('instances starting together apply each migration exactly once', { skip: BACKEND !== 'postgres' }, async () => {
    const dbs = Array.from({ length: 5 }, () => new PostgresDb({ connectionString: url as string, max: 2 }));
    try {
      const results = await Promise.all(dbs.map((db) => migrate(db)));
      assert.deepEqual(
        results.flat().sort(),
        loadMigrations()
          .map((m) => m.name)
          .sort(),
        'each applied by one instance',
      );
      const { rows } = await (dbs[0] as Db).query<{ n: number; secrets: number }>(
        `SELECT (SELECT count(*)::int FROM schema_migrations) AS n,
                (SELECT count(*)::int FROM settings WHERE key = 'cursor_secret') AS secrets`,
      );
      assert.deepEqual(rows[0], { n: loadMigrations().length, secrets: 1 });
    } finally {
      await Promise.all(dbs.map((db) => db.close()));
    }
  });

  test('a second run applies nothing; a failing migration leaves no trace', async () => {
    const db = await openDb({ databaseUrl: url, migrate: false });
    try {
      await migrate(db);
      assert.deepEqual(await migrate(db), []);
      const broken = [
        ...loadMigrations(),
        { name: '9998_good.sql', sql: 'CREATE TABLE migration_probe (id int);' },
        { name: '9999_bad.sql', sql: 'CREATE TABLE half_done (id int); SELECT * FROM no_such_table;' },
      ];
      await assert.rejects(migrate(db, broken));
      const { rows } = await db.query<{ name: string }>(`SELECT name FROM schema_migrations WHERE name LIKE '999%'`);
      assert.deepEqual(rows, [{ name: '9998_good.sql' }], 'the good one applied, the bad one not recorded');
      const half = await db.query(`SELECT to_regclass('half_done') AS t`);
      assert.equal(half.rows[0]?.t, null, 'the failed migration rolled back whole');
    } finally {
      await db.close();
    }
  });

  test('the cursor secret is created once and kept; CURSOR_SECRET overrides it', async () => {
    const { db, drop } = await freshMigratedDb();
    try {
      const { rows } = await db.query<{ value: string }>(`SELECT value FROM settings WHERE key = 'cursor_secret'`);
      assert.match(rows[0]?.value ?? '', /^[0-9a-f]{64}$/);
      assert.equal(await cursorSecret(db), rows[0]?.value);
      assert.equal(await cursorSecret(db, 'o'.repeat(40)), 'o'.repeat(40));
    } finally {
      await db.close();
      await drop();
    }
  });
});
