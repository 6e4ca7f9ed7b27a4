import type { Db } from './db.js';
import { migrate } from './migrate.js';
import { PgliteDb } from './pglite.js';
import { PostgresDb } from './postgres.js';

export interface OpenOptions {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  poolMax?: number | undefined;
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
}

/** PostgreSQL when a URL is given, otherwise the embedded database in `dataDir` (in memory when absent). */
export async function openDb(opts: OpenOptions): Promise<Db> {
  const db: Db = opts.databaseUrl
    ? new PostgresDb({ connectionString: opts.databaseUrl, max: opts.poolMax })
    : await PgliteDb.open(opts.dataDir);
  if (opts.migrate !== false) {
    try {
      await migrate(db);
    } catch (err) {
      await db.close();
      throw err;
    }
  }
  return db;
}
