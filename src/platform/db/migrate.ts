import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { query, sql } from '../sql.js';
import type { Db, Queryable } from './db.js';

// The SQL stays in src/: the same relative path from src/platform/db/ and from the compiled dist/platform/db/.
const MIGRATIONS_DIR = fileURLToPath(new URL('../../../src/platform/db/migrations/', import.meta.url));
// Arbitrary constant shared by every instance: the advisory lock that serializes migrations.
const LOCK_KEY = 7_310_447_201;

export interface Migration {
  name: string;
  sql: string;
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(dir, name), 'utf8') }));
}

/** A digest of the migrations' names and contents: equal digests, equal schemas. */
export function migrationsDigest(migrations = loadMigrations()): string {
  const h = createHash('sha256');
  for (const m of migrations) h.update(`${m.name}\n${m.sql}\n`);
  return h.digest('hex').slice(0, 16);
}

async function lockAndEnsureTable(tx: Queryable): Promise<Set<string>> {
  // Transaction-scoped: released at commit or rollback, so no session state to clean up.
  await query(tx, sql`SELECT pg_advisory_xact_lock(${LOCK_KEY})`);
  await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name       text PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const { rows } = await tx.query<{ name: string }>('SELECT name FROM schema_migrations');
  return new Set(rows.map((r) => r.name));
}

/**
 * Applies pending migrations in order, each in its own transaction under an
 * advisory lock, so instances starting together apply each migration once.
 * Returns the names applied by this call.
 */
export async function migrate(
  db: Db,
  migrations = loadMigrations(),
  opts: { statementTimeoutMs?: number | undefined } = {},
): Promise<string[]> {
  const applied: string[] = [];
  // Waiting for another instance's migration, or rewriting a large table, is not interactive work.
  const statementTimeoutMs = opts.statementTimeoutMs ?? 600_000;
  for (const m of migrations) {
    const done = await db.transaction(
      async (tx) => {
        const already = await lockAndEnsureTable(tx);
        if (already.has(m.name)) return false;
        await tx.exec(m.sql);
        await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [m.name]);
        return true;
      },
      { statementTimeoutMs },
    );
    if (done) applied.push(m.name);
  }
  return applied;
}
