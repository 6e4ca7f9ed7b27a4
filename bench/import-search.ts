/**
 * `npm run bench:customers`: customers at volume, on PostgreSQL, against the
 * real server process (`customers-api serve`, rate limits off).
 *
 *  - import: a 10,000-row CSV through POST /bulk-upload (a fresh business per run);
 *  - search over 1,000,000 customers with varied names (and a second business of
 *    100,000 near-duplicates): p50/p99 of each query, sequential, in both orders
 *    (created_at, the default, and relevance), with and without the total; and
 *    the throughput of the query mix under 16 concurrent clients against the
 *    same mix sent one at a time.
 *
 *   npm run bench:customers
 *   CUSTOMERS=1000000 NEAR_DUPS=100000 ROWS=10000 RUNS=3 REQUESTS=50 TOTAL_REQUESTS=20 npm run bench:customers
 *
 * The dataset is built once (a few minutes) in database customers_api_bench_search
 * (BENCH_DATABASE names another) and reused by later runs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import {
  ADMIN_URL,
  authHeaders,
  BIN,
  benchDatabase,
  benchTenant,
  freePort,
  getOk,
  ownerToken,
  percentile,
  ROOT,
  serverVersion,
  startProcess,
  timeSequential,
} from './lib.js';
import { SEARCH_DB, searchDataset, searchQueries } from './search-data.js';

const CUSTOMERS = Number(process.env.CUSTOMERS ?? 1_000_000);
const NEAR_DUPS = Number(process.env.NEAR_DUPS ?? 100_000);
const ROWS = Number(process.env.ROWS ?? 10_000);
const RUNS = Number(process.env.RUNS ?? 3);
const REQUESTS = Number(process.env.REQUESTS ?? 50);
const TOTAL_REQUESTS = Number(process.env.TOTAL_REQUESTS ?? 20);
const CONCURRENCY = 16;
const log = (msg: string) => process.stderr.write(`${msg}\n`);

// No statement timeout: on a busy machine a batch of the build's inserts can take longer than the server's.
const db = await benchDatabase(SEARCH_DB, { statementTimeoutMs: 0 });
const dbUrl = new URL(ADMIN_URL);
dbUrl.pathname = `/${SEARCH_DB}`;

const { varied, dups } = await searchDataset(db, CUSTOMERS, NEAR_DUPS, log);

const port = await freePort();
const server = await startProcess(
  [BIN, 'serve'],
  { DATABASE_URL: dbUrl.toString(), PORT: String(port), DEMO: '0', BODY_LIMIT: String(8 * 1024 * 1024) },
  'listening on',
);
const base = `http://127.0.0.1:${port}/api/v1/customers`;

try {
  // --- import: a fresh business per run, so every row is created
  const csv = (rows: number, run: number) => {
    const lines = ['name,email,phone,credit_limit_cents,status,notes'];
    for (let i = 0; i < rows; i++) {
      lines.push(
        `"Import ${run}-${i}, Ltd",ap${i}@import${run}.example,+1 555 ${String(i).padStart(7, '0')},${i * 100},active,"Row ${i}"`,
      );
    }
    return `${lines.join('\r\n')}\r\n`;
  };
  const importSeconds: number[] = [];
  const importBusinesses: string[] = [];
  for (let run = 0; run < RUNS; run++) {
    const t = await benchTenant(db);
    importBusinesses.push(t.businessId);
    const form = new FormData();
    form.append('file', new Blob([csv(ROWS, run)], { type: 'text/csv' }), 'customers.csv');
    const t0 = process.hrtime.bigint();
    const res = await fetch(`${base}/bulk-upload`, { method: 'POST', headers: t.headers, body: form });
    const result = (await res.json()) as { data: { created: number } };
    if (res.status !== 201 || result.data.created !== ROWS)
      throw new Error(`import: ${res.status} ${JSON.stringify(result)}`);
    importSeconds.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  importSeconds.sort((a, b) => a - b);
  // Leave the search dataset as it was, and settle the trigram index after the bulk inserts.
  await db.query('DELETE FROM businesses WHERE id = ANY($1::uuid[])', [importBusinesses]);
  await db.exec('VACUUM ANALYZE customers');

  // --- search
  const queries = await searchQueries(db, varied, dups);
  const headersOf = new Map<string, Record<string, string>>();
  for (const b of [varied, dups]) headersOf.set(b, authHeaders(await ownerToken(db, b), b));
  const url = (q: string, order: string, total: boolean) =>
    `${base}?search=${encodeURIComponent(q)}&limit=50${order === 'relevance' ? '&sort_by=relevance' : ''}${total ? '&include_total_count=true' : ''}`;

  const orders = ['created_at', 'relevance'] as const;
  const rows: Record<string, unknown>[] = [];
  for (const query of queries) {
    const headers = headersOf.get(query.business) as Record<string, string>;
    const matches = ((await getOk(url(query.q, 'created_at', true), headers)) as { data: { total: number } }).data
      .total;
    const row: Record<string, unknown> = { kind: query.kind, q: query.q, matches };
    for (const order of orders) {
      const plain = url(query.q, order, false);
      row[order] = await timeSequential(async () => void (await getOk(plain, headers)), REQUESTS, 5);
      const counted = url(query.q, order, true);
      row[`${order}+total`] = await timeSequential(async () => void (await getOk(counted, headers)), TOTAL_REQUESTS, 2);
    }
    rows.push(row);
    log(`${query.q}: ${JSON.stringify(row)}`);
  }

  // --- the mix, one at a time and 16 at a time (both orders, no total)
  const mix = queries.flatMap((query) =>
    orders.map((order) => ({
      u: url(query.q, order, false),
      h: headersOf.get(query.business) as Record<string, string>,
    })),
  );
  const throughput = async (concurrency: number, total: number) => {
    let next = 0;
    let failed = 0;
    const latencies: number[] = [];
    const t0 = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) {
          const m = mix[next++ % mix.length] as { u: string; h: Record<string, string> };
          const s = process.hrtime.bigint();
          // Under overload the server may give up on a statement (503 at its deadline): counted, not fatal.
          const res = await fetch(m.u, { headers: m.h });
          await res.arrayBuffer();
          if (res.status !== 200) failed++;
          latencies.push(Number(process.hrtime.bigint() - s) / 1e6);
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    latencies.sort((a, b) => a - b);
    return {
      rps: Math.round((total / seconds) * 10) / 10,
      p50_ms: percentile(latencies, 50),
      p99_ms: percentile(latencies, 99),
      non_200: failed,
    };
  };
  const MIX_REQUESTS = mix.length * 10;
  const sequentialMix = await throughput(1, MIX_REQUESTS);
  const concurrentMix = await throughput(CONCURRENCY, MIX_REQUESTS);

  // --- report
  const r = (x: number) => Math.round(x * 10) / 10;
  const t = (v: unknown) => {
    const s = v as { p50_ms: number; p99_ms: number };
    return `${r(s.p50_ms)} / ${r(s.p99_ms)}`;
  };
  const lines = [
    `Search over ${CUSTOMERS.toLocaleString('en')} customers (near-duplicates: a business of ${NEAR_DUPS.toLocaleString('en')}), limit=50, p50 / p99 ms, ${REQUESTS} sequential requests each (${TOTAL_REQUESTS} with the total):`,
    '',
    '| query | kind | matches | created_at | relevance | created_at + total | relevance + total |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| \`${row.q}\` | ${row.kind} | ${Number(row.matches).toLocaleString('en')} | ${t(row.created_at)} | ${t(row.relevance)} | ${t(row['created_at+total'])} | ${t(row['relevance+total'])} |`,
    ),
    '',
    `| the mix (${mix.length} query × order pairs, ${MIX_REQUESTS} requests) | req/s | p50 ms | p99 ms | non-200 |`,
    '|---|---|---|---|---|',
    `| one at a time | ${sequentialMix.rps} | ${r(sequentialMix.p50_ms)} | ${r(sequentialMix.p99_ms)} | ${sequentialMix.non_200} |`,
    `| ${CONCURRENCY} concurrent clients | ${concurrentMix.rps} | ${r(concurrentMix.p50_ms)} | ${r(concurrentMix.p99_ms)} | ${concurrentMix.non_200} |`,
    `| ratio | ${r(concurrentMix.rps / sequentialMix.rps)} | | | |`,
    '',
    `Import of ${ROWS.toLocaleString('en')} rows through POST /bulk-upload: median ${r(importSeconds[Math.floor(RUNS / 2)] as number)} s over ${RUNS} runs.`,
  ];
  const cpu = cpus();
  const pgVersion = await serverVersion(db);
  lines.push(
    '',
    `Machine: ${cpu.length} × ${cpu[0]?.model.trim()}, Node ${process.version}, PostgreSQL ${pgVersion}. Server: customers-api serve, rate limits off (RATE_LIMIT_PER_TOKEN=0, RATE_LIMIT_PER_ADDRESS=0).`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `search-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        machine: { cpus: cpu.length, model: cpu[0]?.model.trim(), node: process.version, postgres: pgVersion },
        rate_limits: 'off',
        dataset: { customers: CUSTOMERS, near_duplicates: NEAR_DUPS },
        import: { rows: ROWS, runs: RUNS, median_s: importSeconds[Math.floor(RUNS / 2)], all_s: importSeconds },
        search: { limit: 50, requests: REQUESTS, requests_with_total: TOTAL_REQUESTS, queries: rows },
        mix: {
          requests: MIX_REQUESTS,
          sequential: sequentialMix,
          concurrent: { clients: CONCURRENCY, ...concurrentMix },
        },
      },
      null,
      2,
    )}\n`,
  );
  log(`written ${file}`);
} finally {
  await server.stop();
  await db.close();
}
