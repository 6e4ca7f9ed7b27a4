/**
 * `npm run bench:memory`: the server's memory under `npm run bench`'s S1 load
 * (the hot customer's first page, wrk 2 threads × 32 connections), on
 * PostgreSQL and on embedded PGlite, against the real server process.
 *
 * For each backend it prints the resident set (VmRSS, from /proc/PID/status)
 * after start-up and after a warm-up of 200 requests (the idle baseline), its
 * peak (VmHWM) during the load, the server's CPU per request, and what V8
 * held at its largest in each phase: heap used and reserved, per heap space,
 * and memory outside the heap (buffers). Those figures come from
 * bench/memory-probe.mjs, which this script loads into the server process
 * (NODE_OPTIONS=--import): the server has no memory endpoint of its own.
 *
 *   npm run bench:memory
 *   DURATION=10 BACKENDS=postgres,pglite npm run bench:memory
 *   SERVER_NODE_OPTIONS=--max-semi-space-size=4 DB_POOL_MAX=4 npm run bench:memory
 *
 * The server's own settings (DB_POOL_MAX, AUTH_CACHE_SECONDS, …) pass through
 * from the environment; SERVER_NODE_OPTIONS adds Node flags to the server's.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DB_NAME, PGLITE_DIR, pgliteDataset, postgresDataset } from './dataset.js';
import { ADMIN_URL, authHeaders, BIN, benchDatabase, freePort, getOk, ownerToken, ROOT, startProcess } from './lib.js';

const DURATION = Number(process.env.DURATION ?? 10);
const BACKENDS = (process.env.BACKENDS ?? 'postgres,pglite').split(',');
const NODE_FLAGS = process.env.SERVER_NODE_OPTIONS ?? '';
const log = (msg: string) => process.stderr.write(`${msg}\n`);

const statusMb = (pid: number, field: 'VmRSS' | 'VmHWM') => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024);
};

/** The probe's largest figures since its last report (MB). */
async function probe(pid: number, file: string): Promise<Record<string, number>> {
  rmSync(file, { force: true });
  process.kill(pid, 'SIGUSR2');
  const until = Date.now() + 5000;
  while (!existsSync(file)) {
    if (Date.now() > until) throw new Error(`the server (pid ${pid}) wrote no memory report to ${file} within 5 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
  await new Promise((r) => setTimeout(r, 50));
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, number>;
}

interface Measured {
  backend: string;
  started_rss_mb: number;
  idle_rss_mb: number;
  peak_rss_mb: number;
  rps: number;
  cpu_us_per_request: number;
  idle: Record<string, number>;
  load: Record<string, number>;
}

async function measure(backend: string, env: Record<string, string>, url: string, headers: Record<string, string>) {
  const file = join(tmpdir(), `customers-api-memory-${process.pid}-${backend}.json`);
  const port = await freePort();
  const server = await startProcess(
    [BIN, 'serve'],
    {
      ...env,
      PORT: String(port),
      DEMO: '0',
      MEMORY_PROBE_FILE: file,
      NODE_OPTIONS: `--import ${join(ROOT, 'bench/memory-probe.mjs')} ${NODE_FLAGS}`.trim(),
    },
    'listening on',
  );
  try {
    const target = `http://127.0.0.1:${port}${url}`;
    await new Promise((r) => setTimeout(r, 500));
    const started = statusMb(server.pid, 'VmRSS');
    for (let i = 0; i < 200; i++) await getOk(target, headers);
    await new Promise((r) => setTimeout(r, 500));
    const idle = await probe(server.pid, file);
    const idleRss = statusMb(server.pid, 'VmRSS');
    const cpu0 = server.cpuSeconds();
    const args = ['-t', '2', '-c', '32', '-d', `${DURATION}s`];
    for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
    const out = execFileSync('wrk', [...args, target], { encoding: 'utf8' });
    const cpu = server.cpuSeconds() - cpu0;
    const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
    if (requests === 0 || /Non-2xx/.test(out)) throw new Error(`the load failed:\n${out}`);
    const load = await probe(server.pid, file);
    const m: Measured = {
      backend,
      started_rss_mb: started,
      idle_rss_mb: idleRss,
      peak_rss_mb: statusMb(server.pid, 'VmHWM'),
      rps: Math.round(rps),
      cpu_us_per_request: Math.round((cpu * 1e6) / requests),
      idle,
      load,
    };
    return m;
  } finally {
    await server.stop();
    rmSync(file, { force: true });
  }
}

const results: Measured[] = [];
if (BACKENDS.includes('postgres')) {
  const db = await benchDatabase(DB_NAME);
  const dataset = await postgresDataset(db);
  const headers = authHeaders(await ownerToken(db, dataset.business_id), dataset.business_id);
  await db.close();
  const dbUrl = new URL(ADMIN_URL);
  dbUrl.pathname = `/${DB_NAME}`;
  log('PostgreSQL: S1 load…');
  results.push(
    await measure(
      'PostgreSQL',
      { DATABASE_URL: dbUrl.toString() },
      `/api/v1/customers/${dataset.hot}/contacts?limit=50`,
      headers,
    ),
  );
}
if (BACKENDS.includes('pglite')) {
  const lite = await pgliteDataset();
  log('PGlite: S1 load…');
  results.push(
    await measure(
      'PGlite',
      { DATA_DIR: PGLITE_DIR, DATABASE_URL: '' },
      `/api/v1/customers/${lite.dataset.hot}/contacts?limit=50`,
      authHeaders(lite.token, lite.dataset.business_id),
    ),
  );
}

const keys = [...new Set(results.flatMap((r) => [...Object.keys(r.idle), ...Object.keys(r.load)]))];
const lines = [
  `Server memory under S1 (wrk 2 threads, 32 connections, ${DURATION} s), MB${NODE_FLAGS ? `; server Node flags: ${NODE_FLAGS}` : ''}:`,
  '',
  `| | ${results.map((r) => r.backend).join(' | ')} |`,
  `|---|${results.map(() => '---|').join('')}`,
  `| RSS after start-up | ${results.map((r) => r.started_rss_mb).join(' | ')} |`,
  `| RSS idle (after 200 requests) | ${results.map((r) => r.idle_rss_mb).join(' | ')} |`,
  `| **peak RSS under load (VmHWM)** | ${results.map((r) => `**${r.peak_rss_mb}**`).join(' | ')} |`,
  `| peak − idle | ${results.map((r) => r.peak_rss_mb - r.idle_rss_mb).join(' | ')} |`,
  `| req/s | ${results.map((r) => r.rps).join(' | ')} |`,
  `| server CPU µs/req | ${results.map((r) => r.cpu_us_per_request).join(' | ')} |`,
  ...keys.map(
    (k) => `| ${k}: idle / load | ${results.map((r) => `${r.idle[k] ?? '–'} / ${r.load[k] ?? '–'}`).join(' | ')} |`,
  ),
  '',
  `Load average at the end: ${readFileSync('/proc/loadavg', 'utf8').trim()}`,
];
process.stdout.write(`${lines.join('\n')}\n`);
