import type { CursorCodec } from '../../platform/cursor.js';
import { type Db, type Queryable, sqlState } from '../../platform/db/db.js';
import { ConflictError, InvalidStateError, NotFoundError } from '../../platform/errors.js';
import { fieldsOf } from '../../platform/fields.js';
import { isUuid, uuidv7 } from '../../platform/ids.js';
import {
  bigintKey,
  type KeysetRow,
  type ListSpec,
  listPage,
  type Page,
  type PageParams,
  readCursor,
  type SortKey,
  textKey,
  timestampKey,
} from '../../platform/list.js';
import {
  containsPattern,
  Params,
  type PatchSpec,
  patchAssignments,
  queryOne,
  queryRow,
  same,
} from '../../platform/sql.js';
import type { TenantContext } from '../../platform/tenant.js';
import { foldCase, searchKey } from '../../platform/text.js';
import { type ContactRow, contactColumns, toCustomerContact } from '../contacts/rows.js';
import type { CustomerContact } from '../contacts/schemas.js';
import { changedFields, type NewEvent, recordEvents } from '../events/service.js';
import { type CustomerRow, customerColumns, toCustomer } from './rows.js';
import {
  CUSTOMER_SORT_ALIASES,
  type Customer,
  type CustomerInput,
  type CustomerPatch,
  type CustomerSort,
  type CustomerStatus,
  RELEVANCE,
} from './schemas.js';

/** The create body's optional text fields (all its fields but four), in column order: one left out does not compile. */
export const CUSTOMER_TEXT_FIELDS = fieldsOf<Omit<CustomerInput, 'name' | 'email' | 'credit_limit_cents' | 'status'>>()(
  ['address', 'phone', 'tax_id', 'website', 'notes', 'default_payment_term_id', 'category', 'invoice_footer'],
);

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

export const EMAIL_TAKEN = 'A customer with this email already exists';

