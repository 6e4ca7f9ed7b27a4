import type { Queryable } from './db/db.js';
import { queryOne, sql } from './sql.js';

/**
 * Where a business's data stands: its change counter (moved by every committed write of
 * its rows, see migration 0013) and the installation's change epoch (redrawn when data is
 * set back). Equal states, equal rows: a validator for anything read from them.
 */
export interface ChangeState {
  version: string;
  epoch: string;
}

/**
 * The change state of a business: two primary-key lookups in one statement, whatever the
 * business holds. Null when it has no counter (no such business). Read it before the rows
 * it stands for: a write committing in between then makes the validator older than the
 * rows (the next revalidation answers 200), never newer.
 */
export async function changeState(db: Queryable, businessId: string): Promise<ChangeState | null> {
  return await queryOne<ChangeState>(
    db,
    sql`SELECT c.version::text AS version, s.value AS epoch
          FROM change_counters c, settings s
         WHERE c.business_id = ${businessId} AND s.key = 'change_epoch'`,
  );
}
