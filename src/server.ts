import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { buildApp } from './http/app.js';
import type { Db } from './platform/db/db.js';
import { openDb } from './platform/db/open.js';
import { cursorSecret } from './platform/settings.js';
import { createBusiness, hasBusinesses } from './resources/businesses/service.js';
import { seed } from './resources/customers/seed.js';

export interface DemoData {
  business_id: string;
  token: string;
  customer_id: string;
}

/** The first-run demo: a business, its owner's token, and a few customers with contacts. */
export async function createDemo(db: Db): Promise<DemoData> {
  const b = await createBusiness(db, { name: 'Demo Business', ownerEmail: 'demo@example.com' });
  const s = await seed(db, { businessId: b.business_id, customers: 3, contactsPerCustomer: 4, seed: 42 });
  const customerId = s.customer_ids[0];
  if (customerId === undefined) throw new Error('the demo seed created no customer');
  return { business_id: b.business_id, token: b.token, customer_id: customerId };
}

/** The server's logger: pino, JSON lines. */
export function loggerOptions(level: string, stream?: NodeJS.WritableStream) {
  return {
    level,
    ...(stream ? { stream } : {}),
    // Tokens never reach the logs, even if a serializer starts logging headers.
    redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]'], censor: '[redacted]' },
  };
}

export interface Running {
  app: FastifyInstance;
  db: Db;
  url: string;
  demo: DemoData | null;
  close: () => Promise<void>;
}

/**
 * Opens the database (applying migrations), creates the demo data when asked
 * or on an empty embedded database, and listens.
 */
export async function startServer(config: Config, opts: { demo?: boolean } = {}): Promise<Running> {
  const db = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolMax: config.DB_POOL_MAX });
  try {
    let demo: DemoData | null = null;
    const wantDemo =
      opts.demo ??
      (config.DEMO === '1' || config.DEMO === 'true' || (!config.DATABASE_URL && config.DEMO === undefined));
    if (wantDemo && !(await hasBusinesses(db))) demo = await createDemo(db);
    const app = await buildApp({
      db,
      cursorSecret: await cursorSecret(db, config.CURSOR_SECRET),
      bodyLimit: config.BODY_LIMIT,
      authCacheTtlMs: config.AUTH_CACHE_SECONDS * 1000,
      logger: loggerOptions(config.LOG_LEVEL),
    });
    await app.listen({ port: config.PORT, host: config.HOST });
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : config.PORT;
    const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
    const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
    let closing: Promise<void> | undefined;
    const close = () => {
      // Stop accepting, let in-flight requests finish, then release the database.
      closing ??= app.close().finally(() => db.close());
      return closing;
    };
    return { app, db, url, demo, close };
  } catch (err) {
    await db.close();
    throw err;
  }
}
