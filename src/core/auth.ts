import { createHash, randomBytes } from 'node:crypto';
import type { Db, Queryable } from './db/db.js';
import { ForbiddenError, UnauthorizedError, UsageError } from './errors.js';
import { uuidv7 } from './ids.js';
import { sortKey, toRfc3339 } from './text.js';

export const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** What each role may do (contract §2): viewer reads, member writes, admin deletes and bulk-uploads. */
export type Permission = 'read' | 'write' | 'delete' | 'bulk';
const POWER: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };
const NEEDS: Record<Permission, number> = { read: 0, write: 1, delete: 2, bulk: 2 };

export function allows(role: Role, permission: Permission): boolean {
  return POWER[role] >= NEEDS[permission];
}

export const MAX_ACTIVE_TOKENS = 10;
const TOKEN_RE = /^dz_[A-Za-z0-9_-]{43,128}$/;
// last_used_at is bookkeeping, not a hot-path write: at most once a minute per token.
const LAST_USED_EVERY_MS = 60_000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A new secret: `dz_` + 32 random bytes in base64url (43 characters). */
export function newTokenSecret(): string {
  return `dz_${randomBytes(32).toString('base64url')}`;
}

/** The verified caller: whose token, and their role in the requested business. */
export interface Caller {
  userId: string;
  tokenId: string;
  businessId: string;
  role: Role;
}

interface TokenRow {
  id: string;
  user_id: string;
  expired: boolean;
  expires_at_ms: number | null;
  revoked: boolean;
  stale: boolean;
  role: Role | null;
}

export interface Verified {
  userId: string;
  tokenId: string;
  role: Role | null;
}

interface CacheEntry extends Verified {
  /** When the token itself expires (epoch ms), or null. */
  expiresAt: number | null;
  /** When this entry must be looked up again (epoch ms). */
  until: number;
}

export interface AuthenticatorOptions {
  /**
   * How long a verified token and membership may be reused without asking the
   * database, in ms; 0 disables the cache. This bounds staleness: a revoked
   * token, or a changed or removed membership, takes effect within this time.
   */
  cacheTtlMs?: number;
  /** The clock (tests replace it). */
  now?: () => number;
}

const CACHE_MAX = 10_000;

export class Authenticator {
  private readonly lastTouched = new Map<string, number>();
  private readonly cache = new Map<string, CacheEntry>();
  private readonly ttl: number;
  private readonly now: () => number;

  constructor(
    private readonly db: Db,
    opts: AuthenticatorOptions = {},
  ) {
    this.ttl = opts.cacheTtlMs ?? 0;
    this.now = opts.now ?? Date.now;
  }

  /**
   * Resolves a bearer token to its user and, when `businessId` is given, to the
   * user's membership there — one query, or none while a verified answer is
   * cached. Throws 401 for a missing, unknown, expired or revoked token;
   * returns `role: null` when there is no membership.
   */
  async verify(token: string | undefined, businessId: string | null): Promise<Verified> {
    if (token === undefined || !TOKEN_RE.test(token)) throw new UnauthorizedError();
    const hash = hashToken(token);
    const key = `${hash}|${businessId ?? ''}`;
    const now = this.now();
    if (this.ttl > 0) {
      const hit = this.cache.get(key);
      if (hit && hit.until > now) {
        if (hit.expiresAt !== null && hit.expiresAt <= now) {
          this.cache.delete(key);
          throw new UnauthorizedError();
        }
        return { userId: hit.userId, tokenId: hit.tokenId, role: hit.role };
      }
    }
    const { rows } = await this.db.query<TokenRow>(
      `SELECT t.id, t.user_id,
              (t.expires_at IS NOT NULL AND t.expires_at <= now()) AS expired,
              (extract(epoch FROM t.expires_at) * 1000)::float8 AS expires_at_ms,
              (t.revoked_at IS NOT NULL) AS revoked,
              (t.last_used_at IS NULL OR t.last_used_at < now() - interval '60 seconds') AS stale,
              m.role
         FROM api_tokens t
         LEFT JOIN memberships m ON m.user_id = t.user_id AND m.business_id = $2::uuid
        WHERE t.token_hash = $1`,
      [hash, businessId],
    );
    const row = rows[0];
    if (!row || row.expired || row.revoked) {
      this.cache.delete(key);
      throw new UnauthorizedError();
    }
    if (row.stale) this.touch(row.id);
    const verified = { userId: row.user_id, tokenId: row.id, role: row.role };
    if (this.ttl > 0) {
      if (this.cache.size >= CACHE_MAX) {
        // Oldest first: Map keeps insertion order.
        const oldest = this.cache.keys().next().value;
        if (oldest !== undefined) this.cache.delete(oldest);
      }
      this.cache.set(key, { ...verified, expiresAt: row.expires_at_ms, until: now + this.ttl });
    }
    return verified;
  }

  /** Records use in the background; a failure here must never fail the request. */
  private touch(tokenId: string): void {
    const now = Date.now();
    const last = this.lastTouched.get(tokenId);
    if (last !== undefined && now - last < LAST_USED_EVERY_MS) return;
    this.lastTouched.set(tokenId, now);
    if (this.lastTouched.size > 10_000) this.lastTouched.clear();
    this.db
      .query(
        `UPDATE api_tokens SET last_used_at = now()
          WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '60 seconds')`,
        [tokenId],
      )
      .catch(() => this.lastTouched.delete(tokenId));
  }
}

export function requireRole(role: Role | null, permission: Permission): Role {
  if (role === null || !allows(role, permission)) throw new ForbiddenError();
  return role;
}

