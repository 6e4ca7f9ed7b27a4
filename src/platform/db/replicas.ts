/**
 * Read replicas: where a read may go, and who must read the primary.
 *
 * - Each replica's lag is watched: every `checkMs` the primary's WAL position
 *   is sampled, and each replica's replay position is compared with those
 *   samples — its lag is the age of the oldest primary position it has not
 *   replayed yet (0 when it has replayed everything the primary had written at
 *   the last sample). A replica further behind than `maxLagMs`, or not
 *   answering, gets no reads until it catches up.
 * - A read on a replica that fails for want of the replica (connection lost,
 *   the replica shutting down, a conflict with recovery) runs again on the
 *   primary: the caller sees no error, and the replica is set aside until the
 *   next check finds it well.
 * - Read-your-writes: a token that wrote within `maxLagMs` + two checks reads
 *   the primary (see RecentWrites: the mark lives in Redis or in the primary,
 *   so every instance and worker sees it).
 * - While the primary cannot be reached (a failover), lag cannot be measured:
 *   replicas are still probed every check. One that answers keeps serving
 *   reads, its lag reported unknown (null; -1 in metrics), for at most
 *   `outageGraceMs` after its last good measurement — it was within `maxLagMs`
 *   then, and a primary that is down writes nothing it could fall behind on.
 *   One that does not answer is set aside at once. Authentication and the
 *   read-your-writes marks are read on a serving replica then too (`orReplica`).
 */

import { query, sql } from '../sql.js';
import {
  type Db,
  isUnavailable,
  type Queryable,
  type QueryOptions,
  type QueryResult,
  sqlState,
  type TransactionOptions,
} from './db.js';

export interface ReplicaOptions {
  /** Past this lag a replica gets no reads (ms). */
  maxLagMs: number;
  /** How often lag is measured (ms). */
  checkMs: number;
  /** While the primary is away, how long after its last good measurement a replica that answers keeps serving (ms; default 60 s). */
  outageGraceMs?: number;
}

/** Default of ReplicaOptions.outageGraceMs. */
const OUTAGE_GRACE_MS = 60_000;

interface Replica {
  name: string;
  db: Db;
  /** Measured lag (ms), or null while unknown or unreachable. */
  lagMs: number | null;
  healthy: boolean;
  /** When it was last measured within the lag bound (epoch ms), or 0. */
  goodAt: number;
}

/** A WAL position (`16/B374D848`) as a number that orders like it. */
function lsn(text: string): bigint {
  const [hi, lo] = text.split('/');
  return (BigInt(`0x${hi ?? '0'}`) << 32n) + BigInt(`0x${lo ?? '0'}`);
}

/** Errors after which the same read is sent to the primary instead. */
function replicaFailed(err: unknown): boolean {
  const code = sqlState(err);
  // 40001: canceled on a standby by a conflict with recovery; 57014 (our own deadline) is not
  // the replica's fault and would only double the work.
  if (code === '57014') return false;
  return code === '40001' || isUnavailable(err);
}

export class ReadReplicas {
  private readonly replicas: Replica[];
  private samples: { at: number; lsn: bigint }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private next = 0;
  private checking: Promise<void> | undefined;

  constructor(
    private readonly primary: Db,
    replicas: readonly { name: string; db: Db }[],
    readonly opts: ReplicaOptions,
  ) {
    this.replicas = replicas.map((r) => ({ ...r, lagMs: null, healthy: false, goodAt: 0 }));
  }

  /** Measures at once, then every `checkMs`. */
  async start(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => {
      this.checking ??= this.check().finally(() => {
        this.checking = undefined;
      });
    }, this.opts.checkMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.checking;
    await Promise.all(this.replicas.map((r) => r.db.close()));
  }

  /** One measurement of every replica's lag. */
  async check(): Promise<void> {
    const now = Date.now();
    try {
      const { rows } = await this.primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
      if (rows[0]) this.samples.push({ at: now, lsn: lsn(rows[0].lsn) });
    } catch {
      await this.checkWithoutPrimary(now);
      return;
    }
    // Samples older than the bound say nothing more (a replica past them is too far behind anyway).
    const horizon = now - this.opts.maxLagMs - 2 * this.opts.checkMs;
    while (this.samples.length > 1 && (this.samples[0]?.at ?? now) < horizon) this.samples.shift();
    await Promise.all(
      this.replicas.map(async (r) => {
        try {
          const { rows } = await r.db.query<{ lsn: string | null; standby: boolean }>(
            'SELECT pg_last_wal_replay_lsn()::text AS lsn, pg_is_in_recovery() AS standby',
          );
          const row = rows[0];
          if (!row?.standby || row.lsn === null) {
            // Not a standby (promoted, or a primary given as a replica): nothing to lag behind.
            r.lagMs = row?.standby ? null : 0;
          } else {
            const replayed = lsn(row.lsn);
            const behind = this.samples.find((s) => s.lsn > replayed);
            // Unreplayed since before the oldest sample kept: at least that old.
            r.lagMs = behind ? now - behind.at : 0;
          }
        } catch {
          r.lagMs = null;
        }
        r.healthy = r.lagMs !== null && r.lagMs <= this.opts.maxLagMs;
        if (r.healthy) r.goodAt = now;
      }),
    );
  }

  /** The primary is away: each replica that answers serves on, lag unknown, within the grace; the others are set aside. */
  private async checkWithoutPrimary(now: number): Promise<void> {
    const grace = this.opts.outageGraceMs ?? OUTAGE_GRACE_MS;
    await Promise.all(
      this.replicas.map(async (r) => {
        let answers = false;
        try {
          await r.db.query('SELECT pg_last_wal_replay_lsn()');
          answers = true;
        } catch {
          // Not answering: no reads.
        }
        r.lagMs = null;
        r.healthy = answers && r.goodAt > 0 && now - r.goodAt <= grace;
      }),
    );
  }

