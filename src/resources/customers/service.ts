import type { CursorCodec } from '../../platform/cursor.js';
import { type Db, type Queryable, sqlState } from '../../platform/db/db.js';
import { ConflictError, InvalidStateError, NotFoundError } from '../../platform/errors.js';
import { fieldsOf } from '../../platform/fields.js';
import { isUuid, uuidv7 } from '../../platform/ids.js';
import {
  bigintKey,
  type JsonPage,
  type KeysetRow,
  listPage,
  listPageArrays,
  listPageJson,
  type Page,
  type PageJson,
  type PageParams,
  type SortKey,
  textKey,
  timestampKey,
} from '../../platform/list.js';
import { type PatchSpec, patchAssignments, query, queryOne, queryRow, same, sql } from '../../platform/sql.js';
import type { TenantContext } from '../../platform/tenant.js';
import { foldCase, searchKey } from '../../platform/text.js';
import { type ContactRow, contactColumns, toCustomerContact } from '../contacts/rows.js';
import type { CustomerContact } from '../contacts/schemas.js';
import { changedFields, type NewEvent, recordEvents } from '../events/service.js';
import { CUSTOMER_CSV_COLUMNS, csvLine, guardCell } from './csv.js';
import { CUSTOMER_LIST_JSON, type CustomerRow, customerColumns, toCustomer } from './rows.js';
import {
  CUSTOMER_SORT_ALIASES,
  type Customer,
  type CustomerInput,
  type CustomerPatch,
  type CustomerSort,
  type CustomerStatus,
  RELEVANCE,
} from './schemas.js';
import { SEARCH_WINDOW, type SearchedList, type SearchSettings, searchPage } from './search.js';

/** The create body's optional text fields (all its fields but four), in column order: one left out does not compile. */
const CUSTOMER_TEXT_FIELDS = fieldsOf<Omit<CustomerInput, 'name' | 'email' | 'credit_limit_cents' | 'status'>>()([
  'address',
  'phone',
  'tax_id',
  'website',
  'notes',
  'default_payment_term_id',
  'category',
  'invoice_footer',
]);

const CUSTOMER_SORTS: Record<CustomerSort, SortKey> = {
  created_at: timestampKey('created_at'),
  updated_at: timestampKey('updated_at'),
  name: textKey('name_key', false),
  email: textKey('email_key', false),
  credit_limit_cents: bigintKey('credit_limit_cents', true),
  status: textKey('status', false),
};

export interface CustomerFilters {
  id?: string | undefined;
  email?: string | undefined;
  status?: CustomerStatus | undefined;
  search?: string | undefined;
}

const CUSTOMER_COLUMNS = customerColumns();
const LIST_COLUMNS = customerColumns('t');

const EMAIL_TAKEN = 'A customer with this email already exists';

/** Each updatable field and the columns it sets (sort and search keys move with their text). */
export const CUSTOMER_PATCH: PatchSpec<CustomerPatch> = {
  name: { name: same, name_key: foldCase, search_key: searchKey },
  email: { email: same, email_key: foldCase },
  credit_limit_cents: { credit_limit_cents: same },
  status: { status: same },
  address: { address: same },
  phone: { phone: same },
  tax_id: { tax_id: same },
  website: { website: same },
  notes: { notes: same },
  default_payment_term_id: { default_payment_term_id: same },
  category: { category: same },
  invoice_footer: { invoice_footer: same },
};

const NOT_DELETED = sql.raw('NOT t.is_deleted');

/** Rows an export reads per statement: the list's largest page. */
const EXPORT_BATCH = 1000;

/** A customer as one line of an export: the template's columns, a would-be formula guarded (see csv.ts). */
function exportLine(c: Customer): string {
  return csvLine(
    CUSTOMER_CSV_COLUMNS.map((column) => {
      const value = c[column];
      return value === null || value === undefined ? '' : guardCell(String(value));
    }),
  );
}

/** The order of a list or an export: `sort_by` (aliases allowed) and its direction. */
export interface CustomerOrder {
  sortBy: string;
  descending: boolean;
}

