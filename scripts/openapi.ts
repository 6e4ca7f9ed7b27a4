// Writes the OpenAPI document the server publishes at /openapi.json to a file
// (default dist/openapi.json), without a database: building the app runs no query.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildApp } from '../src/http/app.js';
import type { Db } from '../src/platform/db/db.js';

const out = process.argv[2] ?? 'dist/openapi.json';
const noDatabase = (): never => {
  throw new Error('writing the OpenAPI document needs no database');
};
const db: Db = {
  kind: 'postgres',
  query: noDatabase,
  exec: noDatabase,
  transaction: noDatabase,
  close: async () => {},
};
const app = await buildApp({ db, cursorSecret: 'openapi'.repeat(8) });
try {
  const res = await app.inject({ url: '/openapi.json' });
  if (res.statusCode !== 200) throw new Error(`GET /openapi.json answered ${res.statusCode}: ${res.body}`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(JSON.parse(res.body), null, 2)}\n`);
  process.stdout.write(`wrote ${out}\n`);
} finally {
  await app.close();
}
