import { wallClock } from '../../platform/clock.js';
import type { CursorCodec } from '../../platform/cursor.js';
import type { Db, Queryable } from '../../platform/db/db.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../platform/errors.js';
import { isUuid } from '../../platform/ids.js';
import {
  type KeysetRow,
  listPage,
  type Page,
  type PageParams,
  type SortKey,
  textKey,
  timestampKey,
} from '../../platform/list.js';
import { query, queryOne, queryRow, type Sql, sql } from '../../platform/sql.js';
import { toRfc3339 } from '../../platform/text.js';
import { allows, type Role } from '../businesses/roles.js';
import { requireBusiness } from '../businesses/service.js';
import { revokeInvitationsBeyond } from '../invitations/service.js';
import { type IssuedToken, issueToken } from '../tokens/service.js';
import { ensureUser, type UserRef, userById } from '../users/service.js';
import type { Member, MemberSort } from './schemas.js';

/**
 * Who changes a membership: a member acting over the API, with their role, or
 * null for the operator at the server's command line (who may do anything the
 * invariants allow).
 */
export type Actor = { userId: string; role: Role } | null;

/** A business always keeps an owner: the one rule even the operator cannot break. */
const LAST_OWNER = 'A business must keep at least one owner; make another member owner first';

/** A member as MEMBERS_FROM selects it: its user id as `id` (the list orders ties by it). */
type MemberRow = Omit<Member, 'user_id'> & { id: string };

const MEMBER_SORTS: Record<MemberSort, SortKey> = {
  created_at: timestampKey('created_at'),
  email: textKey('email_key', false),
};

// `t.id` is the member's user id: the list pipeline orders ties by it.
const MEMBERS_FROM = `(SELECT m.business_id, m.user_id AS id, m.role, m.created_at, u.email, u.email_key
                         FROM memberships m JOIN users u ON u.id = m.user_id) t`;

function toMember(r: MemberRow): Member {
  return { user_id: r.id, email: r.email, role: r.role, created_at: toRfc3339(r.created_at) };
}

/** One page of a business's members. */
export async function listMembers(
  db: Db,
  codec: CursorCodec,
  businessId: string,
  params: PageParams,
): Promise<Page<Member>> {
  const sortBy = params.sortBy as MemberSort;
  return await listPage<MemberRow & KeysetRow, Member>(db, codec, params, {
    owner: businessId,
    scope: 'members',
    sortBy,
    key: MEMBER_SORTS[sortBy],
    from: MEMBERS_FROM,
    columns: 't.id, t.email, t.role, t.created_at',
    where: sql`t.business_id = ${businessId}`,
    total: 'count',
    map: toMember,
  });
}

const memberSelect = (businessId: string): Sql =>
  sql`SELECT u.id, u.email, m.role, m.created_at FROM memberships m JOIN users u ON u.id = m.user_id
  WHERE m.business_id = ${businessId}`;

async function memberRow(q: Queryable, businessId: string, userId: string): Promise<MemberRow | null> {
  return await queryOne<MemberRow>(q, sql`${memberSelect(businessId)} AND m.user_id = ${userId}`);
}

/**
 * Locks the business for a membership change (so two changes cannot both leave
 * it without an owner) and checks that it exists.
 */
async function lockBusiness(tx: Queryable, businessId: string): Promise<void> {
  const row = isUuid(businessId)
    ? await queryOne(tx, sql`SELECT id FROM businesses WHERE id = ${businessId} FOR UPDATE`)
    : null;
  if (!row) throw new NotFoundError('business', businessId);
}

/** Whether `actor` may move a member from role `from` to `to` (null: not a member / removed). */
function mayChange(actor: Actor, from: Role | null, to: Role | null): void {
  if (actor === null) return;
  if (!allows(actor.role, 'manage')) throw new ForbiddenError();
  if ((from === 'owner' || to === 'owner') && actor.role !== 'owner') throw new ForbiddenError();
}

/** Refuses a change that takes the owner role from the business's last owner. */
async function keepAnOwner(tx: Queryable, businessId: string, from: Role, to: Role | null): Promise<void> {
  if (from !== 'owner' || to === 'owner') return;
  const owners = await queryRow<{ n: number }>(
    tx,
    sql`SELECT count(*)::int AS n FROM memberships WHERE business_id = ${businessId} AND role = 'owner'`,
  );
  if (owners.n <= 1) throw new ConflictError(LAST_OWNER);
}

