import type { AddressInfo } from 'node:net';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { callerOf, tenantOf } from '../../http/access.js';
import { bearerToken } from '../../http/auth.js';
import { bodyDeadline, UNAUTHENTICATED_BODY } from '../../http/body-deadline.js';
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
import { setSessionCookie } from '../../http/sessions.js';
import { apiTokenOf } from '../tokens/authenticator.js';
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
export const invitationRoutes: FastifyPluginAsyncTypebox<{
  publicUrl?: string | undefined;
  bodyDeadlineMs?: number | undefined;
}> = async (app, { publicUrl, bodyDeadlineMs }) => {
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
        inviter: { userId: caller.userId, tokenId: apiTokenOf(caller) },
        baseUrl: baseUrlOf(app as unknown as FastifyInstance, publicUrl),
      });
      return reply.code(201).send(ok(created, 'Invitation created', 'CREATED'));
    },
  );

  app.get(
    '/businesses/invitations',
    {
      // Pending means unexpired: the list shrinks as time passes, with no write (no ETag).
      config: { access: 'manage', conditional: false },
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
      bodyLimit: UNAUTHENTICATED_BODY.limit,
      preParsing: bodyDeadline(bodyDeadlineMs ?? UNAUTHENTICATED_BODY.deadlineMs),
      schema: {
        operationId: 'accept_invitation_api_v1_invitations_accept_post',
        summary: 'Accept an invitation',
        description:
          'With the invitation\'s secret as `link`. Without authentication and with `"as": "token"`: a NEW account is made with the invitation\'s e-mail (never an existing one), it joins the business with the role and gets an API token (30 days, shown once); without `as`, it gets a console session instead (the cookie, as POST /api/v1/sessions sets it). With `Authorization: Bearer` the membership goes to the caller\'s own account and no credential is issued (already a member → 409). A used, expired, revoked or unknown secret → 401; an inviter who may no longer grant the role → 410. Bodies past 4 KB → 413, not sent within 5 s → 408.',
        tags,
        // No token needed; one may be sent (then the membership joins the caller's account).
        security: [{}, ...SECURITY],
        body: InvitationAcceptSchema,
        response: { 201: Envelope(InvitationAcceptedSchema), ...tokenErrorResponses(408, 409, 410) },
      },
    },
    async (req: FastifyRequest<{ Body: { link: string; as?: 'token' } }>, reply) => {
      // Authentication verified the token; the core checks it again in its own transaction.
      const callerToken = req.caller ? bearerToken(req) : undefined;
      // Without a caller and without "as": "token", the new account gets a console session (cookie).
      const session =
        callerToken === undefined && req.body.as === undefined ? req.services.sessions.options : undefined;
      let accepted: Awaited<ReturnType<typeof req.services.invitations.accept>>;
      try {
        accepted = await app.checkCredential(req, false, () =>
          req.services.invitations.accept({ secret: req.body.link, callerToken, session }),
        );
      } catch (err) {
        if (err instanceof InvitationGoneError) throw new HttpError(410, err.message);
        throw err;
      }
      if (accepted.session) setSessionCookie(req, reply, accepted.session.secret, accepted.session.session.expiresAt);
      req.services.auth.forgetUser(accepted.user_id);
      const { session: _issued, ...answer } = accepted;
      return reply.code(201).send(ok(answer, 'Invitation accepted', 'CREATED'));
    },
  );
};
