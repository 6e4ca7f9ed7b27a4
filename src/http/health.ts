import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../platform/db/db.js';
import { UnavailableError } from '../platform/errors.js';

/** /readyz answers within this, whatever the database does. */
const READY_TIMEOUT_MS = 1500;

/** Liveness and readiness, without authentication. */
export const healthRoutes: FastifyPluginAsync<{ db: Db }> = async (app, { db }) => {
  app.get('/healthz', { schema: { hide: true }, config: { access: 'public' } }, async () => ({ status: 'ok' }));
  // A probe must answer promptly whatever the database does: past this, "not ready".
  app.get('/readyz', { schema: { hide: true }, config: { access: 'public' } }, async () => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new UnavailableError()), READY_TIMEOUT_MS);
    });
    try {
      // Ready means the primary takes writes: a demoted or read-only primary answers, but is not ready.
      const { rows } = await Promise.race([
        db.query<{ ro: string }>("SELECT current_setting('transaction_read_only') AS ro"),
        late,
      ]);
      if (rows[0]?.ro === 'on') throw new UnavailableError();
    } catch {
      throw new UnavailableError();
    } finally {
      clearTimeout(timer);
    }
    return { status: 'ok', database: db.kind };
  });
};