export interface AddMemberInput {
  businessId: string;
  user: { id: string } | { email: string };
  role: Role;
  actor: Actor;
  /** An existing member: 'conflict' (the API's 409) or 'update' (the CLI changes the role). */
  ifMember: 'conflict' | 'update';
  /**
   * Whether an added member gets a token: 'none' (the API: no response hands one
   * person another's credential) or 'new-member' (the operator at the CLI: anyone
   * who was not a member yet, no expiry).
   */
  token: 'none' | 'new-member';
}

export interface AddedMember {
  member: Member;
  /** The role before, when the user was already a member (then the role was changed). */
  previousRole: Role | null;
  token: IssuedToken | null;
}

/** Adds a user (found by id, or by e-mail and created if new) to a business. */
export async function addMember(db: Db, input: AddMemberInput): Promise<AddedMember> {
  return await db.transaction(async (tx) => {
    await lockBusiness(tx, input.businessId);
    const user: UserRef =
      'id' in input.user ? await userById(tx, input.user.id) : await ensureUser(tx, input.user.email);
    const existing = await memberRow(tx, input.businessId, user.id);
    if (existing && input.ifMember === 'conflict') {
      throw new ConflictError(`${existing.email} is already a member of this business (role: ${existing.role})`);
    }
    mayChange(input.actor, existing?.role ?? null, input.role);
    if (existing) {
      await keepAnOwner(tx, input.businessId, existing.role, input.role);
      await query(
        tx,
        sql`UPDATE memberships SET role = ${input.role} WHERE business_id = ${input.businessId} AND user_id = ${user.id}`,
      );
      await revokeInvitationsBeyond(tx, input.businessId, user.id, input.role);
    } else {
      await query(
        tx,
        sql`INSERT INTO memberships (business_id, user_id, role) VALUES (${input.businessId}, ${user.id}, ${input.role})`,
      );
    }
    // Only the operator at the CLI asks for a token here: the wall clock (the CLI has no test clock).
    const token = input.token === 'new-member' && !existing ? await issueToken(tx, wallClock, user.id) : null;
    const row = await memberRow(tx, input.businessId, user.id);
    if (!row) throw new Error('the membership just written is not there');
    return { member: toMember(row), previousRole: existing?.role ?? null, token };
  });
}

/** Changes a member's role. */
export async function changeRole(
  db: Db,
  input: { businessId: string; userId: string; role: Role; actor: Actor },
): Promise<Member> {
  return await db.transaction(async (tx) => {
    await lockBusiness(tx, input.businessId);
    const existing = isUuid(input.userId) ? await memberRow(tx, input.businessId, input.userId) : null;
    if (!existing) throw new NotFoundError('member', input.userId);
    mayChange(input.actor, existing.role, input.role);
    await keepAnOwner(tx, input.businessId, existing.role, input.role);
    await query(
      tx,
      sql`UPDATE memberships SET role = ${input.role} WHERE business_id = ${input.businessId} AND user_id = ${input.userId}`,
    );
    // Invitations die with their inviter's power to grant them.
    await revokeInvitationsBeyond(tx, input.businessId, input.userId, input.role);
    return toMember({ ...existing, role: input.role });
  });
}

/** Removes a member; anyone may remove themselves, except the last owner. */
export async function removeMember(
  db: Db,
  input: { businessId: string; userId: string; actor: Actor },
): Promise<Member> {
  return await db.transaction(async (tx) => {
    await lockBusiness(tx, input.businessId);
    const existing = isUuid(input.userId) ? await memberRow(tx, input.businessId, input.userId) : null;
    if (!existing) throw new NotFoundError('member', input.userId);
    const self = input.actor !== null && input.actor.userId === input.userId;
    if (!self) mayChange(input.actor, existing.role, null);
    await keepAnOwner(tx, input.businessId, existing.role, null);
    await query(tx, sql`DELETE FROM memberships WHERE business_id = ${input.businessId} AND user_id = ${input.userId}`);
    await revokeInvitationsBeyond(tx, input.businessId, input.userId, null);
    return toMember(existing);
  });
}

/** Every member of a business, for the command line (a business has few). */
export async function allMembers(db: Db, businessId: string): Promise<Member[]> {
  await requireBusiness(db, businessId);
  const { rows } = await query<MemberRow>(db, sql`${memberSelect(businessId)} ORDER BY m.created_at, m.user_id`);
  return rows.map(toMember);
}
