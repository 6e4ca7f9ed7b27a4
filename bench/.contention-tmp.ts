// Concurrent writers of one business: customer updates (each its own transaction with its event),
// with the change-counter triggers on and off, alternating. Prints updates/s.
import pg from 'pg';
import { openDb } from '../src/platform/db/open.js';
import { migrate } from '../src/platform/db/migrate.js';
import { CursorCodec } from '../src/platform/cursor.js';
import { CustomersService } from '../src/resources/customers/service.js';
import { createBusiness } from '../src/resources/businesses/service.js';

const WRITERS = Number(process.env.WRITERS ?? 16);
const SECONDS = Number(process.env.SECONDS ?? 5);
const name = `etag_contention_${process.pid}`;
const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const db = await openDb({ databaseUrl: `postgres://postgres@127.0.0.1:5432/${name}`, poolMax: WRITERS });
try {
  await migrate(db);
  const b = await createBusiness(db, { name: 'Contention', ownerEmail: 'o@example.com' });
  const svc = new CustomersService(db, new CursorCodec("x".repeat(64)));
  const ctx = { businessId: b.business_id, actorEmail: null };
  const ids: string[] = [];
  for (let i = 0; i < WRITERS * 4; i++) ids.push((await svc.create(ctx, { name: `C ${i}`, email: `c${i}@example.com` } as never)).id);
  const tables = (await db.query<{ t: string }>(`SELECT DISTINCT c.relname AS t FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_proc p ON p.oid = g.tgfoid WHERE p.proname LIKE 'bump_%'`)).rows.map((r) => r.t);
  const set = async (on: boolean) => {
    for (const t of tables) await db.exec(`ALTER TABLE ${t} ${on ? 'ENABLE' : 'DISABLE'} TRIGGER USER`);
  };
  const run = async () => {
    let n = 0;
    const end = Date.now() + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        let i = 0;
        while (Date.now() < end) {
          await svc.update(ctx, ids[(w * 4 + (i++ % 4)) % ids.length] as string, { notes: `n${w}-${i}` });
          n++;
        }
      }),
    );
    return n / SECONDS;
  };
  await run(); // warm
  const results: Record<string, number[]> = { on: [], off: [] };
  for (let round = 0; round < 3; round++) {
    for (const on of [true, false]) {
      await set(on);
      results[on ? 'on' : 'off']?.push(Math.round(await run()));
    }
  }
  console.log(JSON.stringify({ writers: WRITERS, seconds: SECONDS, updates_per_s: results }));
} finally {
  await db.close();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.end();
}

