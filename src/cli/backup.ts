/**
 * `backup FILE` and `restore FILE`: a logical dump of the embedded database
 * (plain SQL, by PGlite's own pg_dump), and loading one into an empty database,
 * embedded or PostgreSQL (the embedded → PostgreSQL migration path).
 *
 * The commands are in commands/backup.ts and commands/restore.ts; they load this
 * module when they run (it loads PGlite).
 *
 * A dump holds everything, webhook signing secrets and token hashes included:
 * it is written with mode 0600, and is as sensitive as the data directory.
 */
import { chmodSync, closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Db } from '../platform/db/db.js';
import { PgliteDb } from '../platform/db/pglite.js';
import { InvalidStateError } from '../platform/errors.js';

/** Why a backup or restore was refused: a clear message, exit 1. */
export const BackupError = InvalidStateError;

/**
 * What PostgreSQL 15 refuses in a dump made by PGlite's pg_dump (PostgreSQL 18),
 * and what a database owner who is not a superuser may not do.
 */
const NOT_PORTABLE = [
  /^SET transaction_timeout = .*;$/, // PostgreSQL 17+
  /^COMMENT ON EXTENSION .*;$/, // only the extension's owner may; the extension documents itself
];

/** The dump with the lines PostgreSQL 15 (and a non-superuser owner) would refuse left out. */
function portable(sql: string): string {
  return sql
    .split('\n')
    .filter((line) => !NOT_PORTABLE.some((re) => re.test(line)))
    .join('\n');
}

/** Writes `text` to `file` with mode 0600, whole or not at all (a temporary file renamed into place). */
function writePrivate(file: string, text: string): number {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(tmp, 'wx', 0o600);
  let bytes = 0;
  try {
    chmodSync(tmp, 0o600); // whatever the umask
    bytes = writeSync(fd, text);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  return bytes;
}

/** A consistent dump of the embedded database `db` into `file` (mode 0600). */
export async function backup(db: Db, file: string): Promise<{ file: string; bytes: number }> {
  if (!(db instanceof PgliteDb)) {
    throw new BackupError(
      'backup dumps the embedded database; on PostgreSQL (DATABASE_URL) use pg_dump, e.g. pg_dump -Fc -f FILE "$DATABASE_URL" (see README, Backups)',
    );
  }
  const sql = portable(await db.logicalDump(['--no-owner', '--no-privileges', '--rows-per-insert=200']));
  const header = `-- customers-api backup, ${new Date().toISOString()}\n-- SENSITIVE: holds webhook signing secrets and token hashes. Keep it like the data directory.\n`;
  return { file, bytes: writePrivate(file, header + sql) };
}

/** Whether the database holds any table of ours (or anyone's) outside the system schemas. */
async function tablesIn(db: Db): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM pg_catalog.pg_tables
      WHERE schemaname NOT IN ('pg_catalog', 'information_schema') AND schemaname NOT LIKE 'pg\\_%'`,
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Loads the dump in `file` into `db`, which must be empty (no tables): a restore
 * never mixes with or replaces existing data. One implicit transaction: all or nothing.
 */
export async function restore(db: Db, file: string): Promise<{ file: string; tables: number }> {
  let sql: string;
  try {
    sql = readFileSync(file, 'utf8');
  } catch (err) {
    throw new BackupError(`cannot read ${file}: ${(err as Error).message}`);
  }
  if (!/CREATE TABLE public\.schema_migrations/.test(sql)) {
    throw new BackupError(`${file} is not a customers-api backup (no schema_migrations table in it)`);
  }
  if ((await tablesIn(db)) > 0) {
    throw new BackupError(
      db.kind === 'pglite'
        ? 'restore needs an empty embedded database, and this DATA_DIR already holds one: restore into a new DATA_DIR (then point the server at it)'
        : 'restore needs an empty PostgreSQL database, and this one has tables: create a new database (createdb) and restore into it',
    );
  }
  await db.exec(portable(sql));
  // The data is set back to the backup's, and with it the change versions: a new change epoch,
  // so no ETag handed out since the backup matches an answer after the restore (migration 0013;
  // a backup from before it gets its epoch when the server migrates it).
  await db.exec(
    `UPDATE public.settings SET value = replace(gen_random_uuid()::text, '-', '') WHERE key = 'change_epoch'`,
  );
  return { file, tables: await tablesIn(db) };
}
