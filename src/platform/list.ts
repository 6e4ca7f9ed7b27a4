import type { CursorBinding, CursorCodec, Position } from './cursor.js';
import type { Queryable } from './db/db.js';
import { InvalidCursorError } from './errors.js';

export type Direction = 'next' | 'prev';

/** The pagination and sort parameters every list takes. */
export interface PageParams {
  cursor?: string | undefined;
  limit: number;
  direction: Direction;
  includeTotalCount: boolean;
  sortBy: string;
  descending: boolean;
}

/** A sortable key: its SQL expression over alias `t`, and the SQL type a cursor value is cast back to. */
export interface SortKey {
  expr: string;
  /** Renders a bound parameter as a value of the key's type, e.g. `$3::timestamptz`. */
  cast: (param: string) => string;
  nullable: boolean;
}

export const timestampKey = (column: string): SortKey => ({
  expr: `t.${column}`,
  cast: (p) => `${p}::timestamptz`,
  nullable: false,
});
/** A text key column declared `COLLATE "C"`: code-point order. */
export const textKey = (column: string, nullable: boolean): SortKey => ({
  expr: `t.${column}`,
  cast: (p) => `(${p}::text COLLATE "C")`,
  nullable,
});
export const bigintKey = (column: string, nullable: boolean): SortKey => ({
  expr: `t.${column}`,
  cast: (p) => `${p}::bigint`,
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
  _tag: number | null;
  _cursor: string | null;
  id: string;
}

export interface KeysetSpec {
  /** Table with alias `t`, e.g. `contacts t`. */
  from: string;
  /** Columns of `t` to return (must include `t.id`). */
  columns: string;
  /** Conditions on `t`, with placeholders $1..$n for `params`. */
  where: string;
  params: readonly unknown[];
  key: SortKey;
  descending: boolean;
  direction: Direction;
  limit: number;
  cursor: Position | null;
  /**
   * Walks at most `rows` rows of each seek in the list's order (the sort
   * index's order) meeting `where` (which then replaces the spec's) and keeps
   * those meeting `filter` too, instead of letting the
   * planner collect every row meeting it and sort them. The answer is exact
   * when each seek found what it needed or reached the end of the list inside
   * its window; `KeysetSql.conclusive` tells.
   */
  window?: { rows: number; where: string; filter: string } | undefined;
}

export interface KeysetSql {
  /** A parenthesized UNION ALL of ordered, limited branches; select from it with an alias. */
  union: string;
  /** ORDER BY terms for the union's output, given its alias. */
  orderBy: (alias: string) => string;
  values: unknown[];
  /**
   * With a window: whether the rows answer the page exactly. A window that
   * ended (its last row is returned as a row tagged END) without the seek
   * having found all it needed leaves the page undecided.
   */
  conclusive: (rows: readonly { _tag: number | null; _wend?: boolean | null }[]) => boolean;
}

const PAGE = 0;
const PROBE = 1;
/** A window's last row when it did not meet the filter (`_wend` marks the last row of a full window either way). */
const PAGE_END = 2;
const PROBE_END = 3;

/**
 * Builds the keyset query for one page. The list's order is `key` then `id`,
 * both descending or both ascending, NULL keys last in both directions. That
 * order is two segments — non-NULL keys by (key, id), then NULL keys by id —
 * so every seek is at most two index range scans joined by UNION ALL.
 *
 * The page fetches limit + 1 rows in the direction of travel (the extra row
 * answers "is there more this way"); with a cursor, a second one-row probe in
 * the opposite direction answers "is there anything the other way". Both are
 * one statement: no count, and no cost that grows with depth.
 */
export function buildKeyset(spec: KeysetSpec): KeysetSql {
  const values: unknown[] = [...spec.params];
  const bind = (v: unknown) => {
    values.push(v);
    return `$${values.length}`;
  };
  const k = spec.key.expr;
  const branches: string[] = [];

  // Bound, not spliced: one SQL text (one prepared statement) serves every page size.
  const pageLimit = bind(spec.limit + 1);
  const window = spec.window;
  const windowRows = window ? bind(window.rows) : '';
  const seek = (pos: Position | null, forward: boolean, inclusive: boolean, limit: string, tag: number) => {
    const asc = forward !== spec.descending;
    const dir = asc ? 'ASC' : 'DESC';
    const cmp = asc ? (inclusive ? '>=' : '>') : inclusive ? '<=' : '<';
    const branch = (segment: 0 | 1, cond: string) => {
      // A key that cannot be NULL has one segment: no per-row test for it.
      const segmentCond = segment === 0 ? (spec.key.nullable ? ` AND ${k} IS NOT NULL` : '') : ` AND ${k} IS NULL`;
      const order = segment === 0 ? `${k} ${dir}, t.id ${dir}` : `t.id ${dir}`;
      if (!window) {
        branches.push(
          `(SELECT ${tag} AS _tag, ${segment} AS _seg, ${k}::text AS _cursor, ${k} AS _key, ${spec.columns} FROM ${spec.from} WHERE ${spec.where}${segmentCond}${cond} ORDER BY ${order} LIMIT ${limit})`,
        );
        return;
      }
      // The window: the first `rows` rows of the seek in index order (the LIMIT keeps the filter
      // out of the scan, so no other index is used), numbered; of those, the rows meeting the
      // filter, and the window's last row tagged as its end when it does not meet it.
      const endTag = tag === PAGE ? PAGE_END : PROBE_END;
      branches.push(
        `(SELECT CASE WHEN w._hit THEN ${tag} ELSE ${endTag} END AS _tag, ${segment} AS _seg, w._cursor, w._key, w._n = ${windowRows} AS _wend, ${spec.columns.replace(/\bt\./g, 'w.')}
            FROM (SELECT t.*, ${k}::text AS _cursor, ${k} AS _key, (${window.filter}) AS _hit, row_number() OVER (ORDER BY ${order}) AS _n
                    FROM (SELECT * FROM ${spec.from} WHERE ${window.where}${segmentCond}${cond} ORDER BY ${order} LIMIT ${windowRows}) t) w
           WHERE w._hit OR w._n = ${windowRows}
           ORDER BY ${segment === 0 ? `w._key ${dir}, w.id ${dir}` : `w.id ${dir}`} LIMIT ${limit} + 1)`,
      );
    };
    const nullable = spec.key.nullable;
    // Branch order is irrelevant: the caller's ORDER BY (below) orders the union.
    if (pos === null) {
      branch(0, '');
      if (nullable) branch(1, '');
    } else if (pos.value !== null) {
      branch(0, ` AND (${k}, t.id) ${cmp} (${spec.key.cast(bind(pos.value))}, ${bind(pos.id)}::uuid)`);
      if (forward && nullable) branch(1, '');
    } else {
      branch(1, ` AND t.id ${cmp} ${bind(pos.id)}::uuid`);
      if (!forward) branch(0, '');
    }
  };

  const forward = spec.direction === 'next';
  seek(spec.cursor, forward, spec.cursor?.inclusive ?? false, pageLimit, PAGE);
  if (spec.cursor) seek(spec.cursor, !forward, !spec.cursor.inclusive, '1', PROBE);

  const pageAsc = forward !== spec.descending;
  const dir = pageAsc ? 'ASC' : 'DESC';
  const pageWants = spec.limit + 1;
  return {
    union: `(${branches.join(' UNION ALL ')})`,
    orderBy: (a) => `${a}._tag, ${a}._seg ${forward ? 'ASC' : 'DESC'}, ${a}._key ${dir}, ${a}.id ${dir}`,
    values,
    conclusive: (rows) => {
      if (!window) return true;
      // Per seek (page, probe) and segment: hits found, and whether its window was full.
      const hits = new Map<string, number>();
      const full = new Set<string>();
      for (const r of rows as readonly { _tag: number; _seg: number; _wend: boolean }[]) {
        const seek = `${r._tag === PAGE || r._tag === PAGE_END ? PAGE : PROBE}:${r._seg}`;
        if (r._tag === PAGE || r._tag === PROBE) hits.set(seek, (hits.get(seek) ?? 0) + 1);
        if (r._wend) full.add(seek);
      }
      // A full window decided nothing unless its seek found all it needed (conservative across
      // segments: the other segment's rows are then re-read the usual way too).
      for (const seek of full) {
        const wants = seek.startsWith(`${PAGE}:`) ? pageWants : 1;
        if ((hits.get(seek) ?? 0) < wants) return false;
      }
      return true;
    },
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
  if (pos.value === null && !key.nullable) throw new InvalidCursorError('malformed', params.cursor);
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
  },
): Page<T> {
  const { params, cursor, codec, binding } = opts;
  const pageRows: R[] = [];
  let probed = false;
  for (const row of rows) {
    if (row._tag === PAGE) pageRows.push(row);
    else if (row._tag === PROBE) probed = true;
  }
  const more = pageRows.length > params.limit;
  if (more) pageRows.length = params.limit;
  const forward = params.direction === 'next';
  if (!forward) pageRows.reverse();
  const hasNext = forward ? more : cursor !== null && probed;
  const hasPrev = forward ? cursor !== null && probed : more;

  const at = (row: R): Position => ({ value: row._cursor, id: row.id, inclusive: false });
  // An empty page next to a cursor: the far side starts at the cursor itself,
  // including its row when the request excluded it.
  const flip = (pos: Position): Position => ({ ...pos, inclusive: !pos.inclusive });
  const first = pageRows[0];
  const last = pageRows[pageRows.length - 1];
  let next: Position | null = null;
  let prev: Position | null = null;
  if (hasNext) next = last ? at(last) : cursor && flip(cursor);
  if (hasPrev) prev = first ? at(first) : cursor && flip(cursor);

  return {
    items: pageRows.map(opts.map),
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
  from: string;
  /** What the total counts over with `where` when `from` adds what only the page needs (default `from`). */
  countFrom?: string;
  /** Columns of `t` to return (must include `t.id`). */
  columns: string;
  /** Conditions on `t`, with placeholders $1..$n for `params`; the same conditions count the total. */
  where: string;
  params: readonly unknown[];
  /** Parameters only the page's sort key uses (after `params`), not the count. */
  keyParams?: readonly unknown[];
  /**
   * How the page statement is made from the keyset union and its ORDER BY terms
   * (default: `SELECT * FROM union p ORDER BY …`). A list under a parent joins
   * the parent here, so "no such parent" and the page are one statement: it
   * must then return no row at all when the parent is missing, and its rows
   * carry the parent's total in `_total`.
   */
  statement?: (union: string, orderBy: (alias: string) => string) => string;
  /** Called when the statement returned no row at all (with `statement`: the parent is missing). */
  onNoRows?: () => never;
  /** Where the total comes from with include_total_count: a count of `where`, or the `_total` column. */
  total: 'count' | 'column';
  map: (row: R) => T;
  /** Aborted when the reader has gone: the statements are cancelled (PostgreSQL). */
  signal?: AbortSignal | undefined;
  /**
   * Try a bounded walk in the sort's index order first (see KeysetSpec.window);
   * when it cannot decide the page, the usual statement runs.
   */
  window?: KeysetSpec['window'];
  /** Plan the statements for their values (see QueryOptions.unprepared). */
  unprepared?: boolean;
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
  const binding: CursorBinding = {
    owner: spec.owner,
    scope: spec.scope,
    sortBy: spec.sortBy,
    descending: params.descending,
  };
  const cursor = readCursor(codec, binding, params, spec.key);
  const keyset = (window: KeysetSpec['window']) =>
    buildKeyset({
      from: spec.from,
      columns: spec.columns,
      where: spec.where,
      params: [...spec.params, ...(spec.keyParams ?? [])],
      key: spec.key,
      descending: params.descending,
      direction: params.direction,
      limit: params.limit,
      cursor,
      window,
    });
  const statement = (ks: KeysetSql) =>
    spec.statement ? spec.statement(ks.union, ks.orderBy) : `SELECT * FROM ${ks.union} p ORDER BY ${ks.orderBy('p')}`;
  const run = (ks: KeysetSql) =>
    db.query<R & { _total?: number | string; _wend?: boolean }>(statement(ks), ks.values, {
      signal: spec.signal,
      unprepared: spec.unprepared,
    });
  const pageRows = async () => {
    if (spec.window) {
      const ks = keyset(spec.window);
      const rows = await run(ks);
      if (ks.conclusive(rows.rows)) return rows;
    }
    return await run(keyset(undefined));
  };
  const counting = params.includeTotalCount && spec.total === 'count';
  const [page, count] = await Promise.all([
    pageRows(),
    counting
      ? db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM ${spec.countFrom ?? spec.from} WHERE ${spec.where}`,
          spec.params,
          { signal: spec.signal, unprepared: spec.unprepared },
        )
      : null,
  ]);
  const first = page.rows[0];
  if (!first) spec.onNoRows?.();
  let total: number | null = null;
  if (params.includeTotalCount) total = count ? (count.rows[0]?.n ?? 0) : Number(first?._total ?? 0);
  return assemblePage(page.rows, { params, cursor, codec, binding, total, map: spec.map });
}
