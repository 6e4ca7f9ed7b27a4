import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db, Queryable } from '../../platform/db/db.js';
import { InvalidArgumentError, UnauthenticatedError } from '../../platform/errors.js';
import { isUuid, uuidv7 } from '../../platform/ids.js';
import { query, queryOne, queryRow, sql } from '../../platform/sql.js';
import { toRfc3339 } from '../../platform/text.js';
import type { Role } from '../businesses/roles.js';
import type { Verified } from '../tokens/authenticator.js';
import { hashToken, TOKEN_RE } from '../tokens/service.js';
import { userIdOf } from '../users/service.js';

/** The rules of console sessions (contract §6); tests make them small. */
export interface SessionOptions {
  /** A session ends after this long without use, ms (default 12 h). */
  idleMs: number;
  /** …and this long after it began, whichever is first, ms (default 7 days). */
  absoluteMs: number;
  /** Idle expiry is extended at most this often, ms (default a minute). */
  touchEveryMs: number;
  /** The clock every expiry rule reads (tests replace it). */
  now?: (() => number) | undefined;
}

export const DEFAULT_SESSION_OPTIONS: SessionOptions = {
  idleMs: 12 * 3_600_000,
  absoluteMs: 7 * 86_400_000,
  touchEveryMs: 60_000,
};

/** Live sessions a user may hold; a new one past this ends the oldest. */
export const MAX_LIVE_SESSIONS = 20;
/** A sign-in link's lifetime in minutes: the default and the bounds. */
export const LINK_MINUTES = { default: 15, min: 1, max: 1440 } as const;

/** The cookie's secret: 32 random bytes in base64url. */
const SESSION_SECRET_RE = /^[A-Za-z0-9_-]{43}$/;
/** A sign-in link's secret: `dzl_` and 32 random bytes in base64url. */
const LINK_RE = /^dzl_[A-Za-z0-9_-]{43}$/;

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/**
 * "Now", as every expiry rule here reads it: one value passed into the SQL, never the
 * database's now(), so the whole module follows one clock.
 */
function nowOf(opts: Pick<SessionOptions, 'now'>): string {
  return new Date(opts.now?.() ?? Date.now()).toISOString();
}

const secs = (ms: number) => sql`make_interval(secs => ${ms / 1000}::float8)`;

/** The session a request's cookie names, as authentication keeps it on the caller. */
export interface SessionInfo {
  id: string;
  /** The API token it was made from, or null (a sign-in link, an invitation). */
  tokenId: string | null;
  csrfToken: string;
  /** Its absolute end (RFC 3339): it ends earlier after `idleMs` without use. */
  expiresAt: string;
  user: { id: string; email: string };
}

export interface NewSession {
  /** The cookie's value: shown once, stored only as a hash. */
  secret: string;
  session: SessionInfo;
}

/**
 * A new session for `userId` (made from `tokenId`, or from no token), in the caller's
 * transaction. It ends `absoluteMs` after now, no later than its token; past
 * MAX_LIVE_SESSIONS live sessions of the user, the oldest end.
 */
export async function issueSession(
  tx: Queryable,
  opts: SessionOptions,
  input: { userId: string; tokenId: string | null },
): Promise<NewSession> {
  const now = sql.param(nowOf(opts));
  // Serialised per user: two sign-ins at once cannot both keep 21 sessions alive.
  const user = await queryRow<{ email: string }>(
    tx,
    sql`SELECT email FROM users WHERE id = ${input.userId} FOR UPDATE`,
  );
  const secret = randomBytes(32).toString('base64url');
  const csrf = randomBytes(32).toString('base64url');
  const id = uuidv7();
  const token = sql.param(input.tokenId);
  const row = await queryRow<{ expires_at: string }>(
    tx,
    sql`INSERT INTO sessions (id, secret_hash, user_id, token_id, csrf_token, created_at, last_used_at, expires_at)
        VALUES (${id}, ${hashSecret(secret)}, ${input.userId}, ${token}::uuid, ${csrf}, ${now}::timestamptz, ${now}::timestamptz,
                LEAST(${now}::timestamptz + ${secs(opts.absoluteMs)},
                      (SELECT expires_at FROM api_tokens WHERE id = ${token}::uuid)))
        RETURNING expires_at`,
  );
  await query(
    tx,
    sql`UPDATE sessions SET ended_at = ${now}::timestamptz
         WHERE id IN (SELECT s.id FROM sessions s
                       WHERE s.user_id = ${input.userId} AND ${live(sql`s`, now, opts)}
                       ORDER BY s.created_at DESC, s.id DESC OFFSET ${MAX_LIVE_SESSIONS})`,
  );
  return {
    secret,
    session: {
      id,
      tokenId: input.tokenId,
      csrfToken: csrf,
      expiresAt: toRfc3339(row.expires_at),
      user: { id: input.userId, email: user.email },
    },
  };
}

/** Whether the session `s` is live at `now`: not ended, within both expiries. (Its token is checked apart.) */
function live(s: ReturnType<typeof sql>, now: ReturnType<typeof sql.param>, opts: SessionOptions) {
  return sql`${s}.ended_at IS NULL AND ${s}.expires_at > ${now}::timestamptz
    AND ${s}.last_used_at + ${secs(opts.idleMs)} > ${now}::timestamptz`;
}

/**
 * `POST /sessions`: a session from an API token or a sign-in link (used up here). Any
 * credential that is wrong, expired, revoked or used → 401, saying nothing of which.
 */
