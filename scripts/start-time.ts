// npm run start-time: how long `npm start` takes to serve its first request, on an
// empty embedded database (the first start: creates it and the demo data) and on
// the database that start left (a later start). Runs each a few times; prints the
// median. The server is stopped by its process group after each measurement.
// Then `serve --memory` (spawn → first 200, median of 5, and the CPU time the server had used by then; it starts from the migrated
// snapshot `npm run build` puts in dist/), and the data reset of test mode for
// examples/fixtures.json (in-process, median of 20), and `POST /_test/reset` over HTTP to a
// `serve --memory --test-mode --fixtures examples/fixtures.json` (after one warm-up; median of
// RESET_RUNS, 20 by default).
// Then how long `customers-api --version` and `--help` take, to their exit (they
// load neither the server nor a database driver). `-- --cli`: only those.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.RUNS ?? 3);

/** Starts `npm start`, polls /healthz until 200; returns the seconds that took. */
async function timeStart(dataDir: string): Promise<number> {
  const started = process.hrtime.bigint();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', PORT: '0', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stderr.on('data', (d) => {
        out += d;
        const m = /listening on (http:\/\/[^\s]+)/.exec(out);
        if (m?.[1]) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`npm start exited ${code}: ${out}`)));
    });
    return await firstHealthy(url, started);
  } finally {
    await stopGroup(child);
  }
}

/** Seconds from `started` to the first 200 of `url`/healthz (polled). */
async function firstHealthy(url: string, started: bigint): Promise<number> {
  for (;;) {
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return Number(process.hrtime.bigint() - started) / 1e9;
  }
}

/** Stops a started server's process group and waits for it to exit. */
async function stopGroup(child: import('node:child_process').ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-(child.pid as number), 'SIGTERM');
  await exited;
}

/**
 * The CPU seconds (user and system, all its threads) a process has used so far, from /proc
 * (Linux; null elsewhere): the work a start costs, which a loaded machine's wall time hides.
 */
function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime (fields 14 and 15), in clock ticks: 100 a second on Linux.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/**
 * Starts `node bin/customers-api.js serve --memory` (PORT=0), reads its first stdout line, polls
 * /healthz until 200; returns the seconds that took and the CPU seconds the server had used then.
 */
async function timeMemoryStart(): Promise<{ wall: number; cpu: number | null }> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [join(ROOT, 'bin/customers-api.js'), 'serve', '--memory'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '', DATA_DIR: '', PORT: '0', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'ignore'],
    detached: true,
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const m = /^\{"listening":"([^"]+)"/.exec(out);
        if (m?.[1]) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`serve --memory exited ${code}: ${out}`)));
    });
    const wall = await firstHealthy(url, started);
    return { wall, cpu: cpuSeconds(child.pid as number) };
  } finally {
    await stopGroup(child);
  }
}