  /**
   * The primary, or — only when it is unavailable — a serving replica: for reads that
   * must not fail for the whole of a failover (verifying a token). A write there fails
   * as the primary's would (25006: unavailable).
   */
  orReplica(): Db {
    const primary = this.primary;
    const onReplica = async <T>(run: (db: Db) => Promise<T>): Promise<T> => {
      try {
        return await run(primary);
      } catch (err) {
        const replica = isUnavailable(err) ? this.pick() : null;
        if (!replica) throw err;
        return await run(replica);
      }
    };
    return {
      kind: primary.kind,
      query: <R>(text: string, params?: readonly unknown[], opts?: QueryOptions) =>
        onReplica((db) => db.query<R>(text, params, opts)),
      exec: (text: string) => onReplica((db) => db.exec(text)),
      transaction: <T>(fn: (tx: Queryable) => Promise<T>, opts?: TransactionOptions) => primary.transaction(fn, opts),
      close: async () => {},
    };
  }

  /** Each replica's state, for readiness and metrics (names only, never credentials). */
  status(): { name: string; lag_ms: number | null; healthy: boolean }[] {
    return this.replicas.map((r) => ({ name: r.name, lag_ms: r.lagMs, healthy: r.healthy }));
  }

  /** A healthy replica to read from (round robin), or null: read the primary. */
  pick(): Db | null {
    const n = this.replicas.length;
    for (let i = 0; i < n; i++) {
      const r = this.replicas[(this.next + i) % n] as Replica;
      if (r.healthy) {
        this.next = (this.next + i + 1) % n;
        return this.readsOn(r);
      }
    }
    return null;
  }

  private readonly views = new WeakMap<Replica, Db>();

  /** The replica as a Db whose every read falls back to the primary when the replica fails it. */
  private readsOn(r: Replica): Db {
    const cached = this.views.get(r);
    if (cached) return cached;
    const primary = this.primary;
    const setAside = () => {
      r.healthy = false;
      r.lagMs = null;
    };
    const withFallback = async <T>(onReplica: () => Promise<T>, onPrimary: () => Promise<T>): Promise<T> => {
      try {
        return await onReplica();
      } catch (err) {
        if (!replicaFailed(err)) throw err;
        setAside();
        return await onPrimary();
      }
    };
    const view: Db = {
      kind: r.db.kind,
      query: <R>(text: string, params?: readonly unknown[], opts?: QueryOptions): Promise<QueryResult<R>> =>
        withFallback(
          () => r.db.query<R>(text, params, opts),
          () => primary.query<R>(text, params, opts),
        ),
      exec: (text: string) =>
        withFallback(
          () => r.db.exec(text),
          () => primary.exec(text),
        ),
      transaction: <T>(fn: (tx: Queryable) => Promise<T>) =>
        withFallback(
          () => r.db.transaction(fn),
          () => primary.transaction(fn),
        ),
      close: async () => {},
    };
    this.views.set(r, view);
    return view;
  }
}

/**
 * Who wrote lately, shared by every instance: a token that wrote within the
 * window reads the primary, so it always sees its own writes.
 */
export interface RecentWrites {
  mark(tokenId: string, windowMs: number): Promise<void>;
  has(tokenId: string): Promise<boolean>;
}

/** The marks in the primary database (`api_tokens.writes_until`, `sessions.writes_until`). */
export class DbRecentWrites implements RecentWrites {
  /** `during` answers while the primary is unavailable (ReadReplicas.orReplica: the marks replicate). */
  constructor(
    private readonly primary: Db,
    private readonly during?: Db,
  ) {}

  async mark(tokenId: string, windowMs: number): Promise<void> {
    const window = sql.param(windowMs / 1000);
    // The id is a token's or a console session's (each keyed by its own id): one of the two has it.
    await query(
      this.primary,
      sql`WITH t AS (UPDATE api_tokens SET writes_until = now() + make_interval(secs => ${window}::float8)
                     WHERE id = ${tokenId} AND (writes_until IS NULL OR writes_until < now() + make_interval(secs => ${window}::float8)))
          UPDATE sessions SET writes_until = now() + make_interval(secs => ${window}::float8)
           WHERE id = ${tokenId} AND (writes_until IS NULL OR writes_until < now() + make_interval(secs => ${window}::float8))`,
    );
  }

  async has(tokenId: string): Promise<boolean> {
    const { rows } = await query(
      this.during ?? this.primary,
      sql`SELECT 1 FROM api_tokens WHERE id = ${tokenId} AND writes_until > now()
          UNION ALL SELECT 1 FROM sessions WHERE id = ${tokenId} AND writes_until > now()`,
    );
    return rows.length > 0;
  }
}

/** The marks in Redis: keys that expire by themselves. */
export class RedisRecentWrites implements RecentWrites {
  constructor(
    private readonly redis: {
      set(key: string, value: string, px: 'PX', ms: number): Promise<unknown>;
      exists(key: string): Promise<number>;
    },
    private readonly fallback: RecentWrites,
  ) {}

  async mark(tokenId: string, windowMs: number): Promise<void> {
    try {
      await this.redis.set(`customers-api:wrote:${tokenId}`, '1', 'PX', Math.ceil(windowMs));
    } catch {
      await this.fallback.mark(tokenId, windowMs);
    }
  }

  async has(tokenId: string): Promise<boolean> {
    try {
      return (await this.redis.exists(`customers-api:wrote:${tokenId}`)) > 0;
    } catch {
      // Redis away: no way to know, so the primary (always right) answers.
      return true;
    }
  }
}
