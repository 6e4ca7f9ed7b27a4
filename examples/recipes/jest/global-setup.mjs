// Once per run, in jest's main process: one test server per worker.
import { fileURLToPath } from 'node:url';
import { startTestServer } from 'customers-api/testing';

const fixtures = fileURLToPath(new URL('../../fixtures.json', import.meta.url));

export default async function globalSetup(globalConfig) {
  const workers = Number(globalConfig.maxWorkers) || 1;
  const servers = await Promise.all(Array.from({ length: workers }, () => startTestServer({ fixtures })));
  globalThis.customersApiServers = servers; // for global-teardown.mjs
  // Plain data crosses to the workers (started after this): each connects to its own server (server.mjs).
  process.env.CUSTOMERS_API_TEST_SERVERS = JSON.stringify(servers.map((s) => s.info));
}