/** Each updatable field and the columns it sets (sort and search keys move with their text). */
const CUSTOMER_PATCH: PatchSpec<CustomerPatch> = {
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

/**
 * How many rows of the sort's index a search walks before it hands over to the
 * trigram index: the page's cost is then at most this many substring tests when
 * matches are common, or a look-up of every match when they are rare (fewer
 * than a page in this many rows). A fuzzy search (4+ characters) tests each row
 * for similarity too, ten times the cost: it walks a fortieth of this, enough
 * to find a page when most names match (near-duplicates), and otherwise leaves
 * it to the trigram index, which finds rarer matches faster than a walk.
 * Measured with `npm run bench:customers`.
 */
export const SEARCH_WINDOW = 20_000;

/** The shortest names a best-match search scores to bound its page (see bestMatches). */
const PRUNE_SAMPLE = 20_000;
/** Below this word similarity, the index finds too many names to help: no threshold. */
const PRUNE_MIN_THRESHOLD = 0.3;
/** Slack for float rounding in the bounds (scores are sums of float4 similarities). */
const PRUNE_EPSILON = 1e-5;

/**
 * A name's best-match score against the search text in `qp`: 2 for a substring
 * hit, plus its trigram similarity and its word similarity (each 0..1), as
 * float8. The one definition the page's order, its cursors and the bounds of
 * bestMatches all use.
 */
function relevanceScore(alias: string, qp: string): string {
  return `((CASE WHEN strpos(${alias}.search_key, ${qp}) > 0 THEN 2 ELSE 0 END)::float8 + similarity(${alias}.search_key, ${qp})::float8 + word_similarity(${qp}, ${alias}.search_key)::float8)`;
}

export class CustomersService {
  private readonly searchWindow: number;
  private readonly pruneRelevance: boolean;

  constructor(
    private readonly db: Db,
    private readonly codec: CursorCodec,
    opts: {
      /** Rows a search walks in the sort's order before the trigram index takes over (0: never walk). */
      searchWindow?: number;
      /** Best-match pages from the names that can make them only (false: score every match). */
      pruneRelevance?: boolean;
    } = {},
  ) {
    this.searchWindow = opts.searchWindow ?? SEARCH_WINDOW;
    this.pruneRelevance = opts.pruneRelevance ?? true;
  }

  /**
   * One page of the business's live customers; `signal` cancels the statements
   * if the reader leaves. Filters narrow the list; `search` matches names (see
   * the match below), in the sort asked for — `relevance`: best match first.
   */
  async list(
    ctx: TenantContext,
    filters: CustomerFilters,
    params: PageParams,
    signal?: AbortSignal,
  ): Promise<Page<Customer>> {
    const p = new Params([ctx.businessId]);
    const where = ['t.business_id = $1', 'NOT t.is_deleted'];
    if (filters.id !== undefined) where.push(`t.id = ${p.bind(filters.id)}::uuid`);
    if (filters.email !== undefined) where.push(`t.email_key = ${p.bind(foldCase(filters.email.trim()))}`);
    if (filters.status !== undefined) where.push(`t.status = ${p.bind(filters.status)}`);
    let q: string | undefined;
    let match: string | undefined;
    let like = '';
    let fuzzy = false;
    if (filters.search !== undefined) {
      q = searchKey(filters.search);
      like = p.bind(containsPattern(q));
      // Substring (LIKE) always; fuzzy (<%: the query is trigram-similar to a run of words in the
      // name) from four characters on — shorter fuzzy queries match nearly everything and cost a
      // scan of every name. Both conditions are served by the trigram index. The cheap LIKE is
      // tested first: most matches are substrings and skip the costlier similarity test.
      fuzzy = Array.from(q).length >= 4;
      match = fuzzy ? `(t.search_key LIKE ${like} OR ${p.bind(q)}::text <% t.search_key)` : `t.search_key LIKE ${like}`;
    }
    const sortBy = (CUSTOMER_SORT_ALIASES[params.sortBy] ?? params.sortBy) as CustomerSort | typeof RELEVANCE;
    let key: SortKey;
    const keyParams: unknown[] = [];
    let from = 'customers t';
    if (sortBy !== RELEVANCE) key = CUSTOMER_SORTS[sortBy];
    else {
      // The edges refuse this combination; reaching here is a bug.
      if (q === undefined) throw new Error('relevance order needs a search');
      keyParams.push(q);
      const qp = `$${p.values.length + 1}::text`;
      // Substring hits first (+2), then whole-name plus best-word-run trigram similarity (0..2):
      // one float8 expression, computed once per matching row (the LATERAL, kept apart by
      // OFFSET 0) and compared as it is when a cursor is read back.
      from = `customers t CROSS JOIN LATERAL (SELECT ${relevanceScore('t', qp)} AS score OFFSET 0) r`;
      key = { expr: 'r.score', cast: (v) => `${v}::float8`, nullable: false };
    }
    const base = where.join(' AND ');
    const spec: ListSpec<CustomerRow & KeysetRow, Customer> = {
      owner: ctx.businessId,
      // A cursor is bound to the filters and search text it was issued for.
      scope: `customers:${JSON.stringify([filters.id ?? null, filters.email?.trim().toLowerCase() ?? null, filters.status ?? null, q ?? null])}`,
      sortBy,
      key,
      from,
      countFrom: 'customers t',
      columns: LIST_COLUMNS,
      where: match ? `${base} AND ${match}` : base,
      params: p.values,
      keyParams,
      total: 'count',
      map: (r) => toCustomer(r, null),
      signal,
      // A search's best plan depends on its pattern (short, common, rare): planned each time.
      unprepared: match !== undefined,
      // A search in a column's order: walk that column's index first, so a common match is found
      // at once rather than every match collected and sorted; a rare one falls back to the
      // trigram index after SEARCH_WINDOW rows.
      window:
        match && sortBy !== RELEVANCE && this.searchWindow > 0
          ? { rows: fuzzy ? Math.ceil(this.searchWindow / 40) : this.searchWindow, where: base, filter: match }
          : undefined,
    };
    if (sortBy === RELEVANCE && q !== undefined && match !== undefined && this.pruneRelevance) {
      const pruned = await this.bestMatches(spec, params, { base, match, like, q, fuzzy });
      if (pruned) return pruned;
    }
    return await listPage(this.db, this.codec, params, spec);
  }

  /**
   * A best-match page without scoring every match. A name's score is 2 for a
   * substring hit, plus its similarity to the query, plus its word similarity;
   * similarity never exceeds word similarity, nor m / n (m: the query's
   * distinct trigrams, n: the name's, kept in `search_trgm_n`). So once some k
   * names (k = the page and one more) are known to score at least L, every name
   * of the page scores at least L too, which bounds its word similarity
   * (≥ (L − 2) / 2 for a substring hit, ≥ L / 2 for a fuzzy one) and, for a
   * high L, its length (n ≤ m / (L − 3), resp. m / (L − 1)). The trigram index
   * finds such names (`<%` at that threshold, in this transaction only); the
   * page is then the usual keyset page over them — the same rows, in the same
   * order, as scoring every match (test/customers-list.test.ts). L comes from
   * scoring two small samples: the shortest names with the substring, and some
   * names the index finds similar. Null when this does not apply (a page
   * backwards, worst first, or too few samples): the caller scores every match.
   */
  private async bestMatches(
    spec: ListSpec<CustomerRow & KeysetRow, Customer>,
    params: PageParams,
    s: { base: string; match: string; like: string; q: string; fuzzy: boolean },
  ): Promise<Page<Customer> | null> {
    if (!params.descending || params.direction !== 'next') return null;
    const binding = { owner: spec.owner, scope: spec.scope, sortBy: spec.sortBy, descending: params.descending };
    const cursor = readCursor(this.codec, binding, params, spec.key);
    const k = params.limit + 1;
    const values: unknown[] = [...spec.params, s.q];
    const qp = `$${values.length}::text`;
    const score = (a: string) => relevanceScore(a, qp);
    let below = (_a: string) => '';
    if (cursor) {
      values.push(cursor.value, cursor.id);
      const [cs, cid] = [`$${values.length - 1}::float8`, `$${values.length}::uuid`];
      below = (a: string) => ` AND (${score(a)}, ${a}.id) ${cursor.inclusive ? '<=' : '<'} (${cs}, ${cid})`;
    }
    values.push(k);
    const kp = `$${values.length}::int`;

    const page = await this.db.transaction(async (tx) => {
      // The samples: matches the index finds similar (at the fuzzy match's own threshold: pg_trgm's,
      // 0.6 by default) and, when there are many, substring hits among the shortest names.
      const { rows } = await tx.query<{ m: number | null; kth: number | null; fuzzy_at: string | null; nb: number }>(
        `WITH b AS MATERIALIZED (
           SELECT t.id, ${score('t')} AS score FROM customers t
            WHERE ${s.base} AND ${qp} <% t.search_key AND ${s.match}${below('t')} LIMIT ${kp} * 20),
         a AS (
           SELECT w.id, ${score('w')} AS score
             FROM (SELECT t.id, t.search_key FROM customers t WHERE ${s.base}
                    ORDER BY t.search_trgm_n LIMIT ${PRUNE_SAMPLE}) w
            WHERE w.search_key LIKE ${s.like}${below('w')} AND (SELECT count(*) FROM b) >= ${kp} * 20 LIMIT ${kp})
         SELECT array_length(show_trgm(${qp}), 1) AS m,
                current_setting('pg_trgm.word_similarity_threshold', true) AS fuzzy_at,
                (SELECT count(*)::int FROM b) AS nb,
                (SELECT x.score FROM (SELECT * FROM a UNION SELECT * FROM b) x
                  ORDER BY x.score DESC LIMIT 1 OFFSET ${kp} - 1) AS kth`,
        values,
        { unprepared: true },
      );
      const m = rows[0]?.m ?? 0;
      const kth = rows[0]?.kth;
      // Few similar matches: scoring every match is cheap, and the bound would be loose.
      if ((rows[0]?.nb ?? 0) < 20 * k) return null;
      if (kth === null || kth === undefined || m === 0) return null;
      const L = kth - PRUNE_EPSILON;
      const fuzzyAt = Number(rows[0]?.fuzzy_at ?? 0.6) || 0.6;
      const p = new Params([...spec.params, ...(spec.keyParams ?? [])]);
      let candidates: string;
      let threshold: number;
      if (L >= 2) {
        // Only substring hits can score L.
        threshold = (L - 2) / 2;
        const conds = [`t.search_key LIKE ${s.like}`];
        if (L - 3 > PRUNE_EPSILON) conds.push(`t.search_trgm_n <= ${p.bind(Math.floor(m / (L - 3) + PRUNE_EPSILON))}`);
        if (threshold > PRUNE_MIN_THRESHOLD) conds.push(`${p.bind(s.q)}::text <% t.search_key`);
        candidates = conds.join(' AND ');
      } else {
        // Every substring hit scores 2 or more; fuzzy matches that can score L. (Raising the
        // threshold above the match's own takes out only fuzzy matches that cannot.)
        if (!s.fuzzy || L <= 1 + PRUNE_EPSILON) return null;
        threshold = Math.max(fuzzyAt, L / 2);
        const length =
          L - 1 > PRUNE_EPSILON ? ` AND t.search_trgm_n <= ${p.bind(Math.floor(m / (L - 1) + PRUNE_EPSILON))}` : '';
        candidates = `(t.search_key LIKE ${s.like} OR (${p.bind(s.q)}::text <% t.search_key${length}))`;
      }
      await tx.query(`SELECT set_config('pg_trgm.word_similarity_threshold', $1, true)`, [
        String(Math.min(1, Math.max(0, threshold))),
      ]);
      const pruned: ListSpec<CustomerRow & KeysetRow, Customer> = {
        ...spec,
        // The page statement's values are the list's, then the key's: these come after both.
        where: `${spec.where} AND ${candidates}`,
        keyParams: p.values.slice(spec.params.length),
      };
      return await listPage(tx, this.codec, { ...params, includeTotalCount: false }, pruned);
    });
    if (page === null) return null;
    const total = params.includeTotalCount
      ? await this.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM customers t WHERE ${spec.where}`,
          spec.params,
          {
            signal: spec.signal,
            unprepared: true,
          },
        )
      : null;
    return { ...page, total: total ? (total.rows[0]?.n ?? 0) : null };
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
      queryOne<CustomerRow>(this.db, `SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE business_id = $1 AND id = $2`, [
        ctx.businessId,
        customerId,
      ]),
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
      const params = new Params([ctx.businessId, customerId]);
      const sets = patchAssignments(patch, CUSTOMER_PATCH, params);
      if (sets.length === 0) return toCustomer(current, await embeddedContacts(tx, ctx, customerId));
      try {
        const row = await queryRow<CustomerRow>(
          tx,
          `UPDATE customers
              SET ${sets.join(', ')}, updated_at = now(), updated_by = coalesce(${params.bind(ctx.actorEmail)}, updated_by)
            WHERE business_id = $1 AND id = $2
            RETURNING ${CUSTOMER_COLUMNS}`,
          params.values,
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
        `UPDATE customers SET is_deleted = true, deleted_at = now(), updated_at = now(), updated_by = coalesce($3, updated_by)
          WHERE business_id = $1 AND id = $2 AND NOT is_deleted
          RETURNING ${CUSTOMER_COLUMNS}`,
        [ctx.businessId, customerId, ctx.actorEmail],
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
export const MAX_EMBEDDED_CONTACTS = 1000;

/** The contacts embedded in a customer: the primary first, then the newest, at most MAX_EMBEDDED_CONTACTS. */
async function embeddedContacts(q: Queryable, ctx: TenantContext, customerId: string): Promise<CustomerContact[]> {
  // The primary (one row, by its unique index) and the newest others (by the created_at
  // index, read backwards): never a sort of all of a customer's contacts.
  const columns = contactColumns();
  const { rows } = await q.query<ContactRow>(
    `SELECT * FROM (
       (SELECT ${columns} FROM contacts WHERE business_id = $1 AND customer_id = $2 AND is_primary)
       UNION ALL
       (SELECT ${columns} FROM contacts WHERE business_id = $1 AND customer_id = $2 AND NOT is_primary
         ORDER BY created_at DESC, id DESC LIMIT $3)
     ) c
     ORDER BY is_primary DESC, created_at DESC, id DESC
     LIMIT $3`,
    [ctx.businessId, customerId, MAX_EMBEDDED_CONTACTS],
  );
  return rows.map(toCustomerContact);
}

async function lockCustomer(tx: Queryable, ctx: TenantContext, customerId: string): Promise<CustomerRow> {
  const row = await queryOne<CustomerRow>(
    tx,
    `SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE business_id = $1 AND id = $2 FOR UPDATE`,
    [ctx.businessId, customerId],
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
  const p = new Params();
  const business = p.bind(ctx.businessId);
  const actor = p.bind(ctx.actorEmail);
  // One array parameter per column, unnested into rows.
  const arrays = [
    `${p.bind(col(() => uuidv7()))}::uuid[]`,
    `${p.bind(col((i) => i.name))}::text[]`,
    `${p.bind(col((i) => foldCase(i.name)))}::text[]`,
    `${p.bind(col((i) => searchKey(i.name)))}::text[]`,
    `${p.bind(col((i) => i.email))}::text[]`,
    `${p.bind(col((i) => foldCase(i.email)))}::text[]`,
    `${p.bind(col((i) => (i.credit_limit_cents == null ? null : String(i.credit_limit_cents))))}::bigint[]`,
    `${p.bind(col((i) => i.status ?? 'active'))}::text[]`,
    ...CUSTOMER_TEXT_FIELDS.map((f) => `${p.bind(col((i) => i[f] ?? null))}::text[]`),
  ];
  try {
    const { rows } = await q.query<CustomerRow>(
      `INSERT INTO customers (business_id, created_by, updated_by, id, name, name_key, search_key, email, email_key,
                              credit_limit_cents, status, ${CUSTOMER_TEXT_FIELDS.join(', ')})
       SELECT ${business}, ${actor}, ${actor}, u.* FROM unnest(${arrays.join(', ')}) AS u
       ${opts.onConflict === 'skip' ? 'ON CONFLICT (business_id, email_key) WHERE NOT is_deleted DO NOTHING' : ''}
       RETURNING ${CUSTOMER_COLUMNS}`,
      p.values,
    );
    return rows;
  } catch (err) {
    if (sqlState(err) === '23505') throw new ConflictError(EMAIL_TAKEN);
    throw err;
  }
}
