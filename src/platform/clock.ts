import { type Sql, sql } from './sql.js';

/**
 * The server's idea of now, for every rule it applies to time: token,
 * invitation and idempotency-key expiry, retention, the webhook retry
 * schedule. Rules read it here and pass it to SQL as a value (`clock.sql()`),
 * never as the database's `now()`, so test mode can move time forward for all
 * of them at once (contract §7). Leases and locks stay on the wall clock:
 * moving them would break mutual exclusion. Stored stamps (created_at,
 * updated_at, revoked_at…) keep the wall clock too.
 */
export class Clock {
  private offsetMs = 0;

  constructor(private readonly wall: () => number = Date.now) {}

  /** Now, epoch ms: the wall clock plus whatever test mode advanced it by. */
  now(): number {
    return this.wall() + this.offsetMs;
  }

  /** Now as an ISO 8601 string (ms precision). */
  iso(): string {
    return new Date(this.now()).toISOString();
  }

  /**
   * Now as an SQL value (`$n::timestamptz`), for a rule's comparison or
   * arithmetic. A string, not a Date: the driver's own Date conversion is
   * not involved, and no cursor is ever built from it.
   */
  sql(): Sql {
    return sql`${this.iso()}::timestamptz`;
  }

  /** Moves now forward (test mode). */
  advance(seconds: number): void {
    if (!(seconds >= 0)) throw new RangeError('the clock only moves forward');
    this.offsetMs += seconds * 1000;
  }

  /** Back to the wall clock (test mode's reset). */
  reset(): void {
    this.offsetMs = 0;
  }
}

/**
 * The wall clock, for code that runs outside a server and so has no test
 * clock to follow: the CLI's own commands and the first-run demo.
 */
export const wallClock = new Clock();
