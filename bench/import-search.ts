/**
 * Customers at volume, on PostgreSQL: the time to import a 10,000-row CSV
 * through POST /bulk-upload, and search latency over 100,000 customers.
 *
 *   npm run bench:customers            # DATABASE_URL, default the local server
 *   CUSTOMERS=100000 ROWS=10000 RUNS=3 REQUESTS=200 npm run bench:customers
 */
import { seed } from '../src/resources/customers/seed.js';
import {
  authHeaders,
  benchDatabase,
  benchServer,
  benchTenant,
  getOk,
  ownerToken,
  serverVersion,
  timeSequential,
} from './lib.js';

const CUSTOMERS = Number(process.env.CUSTOMERS ?? 100_000);
const ROWS = Number(process.env.ROWS ?? 10_000);
const RUNS = Number(process.env.RUNS ?? 3);
const REQUESTS = Number(process.env.REQUESTS ?? 200);

const db = await benchDatabase(`customers_api_bench_customers_${CUSTOMERS}`);
const { app, base } = await benchServer(db, { bodyLimit: 8 * 1024 * 1024 });

// --- import: a fresh business per run, so every row is created
function csv(rows: number, run: number): string {
  const lines = ['name,email,phone,credit_limit_cents,status,notes'];
  for (let i = 0; i < rows; i++) {
    lines.push(
      `"Import ${run}-${i}, Ltd",ap${i}@import${run}.example,+1 555 ${String(i).padStart(7, '0')},${i * 100},active,"Row ${i}"`,
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
const importSeconds: number[] = [];
const importBusinesses: string[] = [];
for (let run = 0; run < RUNS; run++) {
  const t = await benchTenant(db);
  importBusinesses.push(t.businessId);
  const body = csv(ROWS, run);
  const form = new FormData();
  form.append('file', new Blob([body], { type: 'text/csv' }), 'customers.csv');
  const t0 = process.hrtime.bigint();
  const res = await fetch(`${base}/api/v1/customers/bulk-upload`, { method: 'POST', headers: t.headers, body: form });
  const result = (await res.json()) as { data: { created: number } };
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (res.status !== 201 || result.data.created !== ROWS)
    throw new Error(`import: ${res.status} ${JSON.stringify(result)}`);
  importSeconds.push(seconds);
}
importSeconds.sort((a, b) => a - b);
// Leave the search dataset as it was: drop the imported businesses, and settle the trigram
// index (its pending list after bulk inserts would otherwise slow the searches measured next).
await db.query('DELETE FROM businesses WHERE id = ANY($1::uuid[])', [importBusinesses]);
await db.exec('VACUUM ANALYZE customers');

// --- search: one business with CUSTOMERS customers
const existing = await db.query<{ business_id: string }>(
  `SELECT business_id FROM customers GROUP BY business_id HAVING count(*) = $1 LIMIT 1`,
  [CUSTOMERS],
);
let headers: Record<string, string>;
if (existing.rows[0]) {
  headers = authHeaders(await ownerToken(db, existing.rows[0].business_id), existing.rows[0].business_id);
} else {
  process.stderr.write(`seeding ${CUSTOMERS} customers…\n`);
  const t = await benchTenant(db);
  await seed(db, { businessId: t.businessId, customers: CUSTOMERS, contactsPerCustomer: 0, seed: 11 });
  await db.exec('ANALYZE');
  headers = t.headers;
}
const queries = ['acme crop', 'cme', 'globex holdings', 'vandeley', 'pied piper 5', 'zzzz'];
const search: Record<string, unknown> = {};
for (const q of queries) {
  const url = `${base}/api/v1/customers?search=${encodeURIComponent(q)}&limit=50`;
  const matches = ((await getOk(`${url}&include_total_count=true`, headers)) as { data: { total: number } }).data.total;
  search[q] = { matches, ...(await timeSequential(async () => void (await getOk(url, headers)), REQUESTS)) };
}
process.stdout.write(
  `${JSON.stringify(
    {
      backend: 'postgres',
      server_version: await serverVersion(db),
      import: { rows: ROWS, runs: RUNS, median_s: importSeconds[Math.floor(RUNS / 2)], all_s: importSeconds },
      search: { customers: CUSTOMERS, requests_per_query: REQUESTS, limit: 50, queries: search },
    },
    null,
    2,
  )}\n`,
);
await app.close();
await db.close();
