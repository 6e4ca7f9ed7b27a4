import { columnList, fieldsOf } from '../../platform/fields.js';
import { jsonObjectOf } from '../../platform/json-sql.js';
import { toRfc3339 } from '../../platform/text.js';
import type { CustomerContact } from '../contacts/schemas.js';
import type { Customer } from './schemas.js';

/**
 * A customers row as selected by `customerColumns`: the customer's fields as
 * stored (a bigint as its text; timestamps as PostgreSQL writes them), without
 * its contacts.
 */
export type CustomerRow = Omit<Customer, 'contacts' | 'credit_limit_cents'> & { credit_limit_cents: string | null };

/** The columns of a CustomerRow, in the response's order (a field of the row left out does not compile). */
const CUSTOMER_FIELDS = fieldsOf<CustomerRow>()([
  'id',
  'business_id',
  'created_at',
  'updated_at',
  'name',
  'email',
  'address',
  'phone',
  'tax_id',
  'website',
  'notes',
  'credit_limit_cents',
  'default_payment_term_id',
  'status',
  'category',
  'is_deleted',
  'deleted_at',
  'stripe_customer_id',
  'invoice_footer',
]);

/** The SELECT / RETURNING list of a CustomerRow; with `alias`, each column qualified by it. */
export const customerColumns = (alias?: string): string => columnList(CUSTOMER_FIELDS, alias);

/**
 * A customer as a list shows it (`contacts: null`), written by PostgreSQL over alias `t`: the
 * same fields in the same order as toCustomer (and CustomerSchema) makes them.
 */
export const CUSTOMER_LIST_JSON = jsonObjectOf<Customer>()([
  ['id', 'uuid', 't.id'],
  ['business_id', 'uuid', 't.business_id'],
  ['created_at', 'timestamp', 't.created_at'],
  ['updated_at', 'timestamp', 't.updated_at'],
  ['name', 'string', 't.name'],
  ['email', 'string', 't.email'],
  ['address', 'string?', 't.address'],
  ['phone', 'string?', 't.phone'],
  ['tax_id', 'string?', 't.tax_id'],
  ['website', 'string?', 't.website'],
  ['notes', 'string?', 't.notes'],
  ['credit_limit_cents', 'integer?', 't.credit_limit_cents'],
  ['default_payment_term_id', 'string?', 't.default_payment_term_id'],
  ['status', 'string', 't.status'],
  ['category', 'string?', 't.category'],
  ['is_deleted', 'boolean', 't.is_deleted'],
  ['deleted_at', 'timestamp?', 't.deleted_at'],
  ['stripe_customer_id', 'string?', 't.stripe_customer_id'],
  ['invoice_footer', 'string?', 't.invoice_footer'],
  ['contacts', 'const', 'null'],
]);

/** A customer as the API returns it; its events carry it with `contacts: null`, as lists show it. */
export function toCustomer(r: CustomerRow, contacts: CustomerContact[] | null): Customer {
  return {
    id: r.id,
    business_id: r.business_id,
    created_at: toRfc3339(r.created_at),
    updated_at: toRfc3339(r.updated_at),
    name: r.name,
    email: r.email,
    address: r.address,
    phone: r.phone,
    tax_id: r.tax_id,
    website: r.website,
    notes: r.notes,
    credit_limit_cents: r.credit_limit_cents === null ? null : Number(r.credit_limit_cents),
    default_payment_term_id: r.default_payment_term_id,
    status: r.status,
    category: r.category,
    is_deleted: r.is_deleted,
    deleted_at: toRfc3339(r.deleted_at),
    stripe_customer_id: r.stripe_customer_id,
    invoice_footer: r.invoice_footer,
    contacts,
  };
}
