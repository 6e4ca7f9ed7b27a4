import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../platform/db/db.js';
import { UnavailableError } from '../platform/errors.js';

/** Liveness and readiness, without authentication. */
export const healthRoutes: FastifyPluginAsync<{ db: Db }> = async (app, { db }) => {
  app.get('/healthz', { schema: { hide: true }, config: { access: 'public' } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true }, config: { access: 'public' } }, async () => {
    try {
      await db.query('SELECT 1');
    } catch {
      throw new UnavailableError();
    }
    return { status: 'ok', database: db.kind };
  });
};
