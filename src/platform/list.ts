import type { CursorBinding, CursorCodec, Position } from './cursor.js';
import type { Db, Queryable, QueryResult } from './db/db.js';
import { InvalidCursorError } from './errors.js';
import type { JsonObject } from './json-sql.js';
import { type Param, query, type Sql, sql } from './sql.js';

type Direction = 'next' | 'prev';

/** The pagination and sort parameters every list takes. */
export interface PageParams {
  cursor?: string | undefined;
  limit: number;
  direction: Direction;
  includeTotalCount: boolean;
  sortBy: string;
  descending: boolean;
}

/** A sortable key: its SQL expression over alias `t`, and how a cursor's value is read back as the key's type. */
export interface SortKey {
  expr: Sql;
  /** The bound cursor value as a value of the key's type, e.g. `$3::timestamptz`. */
  cast: (value: Param) => Sql;
  nullable: boolean;
  /** No two rows of a list share a value (a feed position): the key alone orders them, without the id. */
  unique?: boolean;
  /** Whether a cursor's value reads back as the key's type (default: any value issued does). */
  accepts?: (value: string) => boolean;
}

export const timestampKey = (column: string): SortKey => ({
  expr: sql.raw(`t.${column}`),
  cast: (p) => sql`${p}::timestamptz`,
  nullable: false,
});
/** A text key column declared `COLLATE "C"`: code-point order. */
export const textKey = (column: string, nullable: boolean): SortKey => ({
  expr: sql.raw(`t.${column}`),
  cast: (p) => sql`(${p}::text COLLATE "C")`,
  nullable,
});
export const bigintKey = (column: string, nullable: boolean): SortKey => ({
  expr: sql.raw(`t.${column}`),
  cast: (p) => sql`${p}::bigint`,
  nullable,
});

export interface Page<T> {
  items: T[];
  total: number | null;
  limit: number;
  next_cursor: string | null;
  prev_cursor: string | null;
  has_next: boolean;
  has_prev: boolean;
  /** Always equal to has_next: DayZero's pagination guide loops on it. */
  has_more: boolean;
}

/** Columns every row of a keyset query carries besides the resource's own. */
export interface KeysetRow {
  /** Which seek the row answers (PAGE or PROBE); any other value (NULL) is not part of the page. */
  _tag: number | null;
  _cursor: string | null;
  id: string;
}

/** The tags of a keyset query's two seeks: the page, and the one-row probe the other way. */
export const PAGE = 0;
export const PROBE = 1;

/**
 * One branch of a keyset union: one index range scan of one seek over one
 * segment of the order (non-NULL keys, or NULL keys).
 */
interface KeysetBranch {
  tag: typeof PAGE | typeof PROBE;
  segment: 0 | 1;
  /** The branch's conditions beyond the list's own (segment, position): empty or ` AND …`. */
  seek: Sql;
  /** ORDER BY terms over `t`, in the seek's direction. */
  order: Sql;
  dir: 'ASC' | 'DESC';
  /** How many rows the branch returns at most. */
  limit: Sql;
}

/** Makes one branch's SELECT (parenthesized); its output has the columns of `plainBranch`'s. */
export type BranchBuilder = (branch: KeysetBranch, spec: KeysetSpec) => Sql;

export interface KeysetSpec {
  /** Table with alias `t`, e.g. `contacts t`. */
  from: Sql;
  /** Columns of `t` to return (must include `t.id`). */
  columns: Sql;
  /** Conditions on `t`. */
  where: Sql;
  key: SortKey;
  descending: boolean;
  direction: Direction;
  limit: number;
  cursor: Position | null;
  /** How each branch is made (default: plainBranch). */
  branch?: BranchBuilder | undefined;
}

export interface KeysetSql {
  /** A parenthesized UNION ALL of ordered, limited branches; select from it with an alias. */
  union: Sql;
  /** ORDER BY terms for the union's output, given its alias. */
  orderBy: (alias: string) => Sql;
}

