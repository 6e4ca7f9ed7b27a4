import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../../core/db/db.js';
import { ServiceUnavailableError } from '../../core/errors.js';

/** Liveness and readiness, without authentication. */
export const healthRoutes: FastifyPluginAsync<{ db: Db }> = async (app, { db }) => {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async () => {
    try {
      await db.query('SELECT 1');
    } catch {
      throw new ServiceUnavailableError();
    }
    return { status: 'ok', database: db.kind };
  });
};
