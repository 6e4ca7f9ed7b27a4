import type { TenantContext } from './context.js';
import { type Db, sqlState } from './db/db.js';
import { ConflictError, NotFoundError } from './errors.js';
import { isUuid, uuidv7 } from './ids.js';
import { sortKey, toRfc3339 } from './text.js';

export const CUSTOMER_STATUSES = ['active', 'inactive', 'blocked'] as const;
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number];

/** A contact as embedded in a Customer (DayZero's CustomerContactResponse). */
export interface CustomerContact {
  id: string;
  customer_id: string;
  name: string;
  email: string | null;
  phone: string | null;
  role: string | null;
  is_primary: boolean;
  notes: string | null;
  created_at: string;
  updated_at: string;
}

/** The API's Customer (DayZero's CustomerResponse). */
export interface Customer {
  id: string;
  business_id: string;
  created_at: string;
  updated_at: string;
  name: string;
  email: string;
  address: string | null;
  phone: string | null;
  tax_id: string | null;
  website: string | null;
  notes: string | null;
  credit_limit_cents: number | null;
  default_payment_term_id: string | null;
  status: CustomerStatus;
  category: string | null;
  is_deleted: boolean;
  deleted_at: string | null;
  stripe_customer_id: string | null;
  invoice_footer: string | null;
  contacts: CustomerContact[] | null;
}

/** Optional text fields a caller may set, in column order. */
export const CUSTOMER_TEXT_FIELDS = [
  'address',
  'phone',
  'tax_id',
  'website',
  'notes',
  'default_payment_term_id',
  'category',
  'invoice_footer',
] as const;
type TextField = (typeof CUSTOMER_TEXT_FIELDS)[number];

export type CustomerInput = {
  name: string;
  email: string;
  credit_limit_cents?: number | null | undefined;
  status?: CustomerStatus | null | undefined;
} & { [K in TextField]?: string | null | undefined };

interface CustomerRow {
  id: string;
  business_id: string;
  created_at: string;
  updated_at: string;
  name: string;
  email: string;
  address: string | null;
  phone: string | null;
  tax_id: string | null;
  website: string | null;
  notes: string | null;
  credit_limit_cents: string | null;
  default_payment_term_id: string | null;
  status: CustomerStatus;
  category: string | null;
  is_deleted: boolean;
  deleted_at: string | null;
  stripe_customer_id: string | null;
  invoice_footer: string | null;
}

interface ContactRow extends Omit<CustomerContact, 'created_at' | 'updated_at'> {
  created_at: string;
  updated_at: string;
}

const CUSTOMER_COLUMNS = `id, business_id, created_at, updated_at, name, email, address, phone, tax_id, website, notes,
  credit_limit_cents, default_payment_term_id, status, category, is_deleted, deleted_at, stripe_customer_id, invoice_footer`;

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

function toCustomerContact(r: ContactRow): CustomerContact {
  return { ...r, created_at: toRfc3339(r.created_at), updated_at: toRfc3339(r.updated_at) };
}

export const EMAIL_TAKEN = 'A customer with this email already exists';

export class CustomersService {
  constructor(private readonly db: Db) {}

  async create(ctx: TenantContext, input: CustomerInput): Promise<Customer> {
    const values: unknown[] = [
      ctx.businessId,
      uuidv7(),
      input.name,
      sortKey(input.name),
      input.email,
      sortKey(input.email),
      input.credit_limit_cents ?? null,
      input.status ?? 'active',
      ctx.actorEmail,
      ...CUSTOMER_TEXT_FIELDS.map((f) => input[f] ?? null),
    ];
    try {
      const { rows } = await this.db.query<CustomerRow>(
        `INSERT INTO customers (business_id, id, name, name_key, email, email_key, credit_limit_cents, status,
                                created_by, updated_by, ${CUSTOMER_TEXT_FIELDS.join(', ')})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, ${CUSTOMER_TEXT_FIELDS.map((_, i) => `$${i + 10}`).join(', ')})
         RETURNING ${CUSTOMER_COLUMNS}`,
        values,
      );
      return toCustomer(rows[0] as CustomerRow, []);
    } catch (err) {
      if (sqlState(err) === '23505') throw new ConflictError(EMAIL_TAKEN);
      throw err;
    }
  }

  /** A customer with its contacts, primary first; deleted customers are still returned. */
  async get(ctx: TenantContext, customerId: string): Promise<Customer> {
    if (!isUuid(customerId)) throw new NotFoundError('Customer not found');
    const [customer, contacts] = await Promise.all([
      this.db.query<CustomerRow>(`SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE business_id = $1 AND id = $2`, [
        ctx.businessId,
        customerId,
      ]),
      this.db.query<ContactRow>(
        `SELECT id, customer_id, name, email, phone, role, is_primary, notes, created_at, updated_at
           FROM contacts WHERE business_id = $1 AND customer_id = $2
          ORDER BY is_primary DESC, created_at, id`,
        [ctx.businessId, customerId],
      ),
    ]);
    const row = customer.rows[0];
    if (!row) throw new NotFoundError('Customer not found');
    return toCustomer(row, contacts.rows.map(toCustomerContact));
  }
}
