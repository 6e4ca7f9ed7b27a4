import Type, { type Static, type TSchema } from 'typebox';
import { component, Email, Id, Name, Nullable, PageQuery, StringEnum, Timestamp } from '../../platform/schema.js';

/** A contact as the API returns it (DayZero's EntityContactResponse). */
export const ContactSchema = Type.Object(
  {
    id: Id,
    entity_type: StringEnum(['customer'], { description: 'Always "customer"' }),
    entity_id: Type.String({ format: 'uuid', description: "The customer's id" }),
    name: Type.String({ examples: ['Ada Lovelace'] }),
    email: Nullable(Type.String(), { examples: ['ada@example.com'] }),
    phone: Nullable(Type.String(), { examples: ['+44 20 7946 0000'] }),
    role: Nullable(Type.String(), { examples: ['Billing'] }),
    is_primary: Type.Boolean(),
    notes: Nullable(Type.String()),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  component('EntityContactResponse'),
);
export type Contact = Static<typeof ContactSchema>;

/**
 * A contact as embedded in a customer (DayZero's CustomerContactResponse): the
 * contact's own fields, with `customer_id` for its entity.
 */
const { id, ...embedded } = Type.Omit(ContactSchema, ['entity_type', 'entity_id']).properties;
export const CustomerContactSchema = Type.Object(
  { id, customer_id: Id, ...embedded },
  component('CustomerContactResponse'),
);
export type CustomerContact = Static<typeof CustomerContactSchema>;

const email = Nullable(Email);
const phone = Nullable(Type.String({ maxLength: 50, 'x-trim': true }));
const role = Nullable(Type.String({ maxLength: 100, 'x-trim': true, description: 'Free text, e.g. "Billing"' }));
const notes = Nullable(Type.String({ maxLength: 10_000 }));

/** The fields a caller sets: every field of a contact but its id, its customer and its timestamps. */
type ContactSettable = Exclude<keyof Contact, 'id' | 'entity_type' | 'entity_id' | 'created_at' | 'updated_at'>;

export const ContactCreateSchema = Type.Object(
  {
    name: Name,
    email: Type.Optional(email),
    phone: Type.Optional(phone),
    role: Type.Optional(role),
    // Left out → false. Not a schema `default`, which generated clients would make required.
    is_primary: Type.Optional(
      Type.Boolean({ description: 'Default false. Making a contact primary demotes the previous primary' }),
    ),
    notes: Type.Optional(notes),
  } satisfies Record<ContactSettable, TSchema>,
  component('EntityContactCreateRequest'),
);
export type ContactInput = Static<typeof ContactCreateSchema>;

/** The create body's fields, each optional (is_primary without the create's default). */
export const ContactUpdateSchema = Type.Partial(
  Type.Object({ ...ContactCreateSchema.properties, is_primary: Type.Boolean() }),
  { ...component('EntityContactUpdateRequest'), description: 'Partial: a field left out is unchanged; null clears it' },
);
export type ContactPatch = Static<typeof ContactUpdateSchema>;

const CONTACT_SORT_NAMES = ['created_at', 'updated_at', 'name', 'email', 'role'] as const;
export type ContactSort = (typeof CONTACT_SORT_NAMES)[number];

export const ContactListQuery = PageQuery(CONTACT_SORT_NAMES);

export const CustomerIdParams = Type.Object({ customer_id: Type.String() });
export const ContactIdParams = Type.Object({ customer_id: Type.String(), contact_id: Type.String() });
