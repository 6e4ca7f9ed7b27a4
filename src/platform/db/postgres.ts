import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type pg from 'pg';
import { UnavailableError } from '../errors.js';
import { build, sql } from '../sql.js';
import {
  type Db,
  isUnavailable,
  type Queryable,
  type QueryOptions,
  type QueryResult,
  type TransactionOptions,
} from './db.js';
import { type PgTarget, parsePgUrl, type TargetSessionAttrs } from './url.js';

// The driver loads with the first PostgreSQL database, not with this module: a server on the
// embedded database never needs it (it would cost its start a few tens of ms).
const require = createRequire(import.meta.url);
let driver: typeof pg | undefined;
const pgDriver = (): typeof pg => (driver ??= require('pg') as typeof pg);

const OID = { INT8: 20, TIMESTAMP: 1114, TIMESTAMPTZ: 1184, DATE: 1082 } as const;
const raw = (v: string) => v;

// Keep INT8 exact and timestamps as PostgreSQL's text: a JS Date would drop microseconds.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === OID.INT8 || oid === OID.TIMESTAMP || oid === OID.TIMESTAMPTZ || oid === OID.DATE) return raw;
    return pgDriver().types.getTypeParser(oid, format);
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
  /**
   * 'primary' (default): the server writes here, so a read-only session is never kept
   * (checked on connect; refused as 25006). 'replica': reads only.
   */
  role?: 'primary' | 'replica';
  /** Each connection is closed after this long (s), so a moved DNS name is followed; 0: never. */
  maxLifetimeSeconds?: number;
}

/** What a session is, as the server reports it. */
interface SessionState {
  standby: boolean;
  readOnly: boolean;
}

async function sessionState(client: pg.Client): Promise<SessionState> {
  const { rows } = await client.query<{ standby: boolean; ro: string }>(
    "SELECT pg_is_in_recovery() AS standby, current_setting('transaction_read_only') AS ro",
  );
  return { standby: rows[0]?.standby === true, readOnly: rows[0]?.ro === 'on' };
}

/** libpq's target_session_attrs; prefer-standby's second pass takes any host. */
function fits(state: SessionState, attrs: TargetSessionAttrs, fallback: boolean): boolean {
  switch (attrs) {
    case 'any':
      return true;
    case 'read-write':
      return !state.readOnly;
    case 'read-only':
      return state.readOnly;
    case 'primary':
      return !state.standby;
    case 'standby':
      return state.standby;
    case 'prefer-standby':
      return fallback || state.standby;
  }
}

/** A connection refused for its session attributes: unavailable (503), never a client error. */
function wrongSession(attrs: TargetSessionAttrs, readOnly: boolean): Error {
  if (readOnly && attrs !== 'read-only' && attrs !== 'standby') {
    return Object.assign(new Error('the database session is read-only: the server does not accept writes'), {
      code: '25006',
    });
  }
  return Object.assign(new Error(`no host matches target_session_attrs=${attrs}`), { code: '08001' });
}

const noop = () => {};

/**
 * The pool's connection: libpq's host list and target_session_attrs, and an
 * error listener for its whole life.
 *
 * - With several hosts, each new connection asks them in order (a short-lived
 *   probe connection each) and connects to the first whose session fits, as
 *   libpq does: after a failover the next connection finds the new primary.
 * - The session it gets is checked too (the role may change between probe and
 *   connect): a primary pool never keeps a read-only session (25006), which is
 *   how a demoted primary is left.
 * - A connection lost while connecting, idle or checked out emits 'error';
 *   without a listener that would end the process. The pool and the code using
 *   the client add their own; this one is there in every gap between them.
 */
