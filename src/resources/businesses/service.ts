import type { Db, Queryable } from '../../platform/db/db.js';
import { NotFoundError } from '../../platform/errors.js';
import { isUuid, uuidv7 } from '../../platform/ids.js';
import { queryOne } from '../../platform/sql.js';
import { type IssuedToken, issueToken } from '../tokens/service.js';
import { ensureUser } from '../users/service.js';
import type { Role } from './roles.js';

/** Not found unless the business exists: the one check every command naming a business makes. */
export async function requireBusiness(q: Queryable, businessId: string): Promise<void> {
  const row = isUuid(businessId) ? await queryOne(q, 'SELECT 1 FROM businesses WHERE id = $1', [businessId]) : null;
  if (!row) throw new NotFoundError('business', businessId);
}

export interface CreatedBusiness {
  business_id: string;
  user_id: string;
  token: string;
  token_id: string;
}

/** A business, its owner (created if new) and a first token for the owner. */
export async function createBusiness(db: Db, input: { name: string; ownerEmail: string }): Promise<CreatedBusiness> {
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

/** Adds a member (the user created if new), or changes an existing member's role; issues a token. */
export async function addMember(
  db: Db,
  input: { businessId: string; email: string; role: Role },
): Promise<{ user_id: string } & IssuedToken> {
  return await db.transaction(async (tx) => {
    await requireBusiness(tx, input.businessId);
    const userId = await ensureUser(tx, input.email);
    await tx.query(
      `INSERT INTO memberships (business_id, user_id, role) VALUES ($1, $2, $3)
       ON CONFLICT (business_id, user_id) DO UPDATE SET role = EXCLUDED.role`,
      [input.businessId, userId, input.role],
    );
    const t = await issueToken(tx, userId);
    return { user_id: userId, ...t };
  });
}

/** Whether the database holds any business yet (the first start creates a demo one). */
export async function hasBusinesses(q: Queryable): Promise<boolean> {
  return (await queryOne(q, 'SELECT 1 FROM businesses LIMIT 1')) !== null;
}
