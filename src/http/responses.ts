import type { FastifyReply } from 'fastify';
import type { JsonPage, Page, PageParams } from '../platform/list.js';
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

/**
 * The success envelope of a page whose items are already JSON (see listPageJson), as the text
 * the response serializer would write for `ok(page, message)`: the same fields, in the same order.
 */
function okPageJson(page: JsonPage, message: string): string {
  const s = JSON.stringify;
  return `{"success":true,"message":${s(message)},"code":"OK","data":{"items":[${page.items}],"total":${s(page.total)},"limit":${s(page.limit)},"next_cursor":${s(page.next_cursor)},"prev_cursor":${s(page.prev_cursor)},"has_next":${s(page.has_next)},"has_prev":${s(page.has_prev)},"has_more":${s(page.has_more)}}}`;
}

/** Sends a list page: JSON text as it is, a page of items through the route's response serializer. */
export function sendPage<T>(reply: FastifyReply, page: Page<T> | JsonPage, message: string): FastifyReply {
  if (typeof page.items === 'string') return sendJson(reply, okPageJson(page as JsonPage, message));
  return reply.send(ok(page as Page<T>, message));
}

/** Sends JSON text as it is (a string with a JSON type skips the response serializer). */
function sendJson(reply: FastifyReply, json: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(json as never);
}
