/**
 * `npm test`: runs test files in a few long-lived worker processes instead of
 * one process per file.
 *
 * A process per file paid ~4 s of CPU before its first assertion (the
 * TypeScript loader, the server's modules, PGlite's WebAssembly compiled and
 * tiered up again) — 38 files spent ~150 s of the suite's ~330 s doing that.
 * Here each worker claims the next file from a shared queue and runs it as one
 * `describe` named by its path, so a file's top-level hooks still run around
 * its own tests only, files never run two at a time in one process, and the
 * workers balance themselves (the largest files are queued first).
 *
 * Usage: `npm test [-- FILE… | --concurrency N | NODE_TEST_FLAG…]`. One file on
 * its own still runs as always: `node --import tsx --test test/X.test.ts`.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
let concurrency = 3; // three on two cores: many files wait on the processes they start
const files: string[] = [];
const passThrough: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i] as string;
  if (a === '--concurrency') concurrency = Number(args[++i]);
  else if (a.startsWith('--')) passThrough.push(a);
  else files.push(resolve(a));
}
if (!Number.isInteger(concurrency) || concurrency < 1) {
  process.stderr.write('run-tests: --concurrency takes a whole number ≥ 1\n');
  process.exit(2);
}
if (files.length === 0) {
  for (const name of readdirSync('test').sort()) if (name.endsWith('.test.ts')) files.push(resolve('test', name));
}
// Largest first: the long files start early and the short ones fill the gaps at the end.
files.sort((a, b) => statSync(b).size - statSync(a).size || a.localeCompare(b));

const dir = mkdtempSync(join(tmpdir(), 'customers-api-tests-'));
const workers = Math.min(concurrency, files.length);
// A worker claims file i by creating the directory `claims/i`: atomic across processes.
const times = join(dir, 'times.jsonl');
const started = join(dir, 'started.jsonl');
const worker = `import { appendFileSync, mkdirSync } from 'node:fs';
import { describe } from 'node:test';
const files = ${JSON.stringify(files.map((f) => pathToFileURL(f).href))};
const claims = ${JSON.stringify(join(dir, 'claims'))};
mkdirSync(claims, { recursive: true });
let current;
// A worker that ends inside a file (process.exit, a fatal error) says which file it was in.
process.on('exit', (code) => {
  if (current) process.stderr.write('run-tests: worker ' + process.pid + ' exited (code ' + code + ') inside ' + current + '\\n');
});
for (let i = 0; i < files.length; i++) {
  try {
    mkdirSync(claims + '/' + i);
  } catch {
    continue; // another worker has it
  }
  const file = files[i];
  const name = decodeURIComponent(new URL(file).pathname).replace(${JSON.stringify(`${process.cwd()}/`)}, '');
  current = name;
  appendFileSync(${JSON.stringify(started)}, JSON.stringify({ name, pid: process.pid }) + '\\n');
  const began = performance.now();
  const cpu = process.cpuUsage();
  await describe(name, async () => {
    await import(file);
  });
  const used = process.cpuUsage(cpu);
  current = undefined;
  // Emscripten-built code (PGlite, pg_dump) sets process.exitCode when its program exits: a
  // file that leaves it non-zero fails the whole worker at its end, so say which file did.
  if (process.exitCode) process.stderr.write('run-tests: process.exitCode is ' + process.exitCode + ' after ' + name + '\\n');
  appendFileSync(${JSON.stringify(times)}, JSON.stringify({ name, wall: performance.now() - began, cpu: (used.user + used.system) / 1000, rss: process.memoryUsage.rss() }) + '\\n');
}
`;
const workerFiles = Array.from({ length: workers }, (_, i) => {
  const f = join(dir, `worker-${i + 1}.mjs`);
  writeFileSync(f, worker);
  return f;
});

const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${workers}`, ...passThrough, ...workerFiles],
  { stdio: 'inherit' },
);
const forward = (signal: NodeJS.Signals) => child.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
child.on('exit', (exitCode, signal) => {
  let code = exitCode;
  // The files that cost the most, for keeping the suite within its time (CPU: the worker's own, not its children's).
  if (existsSync(times)) {
    const rows = readFileSync(times, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { name: string; wall: number; cpu: number; rss: number })
      .sort((a, b) => b.wall - a.wall);
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`.padStart(7);
    process.stderr.write(`\nslowest test files (wall, CPU in the worker):\n`);
    for (const r of rows.slice(0, Number(process.env.TEST_TIMES ?? 8)))
      process.stderr.write(`${s(r.wall)} ${s(r.cpu)}  ${r.name}\n`);
    process.stderr.write(
      `largest worker RSS after a file: ${Math.round(Math.max(...rows.map((r) => r.rss)) / 2 ** 20)} MB\n`,
    );
  }
  // A worker that died (a signal, a crash the test runner could not attribute) leaves a file started, never finished.
  if (existsSync(started)) {
    const finished = new Set(
      existsSync(times)
        ? readFileSync(times, 'utf8')
            .trim()
            .split('\n')
            .map((l) => (JSON.parse(l) as { name: string }).name)
        : [],
    );
    for (const line of readFileSync(started, 'utf8').trim().split('\n')) {
      const s = JSON.parse(line) as { name: string; pid: number };
      if (!finished.has(s.name))
        process.stderr.write(
          `run-tests: ${s.name} started in worker ${s.pid} and never finished: that worker died inside it\n`,
        );
    }
  }
  const claimed = new Set(existsSync(join(dir, 'claims')) ? readdirSync(join(dir, 'claims')).map(Number) : []);
  const unrun = files.filter((_, i) => !claimed.has(i));
  if (unrun.length > 0) {
    process.stderr.write(`run-tests: ${unrun.length} file(s) never ran (every worker died first)\n`);
    code = code || 1;
  }
  rmSync(dir, { recursive: true, force: true });
  process.exit(code ?? (signal ? 1 : 0));
});
