import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../platform/clock.js';
import type { CursorCodec } from '../../platform/cursor.js';
import type { Db, Queryable } from '../../platform/db/db.js';
import {
  ConflictError,
  ForbiddenError,
  InvalidStateError,
  NotFoundError,
  UnauthenticatedError,
} from '../../platform/errors.js';
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
import { allows, type Role } from '../businesses/roles.js';
import { issueSession, type NewSession, type SessionOptions } from '../sessions/service.js';
import { hashToken, issueToken, TOKEN_RE } from '../tokens/service.js';
import { createUser } from '../users/service.js';
import type { Invitation, InvitationAccepted, InvitationCreated, InvitationSort } from './schemas.js';

/** How long an invitation may be accepted (no longer than the token that made it lives). */
export const INVITATION_DAYS = 7;
/** The lifetime of the token an unauthenticated acceptance gives the new account. */
export const ACCEPTED_TOKEN_DAYS = 30;
export const INVITATION_GONE = 'This invitation is no longer valid';

/** The shape of an invitation secret: `dzi_<business id>.` and 32 random bytes in base64url. */
const SECRET_RE = /^dzi_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

/**
 * The invitation exists and was valid, but its inviter may no longer grant it
 * (removed, demoted, or the token that made it revoked): 410 at the HTTP edge.
 */
export class InvitationGoneError extends InvalidStateError {
  constructor() {
    super(INVITATION_GONE);
  }
}

