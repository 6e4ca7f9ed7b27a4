import Type, { type Static } from 'typebox';
import { component, Id, Nullable, StringEnum, Timestamp } from '../../platform/schema.js';

export const EVENT_TYPES = [
  'customer.created',
  'customer.updated',
  'customer.deleted',
  'contact.created',
  'contact.updated',
  'contact.deleted',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const EventTypeSchema = StringEnum(EVENT_TYPES, component('EventType'));

/** A change to a customer or contact. */
const EventSchema = Type.Object(
  {
    id: Id,
    type: EventTypeSchema,
    created_at: { ...Timestamp, description: 'When the change was made (informational: the feed is in commit order)' },
    data: Type.Object(
      {
        object: Type.Object(
          {},
          {
            additionalProperties: true,
            description:
              'The customer (contacts: null) or contact as the API returns it in lists; for *.deleted its last state',
          },
        ),
      },
      { additionalProperties: false },
    ),
    previous_attributes: Nullable(Type.Object({}, { additionalProperties: true }), {
      description: 'On *.updated: the old values of the fields that changed; otherwise null',
    }),
  },
  component('EventResponse'),
);
export type Event = Static<typeof EventSchema>;

/** One page of the feed: like every list, except that `next_cursor` is never null. */
export const EventPageSchema = Type.Object(
  {
    items: Type.Array(EventSchema, { description: 'The page, oldest first' }),
    total: Nullable(Type.Integer(), { description: 'Events across all pages; null unless include_total_count=true' }),
    limit: Type.Integer(),
    next_cursor: Type.String({
      description:
        'Pass with direction=next for the events after this page. Never null: at the end of the feed it is the position to poll from',
    }),
    prev_cursor: Nullable(Type.String(), {
      description: 'Pass with direction=prev for the page before; null at the start',
    }),
    has_next: Type.Boolean(),
    has_prev: Type.Boolean(),
    has_more: Type.Boolean({ description: 'Always equal to has_next' }),
  },
  component('EventListResponse'),
);

export const EventListQuery = Type.Object({
  type: Type.Optional(
    Type.Array(EventTypeSchema, { description: 'Only these types (repeat the parameter for several)' }),
  ),
  object_id: Type.Optional(Type.String({ format: 'uuid', description: "Only this customer's or contact's events" })),
  cursor: Type.Optional(Type.String({ description: 'Cursor for pagination' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50, description: 'Pagination limit' })),
  direction: Type.Optional(
    StringEnum(['next', 'prev'] as const, { default: 'next', description: "Pagination direction: 'next' or 'prev'" }),
  ),
  include_total_count: Type.Optional(Type.Boolean({ default: false, description: 'Whether to include total count' })),
});
