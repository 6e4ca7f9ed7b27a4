import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { callerOf } from '../../http/access.js';
import { bodyDeadline, UNAUTHENTICATED_BODY } from '../../http/body-deadline.js';
import { deleted, ok, pageParams, SECURITY } from '../../http/responses.js';
import { DeletedEnvelope, Envelope, PaginatedOf, tokenErrorResponses } from '../../http/schemas.js';
import { signedIn } from '../sessions/routes.js';
import { SessionCreatedSchema } from '../sessions/schemas.js';
import {
  PasskeyCreateSchema,
  PasskeyCreationOptionsSchema,
  PasskeyIdParams,
  PasskeyListQuery,
  PasskeyRequestOptionsSchema,
  PasskeySchema,
  PasskeySignInSchema,
} from './schemas.js';
import type { RelyingParty } from './service.js';

const tags = ['passkeys'];

/**
 * The relying party a request's passkeys belong to: PUBLIC_URL's host and origin when it
 * is set (behind a proxy, the address users type), else the request's own (its `Host`,
 * and its scheme as TRUST_PROXY says).
 */
function relyingPartyOf(req: FastifyRequest, publicUrl: string | undefined): RelyingParty {
  if (publicUrl) {
    const url = new URL(publicUrl);
    return { id: url.hostname, origin: url.origin };
  }
  return { id: req.hostname, origin: `${req.protocol}://${req.host}` };
}

const ORIGIN_NOTE =
  " Passkeys belong to the host name the console is opened at (`PUBLIC_URL`, else the request's `Host`): browsers refuse them on an IP address, so open the console at `localhost` or a name.";

/** A user's own passkeys (contract §6, "Signing in again"): no `x-business-id`, never another user's. */
export const passkeyRoutes: FastifyPluginAsyncTypebox<{ publicUrl?: string | undefined }> = async (
  app,
  { publicUrl },
) => {
  app.post(
    '/options',
    {
      // A challenge is single use: a replayed answer could not be answered again. No Idempotency-Key.
      config: { access: 'token', privileged: true, idempotency: 'refuse' },
      schema: {
        operationId: 'create_passkey_options_api_v1_passkeys_options_post',
        summary: 'Options for registering a passkey',
        description: `The options for \`navigator.credentials.create()\` to make a passkey for the caller: a challenge for them alone, valid 5 minutes and single use, and the passkeys they hold already (an authenticator holding one of them says so).${ORIGIN_NOTE}`,
        tags,
        security: SECURITY,
        response: { 200: Envelope(PasskeyCreationOptionsSchema), ...tokenErrorResponses() },
      },
    },
    async (req, reply) => {
      const options = await req.services.passkeys.registrationOptions(
        callerOf(req).userId,
        relyingPartyOf(req, publicUrl),
      );
      reply.header('cache-control', 'no-store');
      return ok(options, 'Passkey options created');
    },
  );

  app.post(
    '/',
    {
      config: { access: 'token', privileged: true, idempotency: 'refuse' },
      schema: {
        operationId: 'create_passkey_api_v1_passkeys_post',
        summary: 'Register a passkey',
        description:
          "Keeps the passkey `navigator.credentials.create()` made for the options of `POST /api/v1/passkeys/options` (only its public key is stored), so its user can sign in with it later (`POST /api/v1/sessions/passkey`). A credential that does not verify — another site's, a challenge unknown, expired or used, no user verification — → 422 at `body.credential`; one registered already, or an 11th → 409.",
        tags,
        security: SECURITY,
        body: PasskeyCreateSchema,
        response: { 201: Envelope(PasskeySchema), ...tokenErrorResponses(409) },
      },
    },
    async (req, reply) => {
      const made = await req.services.passkeys.register(callerOf(req).userId, relyingPartyOf(req, publicUrl), req.body);
      return reply.code(201).send(ok(made, 'Passkey registered', 'CREATED'));
    },
  );

  app.get(
    '/',
    {
      config: { access: 'token' },
      schema: {
        operationId: 'list_passkeys_api_v1_passkeys_get',
        summary: 'List my passkeys',
        description: "The caller's passkeys, oldest first. Never a key.",
        tags,
        security: SECURITY,
        querystring: PasskeyListQuery,
        response: { 200: Envelope(PaginatedOf(PasskeySchema, 'PasskeyListResponse')), ...tokenErrorResponses() },
      },
    },
    async (req) =>
      ok(await req.services.passkeys.list(callerOf(req).userId, pageParams(req.query)), 'Passkeys retrieved'),
  );

  app.delete(
    '/:passkey_id',
    {
      config: { access: 'token', privileged: true },
      schema: {
        operationId: 'delete_passkey_api_v1_passkeys__passkey_id__delete',
        summary: 'Delete a passkey',
        description:
          "Deletes one of the caller's passkeys: it signs nobody in from now on (sessions it made go on until they end). Another user's, or one deleted already → 404.",
        tags,
        security: SECURITY,
        params: PasskeyIdParams,
        response: { 200: DeletedEnvelope, ...tokenErrorResponses(404) },
      },
    },
    async (req) => {
      await req.services.passkeys.remove(callerOf(req).userId, req.params.passkey_id);
      return deleted('Passkey deleted');
    },
  );
};

