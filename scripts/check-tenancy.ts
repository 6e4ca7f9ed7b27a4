// npm run check:tenancy: migrates a scratch database on DATABASE_URL's server (default the local
// PostgreSQL), reads its schema and fails if a tenant table could not be distributed by business_id.
import pg from 'pg';
import { openDb } from '../src/platform/db/open.js';
import { checkTenancy } from './tenancy.js';

const server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `customers_api_tenancy_${process.pid}`;
const admin = new pg.Client({ connectionString: server });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(server);
url.pathname = `/${name}`;
let problems: string[] = [];
try {
  const db = await openDb({ databaseUrl: url.toString(), poolMax: 2 });
  try {
    problems = await checkTenancy(db);
  } finally {
    await db.close();
  }
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.end();
}
if (problems.length > 0) {
  process.stderr.write(`Not distributable by tenant:\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write('Every tenant table can be distributed by business_id.\n');
