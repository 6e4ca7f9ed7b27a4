// The README's recipes for integrators' test suites, run as they are written (examples/recipes/):
// node:test, vitest and jest through `customers-api/testing`, pytest through `subprocess`. Each
// recipe creates the same customer in two tests (its e-mail is unique): they pass only because
// the recipe resets the server before each test. `npm run test:recipes`.
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { run } from './run.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RECIPES = join(ROOT, 'examples/recipes');
const BIN = join(ROOT, 'node_modules/.bin');
/** jest's own entry point: its ES-module support needs Node's --experimental-vm-modules. */
const JEST = fileURLToPath(import.meta.resolve('jest/bin/jest'));

describe('recipes', () => {
  test('node:test', async () => {
    const r = await run(process.execPath, ['--test', join(RECIPES, 'node-test/customers.test.mjs')], { cwd: ROOT });
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /# pass 3\n/, r.out);
  });

  test('vitest', async () => {
    const r = await run(join(BIN, 'vitest'), ['run', '--config', join(RECIPES, 'vitest/vitest.config.mjs')], {
      cwd: ROOT,
      env: { NO_COLOR: '1', CI: '1' },
    });
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /Tests\s+3 passed \(3\)/, r.out);
  });

  test('jest', async () => {
    const r = await run(
      process.execPath,
      ['--experimental-vm-modules', JEST, '--config', join(RECIPES, 'jest/jest.config.mjs'), '--ci'],
      { cwd: ROOT, env: { NO_COLOR: '1' } },
    );
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /Tests:\s+3 passed, 3 total/, r.out);
  });

  test('pytest', async () => {
    try {
      const r = await run(
        '/usr/bin/python3',
        ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', join(RECIPES, 'pytest')],
        {
          cwd: ROOT,
          // In this checkout the package is not installed under node_modules: the bin itself stands in for npx.
          env: {
            CUSTOMERS_API: `${process.execPath} ${join(ROOT, 'bin/customers-api.js')}`,
            PYTHONDONTWRITEBYTECODE: '1',
          },
        },
      );
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /3 passed/, r.out);
    } finally {
      const cache = join(RECIPES, 'pytest/__pycache__');
      if (existsSync(cache)) rmSync(cache, { recursive: true, force: true });
    }
  });
});
