import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { callerOf } from '../../http/access.js';
import { ok, pageParams, SECURITY } from '../../http/responses.js';
import { Envelope, PaginatedOf, tokenErrorResponses } from '../../http/schemas.js';
import { RequestValidationError } from '../../http/validation.js';
import {
  BusinessCreateSchema,
  BusinessIdParams,
  BusinessListQuery,
  BusinessSchema,
  BusinessUpdateSchema,
  UNSUPPORTED_BUSINESS_FILTERS,
} from './schemas.js';

const tags = ['businesses'];

/** DayZero's integration filters would silently return wrong data if ignored: refused, naming each. */
function refuseIntegrationFilters(query: unknown): void {
  const q = (query ?? {}) as Record<string, unknown>;
  const given = UNSUPPORTED_BUSINESS_FILTERS.filter((name) => q[name] !== undefined);
  if (given.length === 0) return;
  throw new RequestValidationError(
    given.map((name) => ({
      type: 'value_error',
      loc: ['query', name],
      msg: `Value error, ${name} filters by an integration this server does not have; it is not supported`,
      input: q[name],
      ctx: { error: 'unsupported filter' },
    })),
  );
}

/** DayZero's businesses, read side: a token finds its businesses (and so its x-business-id). */
export const businessRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      config: { access: 'token' },
      schema: {
        operationId: 'list_businesses_api_v1_businesses_get',
        summary: 'List businesses',
        description:
          "The businesses the token's user is a member of, with the user's role in each. Needs no `x-business-id`: this is how a client holding only a token finds it.",
        tags,
        security: SECURITY,
        querystring: BusinessListQuery,
        response: {
          200: Envelope(PaginatedOf(BusinessSchema, 'BusinessCursorListResponse')),
          ...tokenErrorResponses(),
        },
      },
    },
    async (req) => {
      refuseIntegrationFilters(req.query);
      const q = req.query;
      const page = await req.services.businesses.list(callerOf(req).userId, { id: q.id, name: q.name }, pageParams(q));
      return ok(page, 'Businesses retrieved');
    },
  );

  app.get(
    '/:business_id',
    {
      config: { access: 'token' },
      schema: {
        operationId: 'get_business_api_v1_businesses__business_id__get',
        summary: 'Get business',
        description: 'A business the caller is a member of; any other is 404.',
        tags,
        security: SECURITY,
        params: BusinessIdParams,
        response: { 200: Envelope(BusinessSchema), ...tokenErrorResponses(404) },
      },
    },
    async (req) =>
      ok(await req.services.businesses.get(callerOf(req).userId, req.params.business_id), 'Business retrieved'),
  );

  app.post(
    '/',
    {
      config: { access: 'token', privileged: true },
      schema: {
        operationId: 'create_business_api_v1_businesses_post',
        summary: 'Create business',
        description: 'A new business; the caller becomes its owner. Needs no `x-business-id`.',
        tags,
        security: SECURITY,
        body: BusinessCreateSchema,
        response: { 201: Envelope(BusinessSchema), ...tokenErrorResponses() },
      },
    },
    async (req, reply) => {
      const business = await req.services.businesses.create(callerOf(req).userId, req.body.name);
      return reply.code(201).send(ok(business, 'Business created', 'CREATED'));
    },
  );

  app.put(
    '/:business_id',
    {
      config: { access: 'token', privileged: true },
      schema: {
        operationId: 'update_business_api_v1_businesses__business_id__put',
        summary: 'Update business',
        description:
          'Renames a business. Its owners and admins may; other members → 403, a business one is not a member of → 404.',
        tags,
        security: SECURITY,
        params: BusinessIdParams,
        body: BusinessUpdateSchema,
        response: { 200: Envelope(BusinessSchema), ...tokenErrorResponses(403, 404) },
      },
    },
    async (req) =>
      ok(
        await req.services.businesses.rename({
          userId: callerOf(req).userId,
          businessId: req.params.business_id,
          name: req.body.name,
        }),
        'Business updated',
        'UPDATED',
      ),
  );
};
