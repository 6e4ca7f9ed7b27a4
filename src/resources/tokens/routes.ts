import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { callerOf } from '../../http/access.js';
import { deleted, ok, pageParams, SECURITY } from '../../http/responses.js';
import { DeletedEnvelope, Envelope, PaginatedOf, tokenErrorResponses } from '../../http/schemas.js';
import { TokenCreatedSchema, TokenCreateSchema, TokenIdParams, TokenListQuery, TokenSchema } from './schemas.js';

const tags = ['tokens'];

/** A token's user manages their own tokens: no `x-business-id`, and never another user's. */
export const tokenRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      config: { access: 'token' },
      schema: {
        operationId: 'list_tokens_api_v1_tokens_get',
        summary: 'List my tokens',
        description: "The caller's tokens, active or not. Never a secret: only a prefix to tell them apart.",
        tags,
        security: SECURITY,
        querystring: TokenListQuery,
        response: { 200: Envelope(PaginatedOf(TokenSchema, 'TokenListResponse')), ...tokenErrorResponses() },
      },
    },
    async (req) => ok(await req.services.tokens.list(callerOf(req).userId, pageParams(req.query)), 'Tokens retrieved'),
  );

  app.post(
    '/',
    {
      // The response carries a secret, which is never stored: no Idempotency-Key here.
      config: { access: 'token', privileged: true, idempotency: 'refuse' },
      schema: {
        operationId: 'create_token_api_v1_tokens_post',
        summary: 'Create a token',
        description:
          'A new token for the caller; the response is the only time its secret is shown. It expires no later than the token that creates it. At most 10 active tokens per user: the 11th → 409.',
        tags,
        security: SECURITY,
        body: TokenCreateSchema,
        response: { 201: Envelope(TokenCreatedSchema), ...tokenErrorResponses(409) },
      },
    },
    async (req, reply) => {
      const created = await req.services.tokens.create(callerOf(req), req.body?.expires_in_days);
      return reply.code(201).send(ok(created, 'Token created', 'CREATED'));
    },
  );

  app.delete(
    '/:token_id',
    {
      config: { access: 'token', privileged: true },
      schema: {
        operationId: 'revoke_token_api_v1_tokens__token_id__delete',
        summary: 'Revoke a token',
        description:
          "Revokes one of the caller's tokens (the one making the request too); revoking it again is harmless. Another user's token → 404.",
        tags,
        security: SECURITY,
        params: TokenIdParams,
        response: { 200: DeletedEnvelope, ...tokenErrorResponses(404) },
      },
    },
    async (req) => {
      await req.services.tokens.revoke(req.params.token_id, callerOf(req).userId);
      req.services.auth.forgetToken(req.params.token_id);
      return deleted('Token revoked');
    },
  );
};
