import type { Queryable } from '../../platform/db/db.js';
import { NotFoundError } from '../../platform/errors.js';
import { uuidv7 } from '../../platform/ids.js';
import { queryOne, queryRow } from '../../platform/sql.js';
import { foldCase } from '../../platform/text.js';

/** The user with this e-mail (compared case-insensitively), created if new. */
export async function ensureUser(tx: Queryable, email: string): Promise<string> {
  // Upsert so two concurrent first-time calls for one e-mail agree on the user.
  const row = await queryRow<{ id: string }>(
    tx,
    `INSERT INTO users (id, email, email_key) VALUES ($1, $2, $3)
     ON CONFLICT (email_key) DO UPDATE SET email_key = EXCLUDED.email_key
     RETURNING id`,
    [uuidv7(), email.trim(), foldCase(email.trim())],
  );
  return row.id;
}

/** The id of the user with this e-mail; not found when there is none. */
export async function userIdByEmail(q: Queryable, email: string): Promise<string> {
  const row = await queryOne<{ id: string }>(q, 'SELECT id FROM users WHERE email_key = $1', [foldCase(email.trim())]);
  if (!row) throw new NotFoundError('user', email);
  return row.id;
}
