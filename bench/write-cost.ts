/**
 * `npm run bench:writes`: what the change counters (migration
 * 0013_change_counters: a deferred row trigger on each tenant table, bumping the
 * business's counter at commit) cost a write. In a scratch database of its
 * own, against the real server process, wrk (2 threads, 8 connections) sends
 * POST a contact, then PUT a contact (one of 200, at random), with the
 * triggers, without them (disabled), and with them again; each run reports
 * req/s, latency, and CPU per request of the server and of the PostgreSQL
 * backends serving it (from /proc, so a shared machine's other work is not
 * counted, but its load still slows both).
 *
 *   npm run bench:writes
 *   DURATION=10 npm run bench:writes
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ADMIN_URL, BIN, benchDatabase, benchTenant, cpuSecondsOf, freePort, startProcess } from './lib.js';

const DURATION = Number(process.env.DURATION ?? 10);
const DB_NAME = 'customers_api_bench_writes';
const TABLES = [
  'memberships',
  'customers',
  'contacts',
  'event_positions',
  'events',
  'webhook_endpoints',
  'webhook_deliveries',
  'webhook_attempts',
  'invitations',
  'export_tickets',
];
const log = (msg: string) => process.stderr.write(`${msg}\n`);

// A scratch database: made afresh each run (its triggers are switched off and on below).
{
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
const db = await benchDatabase(DB_NAME);
const dbUrl = new URL(ADMIN_URL);
dbUrl.pathname = `/${DB_NAME}`;
const t = await benchTenant(db);
const port = await freePort();
const server = await startProcess(
  [BIN, 'serve'],
  { DATABASE_URL: dbUrl.toString(), PORT: String(port), DEMO: '0' },
  'listening on',
);
const base = `http://127.0.0.1:${port}/api/v1/customers`;
const json = { ...t.headers, 'content-type': 'application/json' };

try {
  const created = await fetch(base, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ name: 'Writes Ltd', email: 'ap@writes.example' }),
  });
  if (created.status !== 201) throw new Error(`customer: ${created.status} ${await created.text()}`);
  const customer = ((await created.json()) as { data: { id: string } }).data.id;
  const contacts: string[] = [];
  for (let i = 0; i < 200; i++) {
    const res = await fetch(`${base}/${customer}/contacts`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ name: `Contact ${i}`, email: `c${i}@example.com` }),
    });
    if (res.status !== 201) throw new Error(`contact: ${res.status} ${await res.text()}`);
    contacts.push(((await res.json()) as { data: { id: string } }).data.id);
  }
  const dir = join(tmpdir(), 'customers-api-bench');
  mkdirSync(dir, { recursive: true });
  const post = join(dir, 'writes-post.lua');
  writeFileSync(
    post,
    `wrk.method = "POST"\nwrk.path = "/api/v1/customers/${customer}/contacts"\nwrk.headers["content-type"] = "application/json"\nwrk.body = '{"name": "Load Test", "email": "load@example.com", "role": "Billing"}'\n`,
  );
  const put = join(dir, 'writes-put.lua');
  writeFileSync(
    put,
    `local ids = {${contacts.map((c) => `"${c}"`).join(',')}}
math.randomseed(7)
local n = 0
request = function()
  n = n + 1
  -- wrk.format's headers replace wrk.headers (the token): the content type goes with them.
  local h = {["content-type"] = "application/json"}
  for k, v in pairs(wrk.headers) do h[k] = v end
  return wrk.format("PUT", "/api/v1/customers/${customer}/contacts/" .. ids[math.random(#ids)],
    h, '{"role": "Role ' .. n .. '"}')
end
`,
  );

  /** The PostgreSQL backends of the scratch database (the server's pool), and their CPU so far. */
  const backends = async () =>
    (
      await db.query<{ pid: number }>(
        'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [DB_NAME],
      )
    ).rows.map((r) => r.pid);
  const cpuOf = (pids: number[]) =>
    pids.reduce((sum, pid) => {
      try {
        return sum + cpuSecondsOf(pid);
      } catch {
        return sum; // gone meanwhile
      }
    }, 0);

  const run = (script: string) => {
    const args = ['-t', '2', '-c', '8', '-d', `${DURATION}s`, '--latency', '-s', script];
    for (const [k, v] of Object.entries(t.headers)) args.push('-H', `${k}: ${v}`);
    return execFileSync('wrk', [...args, `http://127.0.0.1:${port}/`], { encoding: 'utf8' });
  };
  const measure = async (label: string, script: string) => {
    // Warm the pool to its working size first, so the backends counted are the ones that serve.
    run(script);
    const pids = await backends();
    const server0 = server.cpuSeconds();
    const pg0 = cpuOf(pids);
    const out = run(script);
    const serverCpu = server.cpuSeconds() - server0;
    const pgCpu = cpuOf(pids) - pg0;
    const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
    if (requests === 0 || /Non-2xx/.test(out)) throw new Error(`${label}: the load failed:\n${out}`);
    const us = (s: number) => Math.round((s * 1e6) / requests);
    return {
      label,
      rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0),
      p50: /^\s+50%\s+(\S+)/m.exec(out)?.[1] ?? '?',
      p99: /^\s+99%\s+(\S+)/m.exec(out)?.[1] ?? '?',
      server_us: us(serverCpu),
      pg_us: us(pgCpu),
    };
  };
  const setTriggers = async (on: boolean) => {
    for (const table of TABLES)
      await db.exec(`ALTER TABLE ${table} ${on ? 'ENABLE' : 'DISABLE'} TRIGGER ${table}_changes`);
  };

  const results = [];
  for (const [phase, on] of [
    ['with the triggers', true],
    ['without them', false],
    ['with them again', true],
  ] as const) {
    await setTriggers(on);
    log(`${phase}: POST, PUT…`);
    results.push({ phase, ...(await measure('POST a contact', post)) });
    results.push({ phase, ...(await measure('PUT a contact', put)) });
  }
  await setTriggers(true);

  const lines = [
    `Writes with and without the change-counter triggers (wrk 2 threads, 8 connections, ${DURATION} s each):`,
    '',
    '| write | triggers | req/s | p50 | p99 | server CPU µs/req | PostgreSQL CPU µs/req | sum |',
    '|---|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.label} | ${r.phase} | ${Math.round(r.rps)} | ${r.p50} | ${r.p99} | ${r.server_us} | ${r.pg_us} | ${r.server_us + r.pg_us} |`,
    ),
    '',
    `Load average at the end: ${readFileSync('/proc/loadavg', 'utf8').trim()}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await server.stop();
  await db.close();
}
