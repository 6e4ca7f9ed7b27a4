import type { TenantContext } from './context.js';
import type { CursorCodec } from './cursor.js';
import { type Db, type Queryable, sqlState } from './db/db.js';
import { BadRequestError, ConflictError, NotFoundError } from './errors.js';
import { isUuid, uuidv7 } from './ids.js';
import {
  assemblePage,
  buildKeyset,
  type KeysetRow,
  type Page,
  type PageParams,
  readCursor,
  type SortKey,
  textKey,
  timestampKey,
} from './pagination.js';
import { sortKey, toRfc3339 } from './text.js';

/** The API's Contact (DayZero's EntityContactResponse). */
export interface Contact {
  id: string;
  entity_type: 'customer';
  entity_id: string;
  name: string;
  email: string | null;
  phone: string | null;
  role: string | null;
  is_primary: boolean;
  notes: string | null;
  created_at: string;
  updated_at: string;
}

export interface ContactInput {
  name: string;
  email?: string | null | undefined;
  phone?: string | null | undefined;
  role?: string | null | undefined;
  is_primary?: boolean | undefined;
  notes?: string | null | undefined;
}

export type ContactPatch = Partial<ContactInput>;

export interface ContactRow {
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

export const CONTACT_SORTS = {
  created_at: timestampKey('created_at'),
  updated_at: timestampKey('updated_at'),
  name: textKey('name_key', false),
  email: textKey('email_key', true),
  role: textKey('role_key', true),
} satisfies Record<string, SortKey>;
export type ContactSort = keyof typeof CONTACT_SORTS;
export const CONTACT_SORT_NAMES = Object.keys(CONTACT_SORTS) as ContactSort[];

export const CONTACT_COLUMNS =
  't.id, t.customer_id, t.name, t.email, t.phone, t.role, t.is_primary, t.notes, t.created_at, t.updated_at';
const RETURNING = CONTACT_COLUMNS.replaceAll('t.', '');

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

const CUSTOMER_NOT_FOUND = 'Customer not found';
const CONTACT_NOT_FOUND = 'Contact not found';

/**
 * Locks the customer row for the rest of the transaction. Every contact write
 * goes through here first, so writes to one customer's contacts (primary
 * demotion, the contact count) are serialized.
 */
async function lockLiveCustomer(tx: Queryable, ctx: TenantContext, customerId: string, countDelta = 0): Promise<void> {
  const { rows } = await tx.query<{ is_deleted: boolean }>(
    `UPDATE customers SET contact_count = contact_count + $3
      WHERE business_id = $1 AND id = $2
      RETURNING is_deleted`,
    [ctx.businessId, customerId, countDelta],
  );
  const row = rows[0];
  if (!row) throw new NotFoundError(CUSTOMER_NOT_FOUND);
  if (row.is_deleted) throw new BadRequestError('Customer is deleted');
}

async function demotePrimary(
  tx: Queryable,
  ctx: TenantContext,
  customerId: string,
  exceptId: string | null,
): Promise<void> {
  await tx.query(
    `UPDATE contacts SET is_primary = false, updated_at = now(), updated_by = coalesce($4, updated_by)
      WHERE business_id = $1 AND customer_id = $2 AND is_primary AND id IS DISTINCT FROM $3::uuid`,
    [ctx.businessId, customerId, exceptId, ctx.actorEmail],
  );
}

function rethrowUnique(err: unknown): never {
  // Cannot happen while writers hold the customer lock; kept so a constraint
  // violation from any other writer is a clear 409, never a 500.
  if (sqlState(err) === '23505') throw new ConflictError('Another contact is already primary for this customer');
  throw err;
}

export class ContactsService {
  constructor(
    private readonly db: Db,
    private readonly codec: CursorCodec,
  ) {}

  /** One page of a customer's contacts; 404 when the customer is not this business's. */
  async list(ctx: TenantContext, customerId: string, params: PageParams): Promise<Page<Contact>> {
    if (!isUuid(customerId)) throw new NotFoundError(CUSTOMER_NOT_FOUND);
    const key = CONTACT_SORTS[params.sortBy as ContactSort];
    if (!key) throw new Error(`sort_by ${params.sortBy} passed validation but is not a contact sort`);
    const binding = {
      businessId: ctx.businessId,
      scope: `contacts:${customerId}`,
      sortBy: params.sortBy,
      descending: params.descending,
    };
    const cursor = readCursor(this.codec, binding, params, key);
    const ks = buildKeyset({
      from: 'contacts t',
      columns: CONTACT_COLUMNS,
      where: 't.business_id = $1 AND t.customer_id = $2',
      params: [ctx.businessId, customerId],
      key,
      descending: params.descending,
      direction: params.direction,
      limit: params.limit,
      cursor,
    });
    // The customer's existence, its exact contact count and the page: one statement.
    const { rows } = await this.db.query<ContactRow & KeysetRow & { _total: number }>(
      `SELECT c.contact_count AS _total, p.*
         FROM customers c
         LEFT JOIN LATERAL ${ks.union} p ON true
        WHERE c.business_id = $1 AND c.id = $2
        ORDER BY ${ks.orderBy('p')}`,
      ks.values,
    );
    const first = rows[0];
    if (!first) throw new NotFoundError(CUSTOMER_NOT_FOUND);
    return assemblePage(rows, {
      params,
      cursor,
      codec: this.codec,
      binding,
      total: params.includeTotalCount ? first._total : null,
      map: toContact,
    });
  }

