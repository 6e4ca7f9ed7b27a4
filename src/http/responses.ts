import type { FastifyReply } from 'fastify';
import type { PageParams } from '../platform/list.js';
import type { PageQueryStatic } from '../platform/schema.js';

export function ok<T>(data: T, message: string, code: 'OK' | 'CREATED' | 'UPDATED' = 'OK') {
  return { success: true, message, code, data };
}

export function deleted(message: string) {
  return { success: true, message, code: 'DELETED' as const };
}

/** The core's page parameters from a validated query (the schema's defaults applied again, for the types). */
export function pageParams(q: PageQueryStatic): PageParams {
  return {
    cursor: q.cursor,
    limit: q.limit ?? 50,
    direction: q.direction ?? 'next',
    includeTotalCount: q.include_total_count ?? false,
    sortBy: q.sort_by ?? 'created_at',
    descending: q.descending ?? true,
  };
}

export const SECURITY = [{ HTTPBearer: [] }];

/**
 * Aborted if the client goes away before its response is sent (PostgreSQL then
 * cancels the statements it was waiting for).
 */
export function clientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}
