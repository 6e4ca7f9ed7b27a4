// Once per run, in vitest's main process: one test server per worker.
import { fileURLToPath } from 'node:url';
import { startTestServer } from 'customers-api/testing';

const fixtures = fileURLToPath(new URL('../../fixtures.json', import.meta.url));

export default async function setup(project) {
  const workers = Number(project.config.maxWorkers) || 1;
  const servers = await Promise.all(Array.from({ length: workers }, () => startTestServer({ fixtures })));
  // Plain data crosses to the workers; each connects to its own server (server.mjs).
  project.provide('customersApi', servers.map((s) => s.info));
  return async () => {
    await Promise.all(servers.map((s) => s.stop()));
  };
}
