import { createHash, randomBytes } from 'node:crypto';
import type { Db, Queryable } from '../../platform/db/db.js';
import { InvalidArgumentError, NotFoundError, TokenLimitError } from '../../platform/errors.js';
import { isUuid, uuidv7 } from '../../platform/ids.js';
import { queryOne, queryRow } from '../../platform/sql.js';
import { toRfc3339 } from '../../platform/text.js';
import { userIdByEmail } from '../users/service.js';

export const MAX_ACTIVE_TOKENS = 10;
export const MAX_TOKEN_DAYS = 365;
/** The shape of a token secret; anything else is rejected before any lookup. */
export const TOKEN_RE = /^dz_[A-Za-z0-9_-]{43,128}$/;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A new secret: `dz_` + 32 random bytes in base64url (43 characters). */
export function newTokenSecret(): string {
  return `dz_${randomBytes(32).toString('base64url')}`;
}

export interface IssuedToken {
  /** The secret: shown once, stored only as its hash. */
  token: string;
  token_id: string;
  expires_at: string | null;
}

export interface TokenInfo {
  token_id: string;
  prefix: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  active: boolean;
}

/** A new token for the user, expiring in `expiresInDays` (1..365) or never; at most 10 active per user. */
export async function issueToken(tx: Queryable, userId: string, expiresInDays?: number): Promise<IssuedToken> {
  if (
    expiresInDays !== undefined &&
    (!Number.isInteger(expiresInDays) || expiresInDays < 1 || expiresInDays > MAX_TOKEN_DAYS)
  ) {
    throw new InvalidArgumentError('expires_in_days', `must be an integer from 1 to ${MAX_TOKEN_DAYS}`, expiresInDays);
  }
  // Lock the user so concurrent issuers cannot both slip under the limit.
  await tx.query('SELECT id FROM users WHERE id = $1 FOR UPDATE', [userId]);
  const counted = await queryRow<{ n: number }>(
    tx,
    `SELECT count(*)::int AS n FROM api_tokens
      WHERE user_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
    [userId],
  );
  if (counted.n >= MAX_ACTIVE_TOKENS) throw new TokenLimitError(MAX_ACTIVE_TOKENS);
  const token = newTokenSecret();
  const tokenId = uuidv7();
  const row = await queryRow<{ expires_at: string | null }>(
    tx,
    `INSERT INTO api_tokens (id, user_id, token_hash, prefix, expires_at)
     VALUES ($1, $2, $3, $4, CASE WHEN $5::int IS NULL THEN NULL ELSE now() + make_interval(days => $5::int) END)
     RETURNING expires_at`,
    [tokenId, userId, hashToken(token), token.slice(0, 11), expiresInDays ?? null],
  );
  return { token, token_id: tokenId, expires_at: toRfc3339(row.expires_at) };
}

/** A new token for the user with this e-mail. */
export async function createToken(
  db: Db,
  input: { email: string; expiresInDays?: number | undefined },
): Promise<IssuedToken> {
  return await db.transaction(async (tx) => issueToken(tx, await userIdByEmail(tx, input.email), input.expiresInDays));
}

/** The user's tokens, oldest first — never their secrets. */
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
  const row = isUuid(tokenId)
    ? await queryOne<{ revoked_at: string }>(
        db,
        'UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING revoked_at',
        [tokenId],
      )
    : null;
  if (!row) throw new NotFoundError('token', tokenId);
  return { token_id: tokenId, revoked_at: toRfc3339(row.revoked_at) };
}
