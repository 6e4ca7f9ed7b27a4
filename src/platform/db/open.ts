import { type Db, isUnavailable, sqlState } from './db.js';
import { MEMORY, openMemoryDb } from './memory.js';
import { migrate } from './migrate.js';
import { PgliteDb } from './pglite.js';
import { PostgresDb } from './postgres.js';
import { describePgUrl } from './url.js';

/** The database could not be reached within the start-up wait: one clear line, no stack. */
export class DatabaseUnreachableError extends Error {}

export interface OpenOptions {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  poolMax?: number | undefined;
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
  /** The deadline of each interactive statement (PostgreSQL; default 5000 ms). */
  statementTimeoutMs?: number;
  /** The deadline of each statement of long work: migrations (default 10 minutes). */
  longStatementTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Each PostgreSQL connection is closed after this long (s); 0: never. */
  maxLifetimeSeconds?: number | undefined;
  /** How long to keep trying to reach PostgreSQL at start-up (default 0: try once). */
  startupWaitMs?: number;
  /** 'transaction' when DATABASE_URL leads to a transaction-mode pooler (see PostgresOptions.pooler). */
  pooler?: 'none' | 'transaction';
  /** Told of each failed attempt while waiting (attempt number, what failed, ms until the next). */
  onWait?: (attempt: number, reason: string, retryInMs: number) => void;
  /** Told why an in-memory database (dataDir ':memory:') is migrated rather than loaded from the snapshot. */
  onNote?: (line: string) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Where a PostgreSQL URL points, for messages (never its password). */
export function describeUrl(url: string): string {
  const where = describePgUrl(url);
  return where === 'the URL given' ? 'the DATABASE_URL given' : where;
}

/** The server would not let us in: a wrong password or unknown role (class 28), no such database (3D000). */
function loginRefused(err: unknown): boolean {
  const code = sqlState(err);
  if (code !== undefined) return code.startsWith('28') || code === '3D000';
  // pg's own password errors (none given, or not a string) carry no code: the message is all there is.
  return err instanceof Error && /password must be/i.test(err.message);
}

/** Retries `SELECT 1` with backoff until it answers or `waitMs` has passed. */
async function reachable(db: Db, url: string, opts: OpenOptions): Promise<void> {
  const deadline = Date.now() + (opts.startupWaitMs ?? 0);
  let delay = 250;
  for (let attempt = 1; ; attempt++) {
    try {
      await db.query('SELECT 1');
      return;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (!isUnavailable(err) && !loginRefused(err)) throw err;
      const left = deadline - Date.now();
      if (left <= 0 || !isUnavailable(err)) {
        throw new DatabaseUnreachableError(`cannot reach PostgreSQL at ${describeUrl(url)}: ${reason}`);
      }
      const wait = Math.min(delay, left);
      opts.onWait?.(attempt, reason, wait);
      await sleep(wait);
      delay = Math.min(delay * 2, 2000);
    }
  }
}

/**
 * PostgreSQL when a URL is given, otherwise the embedded database in `dataDir` (in memory
 * when absent; ':memory:' — in memory, started from the migrated snapshot).
 */
export async function openDb(opts: OpenOptions): Promise<Db> {
  if (!opts.databaseUrl && opts.dataDir === MEMORY) return await openMemoryDb(opts.onNote);
  const db: Db = opts.databaseUrl
    ? new PostgresDb({
        connectionString: opts.databaseUrl,
        max: opts.poolMax,
        statementTimeoutMs: opts.statementTimeoutMs,
        connectTimeoutMs: opts.connectTimeoutMs,
        pooler: opts.pooler,
        maxLifetimeSeconds: opts.maxLifetimeSeconds,
      })
    : await PgliteDb.open(opts.dataDir);
  try {
    if (opts.databaseUrl) await reachable(db, opts.databaseUrl, opts);
    if (opts.migrate !== false) await migrate(db, undefined, { statementTimeoutMs: opts.longStatementTimeoutMs });
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
  return db;
}
