/**
 * Delivers webhooks: at least once, with backoff, from any number of instances.
 *
 * Deliveries are rows written in the transaction of their event (see
 * events/service.ts), so a committed change always has its deliveries and a
 * rolled-back one never does. Each tick, an instance claims endpoints that have
 * due deliveries — row locks (`FOR UPDATE SKIP LOCKED`) pick endpoints no other
 * instance is claiming, and a lease written on the endpoint keeps them its own
 * while it sends — then sends each endpoint's due deliveries one at a time in
 * event order, recording every attempt. Each claimed endpoint is its own task
 * with its own lease, renewed at each of its attempts; whenever a task ends, the
 * freed slot is claimed again (up to `concurrency` at once), so a receiver that
 * never answers holds only its own queue, never another endpoint's. A dead instance's lease runs out and
 * another takes over; a restart finds the pending rows where they were.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../platform/clock.js';
import type { Db } from '../../platform/db/db.js';
import { uuidv7 } from '../../platform/ids.js';
import { query, type Sql, sql } from '../../platform/sql.js';
import { toRfc3339 } from '../../platform/text.js';
import { isCapture, resolveTarget, TargetError, type TargetPolicy } from './address.js';
import { type SendResult, send, webhookHeaders } from './sender.js';

export interface WebhookOptions extends TargetPolicy {
  /** Delays before attempt 2, 3, …; the last one repeats. */
  retryScheduleMs: readonly number[];
  /** No attempt is scheduled later than this after the event (then the delivery is failed). */
  giveUpAfterMs: number;
  /** A 2xx within this is a success. */
  timeoutMs: number;
  pollMs: number;
  leaseMs: number;
  /** Endpoints one instance works at once (default DEFAULT_WEBHOOK_CONCURRENCY). */
  concurrency?: number;
}

/** About 5 s, 30 s, 2 min, 10 min, 1 h, then every 6 h, for 3 days (contract §5.3). */
const DEFAULT_RETRY_SCHEDULE_MS = [5_000, 30_000, 120_000, 600_000, 3_600_000, 21_600_000];

export const DEFAULT_WEBHOOK_OPTIONS: WebhookOptions = {
  allowPrivate: false,
  allowHttp: false,
  retryScheduleMs: DEFAULT_RETRY_SCHEDULE_MS,
  giveUpAfterMs: 3 * 24 * 3_600_000,
  timeoutMs: 10_000,
  pollMs: 1_000,
  leaseMs: 60_000,
};

interface ClaimedEndpoint {
  business_id: string;
  id: string;
  url: string;
  secret: string;
  previous_secret: string | null;
}

interface DueDelivery {
  id: string;
  attempts: number;
  expired: boolean;
  event_id: string | null;
  type: string | null;
  created_at: string | null;
  data: string | null;
  previous_attributes: string | null;
  /** The whole body of an event that is not in the feed (a test event); null for the feed's. */
  body: string | null;
}

/** One attempt as it went out and what came back (test mode's log, see http/test-mode.ts). */
export interface AttemptRecord {
  endpoint_id: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  status: number | null;
  error: string | null;
  attempted_at: string;
}

/** Endpoints worked at once by one instance, by default (each on its own; a slow one holds only its own slot). */
const DEFAULT_WEBHOOK_CONCURRENCY = 16;
/** Due deliveries read per round for one endpoint. */
const BATCH = 20;

/**
 * Whether a pending delivery (alias `d`) is due at `now`. A first attempt is
 * due as soon as it commits, whatever its stamp: the stamp is its
 * transaction's start (microseconds, the database's clock), and a later
 * position can carry an earlier start than an earlier one, so comparing the
 * stamps with the worker's clock (milliseconds, this host's clock) could send
 * a later event first. First attempts keep feed order per endpoint (contract
 * §5.3); retries wait for their time.
 */
function isDue(d: string, now: Sql): Sql {
  const a = sql.raw(d);
  return sql`(${a}.attempts = 0 OR ${a}.next_attempt_at <= ${now})`;
}