/** The business's customers as a list, filtered, but how its rows become items and how it is searched. */
function customerList(ctx: TenantContext, filters: CustomerFilters, params: PageParams, signal?: AbortSignal) {
  const where = [sql`t.business_id = ${ctx.businessId}`, NOT_DELETED];
  if (filters.id !== undefined) where.push(sql`t.id = ${filters.id}::uuid`);
  if (filters.email !== undefined) where.push(sql`t.email_key = ${foldCase(filters.email.trim())}`);
  if (filters.status !== undefined) where.push(sql`t.status = ${filters.status}`);
  const q = filters.search === undefined ? undefined : searchKey(filters.search);
  const sortBy = (CUSTOMER_SORT_ALIASES[params.sortBy] ?? params.sortBy) as CustomerSort | typeof RELEVANCE;
  const list = {
    owner: ctx.businessId,
    // A cursor is bound to the filters and search text it was issued for.
    scope: `customers:${JSON.stringify([filters.id ?? null, filters.email?.trim().toLowerCase() ?? null, filters.status ?? null, q ?? null])}`,
    sortBy,
    where: sql.join(where, ' AND '),
    total: 'count' as const,
    signal,
  };
  return { list, q, sortBy };
}

export class CustomersService {
  private readonly search: SearchSettings;
  private readonly pageJson: PageJson;

  constructor(
    private readonly db: Db,
    private readonly codec: CursorCodec,
    opts: {
      /** Rows a search walks in the sort's order before the trigram index takes over (0: never walk). */
      searchWindow?: number;
      /** Rows a best-match search walks per tier before the indexes take over (0: never walk). */
      relevanceWindow?: number;
      /** Who writes a page without a search (see PageJson; default PostgreSQL). */
      pageJson?: PageJson;
    } = {},
  ) {
    this.pageJson = opts.pageJson ?? 'postgres';
    this.search = {
      window: opts.searchWindow ?? SEARCH_WINDOW,
      relevanceWindow: opts.relevanceWindow ?? SEARCH_WINDOW,
    };
  }

  /**
   * One page of the business's live customers; `signal` cancels the statements
   * if the reader leaves. Filters narrow the list; `search` matches names (see
   * search.ts), in the sort asked for — `relevance`: best match first.
   */
  async list(
    ctx: TenantContext,
    filters: CustomerFilters,
    params: PageParams,
    signal?: AbortSignal,
  ): Promise<Page<Customer>> {
    const { list: base, q, sortBy } = customerList(ctx, filters, params, signal);
    const list: SearchedList<CustomerRow & KeysetRow, Customer> = {
      ...base,
      columns: LIST_COLUMNS,
      map: (r) => toCustomer(r, null),
    };
    if (q !== undefined) {
      const order = sortBy === RELEVANCE ? 'relevance' : CUSTOMER_SORTS[sortBy];
      return await searchPage(this.db, this.codec, params, list, { q, order }, this.search);
    }
    // The edges refuse this combination; reaching here is a bug.
    if (sortBy === RELEVANCE) throw new Error('relevance order needs a search');
    return await listPage(this.db, this.codec, params, { ...list, key: CUSTOMER_SORTS[sortBy], from: 'customers t' });
  }

  /**
   * The same page, without a search, its items as JSON written by PostgreSQL, or from rows read
   * as arrays with PAGE_JSON=arrays (what the list endpoint sends when there is no `search`).
   */
  async listJson(
    ctx: TenantContext,
    filters: Omit<CustomerFilters, 'search'>,
    params: PageParams,
    signal?: AbortSignal,
  ): Promise<JsonPage> {
    const { list, sortBy } = customerList(ctx, filters, params, signal);
    // The edges refuse this combination; reaching here is a bug.
    if (sortBy === RELEVANCE) throw new Error('relevance order needs a search');
    const write = this.pageJson === 'arrays' ? listPageArrays : listPageJson;
    return await write(this.db, this.codec, params, {
      ...list,
      key: CUSTOMER_SORTS[sortBy],
      from: 'customers t',
      json: CUSTOMER_LIST_JSON,
    });
  }

  /** The list endpoint's page: without a search, written by whoever PAGE_JSON says (see PageJson). */
  async page(
    ctx: TenantContext,
    filters: CustomerFilters,
    params: PageParams,
    signal?: AbortSignal,
  ): Promise<Page<Customer> | JsonPage> {
    if (filters.search === undefined && this.pageJson !== 'node') {
      return await this.listJson(ctx, filters, params, signal);
    }
    return await this.list(ctx, filters, params, signal);
  }

