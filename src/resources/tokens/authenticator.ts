import { LRUCache } from 'lru-cache';
import { Clock } from '../../platform/clock.js';
import type { Db } from '../../platform/db/db.js';
import { ForbiddenError, UnauthenticatedError } from '../../platform/errors.js';
import { query, sql } from '../../platform/sql.js';
import { allows, type Permission, type Role } from '../businesses/roles.js';
import type { SessionInfo } from '../sessions/service.js';
import { hashToken, TOKEN_RE } from './service.js';

// last_used_at is bookkeeping, not a hot-path write: at most once a minute per token.
const LAST_USED_EVERY_MS = 60_000;

interface TokenRow {
  id: string;
  user_id: string;
  expired: boolean;
  expires_at_ms: number | null;
  revoked: boolean;
  stale: boolean;
  role: Role | null;
}

/** The verified caller: whose token, and (when a business was named) their role there. */
export interface Verified {
  userId: string;
  /**
   * The credential's id: the token's, or a console session's own (rate limits and
   * read-your-writes key a caller by it). Not always an API token: see apiTokenOf.
   */
  tokenId: string;
  role: Role | null;
  /** Set when a console session's cookie authenticated the request. */
  session?: SessionInfo;
}

/** The API token behind a caller: its own, or the one its session was made from (null: none). */
export function apiTokenOf(caller: Verified): string | null {
  return caller.session ? caller.session.tokenId : caller.tokenId;
}

interface CacheEntry extends Verified {
  /** When the token itself expires (epoch ms), or null. */
  expiresAt: number | null;
}

export interface AuthenticatorOptions {
  /**
   * How long a verified token and membership may be reused without asking the
   * database, in ms; 0 disables the cache. This bounds staleness: a revoked
   * token, or a changed or removed membership, takes effect within this time.
   */
  cacheTtlMs?: number;
  /** How long a verified token counts as known (see knows()), ms; at least the TTL. Default a minute. */
  knownForMs?: number;
  /** The cache's clock, for its TTLs (tests replace it). */
  now?: () => number;
  /** Whose now decides that a token has expired, cached or not (the app passes its own; default: `now`'s time). */
  clock?: Clock;
  /** Told of each verification: whether the cache answered it (metrics). */
  onLookup?: (cacheHit: boolean) => void;
}

const CACHE_MAX = 10_000;

/**
 * Where a verification may look:
 * - `cache-or-database` (the default): a cached answer within its TTL, else the database.
 * - `database`: the database now, whatever is cached (privileged actions: a cache may answer
 *   reads, never grant privileges). The answer refreshes the cache; a token found revoked or
 *   expired is forgotten under every business.
 * - `cache`: only a cached answer; anything else is 401 without a statement (an address past
 *   its budget of failed authentications).
 */
export type Lookup = 'cache-or-database' | 'database' | 'cache';

export class Authenticator {
  /** Tokens whose last_used_at was written lately (at most once a minute each). */
  private readonly lastTouched = new LRUCache<string, true>({ max: CACHE_MAX, ttl: LAST_USED_EVERY_MS });
  private readonly touching = new Set<Promise<unknown>>();
  /** Verified answers by `<token hash>|<business id>`, each for the TTL; none when the TTL is 0. */
  private readonly cache: LRUCache<string, CacheEntry> | null;
  /** Token hashes verified lately: see knows(). */
  private readonly known: LRUCache<string, true>;
  private readonly now: () => number;
  private readonly clock: Clock;
  private readonly onLookup: (cacheHit: boolean) => void;

  constructor(
    private readonly db: Db,
    opts: AuthenticatorOptions = {},
  ) {
    const ttl = opts.cacheTtlMs ?? 0;
    this.now = opts.now ?? Date.now;
    this.clock = opts.clock ?? new Clock(this.now);
    this.onLookup = opts.onLookup ?? (() => {});
    // The clock is read on every check (ttlResolution 0): tests move it by hand.
    const clock = { perf: { now: this.now }, ttlResolution: 0 };
    this.cache = ttl > 0 ? new LRUCache({ max: CACHE_MAX, ttl, ...clock }) : null;
    this.known = new LRUCache({ max: CACHE_MAX, ttl: Math.max(opts.knownForMs ?? 60_000, ttl, 1), ...clock });
  }