export async function signIn(
  db: Db,
  opts: SessionOptions,
  credential: { token: string } | { link: string },
): Promise<NewSession> {
  return await db.transaction(async (tx) => {
    const now = sql.param(nowOf(opts));
    if ('token' in credential) {
      if (!TOKEN_RE.test(credential.token)) throw new UnauthenticatedError();
      const t = await queryOne<{ id: string; user_id: string }>(
        tx,
        sql`SELECT id, user_id FROM api_tokens WHERE token_hash = ${hashToken(credential.token)}
             AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ${now}::timestamptz)`,
      );
      if (!t) throw new UnauthenticatedError();
      return await issueSession(tx, opts, { userId: t.user_id, tokenId: t.id });
    }
    if (!LINK_RE.test(credential.link)) throw new UnauthenticatedError();
    // Used in the statement that finds it: two sign-ins with one link, one wins.
    const link = await queryOne<{ user_id: string }>(
      tx,
      sql`UPDATE sign_in_links SET used_at = ${now}::timestamptz
           WHERE secret_hash = ${hashSecret(credential.link)} AND used_at IS NULL AND expires_at > ${now}::timestamptz
       RETURNING user_id`,
    );
    if (!link) throw new UnauthenticatedError();
    return await issueSession(tx, opts, { userId: link.user_id, tokenId: null });
  });
}

interface SessionRow {
  id: string;
  user_id: string;
  email: string;
  token_id: string | null;
  csrf_token: string;
  expires_at: string;
  stale: boolean;
  role: Role | null;
}

/**
 * The session a cookie's secret names, if live — not ended, within its idle and absolute
 * expiry, its token (if any) neither revoked nor expired — and the user's role in
 * `businessId`. One statement, always the database (never a cache: a session ended is
 * refused at once by every instance); its idle expiry is moved at most once per
 * `touchEveryMs`. Anything else → 401.
 */
export async function verifySession(
  db: Db,
  opts: SessionOptions,
  secret: string,
  businessId: string | null,
): Promise<Verified & { session: SessionInfo }> {
  if (!SESSION_SECRET_RE.test(secret)) throw new UnauthenticatedError();
  const now = sql.param(nowOf(opts));
  const row = await queryOne<SessionRow>(
    db,
    sql`SELECT s.id, s.user_id, u.email, s.token_id, s.csrf_token, s.expires_at,
               (s.last_used_at < ${now}::timestamptz - ${secs(opts.touchEveryMs)}) AS stale, m.role
          FROM sessions s
          JOIN users u ON u.id = s.user_id
          LEFT JOIN api_tokens t ON t.id = s.token_id
          LEFT JOIN memberships m ON m.user_id = s.user_id AND m.business_id = ${businessId}::uuid
         WHERE s.secret_hash = ${hashSecret(secret)} AND ${live(sql`s`, now, opts)}
           AND (s.token_id IS NULL OR (t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ${now}::timestamptz)))`,
  );
  if (!row) throw new UnauthenticatedError();
  if (row.stale) {
    await query(
      db,
      sql`UPDATE sessions SET last_used_at = ${now}::timestamptz
           WHERE id = ${row.id} AND last_used_at < ${now}::timestamptz - ${secs(opts.touchEveryMs)}`,
    );
  }
  return {
    userId: row.user_id,
    // Per-credential machinery (rate limits, read-your-writes) keys a session by its own id.
    tokenId: row.id,
    role: row.role,
    session: {
      id: row.id,
      tokenId: row.token_id,
      csrfToken: row.csrf_token,
      expiresAt: toRfc3339(row.expires_at),
      user: { id: row.user_id, email: row.email },
    },
  };
}

/** Whether a request's `x-csrf-token` is its session's (compared in constant time). */
export function csrfMatches(session: SessionInfo, header: unknown): boolean {
  if (typeof header !== 'string') return false;
  const given = Buffer.from(header);
  const expected = Buffer.from(session.csrfToken);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Ends a session now (sign-out); ending it again is harmless. */
export async function endSession(db: Db, opts: SessionOptions, sessionId: string): Promise<void> {
  if (!isUuid(sessionId)) return;
  await query(
    db,
    sql`UPDATE sessions SET ended_at = ${nowOf(opts)}::timestamptz WHERE id = ${sessionId} AND ended_at IS NULL`,
  );
}

/** The console page that signs in with a link: the secret rides in the fragment, never in a request line. */
export function signInUrl(baseUrl: string, secret: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/console/#/sign-in/${secret}`;
}

export interface SignInLink {
  user_id: string;
  url: string;
  /** Shown once, stored only as a hash. */
  secret: string;
  expires_at: string;
}

/** A one-time sign-in link for a user (the operator, at the CLI): `minutes` 1..1440, default 15. */
export async function createSignInLink(
  db: Db | Queryable,
  opts: Pick<SessionOptions, 'now'>,
  input: { user: { id: string } | { email: string }; minutes?: number | undefined; baseUrl: string },
): Promise<SignInLink> {
  const minutes = input.minutes ?? LINK_MINUTES.default;
  if (!Number.isInteger(minutes) || minutes < LINK_MINUTES.min || minutes > LINK_MINUTES.max) {
    throw new InvalidArgumentError(
      'minutes',
      `must be an integer from ${LINK_MINUTES.min} to ${LINK_MINUTES.max}`,
      minutes,
    );
  }
  const userId = await userIdOf(db, input.user);
  const secret = `dzl_${randomBytes(32).toString('base64url')}`;
  const now = sql.param(nowOf(opts));
  const row = await queryRow<{ expires_at: string }>(
    db,
    sql`INSERT INTO sign_in_links (id, secret_hash, user_id, created_at, expires_at)
        VALUES (${uuidv7()}, ${hashSecret(secret)}, ${userId}, ${now}::timestamptz,
                ${now}::timestamptz + make_interval(mins => ${minutes}::int))
        RETURNING expires_at`,
  );
  return { user_id: userId, url: signInUrl(input.baseUrl, secret), secret, expires_at: toRfc3339(row.expires_at) };
}
