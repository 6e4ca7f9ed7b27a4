import type { Queryable } from '../../platform/db/db.js';
import { NotFoundError } from '../../platform/errors.js';
import { isUuid, uuidv7 } from '../../platform/ids.js';
import { queryOne, queryRow } from '../../platform/sql.js';
import { foldCase } from '../../platform/text.js';

export interface UserRef {
  id: string;
  email: string;
  /** Whether this call created the user. */
  created: boolean;
}

/** The user with this e-mail (compared case-insensitively), created if new. */
export async function ensureUser(tx: Queryable, email: string): Promise<UserRef> {
  // Upsert so two concurrent first-time calls for one e-mail agree on the user;
  // xmax = 0 only on the row version this statement inserted.
  const row = await queryRow<{ id: string; email: string; created: boolean }>(
    tx,
    `INSERT INTO users (id, email, email_key) VALUES ($1, $2, $3)
     ON CONFLICT (email_key) DO UPDATE SET email_key = EXCLUDED.email_key
     RETURNING id, email, (xmax = 0) AS created`,
    [uuidv7(), email.trim(), foldCase(email.trim())],
  );
  return row;
}

/** The id of the user with this e-mail; not found when there is none. */
export async function userIdByEmail(q: Queryable, email: string): Promise<string> {
  const row = await queryOne<{ id: string }>(q, 'SELECT id FROM users WHERE email_key = $1', [foldCase(email.trim())]);
  if (!row) throw new NotFoundError('user', email);
  return row.id;
}

/** The user with this id; not found when there is none. */
export async function userById(q: Queryable, id: string): Promise<UserRef> {
  const row = isUuid(id)
    ? await queryOne<{ id: string; email: string }>(q, 'SELECT id, email FROM users WHERE id = $1', [id])
    : null;
  if (!row) throw new NotFoundError('user', id);
  return { ...row, created: false };
}