function multiHostClient(targets: readonly PgTarget[], attrs: TargetSessionAttrs, primary: boolean) {
  const first = targets[0] as PgTarget;
  const accepts = (state: SessionState, fallback: boolean) =>
    fits(state, attrs, fallback) && !(primary && state.readOnly);
  return class MultiHostClient extends pgDriver().Client {
    private readonly options: pg.ClientConfig;

    constructor(config: pg.ClientConfig = {}) {
      super({ ...config, connectionString: first.url });
      this.options = config;
      this.on('error', noop);
    }

    /** Asks each host in turn which it is; the first that fits (prefer-standby: a standby first). */
    private async choose(): Promise<PgTarget> {
      const states: (SessionState | undefined)[] = [];
      let lastError: unknown;
      const needState = attrs !== 'any' || primary;
      for (const target of targets) {
        const probe = new (pgDriver().Client)({ ...this.options, connectionString: target.url });
        probe.on('error', noop);
        try {
          await probe.connect();
          const state = needState ? await sessionState(probe) : { standby: false, readOnly: false };
          states.push(state);
          if (accepts(state, false)) return target;
        } catch (err) {
          states.push(undefined);
          lastError = err;
        } finally {
          void probe.end().catch(noop);
        }
      }
      if (attrs === 'prefer-standby') {
        const i = states.findIndex((s) => s !== undefined && accepts(s, true));
        if (i >= 0) return targets[i] as PgTarget;
      }
      const reason = lastError instanceof Error ? ` (last: ${lastError.message})` : '';
      const anyUp = states.some((s) => s !== undefined);
      const err = anyUp
        ? wrongSession(
            attrs,
            states.every((s) => s === undefined || s.readOnly),
          )
        : Object.assign(new Error(`no host of ${targets.length} accepted a connection${reason}`), { code: '08001' });
      throw err;
    }

    private async open(): Promise<void> {
      const target = targets.length > 1 ? await this.choose() : first;
      this.host = target.host;
      this.port = target.port;
      // Read when connecting (and for TLS's server name): the chosen host, not the first.
      const params = (this as unknown as { connectionParameters: { host: string; port: number } }).connectionParameters;
      params.host = target.host;
      params.port = target.port;
      // The pool gave up meanwhile (its connect timeout destroys the stream): nothing to connect.
      if (this.connection.stream.destroyed) {
        throw Object.assign(new Error('timeout exceeded when trying to connect'), { code: '08001' });
      }
      await super.connect();
      if (attrs === 'any' && !primary) return;
      const state = await sessionState(this);
      if (!accepts(state, targets.length === 1 || attrs === 'prefer-standby')) {
        await this.end().catch(noop);
        throw wrongSession(attrs, state.readOnly);
      }
    }

    override connect(): Promise<pg.Client>;
    override connect(callback: (err: Error) => void): void;
    override connect(callback?: (err: Error) => void): Promise<pg.Client> | undefined {
      const opened = this.open().then(() => this);
      if (!callback) return opened;
      opened.then(
        () => callback(undefined as unknown as Error),
        (err: Error) => callback(err),
      );
    }
  };
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
function prepared(text: string, params?: readonly unknown[], named = true, arrays = false): pg.QueryConfig {
  if (arrays) return { ...prepared(text, params, named), rowMode: 'array' } as pg.QueryConfig;
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

function result<R>(res: pg.QueryResult, opts: QueryOptions): QueryResult<R> {
  const out: QueryResult<R> = { rows: res.rows as R[], rowCount: res.rowCount ?? 0 };
  if (opts.arrays) out.fields = res.fields.map((f) => f.name);
  return out;
}

function wrap(client: pg.PoolClient, queryTimeout: number | undefined, named: boolean): Queryable {
  // A transaction with its own deadline sets the client-side guard per statement too.
  const withTimeout = (config: pg.QueryConfig) =>
    queryTimeout === undefined ? config : ({ ...config, query_timeout: queryTimeout } as pg.QueryConfig);
  return {
    async query<R>(text: string, params?: readonly unknown[], opts: QueryOptions = {}): Promise<QueryResult<R>> {
      const res = await client.query(withTimeout(prepared(text, params, named && !opts.unprepared, opts.arrays)));
      return result<R>(res, opts);
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
    const { targets, targetSessionAttrs } = parsePgUrl(opts.connectionString);
    const primary = (opts.role ?? 'primary') === 'primary';
    const attrs = targetSessionAttrs ?? (primary ? 'read-write' : 'any');
    const connectTimeoutMs = opts.connectTimeoutMs ?? 3_000;
    this.pool = new (pgDriver().Pool)({
      Client: multiHostClient(targets, attrs, primary),
      max: opts.max ?? 10,
      application_name: opts.applicationName ?? 'customers-api',
      ...sessionSettings,
      query_timeout: clientTimeout(this.statementTimeoutMs),
      // libpq's connect_timeout is per host: each probe gets it, the pool the sum.
      connectionTimeoutMillis: connectTimeoutMs * (targets.length > 1 ? targets.length + 1 : 1),
      idleTimeoutMillis: 30_000,
      maxLifetimeSeconds: opts.maxLifetimeSeconds ?? 0,
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
      const res = await this.pool.query(prepared(text, params, named, opts.arrays));
      return result<R>(res, opts);
    }
    signal.throwIfAborted();
    return await this.withClient(async (client) => {
      // The caller left: ask the server, on another connection, to cancel this session's statement.
      // Behind a pooler the PID is the pooler's, not a backend's: no cancellation there.
      const pid = this.pooled ? undefined : (client as unknown as { processID?: number }).processID;
      const cancel = () => {
        if (pid !== undefined) void this.pool.query(build(sql`SELECT pg_cancel_backend(${pid})`)).catch(() => {});
      };
      signal.addEventListener('abort', cancel, { once: true });
      try {
        const res = await client.query(prepared(text, params, named, opts.arrays));
        return result<R>(res, opts);
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
      let committing = false;
      try {
        const result = await fn(wrap(client, queryTimeout, !this.pooled));
        committing = true;
        // No server deadline on the COMMIT itself: a cancelled wait for a synchronous standby
        // still commits locally (with only a warning), so the answer would acknowledge a write a
        // failover can lose. The client-side deadline bounds it instead, and an unanswered COMMIT
        // is an unknown outcome: the session is dropped and the caller told to retry (503).
        await client.query({
          text: 'SET LOCAL statement_timeout = 0; COMMIT',
          query_timeout: clientTimeout(own ?? this.statementTimeoutMs),
        } as pg.QueryConfig);
        return result;
      } catch (err) {
        if (committing && typeof (err as { code?: unknown }).code !== 'string') {
          session.drop(err as Error);
          throw new UnavailableError();
        }
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
