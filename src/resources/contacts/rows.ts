import { columnList, fieldsOf } from '../../platform/fields.js';
import { jsonObjectOf } from '../../platform/json-sql.js';
import { toRfc3339 } from '../../platform/text.js';
import type { Contact, CustomerContact } from './schemas.js';

/**
 * A contacts row as selected by `contactColumns`: the contact's fields as
 * stored (its customer is `customer_id`; timestamps as PostgreSQL writes them).
 */
export type ContactRow = Omit<Contact, 'entity_type' | 'entity_id'> & { customer_id: string };

/** The columns of a ContactRow, in the response's order (a field of the row left out does not compile). */
const CONTACT_FIELDS = fieldsOf<ContactRow>()([
  'id',
  'customer_id',
  'name',
  'email',
  'phone',
  'role',
  'is_primary',
  'notes',
  'created_at',
  'updated_at',
]);

/** The SELECT / RETURNING list of a ContactRow; with `alias`, each column qualified by it. */
export const contactColumns = (alias?: string): string => columnList(CONTACT_FIELDS, alias);

/**
 * A contact as the API returns it, written by PostgreSQL over alias `t`: the same fields in the
 * same order as toContact (and ContactSchema) makes them.
 */
export const CONTACT_JSON = jsonObjectOf<Contact>()([
  ['id', 'uuid', 't.id'],
  ['entity_type', 'const', '"customer"'],
  ['entity_id', 'uuid', 't.customer_id'],
  ['name', 'string', 't.name'],
  ['email', 'string?', 't.email'],
  ['phone', 'string?', 't.phone'],
  ['role', 'string?', 't.role'],
  ['is_primary', 'boolean', 't.is_primary'],
  ['notes', 'string?', 't.notes'],
  ['created_at', 'timestamp', 't.created_at'],
  ['updated_at', 'timestamp', 't.updated_at'],
]);

/** A contact as the API returns it (and as its events carry it). */
export function toContact(r: ContactRow): Contact {
  return {
    id: r.id,
    entity_type: 'customer',
    entity_id: r.customer_id,
    name: r.name,
    email: r.email,
    phone: r.phone,
    role: r.role,
    is_primary: r.is_primary,
    notes: r.notes,
    created_at: toRfc3339(r.created_at),
    updated_at: toRfc3339(r.updated_at),
  };
}

/** A contact as embedded in a customer: the same contact, its customer as `customer_id`. */
export function toCustomerContact(r: ContactRow): CustomerContact {
  const { entity_type: _type, entity_id: _id, ...contact } = toContact(r);
  return { ...contact, customer_id: r.customer_id };
}
