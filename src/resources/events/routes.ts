import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { tenantOf } from '../../http/access.js';
import { ok, SECURITY } from '../../http/responses.js';
import { AuthHeaders, Envelope, errorResponses } from '../../http/schemas.js';
import { RequestValidationError } from '../../http/validation.js';
import { EventListQuery, EventPageSchema } from './schemas.js';

/** The feed has one order, commit order: sorting parameters would silently mean something else. */
function refuseSorting(query: unknown): void {
  const q = (query ?? {}) as Record<string, unknown>;
  const given = ['sort_by', 'descending'].filter((name) => q[name] !== undefined);
  if (given.length === 0) return;
  throw new RequestValidationError(
    given.map((name) => ({
      type: 'value_error',
      loc: ['query', name],
      msg: `Value error, the events feed is in commit order (oldest first); ${name} is not offered: walk it with direction=prev for newest first`,
      input: q[name],
      ctx: { error: 'not offered' },
    })),
  );
}

export const eventRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      config: { access: 'read' },
      // `?type=a` arrives as one string, `?type=a&type=b` as a list: always a list.
      onRequest: async (req) => {
        const q = req.query as Record<string, unknown>;
        if (typeof q.type === 'string') q.type = [q.type];
      },
      schema: {
        operationId: 'list_events_api_v1_events_get',
        summary: 'List events',
        description:
          "Every change to the business's customers and contacts, in commit order, oldest first. Walk it forward with `next_cursor` and you see every event exactly once, even while others write; at the end, `next_cursor` is where to poll from (it is never null). Kept 30 days.",
        tags: ['events'],
        security: SECURITY,
        headers: AuthHeaders,
        querystring: EventListQuery,
        response: { 200: Envelope(EventPageSchema), ...errorResponses() },
      },
    },
    async (req) => {
      refuseSorting(req.query);
      const q = req.query;
      const page = await req.services.events.list(
        tenantOf(req).businessId,
        { types: q.type, objectId: q.object_id },
        {
          cursor: q.cursor,
          limit: q.limit ?? 50,
          direction: q.direction ?? 'next',
          includeTotalCount: q.include_total_count ?? false,
        },
      );
      return ok(page, 'Events retrieved');
    },
  );
};
