/**
 * Latency of the contacts list on one customer with many contacts: the first
 * page, and a page deep in the list reached by walking real cursors. Requests
 * go over loopback HTTP to an in-process server, one at a time.
 *
 *   npm run bench:list                  # PostgreSQL at DATABASE_URL (default: the local server)
 *   CONTACTS=20000 DEPTH=10000 REQUESTS=500 npm run bench:list
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

const CONTACTS = Number(process.env.CONTACTS ?? 20_000);
const DEPTH = Number(process.env.DEPTH ?? 10_000);
const REQUESTS = Number(process.env.REQUESTS ?? 500);
const LIMIT = 50;

const db = await benchDatabase(`customers_api_bench_list_${CONTACTS}`);
const existing = await db.query<{ business_id: string; id: string }>(
  'SELECT business_id, id FROM customers WHERE contact_count = $1 LIMIT 1',
  [CONTACTS],
);
let businessId: string;
let customerId: string;
let headers: Record<string, string>;
if (existing.rows[0]) {
  businessId = existing.rows[0].business_id;
  customerId = existing.rows[0].id;
  headers = authHeaders(await ownerToken(db, businessId), businessId);
} else {
  process.stderr.write(`building a customer with ${CONTACTS} contacts…\n`);
  const t = await benchTenant(db);
  const s = await seed(db, { businessId: t.businessId, customers: 1, contactsPerCustomer: CONTACTS, seed: 7 });
  await db.exec('ANALYZE');
  businessId = t.businessId;
  customerId = s.customer_ids[0] as string;
  headers = t.headers;
}

const { app, base } = await benchServer(db);
const url = `${base}/api/v1/customers/${customerId}/contacts?limit=${LIMIT}`;
let cursor = '';
for (let seen = 0; seen < DEPTH; seen += LIMIT) {
  const body = (await getOk(`${url}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, headers)) as {
    data: { next_cursor: string };
  };
  cursor = body.data.next_cursor;
}
const fetchOk = (u: string) => async () => void (await getOk(u, headers));
const first = await timeSequential(fetchOk(url), REQUESTS);
const deep = await timeSequential(fetchOk(`${url}&cursor=${encodeURIComponent(cursor)}`), REQUESTS);
process.stdout.write(
  `${JSON.stringify(
    {
      backend: 'postgres',
      server_version: await serverVersion(db),
      contacts: CONTACTS,
      depth_rows: DEPTH,
      limit: LIMIT,
      requests: REQUESTS,
      first_page: first,
      deep_page: deep,
      deep_over_first_p50: Math.round((deep.p50_ms / first.p50_ms) * 100) / 100,
    },
    null,
    2,
  )}\n`,
);
await app.close();
await db.close();
