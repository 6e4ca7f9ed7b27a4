import type { Redis } from 'ioredis';

export interface AuthFailureOptions {
  /** Token lookups that may fail per address and window before the address is answered from the cache only. */
  budget: number;
  windowMs: number;
  /** Counts shared by every instance (the rate limit's Redis); in memory per process when absent. */
  redis?: Redis | undefined;
  /** Deadline of each Redis call, ms: a slow Redis never holds a request (the count stays local). */
  redisTimeoutMs?: number;
  /** The clock (tests replace it). */
  now?: () => number;
}

interface Count {
  /** Failed lookups counted here in this window. */
  failures: number;
  /** The count every instance reported to Redis, as last heard. */
  shared: number;
  /** Lookups under way: they may yet fail, so they hold a place in the budget. */
  inFlight: number;
  resetAt: number;
}

const MAX_ADDRESSES = 100_000;
const NAMESPACE = 'customers-api-auth-failures:';

/**
 * Failed authentications per client address (contract §1.4, 429 row). Guessing tokens
 * must not cost the database: once an address has spent its budget of lookups that
 * found no valid token in a window, its requests are answered only from what this
 * process verified lately (see Authenticator.knows) — a random token is then a 401 with
 * no statement, while a valid token from the same address (one bad client behind a
 * shared address) keeps working. A lookup under way holds a place, so concurrent
 * guesses cannot all slip under the budget at once.
 *
 * With Redis, each failure is also counted there (fire and forget, with a deadline), and
 * the shared count it answers is what this process believes from then on: an address
 * spreading its guesses over N instances costs at most the budget plus about N.
 */
export class AuthFailures {
  private readonly counts = new Map<string, Count>();
  private readonly now: () => number;

  constructor(private readonly opts: AuthFailureOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Forgets every address's count (test mode's reset). */
  clear(): void {
    this.counts.clear();
  }

  /** Whether a lookup from this address may still be spent. */
  allows(address: string): boolean {
    const c = this.current(address);
    return c === undefined || Math.max(c.failures, c.shared) + c.inFlight < this.opts.budget;
  }

  /** A lookup from this address starts; call the result with whether it found no valid token. */
  begin(address: string): (failed: boolean) => void {
    const c = this.current(address) ?? this.fresh(address);
    c.inFlight++;
    let settled = false;
    return (failed) => {
      if (settled) return;
      settled = true;
      c.inFlight--;
      if (failed) {
        c.failures++;
        this.share(address, c);
      }
    };
  }

  private current(address: string): Count | undefined {
    const c = this.counts.get(address);
    if (c && c.resetAt <= this.now()) {
      this.counts.delete(address);
      return undefined;
    }
    return c;
  }

  private fresh(address: string): Count {
    if (this.counts.size >= MAX_ADDRESSES) {
      // Oldest first (Map keeps insertion order); expired ones go on their own when met.
      const oldest = this.counts.keys().next().value;
      if (oldest !== undefined) this.counts.delete(oldest);
    }
    const c: Count = { failures: 0, shared: 0, inFlight: 0, resetAt: this.now() + this.opts.windowMs };
    this.counts.set(address, c);
    return c;
  }

  private share(address: string, c: Count): void {
    const redis = this.opts.redis;
    if (redis?.status !== 'ready') return;
    const key = `${NAMESPACE}${address}`;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), this.opts.redisTimeoutMs ?? 100);
      timer.unref();
    });
    const counted = redis
      .multi()
      .set(key, 0, 'PX', this.opts.windowMs, 'NX')
      .incr(key)
      .exec()
      .then((results) => {
        const n = Number(results?.[1]?.[1]);
        if (Number.isFinite(n)) c.shared = Math.max(c.shared, n);
      });
    // Fail open: without Redis the count is this process's own.
    void Promise.race([counted, deadline])
      .catch(() => {})
      .finally(() => clearTimeout(timer));
    counted.catch(() => {});
  }
}