/** Whether a member with `role` may give someone `target` (only an owner makes an owner). */
export function mayGrant(role: Role, target: Role): boolean {
  return allows(role, 'manage') && (target !== 'owner' || role === 'owner');
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** The console page that accepts an invitation: the secret rides in the fragment, never in a request line. */
export function invitationUrl(baseUrl: string, secret: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/console/#/invitation/${secret}`;
}

/**
 * Who invites: a member over the API (their user, and the API token they used — null when
 * a console session made from no token, already checked in the database, asks), or null
 * for the operator at the CLI.
 */
export type Inviter = { userId: string; tokenId: string | null } | null;

/** A pending invitation as listed: its fields as stored (timestamps as PostgreSQL writes them). */
type InvitationRow = Invitation;

function toInvitation(r: InvitationRow): Invitation {
  return {
    id: r.id,
    email: r.email,
    role: r.role,
    invited_by: r.invited_by,
    created_at: toRfc3339(r.created_at),
    expires_at: toRfc3339(r.expires_at),
  };
}

/**
 * Invites `email` to a business with `role`. The inviter is checked against the
 * database now (their membership and role, and the token they use), never a
 * cache; the answer does not depend on whether the e-mail has an account.
 */
export async function createInvitation(
  db: Db,
  clock: Clock,
  input: { businessId: string; email: string; role: Role; inviter: Inviter; baseUrl: string },
): Promise<InvitationCreated> {
  const now = sql.param(clock.iso());
  return await db.transaction(async (tx) => {
    // Serialised with membership changes (which lock the business too): an inviter removed or
    // demoted at the same moment either sees this invitation revoked or makes none.
    const business = isUuid(input.businessId)
      ? await queryOne(tx, sql`SELECT id FROM businesses WHERE id = ${input.businessId} FOR UPDATE`)
      : null;
    if (!business) throw new NotFoundError('business', input.businessId);
    const { inviter } = input;
    if (inviter?.tokenId) {
      const token = await queryOne(
        tx,
        sql`SELECT 1 FROM api_tokens WHERE id = ${inviter.tokenId} AND user_id = ${inviter.userId} AND revoked_at IS NULL
            AND (expires_at IS NULL OR expires_at > ${now}::timestamptz)`,
      );
      if (!token) throw new UnauthenticatedError();
    }
    if (inviter) {
      const member = await queryOne<{ role: Role }>(
        tx,
        sql`SELECT role FROM memberships WHERE business_id = ${input.businessId} AND user_id = ${inviter.userId}`,
      );
      if (!member || !mayGrant(member.role, input.role)) throw new ForbiddenError();
    }
    const id = uuidv7();
    const inviterToken = sql.param(inviter?.tokenId ?? null);
    const secret = `dzi_${input.businessId}.${randomBytes(32).toString('base64url')}`;
    const row = await queryRow<{ expires_at: string }>(
      tx,
      sql`INSERT INTO invitations (business_id, id, email, role, secret_hash, invited_by, inviter_token_id, expires_at)
       VALUES (${input.businessId}, ${id}, ${input.email.trim()}, ${input.role}, ${hashSecret(secret)}, ${inviter?.userId ?? null}, ${inviterToken}, LEAST(${now}::timestamptz + make_interval(days => ${INVITATION_DAYS}::int),
               (SELECT expires_at FROM api_tokens WHERE id = ${inviterToken}::uuid)))
       RETURNING expires_at`,
    );
    return {
      id,
      email: input.email.trim(),
      role: input.role,
      expires_at: toRfc3339(row.expires_at),
      url: invitationUrl(input.baseUrl, secret),
      secret,
    };
  });
}

/** An invitation neither used, revoked nor expired by the clock's now. */
const pending = (clock: Clock) => sql`t.accepted_at IS NULL AND t.revoked_at IS NULL AND t.expires_at > ${clock.sql()}`;

const INVITATION_SORTS: Record<InvitationSort, SortKey> = {
  created_at: timestampKey('created_at'),
  expires_at: timestampKey('expires_at'),
};

/** One page of a business's pending invitations — never a secret. */
export async function listInvitations(
  db: Db,
  codec: CursorCodec,
  clock: Clock,
  businessId: string,
  params: PageParams,
): Promise<Page<Invitation>> {
  const sortBy = params.sortBy as InvitationSort;
  return await listPage<InvitationRow & KeysetRow, Invitation>(db, codec, params, {
    owner: businessId,
    scope: 'invitations',
    sortBy,
    key: INVITATION_SORTS[sortBy],
    from: 'invitations t',
    columns: 't.id, t.email, t.role, t.invited_by, t.created_at, t.expires_at',
    where: sql`t.business_id = ${businessId} AND ${pending(clock)}`,
    total: 'count',
    map: toInvitation,
  });
}

/** Revokes a pending invitation of the business; false when there is none (or it is another business's). */
export async function revokeInvitation(
  db: Db,
  clock: Clock,
  businessId: string,
  invitationId: string,
): Promise<boolean> {
  if (!isUuid(invitationId)) return false;
  const row = await queryOne(
    db,
    sql`UPDATE invitations t SET revoked_at = now(), revoked_reason = 'revoked'
      WHERE t.business_id = ${businessId} AND t.id = ${invitationId} AND ${pending(clock)} RETURNING t.id`,
  );
  return row !== null;
}

/**
 * Revokes the pending invitations a member made that their new role (null: no
 * longer a member) may not grant. Runs in the transaction of the membership change.
 */
export async function revokeInvitationsBeyond(
  tx: Queryable,
  businessId: string,
  userId: string,
  role: Role | null,
): Promise<void> {
  // The roles the member may still grant: none, all but owner, or all.
  const grantable =
    role === null ? [] : (['owner', 'admin', 'member', 'viewer'] as Role[]).filter((r) => mayGrant(role, r));
  await query(
    tx,
    sql`UPDATE invitations SET revoked_at = now(), revoked_reason = ${role === null ? 'inviter_removed' : 'inviter_demoted'}
      WHERE business_id = ${businessId} AND invited_by = ${userId} AND accepted_at IS NULL AND revoked_at IS NULL
        AND NOT (role = ANY (${grantable}::text[]))`,
  );
}

/** The caller of an acceptance, from the database (never a cache): their user and token. */
async function callerNow(tx: Queryable, clock: Clock, token: string): Promise<{ userId: string; tokenId: string }> {
  if (!TOKEN_RE.test(token)) throw new UnauthenticatedError();
  const row = await queryOne<{ id: string; user_id: string }>(
    tx,
    sql`SELECT id, user_id FROM api_tokens
      WHERE token_hash = ${hashToken(token)} AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ${clock.sql()})`,
  );
  if (!row) throw new UnauthenticatedError();
  return { userId: row.user_id, tokenId: row.id };
}

interface PendingRow {
  business_id: string;
  id: string;
  email: string;
  role: Role;
  invited_by: string | null;
  inviter_token_id: string | null;
  usable: boolean;
  revoked_reason: string | null;
}

/**
 * Accepts an invitation, once. `callerToken` (a Bearer token the request
 * carried): the membership goes to the caller's own account and no credential
 * is issued. Without it, a NEW account is made with the invitation's e-mail
 * (whatever accounts already carry it) and gets a token — or, given `session`
 * (its rules), a console session instead, in the same transaction. A used, expired,
 * revoked or unknown secret is 401, saying nothing of which; an inviter who may
 * no longer grant the role makes it gone (410).
 */
export async function acceptInvitation(
  db: Db,
  clock: Clock,
  input: { secret: string; callerToken: string | undefined; session?: SessionOptions | undefined },
): Promise<InvitationAccepted & { session: NewSession | null }> {
  return await db.transaction(async (tx) => {
    const caller = input.callerToken === undefined ? null : await callerNow(tx, clock, input.callerToken);
    const m = SECRET_RE.exec(input.secret);
    if (!m) throw new UnauthenticatedError();
    // Locked: two acceptances at once queue here, and the second finds it used.
    const inv = await queryOne<PendingRow>(
      tx,
      sql`SELECT business_id, id, email, role, invited_by, inviter_token_id, revoked_reason,
              (accepted_at IS NULL AND expires_at > ${clock.sql()}
               AND (revoked_at IS NULL OR revoked_reason <> 'revoked')) AS usable
         FROM invitations WHERE business_id = ${m[1]} AND secret_hash = ${hashSecret(input.secret)} FOR UPDATE`,
    );
    if (!inv?.usable) throw new UnauthenticatedError();
    if (inv.revoked_reason !== null) throw new InvitationGoneError();
    // Checked again now: the inviter must still be a member who may grant the role, with the token they used.
    if (inv.invited_by !== null) {
      const member = await queryOne<{ role: Role }>(
        tx,
        sql`SELECT role FROM memberships WHERE business_id = ${inv.business_id} AND user_id = ${inv.invited_by}`,
      );
      if (!member || !mayGrant(member.role, inv.role)) throw new InvitationGoneError();
    }
    if (inv.inviter_token_id !== null) {
      const live = await queryOne(
        tx,
        sql`SELECT 1 FROM api_tokens WHERE id = ${inv.inviter_token_id} AND revoked_at IS NULL`,
      );
      if (!live) throw new InvitationGoneError();
    }
    let userId: string;
    let token: { token: string; expires_at: string | null } | null = null;
    if (caller) {
      userId = caller.userId;
      const already = await queryOne(
        tx,
        sql`SELECT 1 FROM memberships WHERE business_id = ${inv.business_id} AND user_id = ${userId}`,
      );
      if (already) throw new ConflictError('You are already a member of this business');
    } else {
      userId = (await createUser(tx, inv.email)).id;
    }
    await query(
      tx,
      sql`INSERT INTO memberships (business_id, user_id, role) VALUES (${inv.business_id}, ${userId}, ${inv.role})`,
    );
    let session: NewSession | null = null;
    if (!caller && input.session) session = await issueSession(tx, input.session, { userId, tokenId: null });
    else if (!caller) token = await issueToken(tx, clock, userId, { expiresInDays: ACCEPTED_TOKEN_DAYS });
    const used = await queryOne(
      tx,
      sql`UPDATE invitations SET accepted_at = now(), accepted_by = ${userId}
        WHERE business_id = ${inv.business_id} AND id = ${inv.id} AND accepted_at IS NULL RETURNING id`,
    );
    if (!used) throw new UnauthenticatedError();
    return {
      user_id: userId,
      business_id: inv.business_id,
      role: inv.role,
      token: token?.token ?? null,
      token_expires_at: token?.expires_at ?? null,
      session,
    };
  });
}