/** The usual branch: the seek's rows in index order, as many as it may return. */
const plainBranch: BranchBuilder = (b, spec) => {
  const k = spec.key.expr;
  return sql`(SELECT ${sql.raw(`${b.tag} AS _tag, ${b.segment} AS _seg`)}, ${k}::text AS _cursor, ${k} AS _key, ${spec.columns} FROM ${spec.from} WHERE ${spec.where}${b.seek} ORDER BY ${b.order} LIMIT ${b.limit})`;
};

const ONE = sql.raw('1');
const IS_NULL = sql.raw(' IS NULL');
const IS_NOT_NULL = sql.raw(' IS NOT NULL');

/**
 * Builds the keyset query for one page. The list's order is `key` then `id`,
 * both descending or both ascending, NULL keys last in both directions. That
 * order is two segments — non-NULL keys by (key, id), then NULL keys by id —
 * so every seek is at most two index range scans joined by UNION ALL. A unique
 * key orders by itself alone.
 *
 * The page fetches limit + 1 rows in the direction of travel (the extra row
 * answers "is there more this way"); with a cursor, a second one-row probe in
 * the opposite direction answers "is there anything the other way". Both are
 * one statement: no count, and no cost that grows with depth.
 */
export function buildKeyset(spec: KeysetSpec): KeysetSql {
  const { key } = spec;
  const k = key.expr;
  const makeBranch = spec.branch ?? plainBranch;
  const branches: Sql[] = [];
  // Bound, not spliced: one SQL text (one prepared statement) serves every page size.
  const pageLimit = sql`${spec.limit + 1}`;
  // The cursor's values, bound once for both seeks.
  const at = spec.cursor;
  const value = at?.value == null ? null : key.cast(sql.param(at.value));
  const id = at ? sql`${sql.param(at.id)}::uuid` : null;
  const seek = (forward: boolean, inclusive: boolean, limit: Sql, tag: typeof PAGE | typeof PROBE) => {
    const asc = forward !== spec.descending;
    const dir = asc ? 'ASC' : 'DESC';
    const cmp = sql.raw(asc ? (inclusive ? ' >= ' : ' > ') : inclusive ? ' <= ' : ' < ');
    const branch = (segment: 0 | 1, cond: Sql) => {
      // A key that cannot be NULL has one segment: no per-row test for it.
      const segmentCond =
        segment === 0 ? (key.nullable ? sql` AND ${k}${IS_NOT_NULL}` : sql.empty) : sql` AND ${k}${IS_NULL}`;
      const order =
        segment === 1
          ? sql.raw(`t.id ${dir}`)
          : key.unique
            ? sql`${k} ${sql.raw(dir)}`
            : sql`${k} ${sql.raw(dir)}, ${sql.raw(`t.id ${dir}`)}`;
      branches.push(makeBranch({ tag, segment, seek: sql`${segmentCond}${cond}`, order, dir, limit }, spec));
    };
    // Branch order is irrelevant: the caller's ORDER BY (below) orders the union.
    if (at === null) {
      branch(0, sql.empty);
      if (key.nullable) branch(1, sql.empty);
    } else if (value !== null) {
      branch(0, key.unique ? sql` AND ${k}${cmp}${value}` : sql` AND (${k}, t.id)${cmp}(${value}, ${id})`);
      if (forward && key.nullable) branch(1, sql.empty);
    } else {
      branch(1, sql` AND t.id${cmp}${id}`);
      if (!forward) branch(0, sql.empty);
    }
  };

  const forward = spec.direction === 'next';
  seek(forward, at?.inclusive ?? false, pageLimit, PAGE);
  if (at) seek(!forward, !at.inclusive, ONE, PROBE);

  const pageAsc = forward !== spec.descending;
  const dir = pageAsc ? 'ASC' : 'DESC';
  const segDir = forward ? 'ASC' : 'DESC';
  return {
    union: sql`(${sql.join(branches, ' UNION ALL ')})`,
    orderBy: (a) => sql.raw(`${a}._tag, ${a}._seg ${segDir}, ${a}._key ${dir}, ${a}.id ${dir}`),
  };
}

/**
 * Decodes the request's cursor before any query runs. A cursor in the NULL
 * segment of a column that cannot be NULL is forged.
 */