// ---------------------------------------------------------------------------
// Administration (CLI): businesses, users, memberships, tokens.

export interface TokenInfo {
  token_id: string;
  prefix: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  active: boolean;
}

async function ensureUser(tx: Queryable, email: string): Promise<string> {
  const key = sortKey(email.trim());
  const id = uuidv7();
  // Upsert so two concurrent first-time calls for one e-mail agree on the user.
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO users (id, email, email_key) VALUES ($1, $2, $3)
     ON CONFLICT (email_key) DO UPDATE SET email_key = EXCLUDED.email_key
     RETURNING id`,
    [id, email.trim(), key],
  );
  return (rows[0] as { id: string }).id;
}

async function issueToken(
  tx: Queryable,
  userId: string,
  expiresInDays?: number,
): Promise<{ token: string; token_id: string; expires_at: string | null }> {
  if (expiresInDays !== undefined && (!Number.isInteger(expiresInDays) || expiresInDays < 1 || expiresInDays > 365)) {
    throw new UsageError('--expires-in-days must be an integer from 1 to 365');
  }
  // Lock the user so concurrent issuers cannot both slip under the limit.
  await tx.query('SELECT id FROM users WHERE id = $1 FOR UPDATE', [userId]);
  const { rows: counted } = await tx.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM api_tokens
      WHERE user_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
    [userId],
  );
  if ((counted[0]?.n ?? 0) >= MAX_ACTIVE_TOKENS) {
    throw new UsageError(`This user already holds ${MAX_ACTIVE_TOKENS} active tokens; revoke one first.`);
  }
  const token = newTokenSecret();
  const tokenId = uuidv7();
  const { rows } = await tx.query<{ expires_at: string | null }>(
    `INSERT INTO api_tokens (id, user_id, token_hash, prefix, expires_at)
     VALUES ($1, $2, $3, $4, CASE WHEN $5::int IS NULL THEN NULL ELSE now() + make_interval(days => $5::int) END)
     RETURNING expires_at`,
    [tokenId, userId, hashToken(token), token.slice(0, 11), expiresInDays ?? null],
  );
  return { token, token_id: tokenId, expires_at: toRfc3339(rows[0]?.expires_at ?? null) };
}

export async function createBusiness(
  db: Db,
  input: { name: string; ownerEmail: string },
): Promise<{ business_id: string; user_id: string; token: string; token_id: string }> {
  return await db.transaction(async (tx) => {
    const businessId = uuidv7();
    await tx.query('INSERT INTO businesses (id, name) VALUES ($1, $2)', [businessId, input.name]);
    const userId = await ensureUser(tx, input.ownerEmail);
    await tx.query(`INSERT INTO memberships (business_id, user_id, role) VALUES ($1, $2, 'owner')`, [
      businessId,
      userId,
    ]);
    const t = await issueToken(tx, userId);
    return { business_id: businessId, user_id: userId, token: t.token, token_id: t.token_id };
  });
}

export async function addMember(
  db: Db,
  input: { businessId: string; email: string; role: Role },
): Promise<{ user_id: string; token: string; token_id: string }> {
  return await db.transaction(async (tx) => {
    const { rows } = await tx.query('SELECT 1 FROM businesses WHERE id = $1', [input.businessId]);
    if (rows.length === 0) throw new UsageError(`No business with id ${input.businessId}`);
    const userId = await ensureUser(tx, input.email);
    await tx.query(
      `INSERT INTO memberships (business_id, user_id, role) VALUES ($1, $2, $3)
       ON CONFLICT (business_id, user_id) DO UPDATE SET role = EXCLUDED.role`,
      [input.businessId, userId, input.role],
    );
    const t = await issueToken(tx, userId);
    return { user_id: userId, token: t.token, token_id: t.token_id };
  });
}

async function userIdByEmail(q: Queryable, email: string): Promise<string> {
  const { rows } = await q.query<{ id: string }>('SELECT id FROM users WHERE email_key = $1', [sortKey(email.trim())]);
  const row = rows[0];
  if (!row) throw new UsageError(`No user with e-mail ${email}`);
  return row.id;
}

export async function createToken(
  db: Db,
  input: { email: string; expiresInDays?: number | undefined },
): Promise<{ token: string; token_id: string; expires_at: string | null }> {
  return await db.transaction(async (tx) => issueToken(tx, await userIdByEmail(tx, input.email), input.expiresInDays));
}

export async function listTokens(db: Db, email: string): Promise<TokenInfo[]> {
  const userId = await userIdByEmail(db, email);
  const { rows } = await db.query<Omit<TokenInfo, 'token_id'> & { id: string }>(
    `SELECT id, prefix, created_at, expires_at, revoked_at, last_used_at,
            (revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())) AS active
       FROM api_tokens WHERE user_id = $1 ORDER BY created_at, id`,
    [userId],
  );
  return rows.map((r) => ({
    token_id: r.id,
    prefix: r.prefix,
    created_at: toRfc3339(r.created_at),
    expires_at: toRfc3339(r.expires_at),
    revoked_at: toRfc3339(r.revoked_at),
    last_used_at: toRfc3339(r.last_used_at),
    active: r.active,
  }));
}

/** Revokes a token; revoking twice is harmless and keeps the first revocation time. */
export async function revokeToken(db: Db, tokenId: string): Promise<{ token_id: string; revoked_at: string }> {
  const { rows } = await db.query<{ revoked_at: string }>(
    `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING revoked_at`,
    [tokenId],
  );
  const row = rows[0];
  if (!row) throw new UsageError(`No token with id ${tokenId}`);
  return { token_id: tokenId, revoked_at: toRfc3339(row.revoked_at) };
}
