// npm run fuzz [-- REQUESTS]: random requests across every endpoint (the suite's
// generator), a quarter of them MCP calls (malformed JSON-RPC, unknown tools, hostile
// arguments, bad Origin and Accept), counted by status. Fails on any 5xx, any body
// outside the contract's shape (on /mcp: a JSON-RPC error body is allowed, an internal
// error inside one is not, nor another business's record in an answer), or any request
// that takes longer than 10 s; prints memory as it goes.
// Runs on a fresh embedded database, or on DATABASE_URL when set.
import fc from 'fast-check';
import { buildApp } from '../src/http/app.js';
import { TOOLS } from '../src/mcp/tools.js';
import { openDb } from '../src/platform/db/open.js';
import { cursorSecret } from '../src/platform/settings.js';
import { createBusiness } from '../src/resources/businesses/service.js';
import {
  FUZZ_ALLOWED_ORIGIN,
  mcpProblem,
  mcpRequestArbitrary,
  requestArbitrary,
  responseProblem,
} from '../test/helpers/fuzz.js';

const total = Number(process.argv[2] ?? process.env.FUZZ_REQUESTS ?? 100_000);
const CONCURRENCY = 8;
const HANG_MS = 10_000;
const seed = Number(process.env.FUZZ_SEED ?? Date.now());

const db = await openDb({ databaseUrl: process.env.DATABASE_URL });
const app = await buildApp({ db, cursorSecret: await cursorSecret(db), mcpAllowedOrigins: [FUZZ_ALLOWED_ORIGIN] });
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

// Another business: MCP calls name its records, and no answer may show them.
const other = await createBusiness(db, { name: 'Fuzz other', ownerEmail: `fuzz-other-${seed}@example.com` });
const otherHeaders = { authorization: `Bearer ${other.token}`, 'x-business-id': other.business_id };
const theirs = await app.inject({
  method: 'POST',
  url: '/api/v1/customers',
  headers: otherHeaders,
  payload: { name: 'O', email: `o-${seed}@example.com` },
});
const theirCustomer = JSON.parse(theirs.body).data.id as string;
const theirContact = await app.inject({
  method: 'POST',
  url: `/api/v1/customers/${theirCustomer}/contacts`,
  headers: otherHeaders,
  payload: { name: 'OC' },
});
const foreign = {
  customerId: theirCustomer,
  contactId: JSON.parse(theirContact.body).data.id as string,
  businessId: other.business_id,
};

const distinct = Math.min(total, 20_000);
const mcpShare = Math.ceil(distinct / 4);
const samples = [
  ...fc.sample(requestArbitrary(ids, headers), { numRuns: distinct - mcpShare, seed }),
  ...fc.sample(mcpRequestArbitrary(ids, foreign, headers, TOOLS), { numRuns: mcpShare, seed: seed + 1 }),
];
// Interleaved, so MCP calls and REST requests run side by side throughout.
const order =
  fc.sample(fc.shuffledSubarray(samples, { minLength: samples.length }), { numRuns: 1, seed })[0] ?? samples;
samples.splice(0, samples.length, ...order);
let mcpCalls = 0;
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
      const mcp = String(req.url) === '/mcp';
      if (mcp) mcpCalls++;
      const problem = mcp
        ? mcpProblem(res.statusCode, res.body, foreign)
        : responseProblem(res.statusCode, res.body, String(req.url));
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
    `fuzz: ${done} requests (${mcpCalls} of them POST /mcp) in ${seconds.toFixed(1)} s on ${db.kind} (seed ${seed}, ${samples.length} distinct requests, ${CONCURRENCY} at a time)`,
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
