import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../platform/db/db.js';
import { UnauthenticatedError } from '../../platform/errors.js';
import { query, queryOne, queryRow, sql } from '../../platform/sql.js';
import { toRfc3339 } from '../../platform/text.js';
import type { CustomerExportParams } from './schemas.js';

/** How long an export link may be used, unless the operator says otherwise (EXPORT_LINK_SECONDS). */
export const DEFAULT_EXPORT_LINK_TTL_MS = 60_000;

/** The shape of an export ticket's secret: `dzx_<business id>.` and 32 random bytes in base64url. */
const SECRET_RE = /^dzx_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

/**
 * The one clock of export tickets' expiry: both when a ticket ends and whether
 * it has ended are reckoned from this, in the application, and passed to SQL as
 * a value (no `now()` in the rule), so one clock decides both.
 */
function ticketClock(): Date {
  return new Date();
}

/** Where an export ticket is used: a GET of this URL streams the export, once. */
function exportLinkUrl(baseUrl: string, secret: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/api/v1/export-links/${secret}`;
}

export interface ExportLink {
  url: string;
  secret: string;
  expires_at: string;
}

/**
 * A single-use ticket for one export of the business (its filters and order
 * kept with it), for a browser to download by navigation: the secret is shown
 * only in this answer and stored as its hash. Tickets of the business that
 * have ended are deleted here.
 */
export async function createExportLink(
  db: Db,
  input: { businessId: string; userId: string; query: CustomerExportParams; ttlMs: number; baseUrl: string },
): Promise<ExportLink> {
  const now = ticketClock();
  const expires = new Date(now.getTime() + input.ttlMs);
  const secret = `dzx_${input.businessId}.${randomBytes(32).toString('base64url')}`;
  const business = sql.param(input.businessId);
  await query(
    db,
    sql`DELETE FROM export_tickets WHERE business_id = ${business} AND expires_at <= ${now.toISOString()}::timestamptz`,
  );
  const row = await queryRow<{ expires_at: string }>(
    db,
    sql`INSERT INTO export_tickets (business_id, secret_hash, user_id, query, expires_at)
     VALUES (${business}, ${hashSecret(secret)}, ${input.userId}, ${JSON.stringify(input.query)}, ${expires.toISOString()}::timestamptz)
     RETURNING expires_at`,
  );
  return { url: exportLinkUrl(input.baseUrl, secret), secret, expires_at: toRfc3339(row.expires_at) };
}

/**
 * Uses a ticket: it is deleted whatever happens next (single use, even when the
 * export then fails), and answers with its business and export only while it
 * has not ended and the user who asked for it is still a member there. A used,
 * ended or unknown ticket is a 401, saying nothing of which.
 */
export async function redeemExportLink(
  db: Db,
  secret: string,
): Promise<{ businessId: string; userId: string; query: CustomerExportParams }> {
  const m = SECRET_RE.exec(secret);
  if (!m) throw new UnauthenticatedError();
  const now = ticketClock();
  const row = await queryOne<{ business_id: string; user_id: string; query: string; member: boolean }>(
    db,
    sql`WITH used AS (
       DELETE FROM export_tickets WHERE business_id = ${m[1]} AND secret_hash = ${hashSecret(secret)}
       RETURNING business_id, user_id, query, expires_at)
     SELECT u.business_id, u.user_id, u.query,
            EXISTS (SELECT 1 FROM memberships ms WHERE ms.business_id = u.business_id AND ms.user_id = u.user_id) AS member
       FROM used u WHERE u.expires_at > ${now.toISOString()}::timestamptz`,
  );
  if (!row?.member) throw new UnauthenticatedError();
  return { businessId: row.business_id, userId: row.user_id, query: JSON.parse(row.query) as CustomerExportParams };
}