export function readCursor(
  codec: CursorCodec,
  binding: CursorBinding,
  params: PageParams,
  key: SortKey,
): Position | null {
  if (params.cursor === undefined) return null;
  const pos = codec.decode(binding, params.cursor);
  if (pos === 'sort_mismatch' || pos === 'malformed') throw new InvalidCursorError(pos, params.cursor);
  if (pos.value === null ? !key.nullable : key.accepts && !key.accepts(pos.value)) {
    throw new InvalidCursorError('malformed', params.cursor);
  }
  return pos;
}

/** Turns the rows of a keyset query into a page: order, flags and the two cursors. */
export function assemblePage<R extends KeysetRow, T>(
  rows: readonly R[],
  opts: {
    params: PageParams;
    cursor: Position | null;
    codec: CursorCodec;
    binding: CursorBinding;
    total: number | null;
    map: (row: R) => T;
    /** See ListSpec.origin. */
    origin?: Position | undefined;
  },
): Page<T> {
  const { params } = opts;
  const pageRows: R[] = [];
  let probed = false;
  for (const row of rows) {
    if (row._tag === PAGE) pageRows.push(row);
    else if (row._tag === PROBE) probed = true;
  }
  const more = pageRows.length > params.limit;
  if (more) pageRows.length = params.limit;
  if (params.direction !== 'next') pageRows.reverse();
  const at = (row: R | undefined): Position | null =>
    row ? { value: row._cursor, id: row.id, inclusive: false } : null;
  return {
    items: pageRows.map(opts.map),
    ...pageEdges({ ...opts, more, probed, first: at(pageRows[0]), last: at(pageRows[pageRows.length - 1]) }),
  };
}

/** Everything of a page but its items. */
type PageEdges = Omit<Page<never>, 'items'>;

/**
 * The flags and cursors of a page from what its keyset query found: whether the page's seek
 * found more than `limit` rows, whether the probe found one, and the positions of the page's
 * first and last items (in the response's order; null for an empty page).
 */
function pageEdges(opts: {
  params: PageParams;
  cursor: Position | null;
  codec: CursorCodec;
  binding: CursorBinding;
  total: number | null;
  origin?: Position | undefined;
  more: boolean;
  probed: boolean;
  first: Position | null;
  last: Position | null;
}): PageEdges {
  const { params, cursor, codec, binding, more, probed, first, last } = opts;
  const forward = params.direction === 'next';
  const hasNext = forward ? more : cursor !== null && probed;
  const hasPrev = forward ? cursor !== null && probed : more;
  // An empty page next to a cursor: the far side starts at the cursor itself,
  // including its row when the request excluded it.
  const flip = (pos: Position): Position => ({ ...pos, inclusive: !pos.inclusive });
  let next: Position | null = null;
  let prev: Position | null = null;
  if (hasNext) next = last ?? (cursor && flip(cursor));
  else if (opts.origin) {
    // A feed's end: continue after what the page read, or from where it was asked (the far side
    // of an empty page backwards), or from the beginning.
    next = last ?? (cursor ? (forward ? cursor : flip(cursor)) : opts.origin);
  }
  if (hasPrev) prev = first ?? (cursor && flip(cursor));
  return {
    total: opts.total,
    limit: params.limit,
    next_cursor: next && codec.encode(binding, next),
    prev_cursor: prev && codec.encode(binding, prev),
    has_next: hasNext,
    has_prev: hasPrev,
    has_more: hasNext,
  };
}

