import type { Db } from './db/db.js';

/** The cursor-signing secret: `CURSOR_SECRET` when set, else the one created by the first migration. */
export async function cursorSecret(db: Db, override?: string): Promise<string> {
  if (override) return override;
  const { rows } = await db.query<{ value: string }>(`SELECT value FROM settings WHERE key = 'cursor_secret'`);
  const secret = rows[0]?.value;
  if (!secret) throw new Error('cursor_secret missing from settings: run migrations');
  return secret;
}
