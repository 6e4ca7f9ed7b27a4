// npm run fuzz [-- REQUESTS]: random requests across every endpoint (the suite's
// generator), counted by status. Fails on any 5xx, any body outside the contract's
// shape, or any request that takes longer than 10 s; prints memory as it goes.
// Runs on a fresh embedded database, or on DATABASE_URL when set.
import fc from 'fast-check';
import { buildApp } from '../src/http/app.js';
import { openDb } from '../src/platform/db/open.js';
import { cursorSecret } from '../src/platform/settings.js';
import { createBusiness } from '../src/resources/businesses/service.js';
import { requestArbitrary, responseProblem } from '../test/helpers/fuzz.js';

const total = Number(process.argv[2] ?? process.env.FUZZ_REQUESTS ?? 100_000);
const CONCURRENCY = 8;
const HANG_MS = 10_000;
const seed = Number(process.env.FUZZ_SEED ?? Date.now());

const db = await openDb({ databaseUrl: process.env.DATABASE_URL });
const app = await buildApp({ db, cursorSecret: await cursorSecret(db) });
const owner = await createBusiness(db, { name: 'Fuzz', ownerEmail: `fuzz-${seed}@example.com` });
const headers = { authorization: `Bearer ${owner.token}`, 'x-business-id': owner.business_id };
const created = await app.inject({
  method: 'POST',
  url: '/api/v1/customers',
  headers,
  payload: { name: 'F', email: `f-${seed}@example.com` },
});
const customerId = JSON.parse(created.body).data.id as string;
const contact = await app.inject({
  method: 'POST',
  url: `/api/v1/customers/${customerId}/contacts`,
  headers,
  payload: { name: 'C' },
});
const ids = { customerId, contactId: JSON.parse(contact.body).data.id as string, businessId: owner.business_id };

const samples = fc.sample(requestArbitrary(ids, headers), { numRuns: Math.min(total, 20_000), seed });
const byStatus = new Map<number, number>();
const problems: string[] = [];
let hangs = 0;
let done = 0;
let slowest = 0;
const rssMb = () => Math.round(process.memoryUsage().rss / 1048576);
const memory: string[] = [`start ${rssMb()} MB`];
const started = Date.now();

async function worker(offset: number) {
  for (let i = offset; i < total; i += CONCURRENCY) {
    const req = samples[i % samples.length] as (typeof samples)[number];
    const t0 = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const res = await Promise.race([
      app.inject(req),
      new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), HANG_MS);
      }),
    ]);
    clearTimeout(timer);
    slowest = Math.max(slowest, Date.now() - t0);
    if (res === null) {
      hangs++;
      problems.push(`hang: ${req.method} ${req.url}`);
    } else {
      byStatus.set(res.statusCode, (byStatus.get(res.statusCode) ?? 0) + 1);
      const problem = responseProblem(res.statusCode, res.body, String(req.url));
      if (problem && problems.length < 20) problems.push(`${req.method} ${String(req.url).slice(0, 120)}: ${problem}`);
      else if (problem) problems.push('…');
    }
    done++;
    if (done % 10_000 === 0) memory.push(`${done}: ${rssMb()} MB`);
  }
}

await Promise.all(Array.from({ length: CONCURRENCY }, (_, w) => worker(w)));
await app.close();
await db.close();

const fivexx = [...byStatus].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
const seconds = (Date.now() - started) / 1000;
process.stdout.write(
  [
    `fuzz: ${done} requests in ${seconds.toFixed(1)} s on ${db.kind} (seed ${seed}, ${samples.length} distinct requests, ${CONCURRENCY} at a time)`,
    `by status: ${[...byStatus]
      .sort(([a], [b]) => a - b)
      .map(([s, c]) => `${s}: ${c}`)
      .join(', ')}`,
    `5xx: ${fivexx}; hangs (over ${HANG_MS / 1000} s): ${hangs}; slowest: ${slowest} ms`,
    `memory (RSS): ${memory.join(', ')}, end ${rssMb()} MB`,
    ...(problems.length ? ['problems:', ...problems.slice(0, 20).map((p) => `  ${p}`)] : []),
    '',
  ].join('\n'),
);
process.exitCode = problems.length > 0 ? 1 : 0;
