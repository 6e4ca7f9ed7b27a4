// The OpenAPI document the server publishes at /openapi.json, built without a
// database (building the app runs no query).
import { buildApp } from '../src/http/app.js';
import type { Db } from '../src/platform/db/db.js';

/** With `testMode`, the document a test-mode server publishes (the `/_test/` routes too). */
export async function openApiDocument(opts: { testMode?: boolean } = {}): Promise<Record<string, unknown>> {
  const noDatabase = (): never => {
    throw new Error('writing the OpenAPI document needs no database');
  };
  const db: Db = {
    kind: 'postgres',
    query: noDatabase,
    exec: noDatabase,
    transaction: noDatabase,
    close: async () => {},
  };
  const app = await buildApp({
    db,
    cursorSecret: 'openapi'.repeat(8),
    ...(opts.testMode ? { testMode: { key: 'openapi', resetData: async () => {} } } : {}),
  });
  try {
    const res = await app.inject({ url: '/openapi.json' });
    if (res.statusCode !== 200) throw new Error(`GET /openapi.json answered ${res.statusCode}: ${res.body}`);
    return JSON.parse(res.body) as Record<string, unknown>;
  } finally {
    await app.close();
  }
}
