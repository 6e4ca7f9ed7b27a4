// Whether the schema can be distributed by tenant (Citus: distribute every tenant
// table by business_id, businesses by id, and make the rest reference tables).
// `npm run check:tenancy` migrates a scratch PostgreSQL database and checks it;
// the test suite runs the same check on both backends.
import type { Db } from '../src/platform/db/db.js';

/** The tenant root: distributed by its own id, which every tenant table's business_id references. */
export const TENANT_ROOT = 'businesses';

/** Tables that are not per tenant, and why: they become reference (or local) tables. */
export const NOT_PER_TENANT: Record<string, string> = {
  users: 'people exist across businesses (a user belongs to several)',
  api_tokens: "a token is its user's, not a business's",
  sessions: "a console session is its user's, across their businesses, as a token is",
  sign_in_links: 'a sign-in link signs a user in, not into one business',
  passkeys: 'a passkey signs its user in, across their businesses, as a token does',
  webauthn_challenges: 'a passkey challenge belongs to a sign-in or a user, not a business',
  settings: 'installation-wide settings (the cursor secret)',
  schema_migrations: 'installation-wide',
  idempotency_keys: "keyed by business or, for routes without one, by the token's user",
};

interface Column {
  table: string;
  columns: string[];
}

/** The problems, one line each; empty when every tenant table can be distributed by business_id. */
export async function checkTenancy(db: Db): Promise<string[]> {
  const problems: string[] = [];
  const tables = (
    await db.query<{ table: string; has_business: boolean }>(
      `SELECT c.relname AS table,
              EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'business_id' AND NOT a.attisdropped) AS has_business
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r'
        ORDER BY c.relname`,
    )
  ).rows;
  const tenant = new Set(tables.filter((t) => t.has_business).map((t) => t.table));
  for (const t of tables) {
    if (t.table === TENANT_ROOT || tenant.has(t.table) || t.table in NOT_PER_TENANT) continue;
    problems.push(`${t.table}: neither a tenant table (no business_id) nor listed as not per tenant`);
  }
  for (const name of tenant) {
    if (name in NOT_PER_TENANT) problems.push(`${name}: has business_id but is listed as not per tenant`);
  }

  // Primary keys and unique indexes (constraints included) of tenant tables must contain business_id.
  const uniques = (
    await db.query<Column & { index: string; primary: boolean }>(
      `SELECT t.relname AS table, i.relname AS index, x.indisprimary AS primary,
              array_agg(a.attname::text ORDER BY a.attnum) FILTER (WHERE a.attname IS NOT NULL) AS columns
         FROM pg_index x
         JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY (x.indkey)
        WHERE n.nspname = 'public' AND x.indisunique
        GROUP BY t.relname, i.relname, x.indisprimary`,
    )
  ).rows;
  for (const name of tenant) {
    const own = uniques.filter((u) => u.table === name);
    if (!own.some((u) => u.primary)) problems.push(`${name}: no primary key`);
    for (const u of own) {
      if (!(u.columns ?? []).includes('business_id')) {
        problems.push(
          `${name}: ${u.primary ? 'primary key' : 'unique index'} ${u.index} (${(u.columns ?? []).join(', ')}) lacks business_id`,
        );
      }
    }
  }

  // Foreign keys: between tenant tables (or to the root) they must carry business_id; to
  // not-per-tenant tables they may not come from a not-per-tenant table into a tenant one.
  const fks = (
    await db.query<{ name: string; table: string; columns: string[]; ref: string; ref_columns: string[] }>(
      `SELECT con.conname AS name, t.relname AS table, r.relname AS ref,
              ARRAY(SELECT a.attname::text FROM unnest(con.conkey) k JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k) AS columns,
              ARRAY(SELECT a.attname::text FROM unnest(con.confkey) k JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k) AS ref_columns
         FROM pg_constraint con
         JOIN pg_class t ON t.oid = con.conrelid
         JOIN pg_class r ON r.oid = con.confrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = 'public' AND con.contype = 'f'`,
    )
  ).rows;
  for (const fk of fks) {
    const fromTenant = tenant.has(fk.table);
    const toTenant = tenant.has(fk.ref) || fk.ref === TENANT_ROOT;
    if (fromTenant && toTenant) {
      const at = fk.columns.indexOf('business_id');
      const expected = fk.ref === TENANT_ROOT ? 'id' : 'business_id';
      if (at < 0 || fk.ref_columns[at] !== expected) {
        problems.push(
          `${fk.table}: foreign key ${fk.name} to ${fk.ref} does not carry business_id → ${fk.ref}.${expected}`,
        );
      }
    } else if (!fromTenant && toTenant && fk.table !== TENANT_ROOT) {
      problems.push(`${fk.table}: foreign key ${fk.name} from a table that is not per tenant into ${fk.ref}`);
    }
  }
  return problems;
}
