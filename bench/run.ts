/**
 * `npm run bench`: the list endpoint under load, with the limits it is measured
 * against taken in the same run, so the ratios mean the same on any machine.
 *
 *   DATABASE_URL   PostgreSQL server to use (default: the local one); the bench
 *                  keeps its dataset in a database of its own, customers_api_bench
 *   DURATION       seconds per wrk scenario (default 10)
 *   BENCH_DATABASE the dataset's database (default customers_api_bench): another name keeps
 *                  a branch's schema from the one other checkouts measure
 *   BENCH_ONLY     run only these, comma-separated (e.g. `S1,B1,P1`): scenario ids, B1, B2,
 *                  B3 (with B4), P1, PGlite; the ratios of what did not run print as –
 *
 * Scenarios (wrk, 2 threads, 32 connections) against the real server process:
 *   S1 first page · S1c S1 revalidated (If-None-Match → 304), a write in every 500 requests · S2 a page ~99,000 rows deep · S3 the last page (prev, no cursor)
 *   S4 sort by name, a middle page · S5 S1 with the total · S6 a random small customer
 *   S7 a 422 · S8 POST contacts · S8w S8 with an enabled webhook endpoint
 *   S1w2 S1 with WORKERS=2 · S1pb S1 through PgBouncer (transaction mode)
 *   S1n S1 with PAGE_JSON=node: the page's JSON written by the server from rows, the design
 *   S1 (PAGE_JSON=postgres: PostgreSQL writes it as one text) replaced; S1a PAGE_JSON=arrays:
 *   rows read as arrays, each written by the resource's writer; PGlite S1n and S1a the same there
 * Limits and baselines:
 *   B1 S1's own SQL through pg at the same concurrency, no HTTP
 *   B2 a bare Fastify route answering a constant body of S1's size
 *   B3 OFFSET 99000 against the keyset query at that depth
 *   B4 count(*) of the hot customer's contacts against what S5 pays for its total
 *   P1 pgbench running B1's statements (prepared, 32 clients), PostgreSQL alone
 *   and S1 / B1 on embedded PGlite.
 * B1 and P1 run the first page's statements as the server issued them before the page's
 * JSON moved into PostgreSQL (bench/s1-statements.ts): a fixed yardstick.
 * Beside the server's CPU per request, PostgreSQL's (every process of the cluster, from
 * /proc, when it runs on this machine) and their sum: the two share the cores.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { buildApp } from '../src/http/app.js';
import type { Db, Queryable, QueryResult } from '../src/platform/db/db.js';
import { PgliteDb } from '../src/platform/db/pglite.js';
import { cursorSecret } from '../src/platform/settings.js';
import { PgBouncer } from '../test/helpers/pgbouncer.js';
import { DATASET, DB_NAME, PGLITE_DIR, pgliteDataset, postgresDataset } from './dataset.js';
import {
  ADMIN_URL,
  authHeaders,
  BIN,
  benchDatabase,
  cpuSecondsOf,
  freePort,
  getOk,
  ownerToken,
  percentile,
  postgresCpu,
  ROOT,
  serverVersion,
  startProcess,
  timeSequential,
} from './lib.js';
import { type Statement, s1Statements } from './s1-statements.js';

const DURATION = Number(process.env.DURATION ?? 10);
const CONNECTIONS = 32;
const THREADS = 2;
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((x) => x.trim())) : null;
const want = (id: string) => ONLY === null || ONLY.has(id);

/**
 * Used when S1n does not run (in a run with S1n, its sum is the yardstick: the same rows path).
 * Server + PostgreSQL CPU µs per S1 request before the page's JSON moved into PostgreSQL
 * (this script on that code, bench/results/2026-12-03T15-19-11-153Z.json, a shared machine at
 * load average 3.6–6.6): the issue's target is half of it. Rerun it on a quiet machine.
 */
const S1_TOTAL_BEFORE = 2225;

const log = (msg: string) => process.stderr.write(`${msg}\n`);

// ---------------------------------------------------------------------------
// wrk

