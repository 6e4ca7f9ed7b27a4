import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { PGlite, type Results, types } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { pgDump } from '@electric-sql/pglite-tools/pg_dump';
import { DatabaseLockedError } from '../errors.js';
import type { Db, Queryable, QueryOptions, QueryResult, TransactionOptions } from './db.js';

const raw = (v: string) => v;
// Same conversions as the PostgreSQL backend: exact INT8, timestamps as text.
const parsers = {
  [types.INT8]: raw,
  [types.TIMESTAMP]: raw,
  [types.TIMESTAMPTZ]: raw,
  [types.DATE]: raw,
};

interface LockInfo {
  pid: number;
  host: string;
  /** When the holder process started, as the kernel counts it (Linux): tells a reused PID from its owner. */
  process_start?: string | null;
  /** The kernel's boot id (Linux): a lock from before a reboot has no live holder. */
  boot_id?: string | null;
  command: string;
  started_at: string;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

/** A process's start time in clock ticks since boot (field 22 of /proc/PID/stat), or null off Linux. */
function processStart(pid: number): string | null {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === null) return null;
  // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19] ?? null;
}

const BOOT_ID = readText('/proc/sys/kernel/random/boot_id');

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the lock's holder is certainly gone: on this host, and its PID dead,
 * or held since by another process (same PID, another start time — the
 * container case, where every server is PID 1), or from before a reboot. A
 * lock that cannot be read as ours never came from a live holder either (locks
 * are written whole, see acquireLock). A holder on another host cannot be
 * checked, so it holds.
 */
function holderGone(holder: Partial<LockInfo> | null, host: string): boolean {
  if (holder === null || typeof holder.pid !== 'number') return true;
  if (holder.host !== host) return false;
  if (holder.boot_id && BOOT_ID && holder.boot_id !== BOOT_ID) return true;
  if (!processAlive(holder.pid)) return true;
  const start = processStart(holder.pid);
  return Boolean(holder.process_start && start && holder.process_start !== start);
}

/**
 * An exclusive lock file beside the data: PGlite is single-process, and two
 * processes writing one data dir would corrupt it. A live holder always
 * blocks; a dead one never does (its lock is taken over).
 */
export function acquireLock(dir: string): string {
  const path = join(dir, 'customers-api.lock');
  const info: LockInfo = {
    pid: process.pid,
    host: hostname(),
    process_start: processStart(process.pid),
    boot_id: BOOT_ID,
    command: process.argv.slice(1).join(' '),
    started_at: new Date().toISOString(),
  };
  // Written to a file of our own, then linked into place: the lock file is never seen half-written.
  const mine = `${path}.${process.pid}.${Date.now()}`;
  writeFileSync(mine, JSON.stringify(info));
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(mine, path);
        return path;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      let holder: Partial<LockInfo> | null = null;
      try {
        holder = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>;
      } catch {
        holder = null;
      }
      if (!holderGone(holder, info.host)) {
        const who =
          holder && typeof holder.pid === 'number'
            ? `process ${holder.pid} on ${holder.host ?? 'unknown host'} (${holder.command ?? '?'}, since ${holder.started_at ?? '?'})`
            : 'another process';
        throw new DatabaseLockedError(
          `The embedded database in ${dir} is in use by ${who}. Only one process may open it: stop that process, or set DATA_DIR to another directory (or DATABASE_URL to use PostgreSQL).`,
        );
      }
      try {
        unlinkSync(path);
      } catch {
        // Someone else removed it first; the next attempt decides.
      }
    }
    throw new DatabaseLockedError(`Could not take the lock on the embedded database in ${dir}.`);
  } finally {
    try {
      unlinkSync(mine);
    } catch {
      // Already gone.
    }
  }
}

export function releaseLock(path: string): void {
  try {
    const holder = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>;
    if (holder.pid === process.pid && holder.process_start === processStart(process.pid)) unlinkSync(path);
  } catch {
    // Already gone.
  }
}

/** A simple-protocol Query message ('Q', length, text, NUL). */
function simpleQuery(text: string): Uint8Array {
  const body = Buffer.from(`${text}\0`, 'utf8');
  const msg = Buffer.alloc(5 + body.length);
  msg.write('Q', 0, 'ascii');
  msg.writeInt32BE(4 + body.length, 1);
  body.copy(msg, 5);
  return new Uint8Array(msg);
}

const rowMode = (opts: QueryOptions) => (opts.arrays ? { rowMode: 'array' as const } : undefined);

function result<R>(res: Results<R>, opts: QueryOptions): QueryResult<R> {
  const out: QueryResult<R> = { rows: res.rows, rowCount: res.rowCount ?? res.affectedRows ?? res.rows.length };
  if (opts.arrays) out.fields = res.fields.map((f) => f.name);
  return out;
}

