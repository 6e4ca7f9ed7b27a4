#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm run build`, which `npm ci`, `npm start`
// and `npm test` run). Without a build, falls back to compiling the TypeScript
// sources at load with tsx: slower to start and heavier in memory.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/cli/main.js', import.meta.url);
let cli;
if (existsSync(compiled)) {
  cli = await import(compiled.href);
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
