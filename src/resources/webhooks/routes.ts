import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { tenantOf } from '../../http/access.js';
import { deleted, ok, pageParams, SECURITY } from '../../http/responses.js';
import { AuthHeaders, DeletedEnvelope, Envelope, errorResponses, PaginatedOf } from '../../http/schemas.js';
import type { TargetPolicy } from './address.js';
import {
  WebhookAttemptListQuery,
  WebhookAttemptSchema,
  WebhookDeliveryScheduledSchema,
  WebhookEndpointCreateSchema,
  WebhookEndpointIdParams,
  WebhookEndpointListQuery,
  WebhookEndpointSchema,
  WebhookEndpointUpdateSchema,
  WebhookEndpointWithSecretSchema,
  WebhookRedeliverParams,
} from './schemas.js';

const tags = ['webhooks'];

/** How many webhook endpoints a business may have unless the operator says otherwise (WEBHOOK_MAX_ENDPOINTS). */
export const DEFAULT_MAX_ENDPOINTS = 16;

/** Webhook endpoints of the business in `x-business-id`: owners and admins only. */
export const webhookRoutes: FastifyPluginAsyncTypebox<{
  policy: TargetPolicy;
  maxEndpoints: number;
}> = async (app, { policy, maxEndpoints }) => {
  app.get(
    '/',
    {
      config: { access: 'manage' },
      schema: {
        operationId: 'list_webhook_endpoints_api_v1_webhook_endpoints_get',
        summary: 'List webhook endpoints',
        description: "The business's webhook endpoints (never their secrets).",
        tags,
        security: SECURITY,
        headers: AuthHeaders,
        querystring: WebhookEndpointListQuery,
        response: {
          200: Envelope(PaginatedOf(WebhookEndpointSchema, 'WebhookEndpointListResponse')),
          ...errorResponses(),
        },
      },
    },
    async (req) =>
      ok(
        await req.services.webhooks.list(tenantOf(req).businessId, pageParams(req.query)),
        'Webhook endpoints retrieved',
      ),
  );

  app.post(
    '/',
    {
      config: { access: 'manage', privileged: true, idempotency: 'refuse' },
      schema: {
        operationId: 'create_webhook_endpoint_api_v1_webhook_endpoints_post',
        summary: 'Create a webhook endpoint',
        description:
          'Registers a URL to receive the business\'s events (`["*"]` for all types), signed the Standard Webhooks way. The response is the only time the signing secret is shown. The URL must be https:// and resolve to public addresses only (the operator may allow http:// and private addresses); it is checked again at every delivery. A business has at most 16 endpoints unless the operator sets `WEBHOOK_MAX_ENDPOINTS`: one more → 409.',
        tags,
        security: SECURITY,
        headers: AuthHeaders,
        body: WebhookEndpointCreateSchema,
        response: { 201: Envelope(WebhookEndpointWithSecretSchema), ...errorResponses(409) },
      },
    },
    async (req, reply) => {
      const created = await req.services.webhooks.create(tenantOf(req).businessId, req.body, policy, maxEndpoints);
      return reply.code(201).send(ok(created, 'Webhook endpoint created', 'CREATED'));
    },
  );

  app.get(
    '/:endpoint_id',
    {
      config: { access: 'manage' },
      schema: {
        operationId: 'get_webhook_endpoint_api_v1_webhook_endpoints__endpoint_id__get',
        summary: 'Get a webhook endpoint',
        tags,
        security: SECURITY,
        headers: AuthHeaders,
        params: WebhookEndpointIdParams,
        response: { 200: Envelope(WebhookEndpointSchema), ...errorResponses(404) },
      },
    },
    async (req) =>
      ok(
        await req.services.webhooks.get(tenantOf(req).businessId, req.params.endpoint_id),
        'Webhook endpoint retrieved',
      ),
  );

  app.put(
    '/:endpoint_id',
    {
      config: { access: 'manage', privileged: true },
      schema: {
        operationId: 'update_webhook_endpoint_api_v1_webhook_endpoints__endpoint_id__put',
        summary: 'Update a webhook endpoint',
        description:
          'Partial update of `url`, `events`, `description` and `enabled`. A disabled endpoint gets no new deliveries; its pending ones wait until it is enabled again.',
        tags,
        security: SECURITY,
        headers: AuthHeaders,
        params: WebhookEndpointIdParams,
        body: WebhookEndpointUpdateSchema,
        response: { 200: Envelope(WebhookEndpointSchema), ...errorResponses(404) },
      },
    },
    async (req) =>
      ok(
        await req.services.webhooks.update(tenantOf(req).businessId, req.params.endpoint_id, req.body, policy),
        'Webhook endpoint updated',
        'UPDATED',
      ),
  );

  app.delete(
    '/:endpoint_id',
    {
      config: { access: 'manage', privileged: true },
      schema: {
        operationId: 'delete_webhook_endpoint_api_v1_webhook_endpoints__endpoint_id__delete',
        summary: 'Delete a webhook endpoint',
        description: 'Deletes the endpoint, its pending deliveries and its delivery log.',
        tags,
        security: SECURITY,
        headers: AuthHeaders,
        params: WebhookEndpointIdParams,
        response: { 200: DeletedEnvelope, ...errorResponses(404) },
      },
    },
    async (req) => {
      await req.services.webhooks.remove(tenantOf(req).businessId, req.params.endpoint_id);
      return deleted('Webhook endpoint deleted');
    },
  );

  app.post(
    '/:endpoint_id/rotate-secret',
    {
      config: { access: 'manage', privileged: true, idempotency: 'refuse' },
      schema: {
        operationId: 'rotate_webhook_secret_api_v1_webhook_endpoints__endpoint_id__rotate_secret_post',
        summary: 'Rotate a webhook signing secret',
        description:
          'A new signing secret, shown only in this response. For 24 hours the old one keeps signing beside it (two signatures in `webhook-signature`), so receivers can switch without losing a delivery.',
        tags,
        security: SECURITY,
        headers: AuthHeaders,
        params: WebhookEndpointIdParams,
        response: { 200: Envelope(WebhookEndpointWithSecretSchema), ...errorResponses(404) },
      },
    },
    async (req) =>
      ok(
        await req.services.webhooks.rotateSecret(tenantOf(req).businessId, req.params.endpoint_id),
        'Webhook secret rotated',
        'UPDATED',
      ),
  );

  app.post(
    '/:endpoint_id/test',
    {
      config: { access: 'manage', privileged: true },
      schema: {
        operationId: 'send_webhook_test_event_api_v1_webhook_endpoints__endpoint_id__test_post',
        summary: 'Send a test event',
        description:
          "Sends this endpoint alone one `webhook.test` event (its `data.object` is the endpoint), through the same delivery path as every event: signed, retried, in the delivery log. It is not in the feed. Answers 202 with the delivery's id and the event's. A disabled endpoint → 409.",
        tags,
        security: SECURITY,
        headers: AuthHeaders,
        params: WebhookEndpointIdParams,
        response: { 202: Envelope(WebhookDeliveryScheduledSchema), ...errorResponses(404, 409) },
      },
    },
    async (req, reply) => {
      const scheduled = await req.services.webhooks.sendTest(tenantOf(req).businessId, req.params.endpoint_id);
      return reply.code(202).send(ok(scheduled, 'Test event scheduled'));
    },
  );

  app.post(
    '/:endpoint_id/deliveries/:event_id/redeliver',
    {
      config: { access: 'manage', privileged: true },
      schema: {
        operationId:
          'redeliver_webhook_event_api_v1_webhook_endpoints__endpoint_id__deliveries__event_id__redeliver_post',
        summary: 'Redeliver an event',
        description:
          "Schedules the event again for this endpoint, now, with fresh attempts and a fresh 3-day window: an event of the feed (delivered there before or not) or a test event sent to this endpoint. Answers 202 with the delivery's id. An event past the feed's retention → 404; a disabled endpoint → 409.",
        tags,
        security: SECURITY,
        headers: AuthHeaders,
        params: WebhookRedeliverParams,
        response: { 202: Envelope(WebhookDeliveryScheduledSchema), ...errorResponses(404, 409) },
      },
    },
    async (req, reply) => {
      const scheduled = await req.services.webhooks.redeliver(
        tenantOf(req).businessId,
        req.params.endpoint_id,
        req.params.event_id,
      );
      return reply.code(202).send(ok(scheduled, 'Event scheduled for redelivery'));
    },
  );

  app.get(
    '/:endpoint_id/deliveries',
    {
      config: { access: 'manage' },
      schema: {
        operationId: 'list_webhook_deliveries_api_v1_webhook_endpoints__endpoint_id__deliveries_get',
        summary: 'List webhook delivery attempts',
        description:
          'Every attempt to deliver an event to this endpoint, newest first: the event, the attempt number, the status code or the error, the duration and when it is tried next.',
        tags,
        security: SECURITY,
        headers: AuthHeaders,
        params: WebhookEndpointIdParams,
        querystring: WebhookAttemptListQuery,
        response: {
          200: Envelope(PaginatedOf(WebhookAttemptSchema, 'WebhookDeliveryAttemptListResponse')),
          ...errorResponses(404),
        },
      },
    },
    async (req) =>
      ok(
        await req.services.webhooks.attempts(tenantOf(req).businessId, req.params.endpoint_id, pageParams(req.query)),
        'Webhook deliveries retrieved',
      ),
  );
};
