import type { AddressInfo } from 'node:net';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { callerOf, tenantOf } from '../../http/access.js';
import { bearerToken } from '../../http/auth.js';
import { HttpError } from '../../http/errors.js';
import { deleted, ok, pageParams, SECURITY } from '../../http/responses.js';
import {
  AuthHeaders,
  DeletedEnvelope,
  Envelope,
  errorResponses,
  PaginatedOf,
  tokenErrorResponses,
} from '../../http/schemas.js';
import { RequestValidationError } from '../../http/validation.js';
import {
  InvitationAcceptedSchema,
  InvitationAcceptSchema,
  InvitationCreatedSchema,
  InvitationCreateSchema,
  InvitationIdParams,
  InvitationListQuery,
  InvitationSchema,
} from './schemas.js';
import { InvitationGoneError } from './service.js';

const tags = ['members'];

/** The most an unauthenticated acceptance may send (contract §6: unauthenticated bodies). */
const ACCEPT_BODY_LIMIT = 4096;

/** Where invitation URLs point: PUBLIC_URL, else the address this server listens on. */
export function baseUrlOf(app: FastifyInstance, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl;
  const addr = app.server.address() as AddressInfo | string | null;
  if (addr && typeof addr === 'object') {
    const host = addr.address === '0.0.0.0' || addr.address === '::' ? '127.0.0.1' : addr.address;
    return `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;
  }
  return 'http://localhost';
}

/** Invitations that make or join an account (contract §2.1, §6): the one way to bring in someone by e-mail. */
export const invitationRoutes: FastifyPluginAsyncTypebox<{ publicUrl?: string | undefined }> = async (
  app,
  { publicUrl },
) => {
  app.post(
    '/businesses/invitations',
    {
      // The answer carries the invitation's secret, which is never stored: no Idempotency-Key.
      config: { access: 'manage', idempotency: 'refuse', privileged: true },
      schema: {
        operationId: 'create_invitation_api_v1_businesses_invitations_post',
        summary: 'Invite someone to the business',
        description:
          "Owners and admins invite an e-mail with a role (only an owner invites an owner). The answer is the only time the secret is shown: pass it on (or its `url`). Accepting it without signing in makes a new account; signed in, it joins the caller's own. It lasts 7 days (no longer than the token that made it), is single use, and dies if its inviter is removed, demoted below the role, or the token that made it is revoked. The answer is the same whether or not the e-mail has an account.",
        tags,
        security: SECURITY,
        headers: AuthHeaders,
        body: InvitationCreateSchema,
        response: { 201: Envelope(InvitationCreatedSchema), ...errorResponses() },
      },
    },
    async (req, reply) => {
      const caller = callerOf(req);
      const created = await req.services.invitations.create({
        businessId: tenantOf(req).businessId,
        email: req.body.email,
        role: req.body.role,
        inviter: { userId: caller.userId, tokenId: caller.tokenId },
        baseUrl: baseUrlOf(app as unknown as FastifyInstance, publicUrl),
      });
      return reply.code(201).send(ok(created, 'Invitation created', 'CREATED'));
    },
  );

  app.get(
    '/businesses/invitations',
    {
      config: { access: 'manage' },
      schema: {
        operationId: 'list_invitations_api_v1_businesses_invitations_get',
        summary: 'List pending invitations',
        description: 'The invitations of the business not yet accepted, revoked or expired (never their secrets).',
        tags,
        security: SECURITY,
        headers: AuthHeaders,
        querystring: InvitationListQuery,
        response: { 200: Envelope(PaginatedOf(InvitationSchema, 'InvitationListResponse')), ...errorResponses() },
      },
    },
    async (req) =>
      ok(await req.services.invitations.list(tenantOf(req).businessId, pageParams(req.query)), 'Invitations retrieved'),
  );

  app.delete(
    '/businesses/invitations/:invitation_id',
    {
      config: { access: 'manage', privileged: true },
      schema: {
        operationId: 'revoke_invitation_api_v1_businesses_invitations__invitation_id__delete',
        summary: 'Revoke an invitation',
        description: "Revokes a pending invitation: its secret is refused from now on. Another business's → 404.",
        tags,
        security: SECURITY,
        headers: AuthHeaders,
        params: InvitationIdParams,
        response: { 200: DeletedEnvelope, ...errorResponses() },
      },
    },
    async (req) => {
      if (!(await req.services.invitations.revoke(tenantOf(req).businessId, req.params.invitation_id))) {
        throw new HttpError(404, 'Invitation not found');
      }
      return deleted('Invitation revoked');
    },
  );

  app.post(
    '/invitations/accept',
    {
      // Anyone, and a caller may say who they are (a token sent must be valid: see Access).
      config: { access: 'optional', idempotency: 'refuse', privileged: true },
      bodyLimit: ACCEPT_BODY_LIMIT,
      schema: {
        operationId: 'accept_invitation_api_v1_invitations_accept_post',
        summary: 'Accept an invitation',
        description:
          'With the invitation\'s secret as `link`. Without authentication and with `"as": "token"`: a NEW account is made with the invitation\'s e-mail (never an existing one), it joins the business with the role and gets an API token (30 days, shown once). With `Authorization: Bearer` the membership goes to the caller\'s own account and no credential is issued (already a member → 409). A used, expired, revoked or unknown secret → 401; an inviter who may no longer grant the role → 410. Bodies past 4 KB → 413.',
        tags,
        // No token needed; one may be sent (then the membership joins the caller's account).
        security: [{}, ...SECURITY],
        body: InvitationAcceptSchema,
        response: { 201: Envelope(InvitationAcceptedSchema), ...tokenErrorResponses(409, 410) },
      },
    },
    async (req: FastifyRequest<{ Body: { link: string; as?: 'token' } }>, reply) => {
      // Authentication verified the token; the core checks it again in its own transaction.
      const callerToken = req.caller ? bearerToken(req) : undefined;
      if (callerToken === undefined && req.body.as === undefined) {
        throw new RequestValidationError([
          {
            type: 'value_error',
            loc: ['body', 'as'],
            msg: 'Value error, sessions come with the console, which this version does not have yet: send "as": "token"',
            input: null,
            ctx: { error: 'sessions are not available yet' },
          },
        ]);
      }
      let accepted: Awaited<ReturnType<typeof req.services.invitations.accept>>;
      try {
        accepted = await req.services.invitations.accept({ secret: req.body.link, callerToken });
      } catch (err) {
        if (err instanceof InvitationGoneError) throw new HttpError(410, err.message);
        throw err;
      }
      req.services.auth.forgetUser(accepted.user_id);
      return reply.code(201).send(ok(accepted, 'Invitation accepted', 'CREATED'));
    },
  );
};