function ensureWrk(): string {
  const found = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  if (found.error) {
    log('wrk is missing: installing it from Debian (apt-get install -y wrk)…');
    const r = spawnSync('sh', ['-c', 'apt-get update -qq && apt-get install -y -qq wrk'], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('could not install wrk: run `apt-get install wrk` (as root) and retry');
  }
  return (spawnSync('wrk', ['--version'], { encoding: 'utf8' }).stdout || '').split('\n')[0] ?? 'wrk';
}

interface LoadResult {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  requests: number;
  non_2xx: number;
  /** What a scenario's script counted (its `done` prints `counts: name=n …`). */
  counts?: Record<string, number>;
}

function ms(value: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(value.trim());
  if (!m) throw new Error(`unexpected wrk latency ${value}`);
  const n = Number(m[1]);
  return m[2] === 'us' ? n / 1000 : m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60_000;
}

function wrk(url: string, headers: Record<string, string>, script?: string): LoadResult {
  const args = ['-t', String(THREADS), '-c', String(CONNECTIONS), '-d', `${DURATION}s`, '--latency'];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
  if (script) args.push('-s', script);
  args.push(url);
  const out = execFileSync('wrk', args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const p50 = /^\s+50%\s+(\S+)/m.exec(out)?.[1];
  const p99 = /^\s+99%\s+(\S+)/m.exec(out)?.[1];
  const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  if (!p50 || !p99 || Number.isNaN(rps)) throw new Error(`could not read wrk output:\n${out}`);
  const counted = /^counts: (.*)$/m.exec(out)?.[1];
  const counts = counted
    ? Object.fromEntries(counted.split(' ').map((kv) => [kv.split('=')[0], Number(kv.split('=')[1])]))
    : undefined;
  return { rps, p50_ms: ms(p50), p99_ms: ms(p99), requests, non_2xx: non2xx, ...(counts ? { counts } : {}) };
}

function luaScript(name: string, body: string): string {
  const dir = join(tmpdir(), 'customers-api-bench');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, body);
  return path;
}

// ---------------------------------------------------------------------------
// processes

/** Follows next_cursor through `rows` rows (pages of 1000) and returns the cursor there. */
async function cursorAt(base: string, headers: Record<string, string>, query: string, rows: number): Promise<string> {
  let cursor = '';
  for (let seen = 0; seen < rows; seen += 1000) {
    const body = (await getOk(
      `${base}?limit=1000${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      headers,
    )) as { data: { next_cursor: string } };
    cursor = body.data.next_cursor;
  }
  return cursor;
}

// ---------------------------------------------------------------------------
// the exact SQL a request runs, and the database alone running it

/** Runs one request in-process against a recording Db and returns the statements it issued. */
async function recordSql(db: Db, url: string, headers: Record<string, string>): Promise<Statement[]> {
  const seen: Statement[] = [];
  let recording = false;
  const recorder: Db = {
    kind: db.kind,
    query<R>(text: string, values?: readonly unknown[]): Promise<QueryResult<R>> {
      if (recording) seen.push({ text, values: values ?? [] });
      return db.query<R>(text, values);
    },
    exec: (text) => db.exec(text),
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) => db.transaction(fn),
    close: async () => {},
  };
  // With the authentication cache on, as the server runs: the second request is the steady state.
  const app = await buildApp({ db: recorder, cursorSecret: await cursorSecret(db), authCacheTtlMs: 60_000 });
  const path = new URL(url).pathname + new URL(url).search;
  await app.inject({ url: path, headers });
  await new Promise((r) => setTimeout(r, 100));
  recording = true;
  const res = await app.inject({ url: path, headers });
  recording = false;
  await app.close();
  if (res.statusCode !== 200) throw new Error(`recording ${path}: ${res.statusCode}`);
  return seen;
}

/** `statements` in a loop from `concurrency` workers for DURATION seconds. */
async function dbLoad(run: (s: Statement) => Promise<unknown>, statements: Statement[], concurrency: number) {
  const end = Date.now() + DURATION * 1000;
  const times: number[] = [];
  const worker = async () => {
    while (Date.now() < end) {
      const t0 = process.hrtime.bigint();
      for (const s of statements) await run(s);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (Date.now() - started) / 1000;
  times.sort((a, b) => a - b);
  return {
    qps: times.length / seconds,
    p50_ms: percentile(times, 50),
    p99_ms: percentile(times, 99),
    requests: times.length,
  };
}

/** p50 in ms of `n` sequential runs (B3, B4: the database alone, one connection). */
async function sequential(fn: () => Promise<unknown>, n: number): Promise<number> {
  return (
    await timeSequential(
      async () => {
        await fn();
      },
      n,
      3,
    )
  ).p50_ms;
}

// ---------------------------------------------------------------------------
// datasets

// ---------------------------------------------------------------------------

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const fmt = (x: number | null | undefined, d = 2) => (x == null || Number.isNaN(x) ? '–' : `${round(x, d)}`);

/** CPU per request over a run: the server's (or client's) own, PostgreSQL's and their sum. */
interface CpuPerRequest {
  cpu_us_per_request: number;
  pg_cpu_us_per_request: number | null;
  total_cpu_us_per_request: number | null;
}

/** Starts a CPU window; the returned function closes it for `requests` requests. */
async function cpuWindow(
  own: () => number,
  pg: (() => Promise<number>) | null,
): Promise<(requests: number) => Promise<CpuPerRequest>> {
  const own0 = own();
  const pg0 = (await pg?.()) ?? 0;
  return async (requests) => {
    const n = Math.max(1, requests);
    const ownUs = ((own() - own0) * 1e6) / n;
    const pgUs = pg ? (((await pg()) - pg0) * 1e6) / n : null;
    return {
      cpu_us_per_request: ownUs,
      pg_cpu_us_per_request: pgUs,
      total_cpu_us_per_request: pgUs === null ? null : ownUs + pgUs,
    };
  };
}

/** This process's CPU (user + system) so far, in seconds: B1's client side. */
const selfCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** `statements` with their values written in as literals: a pgbench script. */
function pgbenchScript(statements: Statement[]): string {
  const literal = (v: unknown) =>
    v === null || v === undefined ? 'NULL' : typeof v === 'number' ? String(v) : `'${String(v).replace(/'/g, "''")}'`;
  return statements
    .map((st) => `${st.text.replace(/\$(\d+)/g, (_, i) => literal(st.values[Number(i) - 1])).replace(/\s+/g, ' ')};`)
    .join('\n');
}

/** pgbench, prepared, CONNECTIONS clients on THREADS threads, for DURATION seconds. */
function pgbench(url: string, script: string): { tps: number; transactions: number } {
  const out = execFileSync(
    'pgbench',
    [
      '-n',
      '-M',
      'prepared',
      '-c',
      String(CONNECTIONS),
      '-j',
      String(THREADS),
      '-T',
      String(DURATION),
      '-f',
      script,
      url,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1]);
  const transactions = Number(/number of transactions actually processed: (\d+)/.exec(out)?.[1]);
  if (Number.isNaN(tps) || Number.isNaN(transactions)) throw new Error(`could not read pgbench output:\n${out}`);
  return { tps, transactions };
}

async function main() {
  const wrkVersion = ensureWrk();
  const db = await benchDatabase(DB_NAME);
  const pgCpu = await postgresCpu(db, DB_NAME);
  if (!pgCpu) log("PostgreSQL's CPU: not measured (its processes are not on this machine, or not readable)");
  const dataset = await postgresDataset(db);
  const token = await ownerToken(db, dataset.business_id);
  const headers = authHeaders(token, dataset.business_id);
  const { rows: small } = await db.query<{ id: string }>(
    'SELECT id FROM customers WHERE business_id = $1 AND contact_count <= 50 AND id <> $2 ORDER BY id LIMIT 2000',
    [dataset.business_id, dataset.writes],
  );
  await db.query('DELETE FROM contacts WHERE business_id = $1 AND customer_id = $2', [
    dataset.business_id,
    dataset.writes,
  ]);
  await db.query('UPDATE customers SET contact_count = 0 WHERE business_id = $1 AND id = $2', [
    dataset.business_id,
    dataset.writes,
  ]);
  const benchUrl = new URL(ADMIN_URL);
  benchUrl.pathname = `/${DB_NAME}`;

  // --- the server under test
  const port = await freePort();
  const server = await startProcess(
    [BIN, 'serve'],
    // S8 with a webhook endpoint posts to a receiver on loopback.
    {
      DATABASE_URL: benchUrl.toString(),
      PORT: String(port),
      DEMO: '0',
      WEBHOOK_ALLOW_PRIVATE: '1',
      WEBHOOK_ALLOW_HTTP: '1',
    },
    'listening on',
  );
  const base = `http://127.0.0.1:${port}/api/v1/customers/${dataset.hot}/contacts`;
  for (let i = 0; i < 200; i++) await getOk(`${base}?limit=50`, headers);

  const s1Body = await (await fetch(`${base}?limit=50`, { headers })).text();
  log('walking cursors to the deep and middle pages…');
  const deep = want('S2') || want('B3') ? await cursorAt(base, headers, '', 99_000) : '';
  const middle = want('S4') ? await cursorAt(base, headers, '&sort_by=name&descending=false', 50_000) : '';
  const smallPaths = small.map((r) => `"/api/v1/customers/${r.id}/contacts?limit=50"`).join(',\n');
  const s6 = luaScript(
    's6.lua',
    `local paths = {\n${smallPaths}\n}\nmath.randomseed(42)\nrequest = function()\n  return wrk.format("GET", paths[math.random(#paths)])\nend\n`,
  );
  const s8 = luaScript(
    's8.lua',
    `wrk.method = "POST"\nwrk.headers["content-type"] = "application/json"\nwrk.body = '{"name": "Load Test", "email": "load@example.com", "role": "Billing"}'\n`,
  );

  // S1c: S1 as a client that revalidates (If-None-Match with the last ETag it got), while one
  // request in 500 writes to the same business (a contact of another customer): each write moves
  // the business's validator, so the next GET of each connection is a 200 with the new ETag.
  const s1c = luaScript(
    's1c.lua',
    `local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) n = 0; etag = nil; c304 = 0; c200 = 0; writes = 0 end
local function with(extra)
  local h = {}
  for k, v in pairs(wrk.headers) do h[k] = v end
  for k, v in pairs(extra) do h[k] = v end
  return h
end
request = function()
  n = n + 1
  if n % 500 == 0 then
    writes = writes + 1
    return wrk.format("POST", "/api/v1/customers/${dataset.writes}/contacts",
      with({["content-type"] = "application/json"}), '{"name": "Revalidation Load", "email": "load@example.com"}')
  end
  local extra = {}
  if etag then extra["If-None-Match"] = etag end
  return wrk.format("GET", "/api/v1/customers/${dataset.hot}/contacts?limit=50", with(extra))
end
response = function(status, headers, body)
  if status == 304 then c304 = c304 + 1 end
  if status == 200 then
    c200 = c200 + 1
    etag = headers["etag"] or headers["ETag"] or etag
  end
end
function done(summary, latency, requests)
  local a, b, w = 0, 0, 0
  for _, t in ipairs(threads) do a = a + t:get("c304"); b = b + t:get("c200"); w = w + t:get("writes") end
  io.write(string.format("counts: not_modified=%d ok=%d writes=%d\\n", a, b, w))
end
`,
  );

  const scenarios: [string, string, string, string?][] = [
    ['S1', 'first page, limit=50, default sort', `${base}?limit=50`],
    ['S1c', 'S1 revalidated (If-None-Match), 1 request in 500 a write', `${base}?limit=50`, s1c],
    ['S2', 'page 99,000 rows deep (real cursor)', `${base}?limit=50&cursor=${encodeURIComponent(deep)}`],
    ['S3', 'last page: direction=prev, no cursor', `${base}?limit=50&direction=prev`],
    [
      'S4',
      'sort_by=name ascending, middle page',
      `${base}?limit=50&sort_by=name&descending=false&cursor=${encodeURIComponent(middle)}`,
    ],
    ['S5', 'S1 with include_total_count=true', `${base}?limit=50&include_total_count=true`],
    ['S6', 'first page of a random small customer', `http://127.0.0.1:${port}/`, s6],
    ['S7', 'a 422 (limit=0)', `${base}?limit=0`],
    ['S8', 'POST a contact', `http://127.0.0.1:${port}/api/v1/customers/${dataset.writes}/contacts`, s8],
  ];
  const results: Record<string, LoadResult & { what: string } & CpuPerRequest> = {};
  let s1Rss = Number.NaN;
  for (const [id, what, url, script] of scenarios) {
    if (!want(id)) continue;
    log(`${id}: ${what}`);
    // S1's own peak: the high-water mark is reset first (the cursor walks before S1 read pages of 1,000).
    if (id === 'S1') writeFileSync(`/proc/${server.pid}/clear_refs`, '5');
    // The server's own CPU counters over the run, and PostgreSQL's, per request served.
    const cpu = await cpuWindow(server.cpuSeconds, pgCpu);
    const load = wrk(url, headers, script);
    results[id] = { what, ...load, ...(await cpu(load.requests)) };
    // The peak while serving S1 (the issue's memory target), before the other scenarios add theirs.
    if (id === 'S1') s1Rss = server.peakRssMb();
  }
  // --- S8 again, with an enabled webhook endpoint for every event: what events cost a write
  // when they also fan out to deliveries (the receiver, its own process, answers 204 at once).
  if (want('S8w')) {
    log('S8 with an enabled webhook endpoint');
    const rxPort = await freePort();
    const rx = await startProcess(
      [
        '-e',
        `let n=0;require('node:http').createServer((q,s)=>{q.resume();q.on('end',()=>{n++;s.statusCode=204;s.end()})}).listen(${rxPort},'127.0.0.1',()=>console.log('listening on'));process.on('SIGTERM',()=>{console.log('received '+n);process.exit(0)})`,
      ],
      {},
      'listening on',
    );
    const created = await fetch(`http://127.0.0.1:${port}/api/v1/webhook-endpoints`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ url: `http://127.0.0.1:${rxPort}/hooks`, events: ['*'] }),
    });
    const endpoint = ((await created.json()) as { data: { id: string } }).data;
    if (created.status !== 201) throw new Error(`webhook endpoint: ${created.status}`);
    try {
      const cpu = await cpuWindow(server.cpuSeconds, pgCpu);
      const load = wrk(`http://127.0.0.1:${port}/api/v1/customers/${dataset.writes}/contacts`, headers, s8);
      results.S8w = {
        what: 'S8 with an enabled webhook endpoint (all events)',
        ...load,
        ...(await cpu(load.requests)),
      };
    } finally {
      await fetch(`http://127.0.0.1:${port}/api/v1/webhook-endpoints/${endpoint.id}`, { method: 'DELETE', headers });
      await rx.stop();
    }
  }
  const serverRss = server.peakRssMb();
  await server.stop();

  // --- S1 again, with WORKERS=2 (two server processes on one port)
  if (want('S1w2')) {
    log('S1 with WORKERS=2');
    const port2 = await freePort();
    const twoWorkers = await startProcess(
      [BIN, 'serve'],
      { DATABASE_URL: benchUrl.toString(), PORT: String(port2), DEMO: '0', WORKERS: '2' },
      'listening on',
    );
    const base2 = `http://127.0.0.1:${port2}/api/v1/customers/${dataset.hot}/contacts`;
    for (let i = 0; i < 200; i++) await getOk(`${base2}?limit=50`, headers);
    // CPU of the primary and both workers (the process group's children are the workers).
    const groupCpu = () => {
      const kids = spawnSync('pgrep', ['-P', String(twoWorkers.pid)], { encoding: 'utf8' })
        .stdout.trim()
        .split('\n')
        .filter(Boolean)
        .map(Number);
      return twoWorkers.cpuSeconds() + kids.reduce((sum, pid) => sum + cpuSecondsOf(pid), 0);
    };
    {
      const cpu = await cpuWindow(groupCpu, pgCpu);
      const load = wrk(`${base2}?limit=50`, headers);
      results.S1w2 = { what: 'S1 with WORKERS=2', ...load, ...(await cpu(load.requests)) };
    }
    await twoWorkers.stop();
  }

  // --- S1 again, with the page's JSON written by the server: the other designs of item 1, from
  // rows as objects (PAGE_JSON=node, the design PostgreSQL's JSON replaced) and from rows as arrays.
  const designs = [
    ['S1n', 'node', 'S1 with PAGE_JSON=node (the server writes the JSON from rows as objects)'],
    ['S1a', 'arrays', 'S1 with PAGE_JSON=arrays (the server writes the JSON from rows as arrays)'],
  ] as const;
  const designRss: Record<string, number> = {};
  for (const [id, pageJson, what] of designs) {
    if (!want(id)) continue;
    log(`S1 with PAGE_JSON=${pageJson}`);
    const portN = await freePort();
    const rowsServer = await startProcess(
      [BIN, 'serve'],
      { DATABASE_URL: benchUrl.toString(), PORT: String(portN), DEMO: '0', PAGE_JSON: pageJson },
      'listening on',
    );
    try {
      const baseN = `http://127.0.0.1:${portN}/api/v1/customers/${dataset.hot}/contacts?limit=50`;
      for (let i = 0; i < 200; i++) await getOk(baseN, headers);
      const body = await (await fetch(baseN, { headers })).text();
      if (body !== s1Body)
        throw new Error(`PAGE_JSON=${pageJson} answered S1 with other bytes than PAGE_JSON=postgres`);
      const cpu = await cpuWindow(rowsServer.cpuSeconds, pgCpu);
      const load = wrk(baseN, headers);
      results[id] = { what, ...load, ...(await cpu(load.requests)) };
      designRss[id] = rowsServer.peakRssMb();
    } finally {
      await rowsServer.stop();
    }
  }

  // --- S1 again, through PgBouncer in transaction mode (DB_POOLER=transaction), against S1 direct
  if (!want('S1pb')) {
    // not asked for
  } else if (PgBouncer.available() && process.getuid?.() === 0) {
    log('S1 through PgBouncer (transaction mode)');
    const bouncer = await PgBouncer.start(new URL(ADMIN_URL));
    try {
      const port3 = await freePort();
      const pooled = await startProcess(
        [BIN, 'serve'],
        { DATABASE_URL: bouncer.url(DB_NAME), DB_POOLER: 'transaction', PORT: String(port3), DEMO: '0' },
        'listening on',
      );
      try {
        const base3 = `http://127.0.0.1:${port3}/api/v1/customers/${dataset.hot}/contacts`;
        for (let i = 0; i < 200; i++) await getOk(`${base3}?limit=50`, headers);
        // PgBouncer's own CPU is in neither column.
        const cpu = await cpuWindow(pooled.cpuSeconds, pgCpu);
        const load = wrk(`${base3}?limit=50`, headers);
        results.S1pb = { what: 'S1 through PgBouncer 1.18, transaction mode', ...load, ...(await cpu(load.requests)) };
      } finally {
        await pooled.stop();
      }
    } finally {
      await bouncer.stop();
    }
  } else {
    log('S1 through PgBouncer: skipped (needs /usr/sbin/pgbouncer and root to run it as postgres)');
  }

  // --- B1: S1's statements (fixed, see s1-statements.ts) through pg, no HTTP
  const s1Sql = s1Statements(dataset.business_id, dataset.hot);
  const pool = new pg.Pool({ connectionString: benchUrl.toString(), max: CONNECTIONS, options: '-c TimeZone=UTC' });
  let b1: (Awaited<ReturnType<typeof dbLoad>> & CpuPerRequest) | undefined;
  if (want('B1')) {
    log('B1: the SQL of S1 through pg, same concurrency');
    const cpu = await cpuWindow(selfCpu, pgCpu);
    // Prepared, as the server runs it.
    const load = await dbLoad(
      (s) => pool.query({ name: `b1_${s1Sql.indexOf(s)}`, text: s.text, values: s.values as unknown[] }),
      s1Sql,
      CONNECTIONS,
    );
    b1 = { ...load, ...(await cpu(load.requests)) };
  }

  // --- P1: the same statements through pgbench (PostgreSQL's own client, prepared)
  // (Its CPU is not measured: its backends end with it, before the window could close.)
  let p1: { tps: number; transactions: number } | undefined;
  if (want('P1')) {
    log('P1: the SQL of S1 through pgbench, same concurrency');
    p1 = pgbench(benchUrl.toString(), luaScript('p1.sql', `${pgbenchScript(s1Sql)}\n`));
  }

  // --- B2: the HTTP limit
  let b2: LoadResult | undefined;
  if (want('B2')) {
    log("B2: a bare Fastify route with a constant body of S1's size");
    const bodyFile = luaScript('s1-body.json', s1Body);
    const barePort = await freePort();
    const bare = await startProcess(
      ['--import', 'tsx', join(ROOT, 'bench/bare-server.ts'), String(barePort), bodyFile],
      {},
      'listening',
    );
    b2 = wrk(`http://127.0.0.1:${barePort}/`, {});
    await bare.stop();
  }

  // --- B3: OFFSET against keyset at depth 99,000; B4: count(*) against the kept total
  let offsetP50 = Number.NaN;
  let keysetP50 = Number.NaN;
  let countP50 = Number.NaN;
  if (want('B3')) {
    log('B3, B4: offset and count(*) baselines');
    const deepSql = await recordSql(db, `${base}?limit=50&cursor=${encodeURIComponent(deep)}`, headers);
    const client = await pool.connect();
    keysetP50 = await sequential(async () => {
      for (const s of deepSql) await client.query({ text: s.text, values: s.values as unknown[] });
    }, 30);
    offsetP50 = await sequential(
      () =>
        client.query(
          `SELECT id, customer_id, name, email, phone, role, is_primary, notes, created_at, updated_at FROM contacts
            WHERE business_id = $1 AND customer_id = $2 ORDER BY created_at DESC, id DESC OFFSET 99000 LIMIT 51`,
          [dataset.business_id, dataset.hot],
        ),
      30,
    );
    countP50 = await sequential(
      () =>
        client.query('SELECT count(*) FROM contacts WHERE business_id = $1 AND customer_id = $2', [
          dataset.business_id,
          dataset.hot,
        ]),
      30,
    );
    client.release();
  }
  await pool.end();
  const pgVersion = await serverVersion(db);
  await db.close();

  // --- PGlite: S1 and B1 (the database in the server's process: its CPU is the server's)
  let liteB1: (Awaited<ReturnType<typeof dbLoad>> & CpuPerRequest) | undefined;
  let liteS1: (LoadResult & CpuPerRequest) | undefined;
  const liteDesigns: Record<string, LoadResult & CpuPerRequest> = {};
  let liteRss = Number.NaN;
  if (want('PGlite')) {
    log('PGlite: dataset, B1 in-process, then S1 against a server on it');
    const lite = await pgliteDataset();
    const liteHeaders = authHeaders(lite.token, lite.dataset.business_id);
    const liteDb = await PgliteDb.open(PGLITE_DIR);
    const liteSql = s1Statements(lite.dataset.business_id, lite.dataset.hot);
    {
      const cpu = await cpuWindow(selfCpu, null);
      const load = await dbLoad((s) => liteDb.query(s.text, s.values), liteSql, CONNECTIONS);
      liteB1 = { ...load, ...(await cpu(load.requests)) };
    }
    await liteDb.close();
    // S1, then S1n (PAGE_JSON=node) and S1a (arrays), each against a server of its own on the same data.
    for (const [id, pageJson] of [['S1', 'postgres'], ...designs] as const) {
      if (id !== 'S1' && !want(id)) continue;
      const litePort = await freePort();
      const liteServer = await startProcess(
        [BIN, 'serve'],
        {
          DATA_DIR: join(ROOT, 'bench/.data/pglite'),
          DATABASE_URL: '',
          PORT: String(litePort),
          DEMO: '0',
          PAGE_JSON: pageJson,
        },
        'listening on',
      );
      try {
        const liteBase = `http://127.0.0.1:${litePort}/api/v1/customers/${lite.dataset.hot}/contacts?limit=50`;
        for (let i = 0; i < 100; i++) await getOk(liteBase, liteHeaders);
        const cpu = await cpuWindow(liteServer.cpuSeconds, null);
        const load = wrk(liteBase, liteHeaders);
        const measured = { ...load, ...(await cpu(load.requests)) };
        if (id === 'S1') {
          liteS1 = measured;
          liteRss = liteServer.peakRssMb();
        } else liteDesigns[id] = measured;
      } finally {
        await liteServer.stop();
      }
    }
  }

  // --- report
  const nan = { rps: Number.NaN, p50_ms: Number.NaN, p99_ms: Number.NaN, requests: 0, non_2xx: 0 };
  const S = (id: string): LoadResult => results[id] ?? nan;
  const total = (id: string) => results[id]?.total_cpu_us_per_request ?? Number.NaN;
  const b1qps = b1?.qps ?? Number.NaN;
  // The sum before the work: S1n (the rows path, the code before) in this run, else the recorded one.
  const before = results.S1n ? total('S1n') : S1_TOTAL_BEFORE;
  const ratios: { ratio: string; value: number; extra?: number; target: string; ok: boolean }[] = [
    {
      ratio: 'S1 server CPU µs/req (server + PostgreSQL)',
      value: results.S1?.cpu_us_per_request ?? Number.NaN,
      extra: total('S1'),
      target: `≤ 160 (sum ≤ ${fmt(before / 2, 0)}: half of ${results.S1n ? "S1n's, this run" : 'the recorded before'})`,
      ok: (results.S1?.cpu_us_per_request ?? Number.POSITIVE_INFINITY) <= 160 && total('S1') <= before / 2,
    },
    { ratio: 'S1 req/s ÷ B1 queries/s', value: S('S1').rps / b1qps, target: '≥ 1.0', ok: S('S1').rps / b1qps >= 1 },
    {
      ratio: 'S1 req/s ÷ P1 (pgbench) transactions/s',
      value: S('S1').rps / (p1?.tps ?? Number.NaN),
      target: '≥ 0.25',
      ok: S('S1').rps / (p1?.tps ?? Number.NaN) >= 0.25,
    },
    {
      ratio: 'S2 p50 ÷ S1 p50 (B3: offset ÷ keyset at 99,000)',
      value: S('S2').p50_ms / S('S1').p50_ms,
      extra: offsetP50 / keysetP50,
      target: '≤ 1.2, offset ≥ 10×',
      ok: S('S2').p50_ms / S('S1').p50_ms <= 1.2 && offsetP50 / keysetP50 >= 10,
    },
    {
      // Server and PostgreSQL, writes included; the 304 share beside it.
      ratio: 'S1c CPU µs/req (server + PostgreSQL) ÷ S1 (304 share)',
      value: total('S1c') / total('S1'),
      extra: (S('S1c').counts?.not_modified ?? 0) / Math.max(1, S('S1c').requests),
      target: '≤ 0.33',
      ok: total('S1c') / total('S1') <= 1 / 3,
    },
    { ratio: 'S3 req/s ÷ S1', value: S('S3').rps / S('S1').rps, target: '≥ 0.9', ok: S('S3').rps / S('S1').rps >= 0.9 },
    { ratio: 'S5 req/s ÷ S1', value: S('S5').rps / S('S1').rps, target: '≥ 0.9', ok: S('S5').rps / S('S1').rps >= 0.9 },
    {
      ratio: 'S7 req/s ÷ B2',
      value: S('S7').rps / (b2?.rps ?? Number.NaN),
      target: '≥ 0.5',
      ok: S('S7').rps / (b2?.rps ?? Number.NaN) >= 0.5,
    },
    {
      ratio: 'PGlite S1 ÷ PGlite B1',
      value: (liteS1?.rps ?? Number.NaN) / (liteB1?.qps ?? Number.NaN),
      target: '≥ 0.9',
      ok: (liteS1?.rps ?? Number.NaN) / (liteB1?.qps ?? Number.NaN) >= 0.9,
    },
    // Informative: which writer of the page's JSON costs less per request (PAGE_JSON's auto).
    ...designs.map(([id, pageJson]) => ({
      ratio: `S1 sum ÷ ${id} sum (PostgreSQL ÷ the server writing the JSON from ${pageJson === 'node' ? 'objects' : 'arrays'}; PGlite: server CPU)`,
      value: total('S1') / total(id),
      extra: (liteS1?.cpu_us_per_request ?? Number.NaN) / (liteDesigns[id]?.cpu_us_per_request ?? Number.NaN),
      target: '< 1 keeps PostgreSQL',
      ok: total('S1') / total(id) < 1,
    })),
    {
      // PGlite's own target (its idle baseline + 100 MB) is npm run bench:memory's.
      ratio: 'server peak RSS under S1, MB (PostgreSQL / PGlite)',
      value: s1Rss,
      extra: liteRss,
      target: '≤ 200 (PostgreSQL)',
      ok: s1Rss <= 200,
    },
    {
      ratio: 'server peak RSS after S1–S8w, MB (PostgreSQL)',
      value: serverRss,
      target: 'informative',
      ok: true,
    },
  ];

  const lines: string[] = [];
  lines.push(
    `| | scenario | req/s | p50 ms | p99 ms | server CPU µs/req | PostgreSQL CPU µs/req | sum |`,
    '|---|---|---|---|---|---|---|---|',
  );
  const cpuCells = (c: CpuPerRequest | undefined) =>
    c
      ? `${fmt(c.cpu_us_per_request, 0)} | ${fmt(c.pg_cpu_us_per_request, 0)} | ${fmt(c.total_cpu_us_per_request, 0)}`
      : '| |';
  for (const [id, r] of Object.entries(results)) {
    const errors = id !== 'S7' && r.non_2xx > 0 ? ` (${r.non_2xx} non-2xx!)` : '';
    lines.push(
      `| ${id} | ${r.what}${errors} | ${fmt(r.rps, 0)} | ${fmt(r.p50_ms)} | ${fmt(r.p99_ms)} | ${cpuCells(r)} |`,
    );
  }
  if (b1)
    lines.push(
      `| B1 | S1's SQL through pg, ${CONNECTIONS} concurrent, no HTTP (CPU: the pg client's) | ${fmt(b1.qps, 0)} | ${fmt(b1.p50_ms)} | ${fmt(b1.p99_ms)} | ${cpuCells(b1)} |`,
    );
  if (p1)
    lines.push(`| P1 | S1's SQL through pgbench, prepared, ${CONNECTIONS} clients | ${fmt(p1.tps, 0)} | | | | | |`);
  if (b2)
    lines.push(
      `| B2 | bare Fastify, constant ${s1Body.length}-byte body | ${fmt(b2.rps, 0)} | ${fmt(b2.p50_ms)} | ${fmt(b2.p99_ms)} | | | |`,
    );
  if (want('B3')) {
    lines.push(
      `| B3 | OFFSET 99000 vs keyset at that depth (sequential) | | ${fmt(offsetP50)} vs ${fmt(keysetP50)} | | | | |`,
    );
    lines.push(
      `| B4 | count(*) of 100,000 contacts vs S5 − S1 p50 | | ${fmt(countP50)} vs ${fmt(S('S5').p50_ms - S('S1').p50_ms)} | | | | |`,
    );
  }
  if (liteS1 && liteB1) {
    lines.push(
      `| PGlite S1 | first page on embedded PGlite (CPU: the server's, PGlite inside) | ${fmt(liteS1.rps, 0)} | ${fmt(liteS1.p50_ms)} | ${fmt(liteS1.p99_ms)} | ${fmt(liteS1.cpu_us_per_request, 0)} | | |`,
    );
    for (const [id, pageJson] of designs) {
      const r = liteDesigns[id];
      if (r)
        lines.push(
          `| PGlite ${id} | PGlite S1 with PAGE_JSON=${pageJson} | ${fmt(r.rps, 0)} | ${fmt(r.p50_ms)} | ${fmt(r.p99_ms)} | ${fmt(r.cpu_us_per_request, 0)} | | |`,
        );
    }
    lines.push(
      `| PGlite B1 | its SQL in-process, ${CONNECTIONS} concurrent | ${fmt(liteB1.qps, 0)} | ${fmt(liteB1.p50_ms)} | ${fmt(liteB1.p99_ms)} | ${fmt(liteB1.cpu_us_per_request, 0)} | | |`,
    );
  }
  lines.push('', '| ratio | value | target | |', '|---|---|---|---|');
  for (const r of ratios) {
    if (Number.isNaN(r.value)) {
      lines.push(`| ${r.ratio} | – | ${r.target} | not run |`);
      continue;
    }
    const value = r.extra !== undefined ? `${fmt(r.value)} (${fmt(r.extra)})` : `${fmt(r.value)}`;
    lines.push(`| ${r.ratio} | ${value} | ${r.target} | ${r.ok ? 'met' : 'not met'} |`);
  }
  const cpu = cpus();
  const machine = `${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, Node ${process.version}, PostgreSQL ${pgVersion}, ${wrkVersion}`;
  lines.push(
    '',
    `Machine: ${machine}. Load average at the end: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}. wrk: ${THREADS} threads, ${CONNECTIONS} connections, ${DURATION} s per scenario. Rate limits off (RATE_LIMIT_PER_TOKEN=0, RATE_LIMIT_PER_ADDRESS=0).`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);

  const resultsDir = join(ROOT, 'bench/results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        machine: { cpus: cpu.length, model: cpu[0]?.model.trim(), node: process.version },
        versions: {
          postgres: pgVersion,
          pglite: pkg.dependencies['@electric-sql/pglite'],
          fastify: pkg.dependencies.fastify,
          wrk: wrkVersion,
        },
        load: { threads: THREADS, connections: CONNECTIONS, seconds: DURATION },
        dataset: DATASET,
        scenarios: results,
        baselines: {
          B1: b1,
          P1: p1,
          B2: b2,
          B3: { offset_p50_ms: offsetP50, keyset_p50_ms: keysetP50 },
          B4: { count_p50_ms: countP50, s5_minus_s1_p50_ms: S('S5').p50_ms - S('S1').p50_ms },
        },
        pglite: { S1: liteS1, ...liteDesigns, B1: liteB1 },
        peak_rss_mb: {
          postgres_server_s1: s1Rss,
          postgres_server: serverRss,
          postgres_server_designs: designRss,
          pglite_server: liteRss,
        },
        ratios,
      },
      null,
      2,
    )}\n`,
  );
  log(`written ${file}`);
}

await main();
