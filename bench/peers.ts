/**
 * `npm run bench:peers`: our first page, a page ~99,000 rows deep and the first
 * page with its total, side by side with PostGraphile v5 on the same database,
 * the same hot customer (100,000 contacts) and the same rows and columns.
 *
 * Both servers run on Node 24 (a registry-built one from `npx node@24`; the
 * machine's own Node may be older). PostGraphile is installed into a directory
 * of its own under the temp dir (kept for reruns), never into this project.
 * Each scenario runs ROUNDS times (default 3), the two servers alternating in
 * each round; a ratio is ours ÷ theirs within one round, and the report gives
 * the median of the rounds with the lowest and highest.
 *
 *   DATABASE_URL   PostgreSQL server (default: the local one); the dataset is
 *                  `npm run bench`'s, in customers_api_bench (built if missing)
 *   DURATION       seconds per wrk run (default 10)   ROUNDS   default 3
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DB_NAME, HOT_CONTACTS, postgresDataset } from './dataset.js';
import { ADMIN_URL, authHeaders, BIN, benchDatabase, freePort, ownerToken, ROOT, serverVersion } from './lib.js';

const POSTGRAPHILE = '5.0.1';
const DURATION = Number(process.env.DURATION ?? 10);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const PAGE = 50;
const DEEP = 99_000;
const log = (msg: string) => process.stderr.write(`${msg}\n`);

/** The directory of a registry-built Node 24 (fetched once by npx). */
function node24(): string {
  const out = execFileSync(
    'npx',
    ['--yes', 'node@24', '-e', "process.stdout.write(require('path').dirname(process.execPath))"],
    { encoding: 'utf8' },
  );
  return join(out.trim(), 'node');
}

/** PostGraphile, installed once into a directory of its own. */
function installPostGraphile(): string {
  const dir = join(tmpdir(), `customers-api-peers/postgraphile-${POSTGRAPHILE}`);
  const cli = join(dir, 'node_modules/postgraphile/dist/cli-run.js');
  if (!existsSync(cli)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{"private":true}\n');
    log(`installing postgraphile@${POSTGRAPHILE} into ${dir}…`);
    execFileSync('npm', ['i', '--no-audit', '--no-fund', `postgraphile@${POSTGRAPHILE}`], {
      cwd: dir,
      stdio: 'inherit',
    });
  }
  if (!existsSync(cli)) throw new Error(`postgraphile's CLI is not at ${cli}`);
  return cli;
}

interface Server {
  name: string;
  pid: number;
  stop: () => Promise<void>;
}

