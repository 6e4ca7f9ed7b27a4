import { createHash } from 'node:crypto';
import type { Clock } from './clock.js';
import type { Queryable } from './db/db.js';
import { query, queryOne, sql } from './sql.js';

/**
 * Idempotency keys (IETF draft "The Idempotency-Key HTTP Header Field", with
 * Stripe's semantics): the first request with a key runs; its outcome is kept
 * for KEY_TTL and replayed to any later request with the same key and the
 * same method, path and body.
 */

/** How long an outcome is kept. */
const KEY_TTL_HOURS = 24;
/** A running request's lease on its key, renewed while it runs; a dead process's key is free again after it. */
export const LEASE_MS = 30_000;
/** 1..255 printable ASCII characters. */
export const KEY_RE = /^[\x20-\x7e]{1,255}$/;

/** JSON by value: object keys sorted, so `{"a":1,"b":2}` and `{"b":2,"a":1}` are one request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** What makes two requests "the same": method, path and the body's canonical form (or a file's bytes). */
export function fingerprint(method: string, path: string, body: string | Buffer): string {
  return createHash('sha256').update(`${method} ${path}\n`).update(body).digest('hex');
}

export type Claim =
  | { kind: 'claimed'; claim: ClaimRef }
  | { kind: 'replay'; status: number; body: string }
  | { kind: 'mismatch' }
  | { kind: 'in_progress' };

interface KeyRef {
  scope: string;
  key: string;
}

/**
 * A key as held by one claim. `holder` (chosen by the request before it sends
 * its claim) fences a holder whose lease lapsed: once another request has
 * claimed the key, the old holder can neither store its outcome (its effect
 * then rolls back) nor free the key, so one key never commits two effects. And
 * since the request knows it before the database answers, a claim whose answer
 * was lost can still be freed.
 */
export interface ClaimRef extends KeyRef {
  holder: string;
}

/**
 * Claims a key for a request with this fingerprint: a new key, an expired one,
 * or one whose running holder's lease lapsed is taken; otherwise the stored
 * outcome (same request), a mismatch (another request) or "in progress".
 */
export async function claim(q: Queryable, clock: Clock, ref: ClaimRef, print: string): Promise<Claim> {
  // The key's expiry follows the clock; its lease (locked_until) the wall clock, like every lock.
  const now = sql.param(clock.iso());
  const taken = await queryOne<{ holder: string }>(
    q,
    sql`INSERT INTO idempotency_keys (scope, key, fingerprint, state, locked_until, expires_at, holder)
     VALUES (${ref.scope}, ${ref.key}, ${print}, 'running', now() + make_interval(secs => ${LEASE_MS / 1000}::float8),
             ${now}::timestamptz + make_interval(hours => ${KEY_TTL_HOURS}::int), ${ref.holder})
     ON CONFLICT (scope, key) DO UPDATE
       SET fingerprint = EXCLUDED.fingerprint, state = 'running', locked_until = EXCLUDED.locked_until,
           status = NULL, body = NULL, created_at = now(), expires_at = EXCLUDED.expires_at, holder = EXCLUDED.holder
     WHERE idempotency_keys.expires_at <= ${now}::timestamptz
        OR (idempotency_keys.state = 'running' AND idempotency_keys.locked_until <= now()
            AND idempotency_keys.fingerprint = EXCLUDED.fingerprint)
     RETURNING holder`,
  );
  if (taken) return { kind: 'claimed', claim: { scope: ref.scope, key: ref.key, holder: ref.holder } };
  const held = await queryOne<{ fingerprint: string; state: string; status: number | null; body: string | null }>(
    q,
    sql`SELECT fingerprint, state, status, body FROM idempotency_keys WHERE scope = ${ref.scope} AND key = ${ref.key}`,
  );
  // Gone in between (expired and purged): the caller may try again.
  if (!held) return { kind: 'in_progress' };
  if (held.fingerprint !== print) return { kind: 'mismatch' };
  if (held.state === 'running' || held.status === null || held.body === null) return { kind: 'in_progress' };
  return { kind: 'replay', status: held.status, body: held.body };
}

/** The claim no longer holds its key (its lease lapsed and another request took it): nothing may be stored. */
class LostClaimError extends Error {
  constructor() {
    super('the idempotency key was claimed by another request');
  }
}

/**
 * Records the outcome (in the transaction of the effect, for a success); throws
 * LostClaimError when this claim no longer holds the key, so that transaction rolls back.
 */
export async function complete(q: Queryable, claim: ClaimRef, status: number, body: string): Promise<void> {
  const res = await query(
    q,
    sql`UPDATE idempotency_keys SET state = 'done', status = ${status}, body = ${body}
      WHERE scope = ${claim.scope} AND key = ${claim.key} AND state = 'running' AND holder = ${claim.holder}`,
  );
  if (res.rowCount !== 1) throw new LostClaimError();
}

/** Frees a key whose request produced nothing worth replaying (a 422, 401, 403, 429 or 5xx). */
export async function release(q: Queryable, claim: ClaimRef): Promise<void> {
  await query(
    q,
    sql`DELETE FROM idempotency_keys WHERE scope = ${claim.scope} AND key = ${claim.key} AND state = 'running' AND holder = ${claim.holder}`,
  );
}

/** Extends a running request's lease. */
export async function renew(q: Queryable, claim: ClaimRef): Promise<void> {
  await query(
    q,
    sql`UPDATE idempotency_keys SET locked_until = now() + make_interval(secs => ${LEASE_MS / 1000}::float8)
      WHERE scope = ${claim.scope} AND key = ${claim.key} AND state = 'running' AND holder = ${claim.holder}`,
  );
}

/** Deletes up to `batch` expired keys; resolves to how many (call until 0, between requests). */
export async function purgeExpired(q: Queryable, clock: Clock, batch = 1000): Promise<number> {
  const res = await query(
    q,
    sql`DELETE FROM idempotency_keys WHERE (scope, key) IN
       (SELECT scope, key FROM idempotency_keys WHERE expires_at <= ${clock.sql()} LIMIT ${batch})`,
  );
  return res.rowCount;
}
