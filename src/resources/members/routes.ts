import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { callerOf, tenantOf } from '../../http/access.js';
import { deleted, ok, pageParams, SECURITY } from '../../http/responses.js';
import { AuthHeaders, DeletedEnvelope, Envelope, errorResponses, PaginatedOf } from '../../http/schemas.js';
import { RequestValidationError } from '../../http/validation.js';
import type { Role } from '../businesses/roles.js';
import { baseUrlOf } from '../invitations/routes.js';
import { apiTokenOf } from '../tokens/authenticator.js';
import {
  MemberAddedSchema,
  MemberAddSchema,
  MemberIdParams,
  MemberListQuery,
  MemberSchema,
  MemberUpdateSchema,
} from './schemas.js';
import type { Actor } from './service.js';

const tags = ['members'];

/** The caller acting on the business of `x-business-id`, with their role there. */
function actorOf(req: Parameters<typeof callerOf>[0]): Actor {
  const caller = callerOf(req);
  return { userId: caller.userId, role: caller.role as Role };
}

/** DayZero's members endpoint, plus listing, role changes and removal. */
export const memberRoutes: FastifyPluginAsyncTypebox<{ publicUrl?: string | undefined }> = async (
  app,
  { publicUrl },
) => {
  app.get(
    '/users',
    {
      config: { access: 'read' },
      schema: {
        operationId: 'list_business_users_api_v1_businesses_users_get',
        summary: 'List business users',
        description: 'The members of the business in `x-business-id`, with their roles. Any member may list them.',
        tags,
        security: SECURITY,
        headers: AuthHeaders,
        querystring: MemberListQuery,
        response: { 200: Envelope(PaginatedOf(MemberSchema, 'BusinessUserListResponse')), ...errorResponses() },
      },
    },
    async (req) =>
      ok(await req.services.members.list(tenantOf(req).businessId, pageParams(req.query)), 'Users retrieved'),
  );

  app.post(
    '/users',
    {
      // By e-mail the answer carries an invitation's secret, which is never stored: no Idempotency-Key.
      config: { access: 'manage', idempotency: 'refuse', privileged: true },
      schema: {
        operationId: 'add_business_user_api_v1_businesses_users_post',
        summary: 'Add user to business',
        description:
          'Owners and admins add a member by user id (`{"id", "role"}`, DayZero\'s form: answers the Member), or invite an e-mail (`{"email", "role"}`, our extension: answers the Invitation, as POST /api/v1/businesses/invitations does, the same whether or not the e-mail has an account; never a token). Only an owner grants `owner`. Already a member → 409.',
        tags,
        security: SECURITY,
        headers: AuthHeaders,
        body: MemberAddSchema,
        response: { 201: Envelope(MemberAddedSchema), ...errorResponses(409) },
      },
    },
    async (req, reply) => {
      const body = req.body;
      if ((body.id === undefined) === (body.email === undefined)) {
        throw new RequestValidationError([
          {
            type: 'value_error',
            loc: ['body'],
            msg: 'Value error, give either id or email, not both',
            input: body,
            ctx: { error: 'give either id or email' },
          },
        ]);
      }
      const businessId = tenantOf(req).businessId;
      if (body.email !== undefined) {
        // By e-mail: an invitation, the same answer whether or not the e-mail has an account (contract §2.1).
        const caller = callerOf(req);
        const invitation = await req.services.invitations.create({
          businessId,
          email: body.email,
          role: body.role,
          inviter: { userId: caller.userId, tokenId: apiTokenOf(caller) },
          baseUrl: baseUrlOf(app as unknown as FastifyInstance, publicUrl),
        });
        return reply.code(201).send(ok(invitation, 'Invitation created', 'CREATED'));
      }
      const added = await req.services.members.add({
        businessId,
        user: { id: body.id as string },
        role: body.role,
        actor: actorOf(req),
        ifMember: 'conflict',
        token: 'none',
      });
      req.services.auth.forgetUser(added.member.user_id);
      const data = added.member;
      return reply.code(201).send(ok(data, 'User added', 'CREATED'));
    },
  );

  app.put(
    '/users/:user_id',
    {
      config: { access: 'manage', privileged: true },
      schema: {
        operationId: 'update_business_user_api_v1_businesses_users__user_id__put',
        summary: 'Change a business user role',
        description:
          "Owners and admins change a member's role; only an owner grants or takes away `owner`, and the last owner cannot be demoted (409). Takes effect within the authentication cache's bound (`AUTH_CACHE_SECONDS`).",
        tags,
        security: SECURITY,
        headers: AuthHeaders,
        params: MemberIdParams,
        body: MemberUpdateSchema,
        response: { 200: Envelope(MemberSchema), ...errorResponses(409) },
      },
    },
    async (req) => {
      const member = await req.services.members.changeRole({
        businessId: tenantOf(req).businessId,
        userId: req.params.user_id,
        role: req.body.role,
        actor: actorOf(req),
      });
      req.services.auth.forgetUser(member.user_id);
      return ok(member, 'User updated', 'UPDATED');
    },
  );

  app.delete(
    '/users/:user_id',
    {
      // Any member may leave; removing someone else is checked in the core (owners and admins).
      config: { access: 'read', privileged: true },
      schema: {
        operationId: 'remove_business_user_api_v1_businesses_users__user_id__delete',
        summary: 'Remove user from business',
        description:
          "Owners and admins remove a member (only an owner removes an owner); anyone may remove themselves. The last owner cannot be removed (409). The member's tokens stop working for this business within the authentication cache's bound.",
        tags,
        security: SECURITY,
        headers: AuthHeaders,
        params: MemberIdParams,
        response: { 200: DeletedEnvelope, ...errorResponses(409) },
      },
    },
    async (req) => {
      const member = await req.services.members.remove({
        businessId: tenantOf(req).businessId,
        userId: req.params.user_id,
        actor: actorOf(req),
      });
      req.services.auth.forgetUser(member.user_id);
      return deleted('User removed');
    },
  );
};