  /**
   * The live customers the list with these filters and order walks, as CSV
   * text (a header line, then a line per customer) in the template's columns.
   * The rows are read in keyset batches by the list itself, one page after
   * another, so memory stays the same whatever the size, and the order and
   * filters are the list's own. The first batch is read before this resolves:
   * a failure there is an ordinary error answer; a later one fails the
   * iteration (the edge then aborts the connection: never a file that looks
   * whole but is not).
   */
  async exportCsv(
    ctx: TenantContext,
    filters: CustomerFilters,
    order: CustomerOrder,
    signal?: AbortSignal,
  ): Promise<AsyncIterable<string>> {
    const batch = (cursor?: string): PageParams => ({
      cursor,
      limit: EXPORT_BATCH,
      direction: 'next',
      includeTotalCount: false,
      sortBy: order.sortBy,
      descending: order.descending,
    });
    const first = await this.list(ctx, filters, batch(), signal);
    const next = (cursor: string) => this.list(ctx, filters, batch(cursor), signal);
    return (async function* () {
      let page = first;
      yield csvLine(CUSTOMER_CSV_COLUMNS) + page.items.map(exportLine).join('');
      while (page.has_next && page.next_cursor !== null) {
        page = await next(page.next_cursor);
        if (page.items.length > 0) yield page.items.map(exportLine).join('');
      }
    })();
  }

  async create(ctx: TenantContext, input: CustomerInput): Promise<Customer> {
    return await this.db.transaction(async (tx) => {
      const [row] = await insertCustomers(tx, ctx, [input], { onConflict: 'error' });
      if (!row) throw new Error('insert returned no row');
      await recordEvents(tx, ctx.businessId, createdEvents([row]));
      return toCustomer(row, []);
    });
  }

  /** A customer with its contacts (see embeddedContacts); deleted customers are still returned. */
  async get(ctx: TenantContext, customerId: string): Promise<Customer> {
    if (!isUuid(customerId)) throw new NotFoundError('customer');
    const [row, contacts] = await Promise.all([
      queryOne<CustomerRow>(
        this.db,
        sql`SELECT ${sql.raw(CUSTOMER_COLUMNS)} FROM customers WHERE business_id = ${ctx.businessId} AND id = ${customerId}`,
      ),
      embeddedContacts(this.db, ctx, customerId),
    ]);
    if (!row) throw new NotFoundError('customer');
    return toCustomer(row, contacts);
  }

  /** Partial update: omitted fields unchanged, null clears; 400 on a deleted customer, 409 on a taken e-mail. */
  async update(ctx: TenantContext, customerId: string, patch: CustomerPatch): Promise<Customer> {
    if (!isUuid(customerId)) throw new NotFoundError('customer');
    return await this.db.transaction(async (tx) => {
      const current = await lockCustomer(tx, ctx, customerId);
      if (current.is_deleted) throw new InvalidStateError('Customer is deleted');
      const sets = patchAssignments(patch, CUSTOMER_PATCH);
      if (sets.length === 0) return toCustomer(current, await embeddedContacts(tx, ctx, customerId));
      try {
        const row = await queryRow<CustomerRow>(
          tx,
          sql`UPDATE customers
              SET ${sql.join(sets, ', ')}, updated_at = now(), updated_by = coalesce(${ctx.actorEmail}, updated_by)
            WHERE business_id = ${ctx.businessId} AND id = ${customerId}
            RETURNING ${sql.raw(CUSTOMER_COLUMNS)}`,
        );
        const customer = toCustomer(row, await embeddedContacts(tx, ctx, customerId));
        const before = toCustomer(current, null);
        const after = toCustomer(row, null);
        const previous = changedFields(before, after);
        if (previous) {
          await recordEvents(tx, ctx.businessId, [
            { type: 'customer.updated', objectId: customerId, object: after, previous },
          ]);
        }
        return customer;
      } catch (err) {
        if (sqlState(err) === '23505') throw new ConflictError(EMAIL_TAKEN);
        throw err;
      }
    });
  }

