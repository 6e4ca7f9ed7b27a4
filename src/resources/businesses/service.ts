import { wallClock } from '../../platform/clock.js';
import type { CursorCodec } from '../../platform/cursor.js';
import type { Db, Queryable } from '../../platform/db/db.js';
import { ForbiddenError, NotFoundError } from '../../platform/errors.js';
import { isUuid, uuidv7 } from '../../platform/ids.js';
import {
  type KeysetRow,
  listPage,
  type Page,
  type PageParams,
  type SortKey,
  textKey,
  timestampKey,
} from '../../platform/list.js';
import { containsPattern, query, queryOne, sql } from '../../platform/sql.js';
import { foldCase, toRfc3339 } from '../../platform/text.js';
import { issueToken } from '../tokens/service.js';
import { ensureUser } from '../users/service.js';
import { allows } from './roles.js';
import type { Business, BusinessSort } from './schemas.js';

/** Not found unless the business exists: the one check every command naming a business makes. */
export async function requireBusiness(q: Queryable, businessId: string): Promise<void> {
  const row = isUuid(businessId) ? await queryOne(q, sql`SELECT 1 FROM businesses WHERE id = ${businessId}`) : null;
  if (!row) throw new NotFoundError('business', businessId);
}

export interface CreatedBusiness {
  business_id: string;
  user_id: string;
  token: string;
  token_id: string;
}

/** A business, its owner (created if new) and a first token for the owner: the CLI's and the first run's, on the wall clock. */
export async function createBusiness(db: Db, input: { name: string; ownerEmail: string }): Promise<CreatedBusiness> {
  return await db.transaction(async (tx) => {
    const businessId = uuidv7();
    await query(
      tx,
      sql`INSERT INTO businesses (id, name, name_key) VALUES (${businessId}, ${input.name}, ${foldCase(input.name)})`,
    );
    const userId = (await ensureUser(tx, input.ownerEmail)).id;
    await query(
      tx,
      sql`INSERT INTO memberships (business_id, user_id, role) VALUES (${businessId}, ${userId}, 'owner')`,
    );
    const t = await issueToken(tx, wallClock, userId);
    return { business_id: businessId, user_id: userId, token: t.token, token_id: t.token_id };
  });
}

/** Whether the database holds any business yet (the first start creates a demo one). */
export async function hasBusinesses(q: Queryable): Promise<boolean> {
  return (await queryOne(q, sql`SELECT 1 FROM businesses LIMIT 1`)) !== null;
}

/** A business as selected, with the caller's role: its fields as stored. */
type BusinessRow = Business;

const BUSINESS_SORTS: Record<BusinessSort, SortKey> = {
  created_at: timestampKey('created_at'),
  name: textKey('name_key', false),
};
const BUSINESS_COLUMNS = 't.id, t.name, t.created_at, t.updated_at, m.role';

function toBusiness(r: BusinessRow): Business {
  return {
    id: r.id,
    name: r.name,
    created_at: toRfc3339(r.created_at),
    updated_at: toRfc3339(r.updated_at),
    role: r.role,
  };
}

export interface BusinessFilters {
  id?: string | undefined;
  name?: string | undefined;
}

/** One page of the businesses `userId` is a member of, with the user's role in each. */
export async function listBusinesses(
  db: Db,
  codec: CursorCodec,
  userId: string,
  filters: BusinessFilters,
  params: PageParams,
): Promise<Page<Business>> {
  const where = [sql`m.user_id = ${userId}`];
  if (filters.id !== undefined) where.push(sql`t.id = ${filters.id}::uuid`);
  if (filters.name !== undefined) where.push(sql`t.name_key LIKE ${containsPattern(foldCase(filters.name))}`);
  const sortBy = params.sortBy as BusinessSort;
  return await listPage<BusinessRow & KeysetRow, Business>(db, codec, params, {
    owner: `user:${userId}`,
    scope: `businesses:${JSON.stringify([filters.id ?? null, filters.name === undefined ? null : foldCase(filters.name)])}`,
    sortBy,
    key: BUSINESS_SORTS[sortBy],
    from: 'businesses t JOIN memberships m ON m.business_id = t.id',
    columns: BUSINESS_COLUMNS,
    where: sql.join(where, ' AND '),
    total: 'count',
    map: toBusiness,
  });
}

/** A business `userId` is a member of; not found otherwise (whether or not it exists). */
export async function getBusiness(db: Queryable, userId: string, businessId: string): Promise<Business> {
  const row = isUuid(businessId)
    ? await queryOne<BusinessRow>(
        db,
        sql`SELECT ${sql.raw(BUSINESS_COLUMNS)} FROM businesses t JOIN memberships m ON m.business_id = t.id
          WHERE m.user_id = ${userId} AND t.id = ${businessId}`,
      )
    : null;
  if (!row) throw new NotFoundError('business');
  return toBusiness(row);
}

/** A new business owned by the caller (over the API: the caller already has a token). */
export async function createOwnedBusiness(db: Db, userId: string, name: string): Promise<Business> {
  return await db.transaction(async (tx) => {
    const businessId = uuidv7();
    await query(
      tx,
      sql`INSERT INTO businesses (id, name, name_key) VALUES (${businessId}, ${name}, ${foldCase(name)})`,
    );
    await query(
      tx,
      sql`INSERT INTO memberships (business_id, user_id, role) VALUES (${businessId}, ${userId}, 'owner')`,
    );
    return await getBusiness(tx, userId, businessId);
  });
}

/** Renames a business: its owners and admins may; another member is refused, a non-member finds nothing. */
export async function renameBusiness(
  db: Db,
  input: { userId: string; businessId: string; name: string },
): Promise<Business> {
  const current = await getBusiness(db, input.userId, input.businessId);
  if (!allows(current.role, 'manage')) throw new ForbiddenError();
  await query(
    db,
    sql`UPDATE businesses SET name = ${input.name}, name_key = ${foldCase(input.name)}, updated_at = now() WHERE id = ${input.businessId}`,
  );
  return await getBusiness(db, input.userId, input.businessId);
}
