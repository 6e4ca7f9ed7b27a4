import { AsyncLocalStorage } from 'node:async_hooks';
import type { Db, Queryable, QueryOptions, QueryResult, TransactionOptions } from './db.js';

/**
 * A Db whose every statement runs in a request's open transaction while that
 * request is handled (`runIn`), and on the underlying Db otherwise. Services
 * need not know: their queries join the request's transaction, and their own
 * transactions become savepoints in it. An idempotent POST uses this so its
 * effect and its stored response commit together.
 */
export class ScopedDb implements Db {
  private readonly als = new AsyncLocalStorage<Queryable>();

  constructor(readonly base: Db) {}

  get kind() {
    return this.base.kind;
  }

  /** Runs `fn` with every statement of this Db inside `tx`. */
  runIn<T>(tx: Queryable, fn: () => T): T {
    return this.als.run(tx, fn);
  }

  query<R = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
    opts?: QueryOptions,
  ): Promise<QueryResult<R>> {
    const tx = this.als.getStore();
    return tx ? tx.query<R>(text, params, opts) : this.base.query<R>(text, params, opts);
  }

  exec(text: string): Promise<void> {
    const tx = this.als.getStore();
    return tx ? tx.exec(text) : this.base.exec(text);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>, opts?: TransactionOptions): Promise<T> {
    const tx = this.als.getStore();
    if (!tx) return await this.base.transaction(fn, opts);
    // Inside the request's transaction: a savepoint, so a failure undoes only this part.
    if (opts?.statementTimeoutMs !== undefined && this.base.kind === 'postgres') {
      await tx.exec(`SET LOCAL statement_timeout = ${Math.max(0, Math.floor(opts.statementTimeoutMs))}`);
    }
    await tx.exec('SAVEPOINT scoped');
    try {
      const result = await fn(tx);
      await tx.exec('RELEASE SAVEPOINT scoped');
      return result;
    } catch (err) {
      await tx.exec('ROLLBACK TO SAVEPOINT scoped').catch(() => {});
      throw err;
    }
  }

  close(): Promise<void> {
    return this.base.close();
  }
}
