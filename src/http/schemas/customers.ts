import Type from 'typebox';
import { CUSTOMER_STATUSES } from '../../core/customers.js';
import { Id, Nullable, Timestamp } from './common.js';

export const CustomerContact = Type.Object(
  {
    id: Id,
    customer_id: Id,
    name: Type.String(),
    email: Nullable(Type.String()),
    phone: Nullable(Type.String()),
    role: Nullable(Type.String()),
    is_primary: Type.Boolean(),
    notes: Nullable(Type.String()),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'CustomerContactResponse', title: 'CustomerContactResponse' },
);

export const Customer = Type.Object(
  {
    id: Id,
    business_id: Id,
    created_at: Timestamp,
    updated_at: Timestamp,
    name: Type.String({ examples: ['Acme Corp'] }),
    email: Type.String({ examples: ['billing@acme.example'] }),
    address: Nullable(Type.String()),
    phone: Nullable(Type.String()),
    tax_id: Nullable(Type.String()),
    website: Nullable(Type.String()),
    notes: Nullable(Type.String()),
    credit_limit_cents: Nullable(Type.Integer(), { description: 'Integer cents' }),
    default_payment_term_id: Nullable(Type.String()),
    status: Type.Enum([...CUSTOMER_STATUSES]),
    category: Nullable(Type.String()),
    is_deleted: Type.Boolean(),
    deleted_at: Nullable(Timestamp),
    stripe_customer_id: Nullable(Type.String()),
    invoice_footer: Nullable(Type.String()),
    contacts: Nullable(Type.Array(Type.Ref('CustomerContactResponse')), {
      description: 'Primary first; filled when one customer is fetched, null in lists',
    }),
  },
  { title: 'CustomerResponse' },
);

const text = (maxLength: number, trim = false) =>
  Type.Optional(Nullable(Type.String({ maxLength, ...(trim ? { 'x-trim': true } : {}) })));

export const CustomerCreate = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 255,
      'x-trim': true,
      description: '1..255 characters after trimming',
    }),
    email: Type.String({
      maxLength: 320,
      format: 'email',
      'x-trim': true,
      description: 'Unique among live customers, case-insensitively',
    }),
    address: text(1000),
    phone: text(50, true),
    tax_id: text(100, true),
    website: text(2048, true),
    notes: text(10_000),
    credit_limit_cents: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }))),
    default_payment_term_id: text(255, true),
    status: Type.Optional(Type.Enum([...CUSTOMER_STATUSES], { default: 'active' })),
    category: text(100, true),
    invoice_footer: text(10_000),
  },
  { title: 'CustomerCreate' },
);
