// This worker's test server (JEST_WORKER_ID is 1 … maxWorkers).
import { connectTestServer } from 'customers-api/testing';

const servers = JSON.parse(process.env.CUSTOMERS_API_TEST_SERVERS ?? '[]');
export const server = connectTestServer(servers[(Number(process.env.JEST_WORKER_ID ?? 1) - 1) % servers.length]);
