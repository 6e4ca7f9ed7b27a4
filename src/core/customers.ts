import type { TenantContext } from './context.js';
import type { CursorCodec } from './cursor.js';
import { type Db, type Queryable, sqlState } from './db/db.js';
import { BadRequestError, ConflictError, NotFoundError } from './errors.js';
import { isUuid, uuidv7 } from './ids.js';
import {
  assemblePage,
  bigintKey,
  buildKeyset,
  type KeysetRow,
  type Page,
  type PageParams,
  readCursor,
  type SortKey,
  textKey,
  timestampKey,
} from './pagination.js';
import { searchKey, sortKey, toRfc3339 } from './text.js';

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

/** Sorts of the customers list; `amount` is DayZero's alias of `credit_limit_cents`. */
export const CUSTOMER_SORTS = {
  created_at: timestampKey('created_at'),
  updated_at: timestampKey('updated_at'),
  name: textKey('name_key', false),
  email: textKey('email_key', false),
  credit_limit_cents: bigintKey('credit_limit_cents', true),
  status: textKey('status', false),
} satisfies Record<string, SortKey>;
export type CustomerSort = keyof typeof CUSTOMER_SORTS;
export const CUSTOMER_SORT_ALIASES: Record<string, CustomerSort> = { amount: 'credit_limit_cents' };
export const CUSTOMER_SORT_NAMES = [...Object.keys(CUSTOMER_SORTS), ...Object.keys(CUSTOMER_SORT_ALIASES)];
/** The implicit sort of a search without sort_by: best matches first. */
export const RELEVANCE = 'relevance';

export interface CustomerFilters {
  id?: string | undefined;
  email?: string | undefined;
  status?: CustomerStatus | undefined;
  search?: string | undefined;
}

export type CustomerInput = {
  name: string;
  email: string;
  credit_limit_cents?: number | null | undefined;
  status?: CustomerStatus | undefined;
} & { [K in TextField]?: string | null | undefined };

export type CustomerPatch = Partial<CustomerInput>;

