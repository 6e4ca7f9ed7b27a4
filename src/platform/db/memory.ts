import { randomBytes } from 'node:crypto';
import { openAsBlob, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { query, sql } from '../sql.js';
import type { Queryable } from './db.js';
import { migrate, migrationsDigest } from './migrate.js';
import { PgliteDb } from './pglite.js';

/** `DATA_DIR=:memory:` (and `serve --memory`): the embedded database held in memory only. */
export const MEMORY = ':memory:';

// Built by `npm run build` (scripts/memory-snapshot.ts) into dist/, shipped with it: the same
// path from src/platform/db/ and from the compiled dist/platform/db/.
const SNAPSHOT = fileURLToPath(new URL('../../../dist/memory-snapshot.tar', import.meta.url));
const SNAPSHOT_INFO = `${SNAPSHOT}.json`;

/** The digest of the migrations the shipped snapshot holds, or null when there is none. */
function snapshotDigest(): string | null {
  try {
    const info = JSON.parse(readFileSync(SNAPSHOT_INFO, 'utf8')) as { migrations?: unknown };
    return typeof info.migrations === 'string' ? info.migrations : null;
  } catch {
    return null;
  }
}

/**
 * A new in-memory embedded database, migrated: loaded from the shipped snapshot of
 * the migrated empty database (a fraction of a second) when its migrations are the
 * code's, else created and migrated here (seconds), telling `onNote` why. Nothing is
 * written to disk. Each gets a cursor secret of its own (the snapshot's is public).
 */
export async function openMemoryDb(onNote: (line: string) => void = () => {}): Promise<PgliteDb> {
  const digest = migrationsDigest();
  const shipped = snapshotDigest();
  let db: PgliteDb | undefined;
  if (shipped === digest) {
    try {
      // Read from the file by PGlite, once (a Blob of a Buffer would copy the 26 MB twice more).
      db = await PgliteDb.open(undefined, { from: await openAsBlob(SNAPSHOT) });
    } catch (err) {
      onNote(
        `the in-memory snapshot could not be loaded (${(err as Error).message}): migrating a new database instead`,
      );
    }
  } else {
    onNote(
      shipped === null
        ? 'no in-memory snapshot was built (npm run build makes it): migrating a new database instead, which takes seconds'
        : `the in-memory snapshot is of other migrations (${shipped}, the code has ${digest}; npm run build remakes it): migrating a new database instead`,
    );
  }
  // The snapshot holds exactly the code's migrations (equal digests): nothing to check there.
  const migrated = db !== undefined;
  db ??= await PgliteDb.open();
  try {
    if (!migrated) await migrate(db);
    await setCursorSecret(db, randomBytes(32).toString('hex'));
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}

/** Replaces the secret that signs list cursors (before an app reads it). */
export async function setCursorSecret(db: Queryable, secret: string): Promise<void> {
  await query(db, sql`UPDATE settings SET value = ${secret} WHERE key = 'cursor_secret'`);
}

/** Writes the snapshot (and its digest) unless the one there already holds these migrations. */
export async function writeSnapshot(): Promise<'written' | 'current'> {
  const digest = migrationsDigest();
  if (snapshotDigest() === digest) return 'current';
  const db = await PgliteDb.open();
  try {
    await migrate(db);
    // The template databases are a third of the files and nothing here creates a database:
    // without them the snapshot is 26 MB instead of 41 and loads a few hundred ms sooner.
    await db.exec("UPDATE pg_database SET datistemplate = false WHERE datname IN ('template0', 'template1')");
    await db.exec('DROP DATABASE template0');
    await db.exec('DROP DATABASE template1');
    await db.exec('CHECKPOINT');
    const dump = await db.dump();
    // Atomic: a reader sees the whole file or none, and the digest only once the file is there.
    writeFileSync(`${SNAPSHOT}.partial`, Buffer.from(await dump.arrayBuffer()));
    renameSync(`${SNAPSHOT}.partial`, SNAPSHOT);
    writeFileSync(SNAPSHOT_INFO, `${JSON.stringify({ migrations: digest })}\n`);
    return 'written';
  } finally {
    await db.close();
  }
}
