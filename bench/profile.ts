/**
 * `npm run bench:profile`: where the server's CPU goes while it serves S1 (the
 * first page of the hot customer's 100,000 contacts) under wrk. Starts the real
 * server with `node --cpu-prof`, drives it for DURATION seconds (default 10),
 * stops it, and sums the profile's self time by where the code lives: this
 * project, Fastify and its serializers, the `pg` driver, Node's own (sockets,
 * streams, timers), garbage collection, and the rest.
 *
 * PROFILE_QUERY changes the query string wrk sends (default `limit=50`, S1;
 * `limit=0` profiles S7, a 422).
 *
 * Needs the dataset `npm run bench` builds (database customers_api_bench).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_URL, authHeaders, BIN, benchDatabase, freePort, getOk, ownerToken, startProcess } from './lib.js';

const DURATION = Number(process.env.DURATION ?? 10);
const DB_NAME = 'customers_api_bench';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives. */
function bucket(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(idle)' || functionName === '(program)') return `${functionName.slice(1, -1)}`;
  if (/node_modules\/(pg|pg-protocol|pg-types|pg-pool|postgres-[a-z]+)\//.test(url)) return 'pg driver';
  if (
    /node_modules\/(fastify|fast-json-stringify|find-my-way|light-my-request|avvio|@fastify|fast-querystring|ajv)/.test(
      url,
    )
  )
    return 'Fastify (routing, validation, serialization)';
  if (/node_modules\/(pino|sonic-boom|thread-stream)/.test(url)) return 'logging';
  if (url.includes('node_modules')) return 'other libraries';
  if (url.includes('/dist/') || url.includes('/src/')) return 'this project';
  if (url.startsWith('node:') || url === '') return "Node's own (sockets, streams, timers, natives)";
  return 'other';
}

const db = await benchDatabase(DB_NAME);
const { rows } = await db.query<{ value: string }>(`SELECT value FROM settings WHERE key = 'bench_dataset'`);
if (!rows[0]) throw new Error('no benchmark dataset: run `npm run bench` once first');
const dataset = JSON.parse(rows[0].value) as { business_id: string; hot: string };
const headers = authHeaders(await ownerToken(db, dataset.business_id), dataset.business_id);
await db.close();

const dir = mkdtempSync(join(tmpdir(), 'customers-api-profile-'));
const url = new URL(ADMIN_URL);
url.pathname = `/${DB_NAME}`;
const port = await freePort();
const server = await startProcess(
  ['--cpu-prof', `--cpu-prof-dir=${dir}`, BIN, 'serve'],
  { DATABASE_URL: url.toString(), PORT: String(port), DEMO: '0' },
  'listening on',
);
try {
  const list = `http://127.0.0.1:${port}/api/v1/customers/${dataset.hot}/contacts`;
  for (let i = 0; i < 200; i++) await getOk(`${list}?limit=50`, headers);
  const base = `${list}?${process.env.PROFILE_QUERY ?? 'limit=50'}`;
  const args = ['-t2', '-c32', `-d${DURATION}s`];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
  const out = spawnSync('wrk', [...args, base], { encoding: 'utf8' });
  process.stdout.write(
    `${out.stdout
      .split('\n')
      .filter((l) => /Requests\/sec/.test(l))
      .join('\n')}\n`,
  );
} finally {
  await server.stop();
}
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error('no profile written');
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
rmSync(dir, { recursive: true, force: true });
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const node = byId.get(id);
  const dt = profile.timeDeltas[i] ?? 0;
  if (!node) return;
  const b = bucket(node.callFrame);
  self.set(b, (self.get(b) ?? 0) + dt);
  total += dt;
});
const busy = total - (self.get('idle') ?? 0);
// The functions with the most self time, with where they live.
const fns = new Map<string, number>();
profile.samples.forEach((id, i) => {
  const node = byId.get(id);
  if (!node || node.callFrame.functionName === '(idle)') return;
  const where = node.callFrame.url.replace(/^.*?\/(node_modules\/|dist\/|src\/)/, '$1');
  const key = `${node.callFrame.functionName || '(anonymous)'} ${where}`;
  fns.set(key, (fns.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
process.stdout.write(`\nServer CPU profile of S1 under wrk (${DURATION} s); shares of busy time (idle excluded):\n\n`);
process.stdout.write('| where | share |\n|---|---|\n');
for (const [b, us] of [...self.entries()].filter(([b]) => b !== 'idle').sort((x, y) => y[1] - x[1])) {
  process.stdout.write(`| ${b} | ${((100 * us) / busy).toFixed(1)} % |\n`);
}
process.stdout.write('\n| function (self time) | share |\n|---|---|\n');
for (const [f, us] of [...fns.entries()].sort((x, y) => y[1] - x[1]).slice(0, 20)) {
  process.stdout.write(`| \`${f}\` | ${((100 * us) / busy).toFixed(1)} % |\n`);
}
