/**
 * Builds the console (console/, React + Vite) into dist/console/, as part of `npm run build`
 * (so `npm ci` leaves a working console). Skipped when the build is newer than every input
 * (console/, the typed client's sources, the lockfile): `npm test` builds before each run.
 * Prints the JavaScript's compressed size and fails past the budget (250 KB gzip).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dist/console');
const stamp = join(out, 'index.html');
const BUDGET = 250 * 1024;

function newest(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let latest = st.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

const inputs = ['console', 'packages/client/src', 'package-lock.json'].map((p) => join(root, p));
const force = process.argv.includes('--force');
if (!force && existsSync(stamp) && statSync(stamp).mtimeMs > Math.max(...inputs.map(newest))) {
  console.log('console: up to date (dist/console)');
} else {
  const { build } = await import('vite');
  await build({ configFile: join(root, 'console/vite.config.ts'), mode: 'production' });
  const js = files(out).filter((f) => f.endsWith('.js'));
  const gz = js.reduce((sum, f) => sum + gzipSync(readFileSync(f)).length, 0);
  console.log(`console: built dist/console, JavaScript ${(gz / 1024).toFixed(1)} KB gzip (budget 250 KB)`);
  if (gz > BUDGET) {
    console.error('console: the JavaScript is over its budget');
    process.exit(1);
  }
}
