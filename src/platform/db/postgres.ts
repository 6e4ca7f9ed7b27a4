import { createHash } from 'node:crypto';
import pg from 'pg';
import {
  type Db,
  isUnavailable,
  type Queryable,
  type QueryOptions,
  type QueryResult,
  type TransactionOptions,
} from './db.js';

const OID = { INT8: 20, TIMESTAMP: 1114, TIMESTAMPTZ: 1184, DATE: 1082 } as const;
const raw = (v: string) => v;

// Keep INT8 exact and timestamps as PostgreSQL's text: a JS Date would drop microseconds.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === OID.INT8 || oid === OID.TIMESTAMP || oid === OID.TIMESTAMPTZ || oid === OID.DATE) return raw;
    return pg.types.getTypeParser(oid, format);
  },
};

export interface PostgresOptions {
  connectionString: string;
  max?: number;
  applicationName?: string;
  /** Each statement's deadline on the server, ms (default 5000; 0: none). A client-side guard a little later covers a stalled network. */
  statementTimeoutMs?: number;
  /** How long to wait for a connection (default 3000 ms). */
  connectTimeoutMs?: number;
  /**
   * 'transaction': the URL leads to a pooler in transaction mode (PgBouncer), where a
   * session is not ours between transactions: no named prepared statements, no
   * startup parameters (time zone, statement deadline), no cancellation by backend PID.
   */
  pooler?: 'none' | 'transaction';
}

/** A checked-out connection's state, as a user of it sees it. */
interface Session {
  /** The connection reported an error: it will be dropped. */
  lost(): boolean;
  /** Drop the connection instead of returning it to the pool. */
  drop(err: Error): void;
}

/**
 * The connection itself is gone (not merely a statement that timed out or was
 * cancelled, after which the session is still usable).
 */
function connectionLost(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return isUnavailable(err) && code !== '57014' && code !== '53300';
}

/** How much later than the server's deadline the client gives up on a statement (a stalled network never answers). */
const CLIENT_GRACE_MS = 2000;
const clientTimeout = (statementMs: number) => (statementMs > 0 ? statementMs + CLIENT_GRACE_MS : undefined);

/**
 * At most this many SQL texts get a named prepared statement. The texts are the
 * code's own (values, page sizes included, are always bound), so a few hundred
 * cover every list shape; past the bound a text runs unnamed, so neither this
 * map nor any connection's statement cache can grow without limit.
 */
export const MAX_PREPARED = 500;
const names = new Map<string, string>();

/**
 * A named prepared statement per distinct SQL text: each connection parses and
 * plans a statement once, then only binds and executes it.
 */
