/**
 * Latency of the contacts list on one customer with many contacts: the first
 * page, and a page deep in the list reached by walking real cursors. Requests
 * go over loopback HTTP to an in-process server, one at a time.
 *
 *   npm run bench:list                        # PostgreSQL at DATABASE_URL (default: local server)
 *   CONTACTS=20000 DEPTH=10000 REQUESTS=500 npm run bench:list
 */
import pg from 'pg';
import { createBusiness } from '../src/core/auth.js';
import { openDb } from '../src/core/db/open.js';
import { seed } from '../src/core/seed.js';
import { cursorSecret } from '../src/core/settings.js';
import { buildApp } from '../src/http/app.js';

const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CONTACTS = Number(process.env.CONTACTS ?? 20_000);
const DEPTH = Number(process.env.DEPTH ?? 10_000);
const REQUESTS = Number(process.env.REQUESTS ?? 500);
const LIMIT = 50;
const DB_NAME = `customers_api_bench_list_${CONTACTS}`;

async function ensureDatabase(): Promise<string> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  const { rows } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DB_NAME]);
  if (rows.length === 0) await admin.query(`CREATE DATABASE ${DB_NAME}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${DB_NAME}`;
  return url.toString();
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function measure(url: string, headers: Record<string, string>) {
  for (let i = 0; i < 50; i++) await (await fetch(url, { headers })).arrayBuffer(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const t0 = process.hrtime.bigint();
    const res = await fetch(url, { headers });
    await res.arrayBuffer();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (res.status !== 200) throw new Error(`status ${res.status}`);
  }
  times.sort((a, b) => a - b);
  return {
    p50_ms: +percentile(times, 50).toFixed(3),
    p99_ms: +percentile(times, 99).toFixed(3),
    mean_ms: +(times.reduce((a, b) => a + b, 0) / times.length).toFixed(3),
  };
}

const databaseUrl = await ensureDatabase();
const db = await openDb({ databaseUrl });
let setup = await db.query<{ business_id: string; customer_id: string }>(
  `SELECT business_id, id AS customer_id FROM customers WHERE contact_count = $1 LIMIT 1`,
  [CONTACTS],
);
let token: string;
if (setup.rows.length === 0) {
  process.stderr.write(`building a customer with ${CONTACTS} contacts…\n`);
  const b = await createBusiness(db, { name: 'Bench', ownerEmail: `bench-${Date.now()}@example.com` });
  await seed(db, { businessId: b.business_id, customers: 1, contactsPerCustomer: CONTACTS, seed: 7 });
  await db.exec('ANALYZE');
  token = b.token;
  setup = await db.query(`SELECT business_id, id AS customer_id FROM customers WHERE business_id = $1`, [
    b.business_id,
  ]);
} else {
  const { createToken } = await import('../src/core/auth.js');
  const { rows } = await db.query<{ email: string }>(
    `SELECT u.email FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.business_id = $1 AND m.role = 'owner'`,
    [setup.rows[0]?.business_id],
  );
  await db.query(`UPDATE api_tokens SET revoked_at = now() WHERE revoked_at IS NULL`);
  token = (await createToken(db, { email: rows[0]?.email as string })).token;
}
const { business_id: businessId, customer_id: customerId } = setup.rows[0] as {
  business_id: string;
  customer_id: string;
};

const app = await buildApp({ db, cursorSecret: await cursorSecret(db) });
await app.listen({ port: 0, host: '127.0.0.1' });
const addr = app.server.address() as { port: number };
const base = `http://127.0.0.1:${addr.port}/api/v1/customers/${customerId}/contacts?limit=${LIMIT}`;
const headers = { authorization: `Bearer ${token}`, 'x-business-id': businessId };

// Walk real cursors down to DEPTH rows.
let cursor = '';
for (let seen = 0; seen < DEPTH; seen += LIMIT) {
  const body = (await (
    await fetch(`${base}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers })
  ).json()) as {
    data: { next_cursor: string };
  };
  cursor = body.data.next_cursor;
}

const first = await measure(base, headers);
const deep = await measure(`${base}&cursor=${encodeURIComponent(cursor)}`, headers);
const result = {
  backend: 'postgres',
  server_version: (await db.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v,
  contacts: CONTACTS,
  depth_rows: DEPTH,
  limit: LIMIT,
  requests: REQUESTS,
  first_page: first,
  deep_page: deep,
  deep_over_first_p50: +(deep.p50_ms / first.p50_ms).toFixed(2),
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
await app.close();
await db.close();
