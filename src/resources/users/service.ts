import type { Queryable } from '../../platform/db/db.js';
import { ConflictError, NotFoundError } from '../../platform/errors.js';
import { isUuid, uuidv7 } from '../../platform/ids.js';
import { query, queryOne, queryRow, sql } from '../../platform/sql.js';
import { foldCase } from '../../platform/text.js';

export interface UserRef {
  id: string;
  email: string;
  /** Whether this call created the user. */
  created: boolean;
}

/** What the operator is told when an e-mail names several accounts (it is a label, not an identity). */
const SEVERAL_ACCOUNTS = 'several accounts have this e-mail: use --user-id';

/** The accounts carrying this e-mail (compared case-insensitively), oldest first; at most `limit`. */
async function usersByEmail(q: Queryable, email: string, limit = 2): Promise<{ id: string; email: string }[]> {
  const { rows } = await query<{ id: string; email: string }>(
    q,
    sql`SELECT id, email FROM users WHERE email_key = ${foldCase(email.trim())} ORDER BY created_at, id LIMIT ${limit}`,
  );
  return rows;
}

/**
 * For the operator (CLI, first-run demo): the one account with this e-mail,
 * created if there is none. Several accounts with it → conflict: the operator
 * names one by id.
 */
export async function ensureUser(tx: Queryable, email: string): Promise<UserRef> {
  const key = foldCase(email.trim());
  // The e-mail is not unique: serialise first-time calls for one e-mail so they agree on the account.
  await query(tx, sql`SELECT pg_advisory_xact_lock(hashtext(${`users:${key}`}))`);
  const found = await usersByEmail(tx, email);
  if (found.length > 1) throw new ConflictError(SEVERAL_ACCOUNTS);
  const one = found[0];
  if (one) return { ...one, created: false };
  return { ...(await createUser(tx, email)), created: true };
}

/** A new account with this e-mail, whether or not other accounts carry it (accepting an invitation). */
export async function createUser(tx: Queryable, email: string): Promise<{ id: string; email: string }> {
  return await queryRow<{ id: string; email: string }>(
    tx,
    sql`INSERT INTO users (id, email, email_key) VALUES (${uuidv7()}, ${email.trim()}, ${foldCase(email.trim())}) RETURNING id, email`,
  );
}

/** The id of the one user with this e-mail; not found when there is none, conflict when there are several. */
async function userIdByEmail(q: Queryable, email: string): Promise<string> {
  const found = await usersByEmail(q, email);
  if (found.length > 1) throw new ConflictError(SEVERAL_ACCOUNTS);
  const row = found[0];
  if (!row) throw new NotFoundError('user', email);
  return row.id;
}

/** The user with this id; not found when there is none. */
export async function userById(q: Queryable, id: string): Promise<UserRef> {
  const row = isUuid(id)
    ? await queryOne<{ id: string; email: string }>(q, sql`SELECT id, email FROM users WHERE id = ${id}`)
    : null;
  if (!row) throw new NotFoundError('user', id);
  return { ...row, created: false };
}

/** The id of the user named by id (checked) or by an e-mail exactly one account carries. */
export async function userIdOf(q: Queryable, ref: { id: string } | { email: string }): Promise<string> {
  return 'id' in ref ? (await userById(q, ref.id)).id : await userIdByEmail(q, ref.email);
}