/** One list: where its rows come from, how they are ordered, and how a row becomes an item. */
export interface ListSpec<R, T> {
  /** What cursors of this list are bound to besides the sort: whose list (a business id…) and its scope. */
  owner: string;
  scope: string;
  /** The sort's name (bound into cursors) and its key. */
  sortBy: string;
  key: SortKey;
  /** Table with alias `t`, e.g. `contacts t`. */
  from: string | Sql;
  /** What the total counts over with `where` when `from` adds what only the page needs (default `from`). */
  countFrom?: string | Sql;
  /** Columns of `t` to return (must include `t.id`). */
  columns: string;
  /** Conditions on `t`; the same conditions count the total. */
  where: Sql;
  /**
   * How the page statement is made from the keyset union and its ORDER BY terms
   * (default: `SELECT * FROM union p ORDER BY …`). A list under a parent joins
   * the parent here, so "no such parent" and the page are one statement: it
   * must then return no row at all when the parent is missing, and its rows
   * carry the parent's total in `_total`.
   */
  statement?: (union: Sql, orderBy: (alias: string) => Sql) => Sql;
  /** Called when the statement returned no row at all (with `statement`: the parent is missing). */
  onNoRows?: () => never;
  /** Where the total comes from with include_total_count: a count of `where`, or the `_total` column. */
  total: 'count' | 'column';
  map: (row: R) => T;
  /** Aborted when the reader has gone: the statements are cancelled (PostgreSQL). */
  signal?: AbortSignal | undefined;
  /**
   * A cheaper shape of the page's statement to try first (each branch made by
   * `branch`); when `conclusive` says its rows do not decide the page, the
   * usual statement runs.
   */
  attempt?: { branch: BranchBuilder; conclusive: (rows: readonly R[], limit: number) => boolean } | undefined;
  /**
   * A feed that grows at its end: `next_cursor` is never null — at the end it
   * is where to continue from, and `origin` (a position before every row) when
   * there is nothing to continue after.
   */
  origin?: Position;
  /** Plan the statements for their values (see QueryOptions.unprepared). */
  unprepared?: boolean;
}

const asSql = (x: string | Sql): Sql => (typeof x === 'string' ? sql.raw(x) : x);

/** The page statement of a keyset query (see ListSpec.statement). */
export function pageStatement(ks: KeysetSql, statement?: ListSpec<unknown, unknown>['statement']): Sql {
  return statement ? statement(ks.union, ks.orderBy) : sql`SELECT * FROM ${ks.union} p ORDER BY ${ks.orderBy('p')}`;
}

/**
 * What every list pipeline starts from: the cursors' binding, the cursor read against it, FROM,
 * the query options; the keyset statement over given columns; the count (when the total is
 * asked for and counted, not a column of the page); the total from that count or the page's
 * `_total` column.
 */
function startList(
  codec: CursorCodec,
  params: PageParams,
  spec: Pick<
    ListSpec<never, never>,
    'owner' | 'scope' | 'sortBy' | 'key' | 'from' | 'where' | 'countFrom' | 'total' | 'signal' | 'unprepared'
  >,
) {
  const binding: CursorBinding = {
    owner: spec.owner,
    scope: spec.scope,
    sortBy: spec.sortBy,
    descending: params.descending,
  };
  const cursor = readCursor(codec, binding, params, spec.key);
  const from = asSql(spec.from);
  const opts = { signal: spec.signal, unprepared: spec.unprepared };
  const keyset = (columns: string, branch?: BranchBuilder) =>
    buildKeyset({
      from,
      columns: sql.raw(columns),
      where: spec.where,
      key: spec.key,
      descending: params.descending,
      direction: params.direction,
      limit: params.limit,
      cursor,
      branch,
    });
  const count = (db: Queryable) =>
    params.includeTotalCount && spec.total === 'count'
      ? query<{ n: number }>(
          db,
          sql`SELECT count(*)::int AS n FROM ${spec.countFrom === undefined ? from : asSql(spec.countFrom)} WHERE ${spec.where}`,
          opts,
        )
      : null;
  /** `column` reads the page's `_total` (a list under a parent), only when that is the total. */
  const total = (counted: QueryResult<{ n: number }> | null, column: () => unknown): number | null => {
    if (!params.includeTotalCount) return null;
    return counted ? (counted.rows[0]?.n ?? 0) : Number(column() ?? 0);
  };
  return { binding, cursor, opts, keyset, count, total };
}

/**
 * The whole list pipeline: cursor → keyset SQL → query (and the count, when
 * asked for, concurrently) → page. A list is a ListSpec.
 */