  async get(ctx: TenantContext, customerId: string, contactId: string): Promise<Contact> {
    if (!isUuid(customerId)) throw new NotFoundError(CUSTOMER_NOT_FOUND);
    const { rows } = await this.db.query<ContactRow & { _customer: string }>(
      `SELECT c.id AS _customer, ${CONTACT_COLUMNS}
         FROM customers c
         LEFT JOIN contacts t ON t.business_id = c.business_id AND t.customer_id = c.id AND t.id = $3::uuid
        WHERE c.business_id = $1 AND c.id = $2`,
      [ctx.businessId, customerId, isUuid(contactId) ? contactId : null],
    );
    const row = rows[0];
    if (!row) throw new NotFoundError(CUSTOMER_NOT_FOUND);
    if (row.id === null) throw new NotFoundError(CONTACT_NOT_FOUND);
    return toContact(row);
  }

  async create(ctx: TenantContext, customerId: string, input: ContactInput): Promise<Contact> {
    if (!isUuid(customerId)) throw new NotFoundError(CUSTOMER_NOT_FOUND);
    return await this.db.transaction(async (tx) => {
      await lockLiveCustomer(tx, ctx, customerId, 1);
      const isPrimary = input.is_primary ?? false;
      if (isPrimary) await demotePrimary(tx, ctx, customerId, null);
      const email = input.email ?? null;
      const role = input.role ?? null;
      try {
        const { rows } = await tx.query<ContactRow>(
          `INSERT INTO contacts (business_id, customer_id, id, name, name_key, email, email_key, phone, role, role_key,
                                 is_primary, notes, created_by, updated_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
           RETURNING ${RETURNING}`,
          [
            ctx.businessId,
            customerId,
            uuidv7(),
            input.name,
            sortKey(input.name),
            email,
            sortKey(email),
            input.phone ?? null,
            role,
            sortKey(role),
            isPrimary,
            input.notes ?? null,
            ctx.actorEmail,
          ],
        );
        return toContact(rows[0] as ContactRow);
      } catch (err) {
        rethrowUnique(err);
      }
    });
  }

  async update(ctx: TenantContext, customerId: string, contactId: string, patch: ContactPatch): Promise<Contact> {
    if (!isUuid(customerId)) throw new NotFoundError(CUSTOMER_NOT_FOUND);
    return await this.db.transaction(async (tx) => {
      await lockLiveCustomer(tx, ctx, customerId);
      if (!isUuid(contactId)) throw new NotFoundError(CONTACT_NOT_FOUND);
      const sets: string[] = [];
      const values: unknown[] = [ctx.businessId, customerId, contactId];
      const set = (column: string, value: unknown) => {
        values.push(value);
        sets.push(`${column} = $${values.length}`);
      };
      if (patch.name !== undefined) {
        set('name', patch.name);
        set('name_key', sortKey(patch.name));
      }
      if (patch.email !== undefined) {
        set('email', patch.email);
        set('email_key', sortKey(patch.email));
      }
      if (patch.role !== undefined) {
        set('role', patch.role);
        set('role_key', sortKey(patch.role));
      }
      if (patch.phone !== undefined) set('phone', patch.phone);
      if (patch.notes !== undefined) set('notes', patch.notes);
      if (patch.is_primary !== undefined) set('is_primary', patch.is_primary);
      if (sets.length > 0) {
        sets.push('updated_at = now()');
        values.push(ctx.actorEmail);
        sets.push(`updated_by = coalesce($${values.length}, updated_by)`);
      }
      if (patch.is_primary === true) await demotePrimary(tx, ctx, customerId, contactId);
      try {
        const { rows } =
          sets.length > 0
            ? await tx.query<ContactRow>(
                `UPDATE contacts SET ${sets.join(', ')}
                  WHERE business_id = $1 AND customer_id = $2 AND id = $3
                  RETURNING ${RETURNING}`,
                values,
              )
            : await tx.query<ContactRow>(
                `SELECT ${RETURNING} FROM contacts WHERE business_id = $1 AND customer_id = $2 AND id = $3`,
                values,
              );
        const row = rows[0];
        if (!row) throw new NotFoundError(CONTACT_NOT_FOUND);
        return toContact(row);
      } catch (err) {
        rethrowUnique(err);
      }
    });
  }

  async remove(ctx: TenantContext, customerId: string, contactId: string): Promise<void> {
    if (!isUuid(customerId)) throw new NotFoundError(CUSTOMER_NOT_FOUND);
    await this.db.transaction(async (tx) => {
      await lockLiveCustomer(tx, ctx, customerId);
      if (!isUuid(contactId)) throw new NotFoundError(CONTACT_NOT_FOUND);
      const { rowCount } = await tx.query(
        'DELETE FROM contacts WHERE business_id = $1 AND customer_id = $2 AND id = $3',
        [ctx.businessId, customerId, contactId],
      );
      if (rowCount === 0) throw new NotFoundError(CONTACT_NOT_FOUND);
      await tx.query('UPDATE customers SET contact_count = contact_count - 1 WHERE business_id = $1 AND id = $2', [
        ctx.businessId,
        customerId,
      ]);
    });
  }
}