export class WebhookWorker {
  private readonly owner = randomUUID();
  private timer: NodeJS.Timeout | undefined;
  private claiming: Promise<void> | undefined;
  /** The endpoints this instance is working, by business and id: one task each. */
  private readonly active = new Map<string, Promise<void>>();
  private stopped = true;
  /** Flushes under way (test mode): their tasks keep working while the worker is stopped. */
  private flushing = 0;
  private readonly concurrency: number;

  constructor(
    private readonly db: Db,
    private readonly opts: WebhookOptions,
    /** The schedule's now: when a delivery is due, when the next attempt is, when to give up. */
    private readonly clock: Clock,
    private readonly log?: { warn(obj: object, msg: string): void },
    /** Told of every attempt (test mode's log). */
    private readonly onAttempt?: (attempt: AttemptRecord) => void,
  ) {
    this.concurrency = Math.max(1, opts.concurrency ?? DEFAULT_WEBHOOK_CONCURRENCY);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /**
   * Stops claiming; resolves when every attempt in progress is recorded (each is bounded by
   * the address lookup's deadline and the per-attempt timeout), or after `boundMs`.
   */
  async stop(boundMs = this.opts.timeoutMs + 10_000): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    let bound: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([this.claiming, ...this.active.values()]),
      new Promise<void>((resolve) => {
        bound = setTimeout(resolve, boundMs);
        bound.unref();
      }),
    ]);
    clearTimeout(bound);
  }

  /**
   * Test mode's flush: makes every pending delivery due now and attempts each,
   * resolving when none is due any more (a failed attempt is scheduled again,
   * later than now, so each delivery is attempted once per flush). Works
   * whether or not the worker was started.
   */
  async flush(): Promise<void> {
    this.flushing++;
    try {
      await query(
        this.db,
        sql`UPDATE webhook_deliveries SET next_attempt_at = ${this.clock.sql()}
            WHERE state = 'pending' AND next_attempt_at > ${this.clock.sql()}`,
      );
      // Bounded: each round either claims an endpoint with due deliveries or waits for a task that holds one.
      for (let round = 0; round < 1000; round++) {
        await Promise.allSettled([this.claiming, ...this.active.values()]);
        const rows = await this.claim(this.concurrency);
        if (rows.length === 0) {
          const due = await query(
            this.db,
            sql`SELECT 1 FROM webhook_deliveries d JOIN webhook_endpoints e ON e.business_id = d.business_id AND e.id = d.endpoint_id
                 WHERE e.enabled AND d.state = 'pending' AND ${isDue('d', this.clock.sql())} LIMIT 1`,
          );
          if (due.rows.length === 0 && this.active.size === 0) return;
          // Another instance's lease, or a task of ours finishing: look again shortly.
          if (this.active.size === 0) await new Promise((resolve) => setTimeout(resolve, 20));
        }
        for (const endpoint of rows) this.run(endpoint);
      }
    } finally {
      this.flushing--;
    }
  }

  private get working(): boolean {
    return !this.stopped || this.flushing > 0;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.claimMore(), ms);
    this.timer.unref();
  }

  /** Claims endpoints for the free slots (one claim at a time); each claimed one runs as its own task. */
  private claimMore(): void {
    if (this.stopped || this.claiming) return;
    const free = this.concurrency - this.active.size;
    if (free <= 0) return; // a task that ends claims again
    this.claiming = this.claim(free)
      .then((rows) => {
        this.claiming = undefined;
        for (const endpoint of rows) this.run(endpoint);
        // A full claim may have left more waiting; otherwise look again after the poll interval.
        this.schedule(rows.length === free ? 0 : this.opts.pollMs);
      })
      .catch((err) => {
        this.claiming = undefined;
        this.log?.warn({ err }, 'webhook delivery failed; it is tried again');
        this.schedule(this.opts.pollMs);
      });
  }

  private run(endpoint: ClaimedEndpoint): void {
    const key = `${endpoint.business_id}/${endpoint.id}`;
    if (this.active.has(key)) return; // already worked here (its lease is ours)
    const task = this.work(endpoint)
      .catch((err) => {
        this.log?.warn({ err }, 'webhook delivery failed; it is tried again');
      })
      .finally(() => {
        this.active.delete(key);
        this.schedule(0); // a slot is free: claim again at once
      });
    this.active.set(key, task);
  }

  /** Claims up to `limit` endpoints with due deliveries that no instance holds. */
  private async claim(limit: number): Promise<ClaimedEndpoint[]> {
    const now = sql.param(this.clock.iso());
    const { rows } = await query<ClaimedEndpoint>(
      this.db,
      sql`UPDATE webhook_endpoints w
          SET lease_owner = ${this.owner}, lease_until = now() + make_interval(secs => ${this.opts.leaseMs / 1000}::float8)
         FROM (SELECT e.business_id, e.id FROM webhook_endpoints e
                WHERE e.enabled AND (e.lease_until IS NULL OR e.lease_until < now())
                  AND EXISTS (SELECT 1 FROM webhook_deliveries d
                               WHERE d.business_id = e.business_id AND d.endpoint_id = e.id
                                 AND d.state = 'pending' AND ${isDue('d', sql`${now}::timestamptz`)})
                ORDER BY e.lease_until NULLS FIRST
                LIMIT ${limit}::int
                FOR UPDATE SKIP LOCKED) c
        WHERE w.business_id = c.business_id AND w.id = c.id
        RETURNING w.business_id, w.id, w.url, w.secret,
                  CASE WHEN w.previous_secret_until > ${now}::timestamptz THEN w.previous_secret END AS previous_secret`,
    );
    return rows;
  }

  private async work(endpoint: ClaimedEndpoint): Promise<void> {
    try {
      while (this.working) {
        const now = sql.param(this.clock.iso());
        const { rows } = await query<DueDelivery>(
          this.db,
          sql`SELECT d.id, d.attempts,
                  d.created_at + make_interval(secs => ${this.opts.giveUpAfterMs / 1000}::float8) < ${now}::timestamptz AS expired,
                  coalesce(d.event_id, e.id) AS event_id, coalesce(d.event_type, e.type) AS type, e.created_at, e.data,
                  e.previous_attributes, d.body
             FROM webhook_deliveries d
             LEFT JOIN events e ON e.business_id = d.business_id AND e.position = d.event_position
            WHERE d.business_id = ${endpoint.business_id} AND d.endpoint_id = ${endpoint.id} AND d.state = 'pending' AND ${isDue('d', sql`${now}::timestamptz`)}
            ORDER BY d.event_position NULLS FIRST, d.id
            LIMIT ${sql.raw(String(BATCH))}`,
        );
        if (rows.length === 0) break;
        for (const delivery of rows) {
          if (!this.working) break;
          await this.deliver(endpoint, delivery);
        }
      }
    } finally {
      await query(
        this.db,
        sql`UPDATE webhook_endpoints SET lease_owner = NULL, lease_until = NULL WHERE business_id = ${endpoint.business_id} AND id = ${endpoint.id} AND lease_owner = ${this.owner}`,
      ).catch(() => {}); // the lease runs out by itself
    }
  }

  private async deliver(endpoint: ClaimedEndpoint, d: DueDelivery): Promise<void> {
    if (d.event_id === null || (d.body === null && d.data === null) || d.expired) {
      // The event is past its retention, or the delivery past its last attempt: nothing to send.
      await query(
        this.db,
        sql`UPDATE webhook_deliveries SET state = 'failed', next_attempt_at = NULL
          WHERE business_id = ${endpoint.business_id} AND id = ${d.id}`,
      );
      return;
    }
    // A test event's body is its delivery's own; a feed event's is made from the event.
    const body =
      d.body ??
      JSON.stringify({
        id: d.event_id,
        type: d.type,
        created_at: toRfc3339(d.created_at),
        data: JSON.parse(d.data ?? 'null'),
        previous_attributes: d.previous_attributes === null ? null : JSON.parse(d.previous_attributes),
      });
    const secrets = endpoint.previous_secret ? [endpoint.secret, endpoint.previous_secret] : [endpoint.secret];
    // The signature's time is the wall clock's, whatever test mode did to the schedule's: a
    // receiver checks it against its own clock.
    const headers = webhookHeaders({ id: d.event_id, body, secrets }, Math.floor(Date.now() / 1000));
    const attemptedAt = toRfc3339(this.clock.iso());
    let result: SendResult;
    if (isCapture(endpoint.url, this.opts)) {
      result = { status: 204, error: null, durationMs: 0 };
    } else {
      try {
        // Checked again now, on the address connected to.
        const target = await resolveTarget(endpoint.url, this.opts);
        result = await send(target, { body, headers }, this.opts.timeoutMs);
      } catch (err) {
        if (!(err instanceof TargetError)) throw err;
        result = { status: null, error: `refused: ${err.message}`, durationMs: 0 };
      }
    }
    this.onAttempt?.({
      endpoint_id: endpoint.id,
      url: endpoint.url,
      headers,
      body,
      status: result.status,
      error: result.error,
      attempted_at: attemptedAt,
    });
    const attempt = d.attempts + 1;
    const ok = result.status !== null && result.status >= 200 && result.status < 300;
    const schedule = this.opts.retryScheduleMs;
    const delayMs = schedule[Math.min(attempt - 1, schedule.length - 1)] ?? 0;
    await this.db.transaction(async (tx) => {
      const succeeded = sql.param(ok);
      const delay = sql.param(delayMs / 1000);
      const giveUpAfter = sql.param(this.opts.giveUpAfterMs / 1000);
      const now = sql.param(this.clock.iso());
      const { rows } = await query<{ next_attempt_at: string | null }>(
        tx,
        sql`UPDATE webhook_deliveries
            SET attempts = ${attempt},
                state = CASE WHEN ${succeeded} THEN 'succeeded'
                             WHEN ${now}::timestamptz + make_interval(secs => ${delay}::float8) > created_at + make_interval(secs => ${giveUpAfter}::float8) THEN 'failed'
                             ELSE 'pending' END,
                next_attempt_at = CASE WHEN ${succeeded} THEN NULL
                             WHEN ${now}::timestamptz + make_interval(secs => ${delay}::float8) > created_at + make_interval(secs => ${giveUpAfter}::float8) THEN NULL
                             ELSE ${now}::timestamptz + make_interval(secs => ${delay}::float8) END
          WHERE business_id = ${endpoint.business_id} AND endpoint_id = ${endpoint.id} AND id = ${d.id}
          RETURNING next_attempt_at`,
      );
      if (rows.length === 0) return; // the endpoint was deleted meanwhile
      await query(
        tx,
        // Stamped with the schedule's now: the attempt's time and its next retry's are of one clock.
        sql`INSERT INTO webhook_attempts (business_id, endpoint_id, id, event_id, event_type, attempt, status_code, error,
                                       duration_ms, next_retry_at, created_at)
         VALUES (${endpoint.business_id}, ${endpoint.id}, ${uuidv7()}, ${d.event_id}, ${d.type}, ${attempt}, ${result.status},
                 ${result.error}, ${result.durationMs}, ${rows[0]?.next_attempt_at ?? null}, ${now}::timestamptz)`,
      );
      await query(
        tx,
        sql`UPDATE webhook_endpoints SET lease_until = now() + make_interval(secs => ${this.opts.leaseMs / 1000}::float8)
          WHERE business_id = ${endpoint.business_id} AND id = ${endpoint.id} AND lease_owner = ${this.owner}`,
      );
    });
  }
}
