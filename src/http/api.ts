import type { FastifyInstance } from 'fastify';
import { businessRoutes } from '../resources/businesses/routes.js';
import { contactRoutes } from '../resources/contacts/routes.js';
import { customerRoutes, exportLinkRoutes } from '../resources/customers/routes.js';
import { eventRoutes } from '../resources/events/routes.js';
import { invitationRoutes } from '../resources/invitations/routes.js';
import { memberRoutes } from '../resources/members/routes.js';
import { passkeyRoutes, passkeySignInRoutes } from '../resources/passkeys/routes.js';
import { sessionRoutes } from '../resources/sessions/routes.js';
import { tokenRoutes } from '../resources/tokens/routes.js';
import type { TargetPolicy } from '../resources/webhooks/address.js';
import { webhookRoutes } from '../resources/webhooks/routes.js';

export interface ApiOptions {
  /** The server's public address, for the links it hands out (invitations). */
  publicUrl?: string | undefined;
  /** How long an export link may be used, ms. */
  exportLinkTtlMs: number;
  /** How long an unauthenticated body may take to arrive, ms (signing in, accepting an invitation). */
  unauthenticatedBodyMs?: number | undefined;
  webhooks: { policy: TargetPolicy; maxEndpoints: number };
}

/**
 * The API's routes. Each resource's plugin gets only what is not a service
 * (addresses, policies): its handlers reach their services through the
 * request (`req.services`), the one way that is bound to the request's
 * transaction or replica.
 */
export async function apiRoutes(app: FastifyInstance, opts: ApiOptions): Promise<void> {
  await app.register(businessRoutes, { prefix: '/api/v1/businesses' });
  await app.register(memberRoutes, { publicUrl: opts.publicUrl, prefix: '/api/v1/businesses' });
  const bodyDeadlineMs = opts.unauthenticatedBodyMs;
  await app.register(invitationRoutes, { publicUrl: opts.publicUrl, bodyDeadlineMs, prefix: '/api/v1' });
  await app.register(sessionRoutes, { bodyDeadlineMs, prefix: '/api/v1/sessions' });
  await app.register(passkeySignInRoutes, { publicUrl: opts.publicUrl, bodyDeadlineMs, prefix: '/api/v1/sessions' });
  await app.register(tokenRoutes, { prefix: '/api/v1/tokens' });
  await app.register(passkeyRoutes, { publicUrl: opts.publicUrl, prefix: '/api/v1/passkeys' });
  await app.register(eventRoutes, { prefix: '/api/v1/events' });
  await app.register(webhookRoutes, { ...opts.webhooks, prefix: '/api/v1/webhook-endpoints' });
  await app.register(customerRoutes, {
    publicUrl: opts.publicUrl,
    exportLinkTtlMs: opts.exportLinkTtlMs,
    prefix: '/api/v1/customers',
  });
  await app.register(exportLinkRoutes, { prefix: '/api/v1' });
  await app.register(contactRoutes, { prefix: '/api/v1/customers' });
}