export async function listPage<R extends KeysetRow, T>(
  db: Queryable,
  codec: CursorCodec,
  params: PageParams,
  spec: ListSpec<R, T>,
): Promise<Page<T>> {
  const { binding, cursor, opts, keyset, count, total } = startList(codec, params, spec);
  const run = (branch: BranchBuilder | undefined) =>
    query<R & { _total?: number | string }>(db, pageStatement(keyset(spec.columns, branch), spec.statement), opts);
  const pageRows = async () => {
    if (spec.attempt) {
      const rows = await run(spec.attempt.branch);
      if (spec.attempt.conclusive(rows.rows, params.limit)) return rows;
    }
    return await run(undefined);
  };
  const [page, counted] = await Promise.all([pageRows(), count(db)]);
  const first = page.rows[0];
  if (!first) spec.onNoRows?.();
  return assemblePage(page.rows, {
    params,
    cursor,
    codec,
    binding,
    total: total(counted, () => first?._total),
    map: spec.map,
    origin: spec.origin,
  });
}

/**
 * Who writes a list page's JSON: PostgreSQL, as one text value of the page's items
 * (listPageJson); this process, from rows mapped to objects and the route's response
 * serializer (listPage); or this process from rows read as arrays, each written by the
 * resource's own writer with no object in between (listPageArrays). All three write the same
 * bytes (test/page-json.test.ts).
 */
export type PageJson = 'postgres' | 'node' | 'arrays';
/** PAGE_JSON: one of the three, or `auto`, the one `npm run bench` measured cheaper per request on the backend. */
export type PageJsonSetting = PageJson | 'auto';

export function pageJsonFor(setting: PageJsonSetting, _db: Pick<Db, 'kind'>): PageJson {
  // `npm run bench` measured PostgreSQL's JSON cheapest on both backends (README, Performance).
  return setting === 'auto' ? 'postgres' : setting;
}

/** A page whose items are already JSON: `items` is the text of the array's elements, comma-separated. */
export interface JsonPage extends PageEdges {
  items: string;
}

/** A list whose rows PostgreSQL writes as JSON (see listPageJson): `json` replaces `columns` and `map`. */
export type JsonListSpec = Omit<ListSpec<never, never>, 'columns' | 'map' | 'attempt' | 'onNoRows'> & {
  /** One row's JSON object over alias `t` (see jsonObjectOf). */
  json: JsonObject;
  onNoRows?: () => never;
};

interface JsonPageRow {
  _rows: number;
  _n: number;
  _probed: boolean;
  _total?: string | null;
  _items: string;
  _c1: string | null;
  _i1: string | null;
  _c2: string | null;
  _i2: string | null;
}

/**
 * listPage with the page written by PostgreSQL: the same keyset statement, each row's
 * JSON object built beside its sort key, and the rows folded into one row — the page's
 * items as one text (in the response's order, at most `limit`), how many rows the page's
 * seek found, whether the probe found one, and the sort positions of the page's two ends.
 * The server then neither parses nor serializes a row: it writes the envelope around the
 * text. Same cursors, flags and order as listPage (the same pageEdges decides them).
 */