/** `POST /_test/reset` over HTTP to a test-mode server on examples/fixtures.json: the milliseconds of each of `runs` (after one warm-up). */
async function timeHttpReset(runs: number): Promise<number[]> {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin/customers-api.js'), 'serve', '--memory', '--test-mode', '--fixtures', 'examples/fixtures.json'],
    {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: '', DATA_DIR: '', PORT: '0', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'ignore'],
      detached: true,
    },
  );
  try {
    const first = await new Promise<{ listening: string; test_key: string }>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const nl = out.indexOf('\n');
        if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)));
      });
      child.on('exit', (code) => reject(new Error(`serve --memory --test-mode exited ${code}: ${out}`)));
    });
    const reset = async () => {
      const res = await fetch(`${first.listening}/_test/reset`, {
        method: 'POST',
        headers: { 'x-test-key': first.test_key },
      });
      if (res.status !== 200) throw new Error(`POST /_test/reset: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    };
    await reset();
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = process.hrtime.bigint();
      await reset();
      ms.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    return ms;
  } finally {
    await stopGroup(child);
  }
}

/** The data reset for examples/fixtures.json: its rows, and the milliseconds of each of `runs` resets. */
async function timeDataReset(runs: number): Promise<{ rows: number; ms: number[] }> {
  const [{ openMemoryDb }, { readFixtures, loadFixtures }, { captureData, restoreData }] = await Promise.all([
    import('../src/platform/db/memory.js'),
    import('../src/test-mode/fixtures.js'),
    import('../src/test-mode/data-reset.js'),
  ]);
  const db = await openMemoryDb();
  try {
    await loadFixtures(db, readFixtures(join(ROOT, 'examples/fixtures.json')));
    const snapshot = await captureData(db);
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = process.hrtime.bigint();
      await restoreData(db, snapshot);
      ms.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    return { rows: snapshot.tables.reduce((n, t) => n + t.count, 0), ms };
  } finally {
    await db.close();
  }
}

/** Runs `node bin/customers-api.js ...args` to its exit; returns the seconds that took. */
function timeCli(args: string[]): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/customers-api.js'), ...args], { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`customers-api ${args.join(' ')} exited ${r.status}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const fmt = (xs: number[]) => `${median(xs).toFixed(2)} s (runs: ${xs.map((x) => x.toFixed(2)).join(', ')})`;
if (!process.argv.includes('--cli')) {
  const first: number[] = [];
  const later: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'customers-api-start-'));
    try {
      first.push(await timeStart(dir));
      later.push(await timeStart(dir));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  process.stdout.write(
    `npm start → first request served, embedded database, median of ${RUNS}:\n` +
      `  first start (empty data dir): ${fmt(first)}   target ≤ 5 s\n` +
      `  later start:                  ${fmt(later)}   target ≤ 2 s\n`,
  );
}
if (!process.argv.includes('--cli')) {
  const MEMORY_RUNS = Number(process.env.MEMORY_RUNS ?? 5);
  const memory: number[] = [];
  const memoryCpu: number[] = [];
  for (let i = 0; i < MEMORY_RUNS; i++) {
    const { wall, cpu } = await timeMemoryStart();
    memory.push(wall);
    if (cpu !== null) memoryCpu.push(cpu);
  }
  const reset = await timeDataReset(20);
  const RESET_RUNS = Number(process.env.RESET_RUNS ?? 20);
  const httpReset = await timeHttpReset(RESET_RUNS);
  const ms2 = (xs: number[]) =>
    `${median(xs).toFixed(1)} ms (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)})`;
  process.stdout.write(
    `node bin/customers-api.js serve --memory → first request served, median of ${MEMORY_RUNS}:\n` +
      `  in memory (from the snapshot):  ${fmt(memory)}   target ≤ 1 s\n` +
      (memoryCpu.length > 0 ? `  its CPU time (user + system):   ${fmt(memoryCpu)}\n` : '') +
      `test mode's data reset, examples/fixtures.json (${reset.rows} rows), in-process, median of 20:\n` +
      `  ${ms2(reset.ms)}   target ≤ 50 ms\n` +
      `POST /_test/reset over HTTP, examples/fixtures.json, serve --memory --test-mode, median of ${RESET_RUNS}:\n` +
      `  ${ms2(httpReset)}   target ≤ 50 ms\n`,
  );
}
const CLI_RUNS = Number(process.env.CLI_RUNS ?? 10);
timeCli(['--version']); // a build, if the sources changed, is not part of the measurement
const ms = (xs: number[]) =>
  `${(median(xs) * 1000).toFixed(0)} ms (runs: ${xs.map((x) => (x * 1000).toFixed(0)).join(', ')})`;
const cliLines = (['--version', '--help', 'token create --help'] as const).map((line) => {
  const times = Array.from({ length: CLI_RUNS }, () => timeCli(line.split(' ')));
  return `  customers-api ${line.padEnd(20)} ${ms(times)}`;
});
process.stdout.write(
  `node bin/customers-api.js → exit, median of ${CLI_RUNS}:\n${cliLines.join('\n')}\n  Node ${process.version}\n`,
);
