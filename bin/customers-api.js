#!/usr/bin/env node
// Runs the compiled CLI (dist/). In a checkout with TypeScript installed, it first
// rebuilds dist/ when a source file is newer than the last build (a quick check of
// modification times: nothing is compiled when nothing changed). Without a build
// and without TypeScript, it falls back to compiling the sources at load with tsx.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const compiled = join(root, 'dist/cli/main.js');
const stamp = join(root, 'dist/.built');
const tsc = join(root, 'node_modules/typescript/bin/tsc');

/** The newest modification time under `dir` (sources and migrations). */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

if (existsSync(tsc) && existsSync(join(root, 'src'))) {
  const builtAt = existsSync(stamp) && existsSync(compiled) ? statSync(stamp).mtimeMs : 0;
  if (newest(join(root, 'src')) > builtAt) {
    execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
    writeFileSync(stamp, `${new Date().toISOString()}\n`);
  }
}

let cli;
if (existsSync(compiled)) {
  cli = await import(new URL(`file://${compiled}`).href);
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write('customers-api: not built yet: run `npm run build` first (npm ci does it for you)\n');
    process.exit(1);
  }
  register();
  cli = await import('../src/cli/main.ts');
}
const code = await cli.run(process.argv.slice(2));
if (typeof code === 'number') process.exitCode = code;
