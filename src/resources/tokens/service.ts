import { createHash, randomBytes } from 'node:crypto';
import { type Clock, wallClock } from '../../platform/clock.js';
import type { CursorCodec } from '../../platform/cursor.js';
import type { Db, Queryable } from '../../platform/db/db.js';
import { InvalidArgumentError, NotFoundError, TokenLimitError } from '../../platform/errors.js';
import { isUuid, uuidv7 } from '../../platform/ids.js';
import {
  type KeysetRow,
  listPage,
  type Page,
  type PageParams,
  type SortKey,
  timestampKey,
} from '../../platform/list.js';
import { query, queryOne, queryRow, sql } from '../../platform/sql.js';
import { toRfc3339 } from '../../platform/text.js';
import { userIdOf } from '../users/service.js';
import type { Verified } from './authenticator.js';
import type { Token, TokenCreated, TokenSort } from './schemas.js';

export const MAX_ACTIVE_TOKENS = 10;
const MAX_TOKEN_DAYS = 365;
/** The shape of a token secret; anything else is rejected before any lookup. */
export const TOKEN_RE = /^dz_[A-Za-z0-9_-]{43,128}$/;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A new secret: `dz_` + 32 random bytes in base64url (43 characters). */
function newTokenSecret(): string {
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

export interface IssueOptions {
  /** 1..365; absent: no expiry of its own. */
  expiresInDays?: number | undefined;
  /** The token that asks: the new one expires no later than it (a token never mints one that outlives it). */
  mintedBy?: string | undefined;
  /** A time (RFC 3339) it may not outlive either: the end of the console session that asks. */
  notAfter?: string | undefined;
}

/** A new token for the user, expiring in `expiresInDays` (1..365) or never; at most 10 active per user. */
export async function issueToken(
  tx: Queryable,
  clock: Clock,
  userId: string,
  opts: IssueOptions = {},
): Promise<IssuedToken> {
  const { expiresInDays } = opts;
  if (
    expiresInDays !== undefined &&
    (!Number.isInteger(expiresInDays) || expiresInDays < 1 || expiresInDays > MAX_TOKEN_DAYS)
  ) {
    throw new InvalidArgumentError('expires_in_days', `must be an integer from 1 to ${MAX_TOKEN_DAYS}`, expiresInDays);
  }
  const now = sql`${sql.param(clock.iso())}::timestamptz`;
  // Lock the user so concurrent issuers cannot both slip under the limit.
  await query(tx, sql`SELECT id FROM users WHERE id = ${userId} FOR UPDATE`);
  const counted = await queryRow<{ n: number }>(
    tx,
    sql`SELECT count(*)::int AS n FROM api_tokens
      WHERE user_id = ${userId} AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ${now})`,
  );
  if (counted.n >= MAX_ACTIVE_TOKENS) throw new TokenLimitError(MAX_ACTIVE_TOKENS);
  const token = newTokenSecret();
  const tokenId = uuidv7();
  // LEAST ignores NULLs: no expiry asked for → the minting token's; no minting token's → the one asked for.
  const days = sql`${sql.param(expiresInDays ?? null)}::int`;
  const row = await queryRow<{ expires_at: string | null }>(
    tx,
    // Created at the clock's now too: a token expires exactly its days after its created_at.
    sql`INSERT INTO api_tokens (id, user_id, token_hash, prefix, created_at, expires_at)
     VALUES (${tokenId}, ${userId}, ${hashToken(token)}, ${tokenPrefix(token)}, ${now}, LEAST(
       CASE WHEN ${days} IS NULL THEN NULL ELSE ${now} + make_interval(days => ${days}) END,
       (SELECT expires_at FROM api_tokens WHERE id = ${opts.mintedBy ?? null}::uuid),
       ${opts.notAfter ?? null}::timestamptz))
     RETURNING expires_at`,
  );
  return { token, token_id: tokenId, expires_at: toRfc3339(row.expires_at) };
}

/** What people tell tokens apart by: `dz_` and the first 8 characters of the secret. */
function tokenPrefix(token: string): string {
  return token.slice(0, 11);
}

/** A new token for the user with this id, or with this e-mail (while exactly one account has it): the CLI's, on the wall clock. */
export async function createToken(
  db: Db,
  input: ({ email: string } | { userId: string }) & { expiresInDays?: number | undefined },
): Promise<IssuedToken> {
  return await db.transaction(async (tx) =>
    issueToken(tx, wallClock, await userIdOf(tx, 'userId' in input ? { id: input.userId } : { email: input.email }), {
      expiresInDays: input.expiresInDays,
    }),
  );
}

/** The user's tokens (by e-mail, or `{ id }`), oldest first — never their secrets (the CLI's: active by the wall clock). */
export async function listTokens(db: Db, user: string | { id: string }): Promise<TokenInfo[]> {
  const userId = await userIdOf(db, typeof user === 'string' ? { email: user } : user);
  const { rows } = await query<Omit<TokenInfo, 'token_id'> & { id: string }>(
    db,
    sql`SELECT id, prefix, created_at, expires_at, revoked_at, last_used_at,
            (revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ${wallClock.sql()})) AS active
       FROM api_tokens WHERE user_id = ${userId} ORDER BY created_at, id`,
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

/**
 * Revokes a token; revoking twice is harmless and keeps the first revocation
 * time. With `ownerId` (a user revoking over the API) only that user's tokens
 * are found: another user's is not found.
 */
export async function revokeToken(
  db: Db,
  tokenId: string,
  ownerId: string | null = null,
): Promise<{ token_id: string; revoked_at: string }> {
  const owner = sql`${sql.param(ownerId)}::uuid`;
  const row = isUuid(tokenId)
    ? await queryOne<{ revoked_at: string }>(
        db,
        // The invitations the token made die with it (in the same statement).
        sql`WITH t AS (UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now())
                     WHERE id = ${tokenId} AND (${owner} IS NULL OR user_id = ${owner}) RETURNING id, revoked_at),
              i AS (UPDATE invitations SET revoked_at = now(), revoked_reason = 'inviter_token_revoked'
                     WHERE inviter_token_id IN (SELECT id FROM t) AND accepted_at IS NULL AND revoked_at IS NULL)
         SELECT revoked_at FROM t`,
      )
    : null;
  if (!row) throw new NotFoundError('token', tokenId);
  return { token_id: tokenId, revoked_at: toRfc3339(row.revoked_at) };
}

// ---- Self-service, over HTTP: a token's user and their own tokens only. ----

/** A token as listed: its fields as stored (timestamps as PostgreSQL writes them). */
type TokenRow = Token;

const TOKEN_SORTS: Record<TokenSort, SortKey> = { created_at: timestampKey('created_at') };

function toToken(r: TokenRow): Token {
  return {
    id: r.id,
    prefix: r.prefix,
    created_at: toRfc3339(r.created_at),
    expires_at: toRfc3339(r.expires_at),
    last_used_at: toRfc3339(r.last_used_at),
    revoked_at: toRfc3339(r.revoked_at),
  };
}

/** One page of the caller's tokens, active or not — never a secret. */
export async function listOwnTokens(
  db: Db,
  codec: CursorCodec,
  userId: string,
  params: PageParams,
): Promise<Page<Token>> {
  const sortBy = params.sortBy as TokenSort;
  return await listPage<TokenRow & KeysetRow, Token>(db, codec, params, {
    owner: `user:${userId}`,
    scope: 'tokens',
    sortBy,
    key: TOKEN_SORTS[sortBy],
    from: 'api_tokens t',
    columns: 't.id, t.prefix, t.created_at, t.expires_at, t.last_used_at, t.revoked_at',
    where: sql`t.user_id = ${userId}`,
    total: 'count',
    map: toToken,
  });
}

/**
 * A new token for the caller, expiring no later than the credential that asks for it: the
 * token, or the console session (and the token it was made from).
 */
export async function createOwnToken(
  db: Db,
  clock: Clock,
  caller: Verified,
  expiresInDays: number | undefined,
): Promise<TokenCreated> {
  const mintedBy = (caller.session ? caller.session.tokenId : caller.tokenId) ?? undefined;
  const notAfter = caller.session?.expiresAt;
  const t = await db.transaction((tx) => issueToken(tx, clock, caller.userId, { expiresInDays, mintedBy, notAfter }));
  return { token: t.token, id: t.token_id, prefix: tokenPrefix(t.token), expires_at: t.expires_at };
}