  /** Soft delete: the customer leaves lists, stays readable; a second delete is 404. */
  async remove(ctx: TenantContext, customerId: string): Promise<void> {
    if (!isUuid(customerId)) throw new NotFoundError('customer');
    await this.db.transaction(async (tx) => {
      const row = await queryOne<CustomerRow>(
        tx,
        sql`UPDATE customers
            SET is_deleted = true, deleted_at = now(), updated_at = now(), updated_by = coalesce(${ctx.actorEmail}, updated_by)
          WHERE business_id = ${ctx.businessId} AND id = ${customerId} AND NOT is_deleted
          RETURNING ${sql.raw(CUSTOMER_COLUMNS)}`,
      );
      if (!row) throw new NotFoundError('customer');
      await recordEvents(tx, ctx.businessId, [
        { type: 'customer.deleted', objectId: customerId, object: toCustomer(row, null), previous: null },
      ]);
    });
  }
}

/** One `customer.created` per new row, with the customer as lists show it. */
export function createdEvents(rows: readonly CustomerRow[]): NewEvent[] {
  return rows.map((row) => ({
    type: 'customer.created',
    objectId: row.id,
    object: toCustomer(row, null),
    previous: null,
  }));
}

/** At most this many contacts are embedded in a customer; the contacts list pages through all of them. */
const MAX_EMBEDDED_CONTACTS = 1000;

/** The contacts embedded in a customer: the primary first, then the newest, at most MAX_EMBEDDED_CONTACTS. */
async function embeddedContacts(q: Queryable, ctx: TenantContext, customerId: string): Promise<CustomerContact[]> {
  // The primary (one row, by its unique index) and the newest others (by the created_at
  // index, read backwards): never a sort of all of a customer's contacts.
  const columns = sql.raw(contactColumns());
  const which = sql`business_id = ${ctx.businessId} AND customer_id = ${customerId}`;
  const limit = sql.param(MAX_EMBEDDED_CONTACTS);
  const { rows } = await query<ContactRow>(
    q,
    sql`SELECT * FROM (
       (SELECT ${columns} FROM contacts WHERE ${which} AND is_primary)
       UNION ALL
       (SELECT ${columns} FROM contacts WHERE ${which} AND NOT is_primary
         ORDER BY created_at DESC, id DESC LIMIT ${limit})
     ) c
     ORDER BY is_primary DESC, created_at DESC, id DESC
     LIMIT ${limit}`,
  );
  return rows.map(toCustomerContact);
}

async function lockCustomer(tx: Queryable, ctx: TenantContext, customerId: string): Promise<CustomerRow> {
  const row = await queryOne<CustomerRow>(
    tx,
    sql`SELECT ${sql.raw(CUSTOMER_COLUMNS)} FROM customers WHERE business_id = ${ctx.businessId} AND id = ${customerId}
      FOR UPDATE`,
  );
  if (!row) throw new NotFoundError('customer');
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
  const actor = sql.param(ctx.actorEmail);
  // One array parameter per column, unnested into rows.
  const arrays = [
    sql`${col(() => uuidv7())}::uuid[]`,
    sql`${col((i) => i.name)}::text[]`,
    sql`${col((i) => foldCase(i.name))}::text[]`,
    sql`${col((i) => searchKey(i.name))}::text[]`,
    sql`${col((i) => i.email)}::text[]`,
    sql`${col((i) => foldCase(i.email))}::text[]`,
    sql`${col((i) => (i.credit_limit_cents == null ? null : String(i.credit_limit_cents)))}::bigint[]`,
    sql`${col((i) => i.status ?? 'active')}::text[]`,
    ...CUSTOMER_TEXT_FIELDS.map((f) => sql`${col((i) => i[f] ?? null)}::text[]`),
  ];
  try {
    const { rows } = await query<CustomerRow>(
      q,
      sql`INSERT INTO customers (business_id, created_by, updated_by, id, name, name_key, search_key, email, email_key,
                              credit_limit_cents, status, ${sql.raw(CUSTOMER_TEXT_FIELDS.join(', '))})
       SELECT ${ctx.businessId}, ${actor}, ${actor}, u.* FROM unnest(${sql.join(arrays, ', ')}) AS u
       ${sql.raw(opts.onConflict === 'skip' ? 'ON CONFLICT (business_id, email_key) WHERE NOT is_deleted DO NOTHING' : '')}
       RETURNING ${sql.raw(CUSTOMER_COLUMNS)}`,
    );
    return rows;
  } catch (err) {
    if (sqlState(err) === '23505') throw new ConflictError(EMAIL_TAKEN);
    throw err;
  }
}