export interface CustomerRow {
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

export const CUSTOMER_COLUMNS = `id, business_id, created_at, updated_at, name, email, address, phone, tax_id, website, notes,
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

const NOT_FOUND = 'Customer not found';

/** LIKE pattern matching `text` anywhere, with LIKE's own metacharacters escaped. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export class CustomersService {
  constructor(
    private readonly db: Db,
    private readonly codec: CursorCodec,
  ) {}

  /**
   * One page of the business's live customers. Filters narrow the list; with
   * `search` and no explicit sort, the best matches come first: exact
   * substrings, then by trigram similarity, then id.
   */
  async list(ctx: TenantContext, filters: CustomerFilters, params: PageParams): Promise<Page<Customer>> {
    const values: unknown[] = [ctx.businessId];
    const where = ['t.business_id = $1', 'NOT t.is_deleted'];
    const bind = (v: unknown) => {
      values.push(v);
      return `$${values.length}`;
    };
    if (filters.id !== undefined) where.push(`t.id = ${bind(filters.id)}::uuid`);
    if (filters.email !== undefined) where.push(`t.email_key = ${bind(sortKey(filters.email.trim()))}`);
    if (filters.status !== undefined) where.push(`t.status = ${bind(filters.status)}`);
    let q: string | undefined;
    if (filters.search !== undefined) {
      q = searchKey(filters.search);
      const like = bind(containsPattern(q));
      // Substring (LIKE) always; fuzzy (<%: the query is trigram-similar to a run of words in the
      // name) from four characters on — shorter fuzzy queries match nearly everything and cost a
      // scan of every name. Both conditions are served by the trigram index.
      where.push(
        Array.from(q).length >= 4
          ? `(${bind(q)}::text <% t.search_key OR t.search_key LIKE ${like})`
          : `t.search_key LIKE ${like}`,
      );
    }
    const whereSql = where.join(' AND ');
    // The filters' parameters serve the count too; the page may add the query text for relevance.
    const pageValues = [...values];
    const sortBy = (CUSTOMER_SORT_ALIASES[params.sortBy] ?? params.sortBy) as CustomerSort | typeof RELEVANCE;
    let sortKeyUsed: SortKey | undefined;
    if (sortBy !== RELEVANCE) sortKeyUsed = CUSTOMER_SORTS[sortBy];
    else if (q !== undefined) {
      pageValues.push(q);
      const qp = `$${pageValues.length}::text`;
      // Substring hits first (+2), then whole-name plus best-word-run trigram similarity (0..2):
      // one float8 expression, recomputed identically when a cursor is compared.
      sortKeyUsed = {
        expr: `((CASE WHEN strpos(t.search_key, ${qp}) > 0 THEN 2 ELSE 0 END)::float8 + similarity(t.search_key, ${qp})::float8 + word_similarity(${qp}, t.search_key)::float8)`,
        cast: (p) => `${p}::float8`,
        nullable: false,
      };
    }
    if (!sortKeyUsed) throw new Error(`sort_by ${params.sortBy} is not a customer sort here`);
    const binding = {
      businessId: ctx.businessId,
      scope: `customers:${JSON.stringify([filters.id ?? null, filters.email?.trim().toLowerCase() ?? null, filters.status ?? null, q ?? null])}`,
      sortBy,
      descending: params.descending,
    };
    const cursor = readCursor(this.codec, binding, params, sortKeyUsed);
    const ks = buildKeyset({
      from: 'customers t',
      columns: CUSTOMER_COLUMNS.split(',')
        .map((c) => `t.${c.trim()}`)
        .join(', '),
      where: whereSql,
      params: pageValues,
      key: sortKeyUsed,
      descending: params.descending,
      direction: params.direction,
      limit: params.limit,
      cursor,
    });
    const [page, total] = await Promise.all([
      this.db.query<CustomerRow & KeysetRow>(`SELECT * FROM ${ks.union} p ORDER BY ${ks.orderBy('p')}`, ks.values),
      params.includeTotalCount
        ? this.db.query<{ n: string }>(`SELECT count(*) AS n FROM customers t WHERE ${whereSql}`, values)
        : null,
    ]);
    return assemblePage(page.rows, {
      params,
      cursor,
      codec: this.codec,
      binding,
      total: total ? Number(total.rows[0]?.n ?? 0) : null,
      map: (r) => toCustomer(r, null),
    });
  }

  async create(ctx: TenantContext, input: CustomerInput): Promise<Customer> {
    const [row] = await insertCustomers(this.db, ctx, [input], { onConflict: 'error' });
    return toCustomer(row as CustomerRow, []);
  }

  /** A customer with its contacts, primary first; deleted customers are still returned. */
  async get(ctx: TenantContext, customerId: string): Promise<Customer> {
    if (!isUuid(customerId)) throw new NotFoundError(NOT_FOUND);
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
    if (!row) throw new NotFoundError(NOT_FOUND);
    return toCustomer(row, contacts.rows.map(toCustomerContact));
  }

  /** Partial update: omitted fields unchanged, null clears; 400 on a deleted customer, 409 on a taken e-mail. */
  async update(ctx: TenantContext, customerId: string, patch: CustomerPatch): Promise<Customer> {
    if (!isUuid(customerId)) throw new NotFoundError(NOT_FOUND);
    return await this.db.transaction(async (tx) => {
      const current = await lockCustomer(tx, ctx, customerId);
      if (current.is_deleted) throw new BadRequestError('Customer is deleted');
      const values: unknown[] = [ctx.businessId, customerId];
      const sets: string[] = [];
      const set = (column: string, value: unknown) => {
        values.push(value);
        sets.push(`${column} = $${values.length}`);
      };
      if (patch.name !== undefined) {
        set('name', patch.name);
        set('name_key', sortKey(patch.name));
        set('search_key', searchKey(patch.name));
      }
      if (patch.email !== undefined) {
        set('email', patch.email);
        set('email_key', sortKey(patch.email));
      }
      if (patch.credit_limit_cents !== undefined) set('credit_limit_cents', patch.credit_limit_cents);
      if (patch.status !== undefined) set('status', patch.status);
      for (const f of CUSTOMER_TEXT_FIELDS) if (patch[f] !== undefined) set(f, patch[f]);
      if (sets.length === 0) return toCustomer(current, null);
      sets.push('updated_at = now()');
      values.push(ctx.actorEmail);
      sets.push(`updated_by = coalesce($${values.length}, updated_by)`);
      try {
        const { rows } = await tx.query<CustomerRow>(
          `UPDATE customers SET ${sets.join(', ')} WHERE business_id = $1 AND id = $2 RETURNING ${CUSTOMER_COLUMNS}`,
          values,
        );
        return toCustomer(rows[0] as CustomerRow, null);
      } catch (err) {
        if (sqlState(err) === '23505') throw new ConflictError(EMAIL_TAKEN);
        throw err;
      }
    });
  }

  /** Soft delete: the customer leaves lists, stays readable; a second delete is 404. */
  async remove(ctx: TenantContext, customerId: string): Promise<void> {
    if (!isUuid(customerId)) throw new NotFoundError(NOT_FOUND);
    const { rowCount } = await this.db.query(
      `UPDATE customers SET is_deleted = true, deleted_at = now(), updated_at = now(), updated_by = coalesce($3, updated_by)
        WHERE business_id = $1 AND id = $2 AND NOT is_deleted`,
      [ctx.businessId, customerId, ctx.actorEmail],
    );
    if (rowCount === 0) throw new NotFoundError(NOT_FOUND);
  }
}

async function lockCustomer(tx: Queryable, ctx: TenantContext, customerId: string): Promise<CustomerRow> {
  const { rows } = await tx.query<CustomerRow>(
    `SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE business_id = $1 AND id = $2 FOR UPDATE`,
    [ctx.businessId, customerId],
  );
  const row = rows[0];
  if (!row) throw new NotFoundError(NOT_FOUND);
  return row;
}

/**
 * Inserts customers in one statement. With `onConflict: 'skip'`, rows whose
 * e-mail is taken by a live customer are left out (the caller learns which
 * from the rows returned); with 'error', a taken e-mail is a 409.
 */
export async function insertCustomers(
  q: Queryable,
  ctx: TenantContext,
  inputs: readonly CustomerInput[],
  opts: { onConflict: 'error' | 'skip' },
): Promise<CustomerRow[]> {
  if (inputs.length === 0) return [];
  const col = <T>(f: (i: CustomerInput) => T) => inputs.map(f);
  const params: unknown[] = [
    ctx.businessId,
    ctx.actorEmail,
    col(() => uuidv7()),
    col((i) => i.name),
    col((i) => sortKey(i.name)),
    col((i) => searchKey(i.name)),
    col((i) => i.email),
    col((i) => sortKey(i.email)),
    col((i) => (i.credit_limit_cents == null ? null : String(i.credit_limit_cents))),
    col((i) => i.status ?? 'active'),
    ...CUSTOMER_TEXT_FIELDS.map((f) => col((i) => i[f] ?? null)),
  ];
  const textCols = CUSTOMER_TEXT_FIELDS.map((_f, i) => `$${i + 11}::text[]`).join(', ');
  try {
    const { rows } = await q.query<CustomerRow>(
      `INSERT INTO customers (business_id, created_by, updated_by, id, name, name_key, search_key, email, email_key,
                              credit_limit_cents, status, ${CUSTOMER_TEXT_FIELDS.join(', ')})
       SELECT $1, $2, $2, u.* FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                                         $9::bigint[], $10::text[], ${textCols}) AS u
       ${opts.onConflict === 'skip' ? 'ON CONFLICT (business_id, email_key) WHERE NOT is_deleted DO NOTHING' : ''}
       RETURNING ${CUSTOMER_COLUMNS}`,
      params,
    );
    return rows;
  } catch (err) {
    if (sqlState(err) === '23505') throw new ConflictError(EMAIL_TAKEN);
    throw err;
  }
}