function prepared(text: string, params?: readonly unknown[], named = true): pg.QueryConfig {
  if (!named) return { text, values: params as unknown[] | undefined };
  let name = names.get(text);
  if (name === undefined && names.size < MAX_PREPARED) {
    name = `ca_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name === undefined
    ? { text, values: params as unknown[] | undefined }
    : { name, text, values: params as unknown[] | undefined };
}

/** How many SQL texts have a prepared statement name (for tests). */
export function preparedCount(): number {
  return names.size;
}

function wrap(client: pg.PoolClient, queryTimeout: number | undefined, named: boolean): Queryable {
  // A transaction with its own deadline sets the client-side guard per statement too.
  const withTimeout = (config: pg.QueryConfig) =>
    queryTimeout === undefined ? config : ({ ...config, query_timeout: queryTimeout } as pg.QueryConfig);
  return {
    async query<R>(text: string, params?: readonly unknown[], opts: QueryOptions = {}): Promise<QueryResult<R>> {
      const res = await client.query(withTimeout(prepared(text, params, named && !opts.unprepared)));
      return { rows: res.rows as R[], rowCount: res.rowCount ?? 0 };
    },
    async exec(text: string): Promise<void> {
      await client.query(withTimeout({ text }));
    },
  };
}

export class PostgresDb implements Db {
  readonly kind = 'postgres' as const;
  readonly pool: pg.Pool;

  private readonly statementTimeoutMs: number;
  /** Behind a transaction pooler: sessions are shared between transactions. */
  private readonly pooled: boolean;

  constructor(opts: PostgresOptions) {
    this.statementTimeoutMs = opts.statementTimeoutMs ?? 5_000;
    this.pooled = opts.pooler === 'transaction';
    const sessionSettings = this.pooled
      ? {}
      : {
          // Every session speaks UTC (timestamp text in any zone is read right anyway, see toRfc3339).
          options: '-c TimeZone=UTC',
          // Every statement has a deadline on the server, and a slightly later one here.
          statement_timeout: this.statementTimeoutMs > 0 ? this.statementTimeoutMs : undefined,
        };
    this.pool = new pg.Pool({
      connectionString: opts.connectionString,
      max: opts.max ?? 10,
      application_name: opts.applicationName ?? 'customers-api',
      ...sessionSettings,
      query_timeout: clientTimeout(this.statementTimeoutMs),
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 3_000,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      types,
    });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    this.pool.on('error', () => {});
  }

  async query<R>(text: string, params?: readonly unknown[], opts: QueryOptions = {}): Promise<QueryResult<R>> {
    const { signal } = opts;
    const named = !this.pooled && !opts.unprepared;
    if (!signal) {
      const res = await this.pool.query(prepared(text, params, named));
      return { rows: res.rows as R[], rowCount: res.rowCount ?? 0 };
    }
    signal.throwIfAborted();
    return await this.withClient(async (client) => {
      // The caller left: ask the server, on another connection, to cancel this session's statement.
      // Behind a pooler the PID is the pooler's, not a backend's: no cancellation there.
      const pid = this.pooled ? undefined : (client as unknown as { processID?: number }).processID;
      const cancel = () => {
        if (pid !== undefined) void this.pool.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => {});
      };
      signal.addEventListener('abort', cancel, { once: true });
      try {
        const res = await client.query(prepared(text, params, named));
        return { rows: res.rows as R[], rowCount: res.rowCount ?? 0 };
      } finally {
        signal.removeEventListener('abort', cancel);
      }
    });
  }

  async exec(text: string): Promise<void> {
    await this.pool.query(text);
  }

  /**
   * Runs `fn` on a checked-out client and gives it back, or drops it from the pool
   * when its connection was lost. A checked-out client that loses its connection
   * (the server restarting) emits 'error': without a listener that would end the
   * process; the statement in flight fails on its own.
   */
  private async withClient<T>(fn: (client: pg.PoolClient, session: Session) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    const onError = (err: Error) => {
      broken = err;
    };
    client.on('error', onError);
    const session: Session = {
      lost: () => broken !== undefined,
      drop: (err) => {
        broken ??= err;
      },
    };
    try {
      return await fn(client, session);
    } catch (err) {
      if (connectionLost(err)) broken ??= err as Error;
      throw err;
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
    // Behind a pooler no session carries our deadline: every transaction sets its own.
    const own =
      opts.statementTimeoutMs ?? (this.pooled && this.statementTimeoutMs > 0 ? this.statementTimeoutMs : undefined);
    const queryTimeout = own === undefined ? undefined : own > 0 ? (clientTimeout(own) as number) : 0;
    return await this.withClient(async (client, session) => {
      await client.query('BEGIN');
      if (own !== undefined) {
        await client.query({
          text: `SET LOCAL statement_timeout = ${Math.max(0, Math.floor(own))}`,
          query_timeout: queryTimeout,
        } as pg.QueryConfig);
      }
      try {
        const result = await fn(wrap(client, queryTimeout, !this.pooled));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        if (!session.lost()) {
          // A session that cannot roll back is unusable: drop it rather than reuse it.
          await client.query('ROLLBACK').catch((rollbackErr: Error) => session.drop(rollbackErr));
        }
        throw err;
      }
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
