import type { Db, Queryable, QueryOptions, QueryResult, TransactionOptions } from './db.js';

/**
 * An open transaction seen as a Db: its statements run in the transaction and
 * its own transactions are savepoints in it. A request whose effect must
 * commit together with something else (an idempotent POST and its stored
 * answer) hands its services one of these.
 */
export class TxDb implements Db {
  constructor(
    private readonly tx: Queryable,
    readonly kind: Db['kind'],
  ) {}

  query<R = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
    opts?: QueryOptions,
  ): Promise<QueryResult<R>> {
    return this.tx.query<R>(text, params, opts);
  }

  exec(text: string): Promise<void> {
    return this.tx.exec(text);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>, opts?: TransactionOptions): Promise<T> {
    if (opts?.statementTimeoutMs !== undefined && this.kind === 'postgres') {
      await this.tx.exec(`SET LOCAL statement_timeout = ${Math.max(0, Math.floor(opts.statementTimeoutMs))}`);
    }
    // A savepoint, so a failure undoes only this part.
    await this.tx.exec('SAVEPOINT scoped');
    try {
      const result = await fn(this.tx);
      await this.tx.exec('RELEASE SAVEPOINT scoped');
      return result;
    } catch (err) {
      await this.tx.exec('ROLLBACK TO SAVEPOINT scoped').catch(() => {});
      throw err;
    }
  }

  async close(): Promise<void> {}
}
