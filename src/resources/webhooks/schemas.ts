import Type, { type Static } from 'typebox';
import { component, Id, Nullable, PageQuery, StringEnum, Timestamp } from '../../platform/schema.js';
import { Secret } from '../../platform/secret.js';
import { EVENT_TYPES } from '../events/schemas.js';

const EventFilter = Type.Array(
  StringEnum([...EVENT_TYPES, '*'] as const, { description: "An event type, or '*' for every type" }),
  { minItems: 1, maxItems: 20, uniqueItems: true, description: "Event types to receive, or ['*'] for all" },
);

/** A registered webhook endpoint (its secret is shown only when created or rotated). */
export const WebhookEndpointSchema = Type.Object(
  {
    id: Id,
    url: Type.String({ examples: ['https://example.com/webhooks/customers'] }),
    events: EventFilter,
    description: Nullable(Type.String()),
    enabled: Type.Boolean(),
    created_at: Timestamp,
  },
  component('WebhookEndpointResponse'),
);
export type WebhookEndpoint = Static<typeof WebhookEndpointSchema>;

export const WebhookEndpointWithSecretSchema = Type.Object(
  {
    ...WebhookEndpointSchema.properties,
    secret: Secret({
      description:
        'The signing secret (`whsec_…`), shown only in this response. Verify `webhook-signature` with it (Standard Webhooks).',
      examples: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
    }),
  },
  component('WebhookEndpointCreatedResponse'),
);
export type WebhookEndpointWithSecret = Static<typeof WebhookEndpointWithSecretSchema>;

const url = Type.String({
  minLength: 1,
  maxLength: 2048,
  'x-trim': true,
  description:
    'Where events are POSTed: https:// (http:// only where the operator allows it); private and loopback addresses are refused',
});
const description = Nullable(Type.String({ maxLength: 500 }));

export const WebhookEndpointCreateSchema = Type.Object(
  {
    url,
    events: EventFilter,
    description: Type.Optional(description),
    enabled: Type.Optional(Type.Boolean({ description: 'Deliver to it (default true)' })),
  },
  {
    ...component('WebhookEndpointCreateRequest'),
    examples: [{ url: 'https://example.com/webhooks/customers', events: ['customer.created', 'customer.updated'] }],
  },
);
export type WebhookEndpointInput = Static<typeof WebhookEndpointCreateSchema>;

/** The create body's fields, each optional (enabled without the create's default). */
export const WebhookEndpointUpdateSchema = Type.Partial(
  Type.Object({ ...WebhookEndpointCreateSchema.properties, enabled: Type.Boolean() }),
  { ...component('WebhookEndpointUpdateRequest'), examples: [{ enabled: false }] },
);
export type WebhookEndpointPatch = Static<typeof WebhookEndpointUpdateSchema>;

/** One attempt to deliver an event to an endpoint. */
export const WebhookAttemptSchema = Type.Object(
  {
    id: Id,
    event_id: Id,
    event_type: Type.String(),
    attempt: Type.Integer({ description: '1 for the first attempt' }),
    status_code: Nullable(Type.Integer(), { description: "The receiver's HTTP status; null when none came" }),
    error: Nullable(Type.String(), { description: 'Why no status came (timeout, refused address, connection error)' }),
    duration_ms: Type.Integer(),
    next_retry_at: Nullable(Type.String({ format: 'date-time' }), {
      description: 'When the event is tried again; null after a success or the last attempt',
    }),
    created_at: Timestamp,
  },
  component('WebhookDeliveryAttemptResponse'),
);
export type WebhookAttempt = Static<typeof WebhookAttemptSchema>;

/** A delivery scheduled by hand (a test event, a redelivery): the delivery and the event it sends. */
export const WebhookDeliveryScheduledSchema = Type.Object(
  {
    id: Id,
    event_id: Id,
  },
  component('WebhookDeliveryScheduledResponse'),
);
export type WebhookDeliveryScheduled = Static<typeof WebhookDeliveryScheduledSchema>;

/** The type of the event `POST …/test` sends (never in the feed). */
export const TEST_EVENT_TYPE = 'webhook.test';

export const WebhookEndpointListQuery = PageQuery(['created_at'] as const, {}, "Column name to sort by: 'created_at'.");
export const WebhookAttemptListQuery = PageQuery(['created_at'] as const, {}, "Column name to sort by: 'created_at'.");
export const WebhookEndpointIdParams = Type.Object({ endpoint_id: Type.String() });
export const WebhookRedeliverParams = Type.Object({ endpoint_id: Type.String(), event_id: Type.String() });
