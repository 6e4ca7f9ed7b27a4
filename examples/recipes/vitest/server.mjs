// This worker's test server (VITEST_POOL_ID is 1 … maxWorkers).
import { inject } from 'vitest';
import { connectTestServer } from 'customers-api/testing';

const servers = inject('customersApi');
export const server = connectTestServer(servers[(Number(process.env.VITEST_POOL_ID ?? 1) - 1) % servers.length]);