/** Signing in with a passkey (under `/api/v1/sessions`): a challenge, then its answer. */
export const passkeySignInRoutes: FastifyPluginAsyncTypebox<{
  publicUrl?: string | undefined;
  bodyDeadlineMs?: number | undefined;
}> = async (app, { publicUrl, bodyDeadlineMs }) => {
  app.post(
    '/passkey/options',
    {
      // Anyone may ask, but each answer stores a challenge: it spends the address's rate limit
      // (`optional`, unlike a `public` route), and a caller's token, if sent, must be valid.
      config: { access: 'optional', idempotency: 'refuse' },
      schema: {
        operationId: 'create_passkey_sign_in_options_api_v1_sessions_passkey_options_post',
        summary: 'Options for signing in with a passkey',
        description: `The options for \`navigator.credentials.get()\`: a challenge, valid 5 minutes and single use; no user is named (the authenticator offers the passkeys it holds for this site).${ORIGIN_NOTE}`,
        tags: ['sessions'],
        security: [{}],
        response: { 200: Envelope(PasskeyRequestOptionsSchema), ...tokenErrorResponses() },
      },
    },
    async (req, reply) => {
      const options = await req.services.passkeys.signInOptions(relyingPartyOf(req, publicUrl));
      reply.header('cache-control', 'no-store');
      return ok(options, 'Passkey options created');
    },
  );

  app.post(
    '/passkey',
    {
      // As POST /sessions: anyone may try, failures count against the address, no Idempotency-Key.
      config: { access: 'optional', idempotency: 'refuse', privileged: true },
      bodyLimit: UNAUTHENTICATED_BODY.limit,
      preParsing: bodyDeadline(bodyDeadlineMs ?? UNAUTHENTICATED_BODY.deadlineMs),
      schema: {
        operationId: 'create_passkey_session_api_v1_sessions_passkey_post',
        summary: 'Sign in with a passkey (console session)',
        description:
          "With what `navigator.credentials.get()` returned for the options of `POST /api/v1/sessions/passkey/options`: answers who signed in and sets the session cookie, exactly as `POST /api/v1/sessions` does. An unknown passkey, a challenge unknown, expired or used, a signature that does not verify or another site's → 401, saying nothing of why. Bodies past 4 KB → 413, not sent within 5 s → 408.",
        tags: ['sessions'],
        security: [{}],
        body: PasskeySignInSchema,
        response: { 201: Envelope(SessionCreatedSchema), ...tokenErrorResponses(408) },
      },
    },
    async (req, reply) => {
      const rp = relyingPartyOf(req, publicUrl);
      const made = await app.checkCredential(req, false, () => req.services.passkeys.signIn(rp, req.body));
      return signedIn(req, reply, made);
    },
  );
};
