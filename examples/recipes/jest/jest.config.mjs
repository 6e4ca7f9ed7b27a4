// ES modules in jest: run it as `node --experimental-vm-modules node_modules/jest/bin/jest.js`.
import { fileURLToPath } from 'node:url';

export default {
  rootDir: fileURLToPath(new URL('.', import.meta.url)),
  testEnvironment: 'node',
  transform: {},
  testMatch: ['**/*.test.mjs'],
  // Starts one server per worker before any test file runs; stops them after the last.
  globalSetup: './global-setup.mjs',
  globalTeardown: './global-teardown.mjs',
  // Resets the worker's server before each test.
  setupFilesAfterEnv: ['./setup.mjs'],
  maxWorkers: 2,
};
