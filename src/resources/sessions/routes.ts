import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { callerOf } from '../../http/access.js';
import { bodyDeadline, UNAUTHENTICATED_BODY } from '../../http/body-deadline.js';
import { deleted, ok, SECURITY } from '../../http/responses.js';
import { DeletedEnvelope, Envelope, tokenErrorResponses } from '../../http/schemas.js';
import { clearSessionCookie, setSessionCookie } from '../../http/sessions.js';
import { RequestValidationError } from '../../http/validation.js';
import { UnauthenticatedError } from '../../platform/errors.js';
import { SessionCreatedSchema, SessionCreateSchema, SessionCurrentSchema } from './schemas.js';
import type { NewSession } from './service.js';

const tags = ['sessions'];

/** The answer of a sign-in (a token, a link, a passkey): its cookie set, who signed in (201). */
export function signedIn(req: FastifyRequest, reply: FastifyReply, made: NewSession): FastifyReply {
  setSessionCookie(req, reply, made.secret, made.session.expiresAt);
  return reply
    .code(201)
    .send(ok({ user: made.session.user, expires_at: made.session.expiresAt }, 'Signed in', 'CREATED'));
}

/** Console sessions (contract §6): sign in with a token or a sign-in link, see the session, sign out. */
export const sessionRoutes: FastifyPluginAsyncTypebox<{ bodyDeadlineMs?: number | undefined }> = async (
  app,
  { bodyDeadlineMs },
) => {
  app.post(
    '/',
    {
      // Anyone may sign in (the body is the credential); failures count against the address.
      // The answer's cookie carries the session's secret, which is never stored: no Idempotency-Key.
      config: { access: 'optional', idempotency: 'refuse', privileged: true },
      bodyLimit: UNAUTHENTICATED_BODY.limit,
      preParsing: bodyDeadline(bodyDeadlineMs ?? UNAUTHENTICATED_BODY.deadlineMs),
      schema: {
        operationId: 'create_session_api_v1_sessions_post',
        summary: 'Sign in (console session)',
        description:
          'With `{"token"}` (an API token) or `{"link"}` (a one-time sign-in link, used up here): answers who signed in and sets the session cookie (`HttpOnly`, `SameSite=Strict`; `__Host-dz_session` over HTTPS, `dz_session_<port>` over HTTP). A session ends after 12 hours without use or 7 days after sign-in, no later than its token, and when its token is revoked; a user keeps at most 20 (the oldest ends). Any invalid credential → 401, saying nothing of why. Bodies past 4 KB → 413, not sent within 5 s → 408.',
        tags,
        security: [{}],
        body: SessionCreateSchema,
        response: { 201: Envelope(SessionCreatedSchema), ...tokenErrorResponses(408) },
      },
    },
    async (req, reply) => {
      const { token, link } = req.body;
      if ((token === undefined) === (link === undefined)) {
        throw new RequestValidationError([
          {
            type: 'value_error',
            loc: ['body'],
            msg: 'Value error, send exactly one of "token" or "link"',
            input: req.body,
            ctx: { error: 'exactly one of token, link' },
          },
        ]);
      }
      const credential = token !== undefined ? { token } : { link: link as string };
      const made = await app.checkCredential(req, false, () => req.services.sessions.signIn(credential));
      return signedIn(req, reply, made);
    },
  );

  app.get(
    '/current',
    {
      // The one request the cookie authorizes alone: it answers the CSRF value.
      config: { access: 'token', cookieAlone: true },
      schema: {
        operationId: 'get_current_session_api_v1_sessions_current_get',
        summary: 'The current console session',
        description:
          "The session of the request's cookie: its user, the `csrf_token` every other request of the session must send as `x-csrf-token`, and its absolute end. The only request the cookie authorizes without that header. Without a session cookie → 401.",
        tags,
        security: SECURITY,
        response: { 200: Envelope(SessionCurrentSchema), ...tokenErrorResponses() },
      },
    },
    async (req, reply) => {
      const session = callerOf(req).session;
      if (!session) throw new UnauthenticatedError();
      reply.header('cache-control', 'no-store');
      return ok(
        { user: session.user, csrf_token: session.csrfToken, expires_at: session.expiresAt },
        'Session retrieved',
      );
    },
  );

  app.delete(
    '/current',
    {
      config: { access: 'token', privileged: true },
      schema: {
        operationId: 'delete_current_session_api_v1_sessions_current_delete',
        summary: 'Sign out',
        description:
          "Ends the request's session on the server: its cookie is refused from now on, by every instance. Needs `x-csrf-token`. Without a session cookie → 401.",
        tags,
        security: SECURITY,
        response: { 200: DeletedEnvelope, ...tokenErrorResponses() },
      },
    },
    async (req, reply) => {
      const session = callerOf(req).session;
      if (!session) throw new UnauthenticatedError();
      await req.services.sessions.end(session.id);
      clearSessionCookie(req, reply);
      return deleted('Signed out');
    },
  );
};
