/**
 * The list benchmark's dataset on PostgreSQL, shared by `npm run bench` and
 * `npm run bench:peers`: one business with a hot customer of 100,000 contacts,
 * 2,000 small customers (0..50 contacts) and an empty customer for writes.
 * Built once into its own database and reused while its version matches.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../src/platform/db/db.js';
import { migrate } from '../src/platform/db/migrate.js';
import { PgliteDb } from '../src/platform/db/pglite.js';
import { seed } from '../src/resources/customers/seed.js';
import { benchTenant, ownerToken, ROOT } from './lib.js';

export const HOT_CONTACTS = 100_000;
const SMALL_CUSTOMERS = 2_000;
export const DATASET = `v1:${HOT_CONTACTS}:${SMALL_CUSTOMERS}x0-50`;
export const DB_NAME = process.env.BENCH_DATABASE ?? 'customers_api_bench';
/** The PGlite dataset's data directory (the hot customer only). */
export const PGLITE_DIR = join(ROOT, 'bench/.data/pglite');

const log = (msg: string) => process.stderr.write(`${msg}\n`);

export interface Dataset {
  version: string;
  business_id: string;
  hot: string;
  writes: string;
}

export async function postgresDataset(db: Db): Promise<Dataset> {
  const { rows } = await db.query<{ value: string }>(`SELECT value FROM settings WHERE key = 'bench_dataset'`);
  const existing = rows[0] ? (JSON.parse(rows[0].value) as Dataset) : undefined;
  if (existing?.version === DATASET) {
    log(`reusing dataset ${DATASET}`);
    return existing;
  }
  log(`building dataset ${DATASET}…`);
  await db.exec('TRUNCATE businesses, users CASCADE');
  const t = await benchTenant(db);
  const bar = (label: string) => (done: number, total: number) =>
    process.stderr.write(`\r  ${label}: ${done}/${total}${done >= total ? '\n' : ''}`);
  const hot = await seed(db, {
    businessId: t.businessId,
    customers: 1,
    contactsPerCustomer: HOT_CONTACTS,
    seed: 1,
    batchSize: 5000,
    onProgress: bar('hot customer'),
  });
  await seed(db, {
    businessId: t.businessId,
    customers: SMALL_CUSTOMERS,
    contactsPerCustomer: 0,
    maxContactsPerCustomer: 50,
    seed: 2,
    batchSize: 5000,
    onProgress: bar('small customers'),
  });
  const writes = await seed(db, { businessId: t.businessId, customers: 1, contactsPerCustomer: 0, seed: 3 });
  await db.exec('VACUUM ANALYZE');
  const dataset: Dataset = {
    version: DATASET,
    business_id: t.businessId,
    hot: hot.customer_ids[0] as string,
    writes: writes.customer_ids[0] as string,
  };
  await db.query(
    `INSERT INTO settings (key, value) VALUES ('bench_dataset', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
    [JSON.stringify(dataset)],
  );
  return dataset;
}

/** The hot customer on embedded PGlite, in PGLITE_DIR: built once, reused while its version matches. */
export async function pgliteDataset(): Promise<{ dataset: Dataset; token: string }> {
  mkdirSync(PGLITE_DIR, { recursive: true });
  const db = await PgliteDb.open(PGLITE_DIR);
  try {
    await migrate(db);
    const { rows } = await db.query<{ value: string }>(`SELECT value FROM settings WHERE key = 'bench_dataset'`);
    let dataset = rows[0] ? (JSON.parse(rows[0].value) as Dataset) : undefined;
    if (dataset?.version !== DATASET) {
      log('building the PGlite dataset (the hot customer)…');
      await db.exec('TRUNCATE businesses, users CASCADE');
      const t = await benchTenant(db);
      const hot = await seed(db, {
        businessId: t.businessId,
        customers: 1,
        contactsPerCustomer: HOT_CONTACTS,
        seed: 1,
        batchSize: 5000,
      });
      await db.exec('VACUUM ANALYZE');
      dataset = { version: DATASET, business_id: t.businessId, hot: hot.customer_ids[0] as string, writes: '' };
      await db.query(
        `INSERT INTO settings (key, value) VALUES ('bench_dataset', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
        [JSON.stringify(dataset)],
      );
    }
    return { dataset, token: await ownerToken(db, dataset.business_id) };
  } finally {
    await db.close();
  }
}