  /**
   * Resolves a bearer token to its user and, when `businessId` is given, to the
   * user's membership there — one query, or none while a verified answer is
   * cached (see Lookup for where it may look). Throws 401 for a missing, unknown, expired or revoked token;
   * returns `role: null` when there is no membership.
   */
  async verify(
    token: string | undefined,
    businessId: string | null,
    lookup: Lookup = 'cache-or-database',
  ): Promise<Verified> {
    if (token === undefined || !TOKEN_RE.test(token)) throw new UnauthenticatedError();
    const hash = hashToken(token);
    const key = `${hash}|${businessId ?? ''}`;
    if (this.cache && lookup !== 'database') {
      const hit = this.cache.get(key);
      if (hit) {
        if (hit.expiresAt !== null && hit.expiresAt <= this.clock.now()) {
          this.cache.delete(key);
          throw new UnauthenticatedError();
        }
        this.onLookup(true);
        return { userId: hit.userId, tokenId: hit.tokenId, role: hit.role };
      }
    }
    if (lookup === 'cache') throw new UnauthenticatedError();
    this.onLookup(false);
    const { rows } = await query<TokenRow>(
      this.db,
      sql`SELECT t.id, t.user_id,
              (t.expires_at IS NOT NULL AND t.expires_at <= ${this.clock.sql()}) AS expired,
              (extract(epoch FROM t.expires_at) * 1000)::float8 AS expires_at_ms,
              (t.revoked_at IS NOT NULL) AS revoked,
              (t.last_used_at IS NULL OR t.last_used_at < now() - interval '60 seconds') AS stale,
              m.role
         FROM api_tokens t
         LEFT JOIN memberships m ON m.user_id = t.user_id AND m.business_id = ${businessId}::uuid
        WHERE t.token_hash = ${hash}`,
    );
    const row = rows[0];
    if (!row || row.expired || row.revoked) {
      this.cache?.delete(key);
      this.known.delete(hash);
      // What the database says now holds for every business this token was cached under.
      if (row && lookup === 'database') this.forgetToken(row.id);
      throw new UnauthenticatedError();
    }
    this.known.set(hash, true);
    if (row.stale) this.touch(row.id);
    const verified = { userId: row.user_id, tokenId: row.id, role: row.role };
    this.cache?.set(key, { ...verified, expiresAt: row.expires_at_ms });
    return verified;
  }

  /**
   * Drops what this process has cached of a user (their role changed, or they
   * left a business) or of a token (revoked): the change takes effect here at
   * once, and in other processes within the cache's TTL.
   */
  forgetUser(userId: string): void {
    this.forget((entry) => entry.userId === userId);
  }

  forgetToken(tokenId: string): void {
    for (const key of this.forget((entry) => entry.tokenId === tokenId))
      this.known.delete(key.slice(0, key.indexOf('|')));
  }

  /** Drops the cached answers `which` picks; returns their keys. */
  private forget(which: (entry: CacheEntry) => boolean): string[] {
    const keys: string[] = [];
    for (const [key, entry] of this.cache?.entries() ?? []) if (which(entry)) keys.push(key);
    for (const key of keys) this.cache?.delete(key);
    return keys;
  }

  /** Forgets everything cached (after administration this process did not see in detail). */
  clear(): void {
    this.cache?.clear();
    this.known.clear();
  }

  /**
   * Whether this process verified this token lately (within `knownForMs`), whatever the
   * cache's TTL: such a token may still cost a lookup from an address past its budget of
   * failed authentications (it is not a guess). It grants nothing by itself.
   */
  knows(token: string | undefined): boolean {
    return token !== undefined && TOKEN_RE.test(token) && this.known.has(hashToken(token));
  }

  /** Records use in the background; a failure here must never fail the request. */
  private touch(tokenId: string): void {
    if (this.lastTouched.has(tokenId)) return;
    this.lastTouched.set(tokenId, true);
    const done = query(
      this.db,
      sql`UPDATE api_tokens SET last_used_at = now()
          WHERE id = ${tokenId} AND (last_used_at IS NULL OR last_used_at < now() - interval '60 seconds')`,
    )
      .catch(() => this.lastTouched.delete(tokenId))
      .finally(() => this.touching.delete(done));
    this.touching.add(done);
  }

  /** Resolves when the background bookkeeping started so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.touching]);
  }
}

export function requireRole(role: Role | null, permission: Permission): Role {
  if (role === null || !allows(role, permission)) throw new ForbiddenError();
  return role;
}
