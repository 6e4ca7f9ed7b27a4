/** The result of one statement: rows as plain objects. */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
  /** With QueryOptions.arrays: the columns' names, in the order of each row's values. */
  fields?: string[];
}

export interface QueryOptions {
  /**
   * Aborting it cancels the statement on the server (PostgreSQL): a reader that
   * went away stops costing the database. PGlite cannot cancel and ignores it.
   */
  signal?: AbortSignal | undefined;
  /**
   * Plan this statement for these very values, not once for any (PostgreSQL: no
   * named prepared statement, whose generic plan would serve every value alike).
   * For statements whose best plan depends on a value, such as a search pattern.
   */
  unprepared?: boolean | undefined;
  /**
   * Each row as an array of its column values in the SELECT's order (no object per row), the
   * names in QueryResult.fields.
   */
  arrays?: boolean | undefined;
}

export interface Queryable {
  /** One parameterized statement. */
  query<R = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
    opts?: QueryOptions,
  ): Promise<QueryResult<R>>;
  /** Several statements without parameters (migrations, session settings). */
  exec(text: string): Promise<void>;
}

/**
 * The only database surface the core sees. Two implementations: PostgreSQL via
 * one `pg` Pool, and embedded PGlite through its own API. Both return INT8 as
 * string and timestamps as PostgreSQL's own UTC text (microseconds intact).
 */
export interface TransactionOptions {
  /**
   * This transaction's statements may each run this long (ms) instead of the
   * pool's interactive deadline: migrations, bulk uploads, CLI work. 0: no limit.
   */
  statementTimeoutMs?: number;
}

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, opts?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

/** SQLSTATE of a database error, or undefined for anything else. */
export function sqlState(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/**
 * Errors of the socket itself (TCP or Unix): the server is not there, or the way to it is gone.
 * EAI_AGAIN: DNS not answering now. ENOENT counts only from connect(): a Unix socket whose file is
 * gone (the server stopped), not a missing file elsewhere.
 */
const CONNECTION_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/**
 * True when the error means "the database cannot answer now" — unreachable,
 * restarting, or past the statement deadline — not "the query is wrong".
 */
export function isUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (CONNECTION_ERRNOS.has(code)) return true;
    if (code === 'ENOENT' && (err as { syscall?: unknown }).syscall === 'connect') return true;
    // Class 08: connection exception; 57P01..57P03, 57P05: admin shutdown, crash shutdown, cannot connect now,
    // idle session timeout;
    // 57014: canceled (the statement deadline passed); 53300: too many connections;
    // 25006: read-only transaction (a demoted primary, a standby): the writable primary is elsewhere.
    if (
      /^08[0-9A-Z]{3}$/.test(code) ||
      /^57P0[1235]$/.test(code) ||
      code === '57014' ||
      code === '53300' ||
      code === '25006'
    ) {
      return true;
    }
  }
  // pg's own client-side failures (pool connect timeout, connection ended, query_timeout) carry no
  // code: their message is all there is.
  const message = (err as { message?: unknown }).message;
  return (
    typeof message === 'string' &&
    (message.includes('timeout exceeded when trying to connect') ||
      message.includes('Connection terminated') ||
      message.includes('Client was closed') ||
      message.includes('Query read timeout') ||
      message.includes('Client has encountered a connection error'))
  );
}
