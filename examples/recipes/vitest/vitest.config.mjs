import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  test: {
    // Starts one server per worker before any test file runs; stops them after the last.
    globalSetup: ['./global-setup.mjs'],
    // Resets the worker's server before each test.
    setupFiles: ['./setup.mjs'],
    maxWorkers: 2,
  },
});