export async function listPageJson(
  db: Queryable,
  codec: CursorCodec,
  params: PageParams,
  spec: JsonListSpec,
): Promise<JsonPage> {
  const { binding, cursor, opts, keyset, count, total } = startList(codec, params, spec);
  const ks = keyset(`t.id, ${spec.json.sql} AS _json`);
  const limit = sql.param(params.limit);
  // The seek's order (row_number) is the page's order forwards, its reverse backwards.
  const itemsOrder = sql.raw(params.direction === 'next' ? 'ASC' : 'DESC');
  const end = (col: string, at: Sql) =>
    sql`min(w.${sql.raw(col)}) FILTER (WHERE w._tag = ${sql.raw(String(PAGE))} AND w._rn = ${at})`;
  const last = sql`least(w._pn, ${limit}::bigint)`;
  const statement = sql`SELECT count(*)::int AS _rows, coalesce(max(w._pn), 0)::int AS _n,
         coalesce(bool_or(w._tag = ${sql.raw(String(PROBE))}), false) AS _probed,
         ${spec.total === 'column' ? sql.raw('max(w._total)::text AS _total, ') : sql.empty}coalesce(string_agg(w._json, ',' ORDER BY w._rn ${itemsOrder})
           FILTER (WHERE w._tag = ${sql.raw(String(PAGE))} AND w._rn <= ${limit}::bigint), '') AS _items,
         ${end('_cursor', sql.raw('1'))} AS _c1, ${end('id::text', sql.raw('1'))} AS _i1,
         ${end('_cursor', last)} AS _c2, ${end('id::text', last)} AS _i2
    FROM (SELECT q.*, row_number() OVER (ORDER BY ${ks.orderBy('q')}) AS _rn,
                 count(*) FILTER (WHERE q._tag = ${sql.raw(String(PAGE))}) OVER () AS _pn
            FROM (${pageStatement(ks, spec.statement)}) q) w`;
  const [page, counted] = await Promise.all([query<JsonPageRow>(db, statement, opts), count(db)]);
  const row = page.rows[0];
  if (!row) throw new Error('an aggregate returned no row');
  if (row._rows === 0) spec.onNoRows?.();
  const seekFirst: Position | null = row._i1 === null ? null : { value: row._c1, id: row._i1, inclusive: false };
  const seekLast: Position | null = row._i2 === null ? null : { value: row._c2, id: row._i2, inclusive: false };
  const forward = params.direction === 'next';
  return {
    items: row._items,
    ...pageEdges({
      params,
      cursor,
      codec,
      binding,
      total: total(counted, () => row._total),
      origin: spec.origin,
      more: row._n > params.limit,
      probed: row._probed,
      first: forward ? seekFirst : seekLast,
      last: forward ? seekLast : seekFirst,
    }),
  };
}

/**
 * listPage with each row read as an array of its values and written as JSON by the
 * resource's writer (JsonObject.writer): no object per row, no schema serializer. The same
 * statement, rows, cursors and flags as listPage, the same bytes as listPageJson.
 */
export async function listPageArrays(
  db: Queryable,
  codec: CursorCodec,
  params: PageParams,
  spec: JsonListSpec,
): Promise<JsonPage> {
  const { binding, cursor, opts, keyset, count, total } = startList(codec, params, spec);
  const statement = pageStatement(keyset(`t.id, ${spec.json.columns}`), spec.statement);
  const [page, counted] = await Promise.all([query<unknown[]>(db, statement, { ...opts, arrays: true }), count(db)]);
  const fields = page.fields;
  if (!fields || (page.rows[0] !== undefined && !Array.isArray(page.rows[0]))) {
    throw new Error('this connection does not read rows as arrays');
  }
  const at = (name: string) => {
    const i = fields.indexOf(name);
    if (i < 0) throw new Error(`the page statement has no column ${name}`);
    return i;
  };
  const [tagAt, cursorAt, idAt] = [at('_tag'), at('_cursor'), at('id')];
  const first = page.rows[0];
  if (!first) spec.onNoRows?.();
  const pageRows: unknown[][] = [];
  let probed = false;
  for (const row of page.rows) {
    const tag = row[tagAt];
    if (tag === PAGE) pageRows.push(row);
    else if (tag === PROBE) probed = true;
  }
  const more = pageRows.length > params.limit;
  if (more) pageRows.length = params.limit;
  if (params.direction !== 'next') pageRows.reverse();
  const write = spec.json.writer(at);
  let items = '';
  for (let i = 0; i < pageRows.length; i++) items += (i === 0 ? '' : ',') + write(pageRows[i] as unknown[]);
  const edge = (row: unknown[] | undefined): Position | null =>
    row ? { value: row[cursorAt] as string | null, id: row[idAt] as string, inclusive: false } : null;
  return {
    items,
    ...pageEdges({
      params,
      cursor,
      codec,
      binding,
      total: total(counted, () => first?.[at('_total')]),
      origin: spec.origin,
      more,
      probed,
      first: edge(pageRows[0]),
      last: edge(pageRows[pageRows.length - 1]),
    }),
  };
}