export class PgliteDb implements Db {
  readonly kind = 'pglite' as const;

  private constructor(
    readonly pg: PGlite,
    private readonly lockPath: string | undefined,
    private readonly onExit: (() => void) | undefined,
  ) {}

  /**
   * Opens (creating if needed) the embedded database in `dataDir`, or an
   * in-memory one when undefined. `from` starts a new database from a dump
   * (see `dump()`) instead of an empty one.
   */
  static async open(dataDir?: string, opts: { from?: Blob } = {}): Promise<PgliteDb> {
    let lockPath: string | undefined;
    let pgDir: string | undefined;
    if (dataDir !== undefined) {
      const dir = resolve(dataDir);
      mkdirSync(dir, { recursive: true });
      lockPath = acquireLock(dir);
      pgDir = join(dir, 'pgdata');
    }
    const onExit = () => {
      if (lockPath) releaseLock(lockPath);
    };
    if (lockPath) process.once('exit', onExit);
    try {
      const pg = await PGlite.create({
        dataDir: pgDir,
        ...(opts.from ? { loadDataDir: opts.from } : {}),
        extensions: { pg_trgm },
        parsers,
        // The WASM heap holds shared_buffers and never gives memory back; PGlite's
        // 128MB default alone took the server from ~250 to ~480 MB resident under
        // load (npm run bench), for no measurable speed-up on its file cache.
        postgresqlconf: ['shared_buffers=16MB'],
      });
      await pg.exec("SET TIME ZONE 'UTC'");
      return new PgliteDb(pg, lockPath, lockPath ? onExit : undefined);
    } catch (err) {
      onExit();
      process.removeListener('exit', onExit);
      throw err;
    }
  }

  async query<R>(text: string, params?: readonly unknown[], opts: QueryOptions = {}): Promise<QueryResult<R>> {
    return result(await this.pg.query<R>(text, params as unknown[] | undefined, rowMode(opts)), opts);
  }

  async exec(text: string): Promise<void> {
    await this.pg.exec(text);
  }

  /**
   * PGlite runs one statement at a time on this process's own thread and cannot
   * cancel it, so statement deadlines do not apply here: work is bounded by its
   * input instead (request limits, search length).
   */
  async transaction<T>(fn: (tx: Queryable) => Promise<T>, _opts?: TransactionOptions): Promise<T> {
    return await this.pg.transaction(async (tx) =>
      fn({
        async query<R>(text: string, params?: readonly unknown[], opts: QueryOptions = {}): Promise<QueryResult<R>> {
          return result(await tx.query<R>(text, params as unknown[] | undefined, rowMode(opts)), opts);
        },
        async exec(text: string): Promise<void> {
          await tx.exec(text);
        },
      }),
    );
  }

  /** The whole database as an uncompressed tarball, to start others from (`open(…, { from })`). */
  async dump(): Promise<Blob> {
    return await this.pg.dumpDataDir('none');
  }

  /**
   * A logical dump (plain SQL, INSERTs, no owners or privileges) by PGlite's own
   * pg_dump, taken while no other statement or transaction of this process
   * runs: PGlite has one connection, and pg_dump's session must not share it
   * with an open transaction. Writes wait meanwhile, so the dump is one
   * snapshot. pg_dump's transaction and session settings (search_path,
   * extra_float_digits, …) are undone before anyone else gets the connection
   * back. pg_dump runs on this thread: the process answers nothing else while
   * it runs (about 2 s for 2,000 customers with 4,000 contacts, by hand).
   */
  async logicalDump(args: readonly string[] = []): Promise<string> {
    const pg = this.pg;
    return await pg._runExclusiveTransaction(async () => {
      // pg_dump asks the search path of, and resets it on, the instance it is given; both are
      // done below, on the connection itself (pg.query/exec would wait for the lock held here).
      const session = {
        query: async () => ({ rows: [{ search_path: '"$user", public' }] }),
        exec: async () => {},
        execProtocolRawStream: pg.execProtocolRawStream.bind(pg),
      } as unknown as PGlite;
      try {
        const file = await pgDump({ pg: session, args: [...args] });
        return await file.text();
      } finally {
        // pg_dump leaves without ending its (read-only) transaction: no server ends it for it here.
        await pg.execProtocol(simpleQuery('ROLLBACK'), { throwOnError: false });
        await pg.execProtocol(simpleQuery("DEALLOCATE ALL; RESET ALL; SET TIME ZONE 'UTC'"));
      }
    });
  }

  async close(): Promise<void> {
    try {
      if (!this.pg.closed) await this.pg.close();
    } finally {
      if (this.lockPath) releaseLock(this.lockPath);
      if (this.onExit) process.removeListener('exit', this.onExit);
    }
  }
}
