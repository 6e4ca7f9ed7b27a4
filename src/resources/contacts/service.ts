import type { CursorCodec } from '../../platform/cursor.js';
import { type Db, type Queryable, sqlState } from '../../platform/db/db.js';
import { ConflictError, InvalidStateError, NotFoundError } from '../../platform/errors.js';
import { isUuid, uuidv7 } from '../../platform/ids.js';
import {
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
import {
  type PatchSpec,
  patchAssignments,
  query,
  queryOne,
  queryRow,
  type Sql,
  same,
  sql,
} from '../../platform/sql.js';
import type { TenantContext } from '../../platform/tenant.js';
import { foldCase } from '../../platform/text.js';
import { changedFields, type NewEvent, recordEvents } from '../events/service.js';
import { CONTACT_JSON, type ContactRow, contactColumns, toContact } from './rows.js';
import type { Contact, ContactInput, ContactPatch, ContactSort } from './schemas.js';

const CONTACT_SORTS: Record<ContactSort, SortKey> = {
  created_at: timestampKey('created_at'),
  updated_at: timestampKey('updated_at'),
  name: textKey('name_key', false),
  email: textKey('email_key', true),
  role: textKey('role_key', true),
};

const CONTACT_COLUMNS = contactColumns('t');
const RETURNING = sql.raw(contactColumns());

/** Each updatable field and the columns it sets (sort keys move with their text). */
export const CONTACT_PATCH: PatchSpec<ContactPatch> = {
  name: { name: same, name_key: foldCase },
  email: { email: same, email_key: foldCase },
  role: { role: same, role_key: foldCase },
  phone: { phone: same },
  notes: { notes: same },
  is_primary: { is_primary: same },
};

const customerNotFound = (): never => {
  throw new NotFoundError('customer');
};

/**
 * Locks the customer row for the rest of the transaction. Every contact write
 * goes through here first, so writes to one customer's contacts (primary
 * demotion, the contact count) are serialized.
 */
async function lockLiveCustomer(tx: Queryable, ctx: TenantContext, customerId: string, countDelta = 0): Promise<void> {
  const row = await queryOne<{ is_deleted: boolean }>(
    tx,
    sql`UPDATE customers SET contact_count = contact_count + ${countDelta}
      WHERE business_id = ${ctx.businessId} AND id = ${customerId}
      RETURNING is_deleted`,
  );
  if (!row) throw new NotFoundError('customer');
  if (row.is_deleted) throw new InvalidStateError('Customer is deleted');
}

/** Demotes the customer's primary contact (but `exceptId`); its `contact.updated` event, if there was one. */
async function demotePrimary(
  tx: Queryable,
  ctx: TenantContext,
  customerId: string,
  exceptId: string | null,
): Promise<NewEvent[]> {
  const { rows } = await query<ContactRow>(
    tx,
    sql`UPDATE contacts SET is_primary = false, updated_at = now(), updated_by = coalesce(${ctx.actorEmail}, updated_by)
      WHERE business_id = ${ctx.businessId} AND customer_id = ${customerId} AND is_primary
        AND id IS DISTINCT FROM ${exceptId}::uuid
      RETURNING ${RETURNING}`,
  );
  return rows.map((row) => ({
    type: 'contact.updated',
    objectId: row.id,
    object: toContact(row),
    previous: { is_primary: true },
  }));
}

function rethrowUnique(err: unknown): never {
  // Cannot happen while writers hold the customer lock; kept so a constraint
  // violation from any other writer is a clear 409, never a 500.
  if (sqlState(err) === '23505') throw new ConflictError('Another contact is already primary for this customer');
  throw err;
}

/** A customer's contacts as a list, but how its rows become items. */
function contactList(ctx: TenantContext, customerId: string, params: PageParams) {
  if (!isUuid(customerId)) customerNotFound();
  const sortBy = params.sortBy as ContactSort;
  const business = sql.param(ctx.businessId);
  const customer = sql.param(customerId);
  return {
    owner: ctx.businessId,
    scope: `contacts:${customerId}`,
    sortBy,
    key: CONTACT_SORTS[sortBy],
    from: 'contacts t',
    where: sql`t.business_id = ${business} AND t.customer_id = ${customer}`,
    // The customer's existence, its exact contact count and the page: one statement.
    statement: (union: Sql, orderBy: (alias: string) => Sql) =>
      sql`SELECT c.contact_count AS _total, p.*
         FROM customers c
         LEFT JOIN LATERAL ${union} p ON true
        WHERE c.business_id = ${business} AND c.id = ${customer}
        ORDER BY ${orderBy('p')}`,
    onNoRows: customerNotFound,
    total: 'column' as const,
  };
}

export class ContactsService {
  constructor(
    private readonly db: Db,
    private readonly codec: CursorCodec,
    /** Who writes the list endpoint's page (see PageJson). */
    private readonly pageJson: PageJson = 'postgres',
  ) {}

  /** The list endpoint's page, written by whoever PAGE_JSON says (the page's JSON by PostgreSQL by default). */
  async page(ctx: TenantContext, customerId: string, params: PageParams): Promise<Page<Contact> | JsonPage> {
    if (this.pageJson === 'node') return await this.list(ctx, customerId, params);
    const write = this.pageJson === 'arrays' ? listPageArrays : listPageJson;
    return await write(this.db, this.codec, params, { ...contactList(ctx, customerId, params), json: CONTACT_JSON });
  }

  /** One page of a customer's contacts; not found when the customer is not this business's. */
  async list(ctx: TenantContext, customerId: string, params: PageParams): Promise<Page<Contact>> {
    return await listPage<ContactRow & KeysetRow, Contact>(this.db, this.codec, params, {
      ...contactList(ctx, customerId, params),
      columns: CONTACT_COLUMNS,
      map: toContact,
    });
  }

  async get(ctx: TenantContext, customerId: string, contactId: string): Promise<Contact> {
    if (!isUuid(customerId)) customerNotFound();
    const row = await queryOne<ContactRow & { _customer: string }>(
      this.db,
      sql`SELECT c.id AS _customer, ${sql.raw(CONTACT_COLUMNS)}
         FROM customers c
         LEFT JOIN contacts t ON t.business_id = c.business_id AND t.customer_id = c.id
                             AND t.id = ${isUuid(contactId) ? contactId : null}::uuid
        WHERE c.business_id = ${ctx.businessId} AND c.id = ${customerId}`,
    );
    if (!row) throw new NotFoundError('customer');
    if (row.id === null) throw new NotFoundError('contact');
    return toContact(row);
  }

  async create(ctx: TenantContext, customerId: string, input: ContactInput): Promise<Contact> {
    if (!isUuid(customerId)) customerNotFound();
    return await this.db.transaction(async (tx) => {
      await lockLiveCustomer(tx, ctx, customerId, 1);
      const isPrimary = input.is_primary ?? false;
      const demoted = isPrimary ? await demotePrimary(tx, ctx, customerId, null) : [];
      const email = input.email ?? null;
      const role = input.role ?? null;
      const actor = sql.param(ctx.actorEmail);
      try {
        const row = await queryRow<ContactRow>(
          tx,
          sql`INSERT INTO contacts (business_id, customer_id, id, name, name_key, email, email_key, phone, role, role_key,
                                 is_primary, notes, created_by, updated_by)
           VALUES (${ctx.businessId}, ${customerId}, ${uuidv7()}, ${input.name}, ${foldCase(input.name)},
                   ${email}, ${foldCase(email)}, ${input.phone ?? null}, ${role}, ${foldCase(role)},
                   ${isPrimary}, ${input.notes ?? null}, ${actor}, ${actor})
           RETURNING ${RETURNING}`,
        );
        const contact = toContact(row);
        await recordEvents(tx, ctx.businessId, [
          ...demoted,
          { type: 'contact.created', objectId: contact.id, object: contact, previous: null },
        ]);
        return contact;
      } catch (err) {
        rethrowUnique(err);
      }
    });
  }

  async update(ctx: TenantContext, customerId: string, contactId: string, patch: ContactPatch): Promise<Contact> {
    if (!isUuid(customerId)) customerNotFound();
    return await this.db.transaction(async (tx) => {
      await lockLiveCustomer(tx, ctx, customerId);
      if (!isUuid(contactId)) throw new NotFoundError('contact');
      const sets = patchAssignments(patch, CONTACT_PATCH);
      const which = sql`business_id = ${ctx.businessId} AND customer_id = ${customerId} AND id = ${contactId}`;
      const before = await queryOne<ContactRow>(tx, sql`SELECT ${RETURNING} FROM contacts WHERE ${which}`);
      if (!before) throw new NotFoundError('contact');
      const demoted = patch.is_primary === true ? await demotePrimary(tx, ctx, customerId, contactId) : [];
      try {
        const row =
          sets.length > 0
            ? await queryOne<ContactRow>(
                tx,
                sql`UPDATE contacts
                    SET ${sql.join(sets, ', ')}, updated_at = now(), updated_by = coalesce(${ctx.actorEmail}, updated_by)
                  WHERE ${which}
                  RETURNING ${RETURNING}`,
              )
            : await queryOne<ContactRow>(tx, sql`SELECT ${RETURNING} FROM contacts WHERE ${which}`);
        if (!row) throw new NotFoundError('contact');
        const contact = toContact(row);
        const previous = changedFields(toContact(before), contact);
        await recordEvents(tx, ctx.businessId, [
          ...demoted,
          ...(previous ? [{ type: 'contact.updated' as const, objectId: contactId, object: contact, previous }] : []),
        ]);
        return contact;
      } catch (err) {
        rethrowUnique(err);
      }
    });
  }

  async remove(ctx: TenantContext, customerId: string, contactId: string): Promise<void> {
    if (!isUuid(customerId)) customerNotFound();
    await this.db.transaction(async (tx) => {
      await lockLiveCustomer(tx, ctx, customerId);
      if (!isUuid(contactId)) throw new NotFoundError('contact');
      const gone = await queryOne<ContactRow>(
        tx,
        sql`DELETE FROM contacts WHERE business_id = ${ctx.businessId} AND customer_id = ${customerId} AND id = ${contactId}
          RETURNING ${RETURNING}`,
      );
      if (!gone) throw new NotFoundError('contact');
      await query(
        tx,
        sql`UPDATE customers SET contact_count = contact_count - 1 WHERE business_id = ${ctx.businessId} AND id = ${customerId}`,
      );
      await recordEvents(tx, ctx.businessId, [
        { type: 'contact.deleted', objectId: contactId, object: toContact(gone), previous: null },
      ]);
    });
  }
}