/** Starts `args` under `node` in its own process group; ready when `url` answers at all. */
async function start(
  name: string,
  node: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
  url: string,
) {
  const child = spawn(node, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const server: Server = {
    name,
    pid: child.pid as number,
    stop: async () => {
      try {
        process.kill(-(child.pid as number), 'SIGTERM');
      } catch {
        return;
      }
      const t = setTimeout(() => {
        try {
          process.kill(-(child.pid as number), 'SIGKILL');
        } catch {
          // Gone.
        }
      }, 5000);
      await exited;
      clearTimeout(t);
    },
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited ${child.exitCode}:\n${stderr}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return server;
    } catch {
      if (Date.now() > deadline) {
        await server.stop();
        throw new Error(`${name} did not answer at ${url} within 60 s:\n${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

interface Load {
  rps: number;
  p99_ms: number;
  non_2xx: number;
}

function wrk(url: string, headers: Record<string, string>, body?: string): Load {
  const args = ['-t', '2', '-c', '32', '-d', `${DURATION}s`, '--latency'];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
  if (body !== undefined) {
    const dir = join(tmpdir(), 'customers-api-peers');
    mkdirSync(dir, { recursive: true });
    const script = join(dir, `post-${Math.random().toString(36).slice(2)}.lua`);
    writeFileSync(script, `wrk.method = "POST"\nwrk.body = ${JSON.stringify(body)}\n`);
    args.push('-s', script);
  }
  args.push(url);
  const out = execFileSync('wrk', args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const p99 = /^\s+99%\s+([\d.]+)(us|ms|s)/m.exec(out);
  const scale = p99?.[2] === 'us' ? 1 / 1000 : p99?.[2] === 's' ? 1000 : 1;
  if (Number.isNaN(rps) || !p99) throw new Error(`could not read wrk's output:\n${out}`);
  return {
    rps,
    p99_ms: Number(p99[1]) * scale,
    non_2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
  };
}

interface OurPage {
  data: { items: { id: string }[]; next_cursor: string };
}
interface TheirPage {
  data: { allContacts: { nodes: { id: string }[]; edges: { cursor: string }[] } };
}

async function json<T>(url: string, init: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  const body = (await res.json()) as T & { errors?: unknown };
  if (res.status !== 200 || body.errors) throw new Error(`${url}: ${res.status} ${JSON.stringify(body).slice(0, 500)}`);
  return body;
}

/** PostGraphile's answer for the hot customer's contacts, newest first, with the columns we return. */
function graphql(customer: string, business: string, opts: { after?: string; total?: boolean }): string {
  const after = opts.after ? `, after: ${JSON.stringify(opts.after)}` : '';
  const query = `{ allContacts(condition: {businessId: "${business}", customerId: "${customer}"}, orderBy: [CREATED_AT_DESC, ROW_ID_DESC], first: ${PAGE}${after}) { ${opts.total ? 'totalCount ' : ''}pageInfo { hasNextPage endCursor } nodes { id: rowId customerId name email phone role isPrimary notes createdAt updatedAt } } }`;
  return JSON.stringify({ query });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

async function main() {
  if (spawnSync('wrk', ['--version']).error) throw new Error('wrk is missing: apt-get install wrk');
  const node = node24();
  const nodeVersion = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  const cli = installPostGraphile();
  const db = await benchDatabase(DB_NAME);
  const dataset = await postgresDataset(db);
  const token = await ownerToken(db, dataset.business_id);
  const pgVersion = await serverVersion(db);
  await db.close();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${DB_NAME}`;
  const databaseUrl = url.toString();

  const oursPort = await freePort();
  const theirsPort = await freePort();
  const ours = `http://127.0.0.1:${oursPort}`;
  const theirs = `http://127.0.0.1:${theirsPort}/graphql`;
  const servers: Server[] = [];
  const stopAll = async () => {
    for (const s of servers.splice(0)) await s.stop();
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  try {
    servers.push(
      await start(
        'customers-api',
        node,
        [BIN, 'serve'],
        ROOT,
        {
          DATABASE_URL: databaseUrl,
          PORT: String(oursPort),
          HOST: '127.0.0.1',
          LOG_LEVEL: 'warn',
          RATE_LIMIT_PER_TOKEN: '0',
          RATE_LIMIT_PER_ADDRESS: '0',
          DEMO: '0',
        },
        `${ours}/healthz`,
      ),
    );
    servers.push(
      await start(
        'PostGraphile',
        node,
        [cli, '-P', 'postgraphile/presets/amber', '-c', databaseUrl, '-s', 'public', '--port', String(theirsPort)],
        join(cli, '../../../..'),
        { NODE_ENV: 'production' },
        theirs,
      ),
    );

    const headers = authHeaders(token, dataset.business_id);
    const list = `${ours}/api/v1/customers/${dataset.hot}/contacts`;
    const gqlHeaders = { 'content-type': 'application/json' };
    // The same rows from both: the first page, then the cursor 99,000 rows deep on each side.
    const mine = await json<OurPage>(`${list}?limit=${PAGE}`, { headers });
    const peer = await json<TheirPage>(theirs, {
      method: 'POST',
      headers: gqlHeaders,
      body: graphql(dataset.hot, dataset.business_id, {}),
    });
    const ids = (xs: { id: string }[]) => xs.map((x) => x.id).join();
    if (ids(mine.data.items) !== ids(peer.data.allContacts.nodes))
      throw new Error('the two first pages differ: not the same rows, the comparison would mean nothing');
    let cursor = '';
    for (let seen = 0; seen < DEEP; seen += 1000) {
      const page = await json<OurPage>(`${list}?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
        headers,
      });
      cursor = page.data.next_cursor;
    }
    const theirCursor = (
      await json<TheirPage>(theirs, {
        method: 'POST',
        headers: gqlHeaders,
        body: JSON.stringify({
          query: `{ allContacts(condition: {businessId: "${dataset.business_id}", customerId: "${dataset.hot}"}, orderBy: [CREATED_AT_DESC, ROW_ID_DESC], first: 1, offset: ${DEEP - 1}) { edges { cursor } } }`,
        }),
      })
    ).data.allContacts.edges[0]?.cursor;
    if (!theirCursor) throw new Error(`PostGraphile has no row ${DEEP}`);
    const deepMine = await json<OurPage>(`${list}?limit=${PAGE}&cursor=${encodeURIComponent(cursor)}`, { headers });
    const deepPeer = await json<TheirPage>(theirs, {
      method: 'POST',
      headers: gqlHeaders,
      body: graphql(dataset.hot, dataset.business_id, { after: theirCursor }),
    });
    if (ids(deepMine.data.items) !== ids(deepPeer.data.allContacts.nodes)) throw new Error('the two deep pages differ');

    const scenarios = [
      {
        name: 'first page',
        ours: () => wrk(`${list}?limit=${PAGE}`, headers),
        theirs: () => wrk(theirs, gqlHeaders, graphql(dataset.hot, dataset.business_id, {})),
      },
      {
        name: `a page ${DEEP.toLocaleString('en')} rows deep`,
        ours: () => wrk(`${list}?limit=${PAGE}&cursor=${encodeURIComponent(cursor)}`, headers),
        theirs: () => wrk(theirs, gqlHeaders, graphql(dataset.hot, dataset.business_id, { after: theirCursor })),
      },
      {
        name: 'first page with the total',
        ours: () => wrk(`${list}?limit=${PAGE}&include_total_count=true`, headers),
        theirs: () => wrk(theirs, gqlHeaders, graphql(dataset.hot, dataset.business_id, { total: true })),
      },
    ];
    const results = [];
    for (const s of scenarios) {
      const rounds: { ours: Load; theirs: Load; ratio: number }[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        // Alternate who goes first, so neither always runs on a warmer machine.
        let a: Load;
        let b: Load;
        if (r % 2 === 0) {
          a = s.ours();
          b = s.theirs();
        } else {
          b = s.theirs();
          a = s.ours();
        }
        if (a.non_2xx > 0 || b.non_2xx > 0) throw new Error(`${s.name}: non-2xx answers under load`);
        rounds.push({ ours: a, theirs: b, ratio: a.rps / b.rps });
        log(`${s.name}, round ${r + 1}: ours ${Math.round(a.rps)} req/s, PostGraphile ${Math.round(b.rps)} req/s`);
      }
      const ratios = rounds.map((r) => r.ratio);
      results.push({
        scenario: s.name,
        ours_rps: round(median(rounds.map((r) => r.ours.rps)), 0),
        postgraphile_rps: round(median(rounds.map((r) => r.theirs.rps)), 0),
        ratio: round(median(ratios)),
        ratio_min: round(Math.min(...ratios)),
        ratio_max: round(Math.max(...ratios)),
        rounds,
      });
    }
    const report = {
      at: new Date().toISOString(),
      node: nodeVersion,
      postgresql: pgVersion,
      postgraphile: POSTGRAPHILE,
      hot_contacts: HOT_CONTACTS,
      duration_s: DURATION,
      rounds: ROUNDS,
      load: readFileSync('/proc/loadavg', 'utf8').trim(),
      results,
    };
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    const out = join(ROOT, `bench/results/peers-${report.at.replace(/[:.]/g, '-')}.json`);
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(
      `\nNode ${nodeVersion}, PostgreSQL ${pgVersion}, PostGraphile ${POSTGRAPHILE}; wrk -t2 -c32 -d${DURATION}s, ${ROUNDS} rounds\n` +
        `${'scenario'.padEnd(30)} ${'ours'.padStart(8)} ${'theirs'.padStart(8)}  ratio (min–max)\n` +
        results
          .map(
            (r) =>
              `${r.scenario.padEnd(30)} ${String(r.ours_rps).padStart(8)} ${String(r.postgraphile_rps).padStart(8)}  ${r.ratio.toFixed(2)}× (${r.ratio_min.toFixed(2)}–${r.ratio_max.toFixed(2)})`,
          )
          .join('\n') +
        `\n(written to ${out})\n`,
    );
  } finally {
    await stopAll();
  }
}

await main();
