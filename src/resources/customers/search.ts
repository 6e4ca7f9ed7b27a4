import type { CursorCodec } from '../../platform/cursor.js';
import type { Db } from '../../platform/db/db.js';
import {
  type BranchBuilder,
  type KeysetRow,
  type ListSpec,
  listPage,
  PAGE,
  type Page,
  type PageParams,
  readCursor,
  type SortKey,
} from '../../platform/list.js';
import { containsPattern, query, type Sql, sql } from '../../platform/sql.js';

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

export interface SearchSettings {
  /** Rows a search walks in the sort's order before the trigram index takes over (0: never walk). */
  window: number;
  /** Best-match pages from the names that can make them only (false: score every match). */
  pruneRelevance: boolean;
}

/** The customer list a search narrows: its own filters in `where`, its rows from `customers t`. */
export type SearchedList<R, T> = Omit<ListSpec<R, T>, 'key' | 'from' | 'countFrom' | 'attempt' | 'unprepared'>;

const FROM = 'customers t';

/**
 * A name's best-match score against the search text `qp`: 2 for a substring
 * hit, plus its trigram similarity and its word similarity (each 0..1), as
 * float8. The one definition the page's order, its cursors and the bounds of
 * bestMatches all use.
 */
function relevanceScore(alias: string, qp: Sql): Sql {
  const key = sql.raw(`${alias}.search_key`);
  return sql`((CASE WHEN strpos(${key}, ${qp}) > 0 THEN 2 ELSE 0 END)::float8 + similarity(${key}, ${qp})::float8 + word_similarity(${qp}, ${key})::float8)`;
}

/** What a search adds to the list: the match, and the parts of it bestMatches reuses. */
interface Match {
  /** The search text, as names' search keys hold it (see searchKey). */
  q: string;
  /** `q` bound once, as text. */
  qp: Sql;
  like: Sql;
  fuzzy: boolean;
  /** The match on `t`. */
  cond: Sql;
}

function nameMatch(q: string): Match {
  const qp = sql`${sql.param(q)}::text`;
  const like = sql`${sql.param(containsPattern(q))}`;
  // Substring (LIKE) always; fuzzy (<%: the query is trigram-similar to a run of words in the
  // name) from four characters on — shorter fuzzy queries match nearly everything and cost a
  // scan of every name. Both conditions are served by the trigram index. The cheap LIKE is
  // tested first: most matches are substrings and skip the costlier similarity test.
  const fuzzy = Array.from(q).length >= 4;
  const cond = fuzzy ? sql`(t.search_key LIKE ${like} OR ${qp} <% t.search_key)` : sql`t.search_key LIKE ${like}`;
  return { q, qp, like, fuzzy, cond };
}

/** A window's rows besides the list's: which seek it belongs to, and whether it is the window's last. */
interface WindowRow {
  _tag: number | null;
  _seek: number;
  _seg: number;
  _wend: boolean;
}

/**
 * The window attempt of a search in a column's order: each seek walks at most
 * `rows` rows in the list's order (the sort index's order) meeting the list's
 * filters and keeps those meeting the match too, instead of letting the
 * planner collect every match and sort them. The page is exact when each seek
 * found what it needed or reached the end of the list inside its window.
 */
function windowAttempt<R extends KeysetRow>(base: Sql, match: Sql, rows: number): ListSpec<R, unknown>['attempt'] {
  const n = sql`${sql.param(rows)}`;
  const branch: BranchBuilder = (b, spec) => {
    const k = spec.key.expr;
    const tag = sql.raw(String(b.tag));
    const seg = sql.raw(String(b.segment));
    const outer = sql.raw(b.segment === 0 ? `t._key ${b.dir}, t.id ${b.dir}` : `t.id ${b.dir}`);
    // The first `rows` rows of the seek in index order (the LIMIT keeps the match out of the scan,
    // so no other index is used), numbered; of those, the rows meeting the match, and the window's
    // last row (not part of the page when it does not meet it: _tag NULL).
    return sql`(SELECT CASE WHEN t._hit THEN ${tag} END AS _tag, ${seg} AS _seg, ${tag} AS _seek, t._cursor, t._key, t._n = ${n} AS _wend, ${spec.columns}
            FROM (SELECT t.*, ${k}::text AS _cursor, ${k} AS _key, (${match}) AS _hit, row_number() OVER (ORDER BY ${b.order}) AS _n
                    FROM (SELECT * FROM ${spec.from} WHERE ${base}${b.seek} ORDER BY ${b.order} LIMIT ${n}) t) t
           WHERE t._hit OR t._n = ${n}
           ORDER BY ${outer} LIMIT ${b.limit} + 1)`;
  };
  return {
    branch,
    conclusive: (found, limit) => {
      // Per seek (page, probe) and segment: hits found, and whether its window was full.
      const hits = new Map<string, number>();
      const full = new Set<string>();
      for (const r of found as readonly unknown[] as readonly WindowRow[]) {
        const seek = `${r._seek}:${r._seg}`;
        if (r._tag !== null) hits.set(seek, (hits.get(seek) ?? 0) + 1);
        if (r._wend) full.add(seek);
      }
      // A full window decided nothing unless its seek found all it needed (conservative across
      // segments: the other segment's rows are then re-read the usual way too).
      for (const seek of full) {
        const wants = seek.startsWith(`${PAGE}:`) ? limit + 1 : 1;
        if ((hits.get(seek) ?? 0) < wants) return false;
      }
      return true;
    },
  };
}

/**
 * One page of customers whose names match `q` (a search key): in the sort
 * `order`, or by relevance — best match first.
 */
export async function searchPage<R extends KeysetRow, T>(
  db: Db,
  codec: CursorCodec,
  params: PageParams,
  list: SearchedList<R, T>,
  search: { q: string; order: SortKey | 'relevance' },
  settings: SearchSettings,
): Promise<Page<T>> {
  const m = nameMatch(search.q);
  const base = list.where;
  const spec: ListSpec<R, T> = {
    ...list,
    key:
      search.order === 'relevance'
        ? { expr: sql.raw('r.score'), cast: (v) => sql`${v}::float8`, nullable: false }
        : search.order,
    from: FROM,
    where: sql`${base} AND ${m.cond}`,
    // A search's best plan depends on its pattern (short, common, rare): planned each time.
    unprepared: true,
  };
  if (search.order !== 'relevance') {
    // A search in a column's order: walk that column's index first, so a common match is found at
    // once rather than every match collected and sorted; a rare one falls back to the trigram
    // index after the window.
    const rows = m.fuzzy ? Math.ceil(settings.window / 40) : settings.window;
    if (settings.window > 0) spec.attempt = windowAttempt(base, m.cond, rows);
    return await listPage(db, codec, params, spec);
  }
  // Substring hits first (+2), then whole-name plus best-word-run trigram similarity (0..2): one
  // float8 expression, computed once per matching row (the LATERAL, kept apart by OFFSET 0) and
  // compared as it is when a cursor is read back.
  spec.from = sql`customers t CROSS JOIN LATERAL (SELECT ${relevanceScore('t', m.qp)} AS score OFFSET 0) r`;
  spec.countFrom = FROM;
  if (settings.pruneRelevance) {
    const pruned = await bestMatches(db, codec, params, spec, base, m);
    if (pruned) return pruned;
  }
  return await listPage(db, codec, params, spec);
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
async function bestMatches<R extends KeysetRow, T>(
  db: Db,
  codec: CursorCodec,
  params: PageParams,
  spec: ListSpec<R, T>,
  base: Sql,
  s: Match,
): Promise<Page<T> | null> {
  if (!params.descending || params.direction !== 'next') return null;
  const binding = { owner: spec.owner, scope: spec.scope, sortBy: spec.sortBy, descending: params.descending };
  const cursor = readCursor(codec, binding, params, spec.key);
  const k = params.limit + 1;
  const score = (a: string) => relevanceScore(a, s.qp);
  let below = (_a: string) => sql.empty;
  if (cursor) {
    const at = sql`(${sql.param(cursor.value)}::float8, ${sql.param(cursor.id)}::uuid)`;
    const cmp = sql.raw(cursor.inclusive ? '<=' : '<');
    below = (a: string) => sql` AND (${score(a)}, ${sql.raw(`${a}.id`)}) ${cmp} ${at}`;
  }
  const kp = sql`${sql.param(k)}::int`;
  const where = spec.where;

  const page = await db.transaction(async (tx) => {
    // The samples: matches the index finds similar (at the fuzzy match's own threshold: pg_trgm's,
    // 0.6 by default) and, when there are many, substring hits among the shortest names.
    const { rows } = await query<{ m: number | null; kth: number | null; fuzzy_at: string | null; nb: number }>(
      tx,
      sql`WITH b AS MATERIALIZED (
         SELECT t.id, ${score('t')} AS score FROM customers t
          WHERE ${base} AND ${s.qp} <% t.search_key AND ${s.cond}${below('t')} LIMIT ${kp} * 20),
       a AS (
         SELECT w.id, ${score('w')} AS score
           FROM (SELECT t.id, t.search_key FROM customers t WHERE ${base}
                  ORDER BY t.search_trgm_n LIMIT ${sql.raw(String(PRUNE_SAMPLE))}) w
          WHERE w.search_key LIKE ${s.like}${below('w')} AND (SELECT count(*) FROM b) >= ${kp} * 20 LIMIT ${kp})
       SELECT array_length(show_trgm(${s.qp}), 1) AS m,
              current_setting('pg_trgm.word_similarity_threshold', true) AS fuzzy_at,
              (SELECT count(*)::int FROM b) AS nb,
              (SELECT x.score FROM (SELECT * FROM a UNION SELECT * FROM b) x
                ORDER BY x.score DESC LIMIT 1 OFFSET ${kp} - 1) AS kth`,
      { unprepared: true },
    );
    const m = rows[0]?.m ?? 0;
    const kth = rows[0]?.kth;
    // Few similar matches: scoring every match is cheap, and the bound would be loose.
    if ((rows[0]?.nb ?? 0) < 20 * k) return null;
    if (kth === null || kth === undefined || m === 0) return null;
    const L = kth - PRUNE_EPSILON;
    const fuzzyAt = Number(rows[0]?.fuzzy_at ?? 0.6) || 0.6;
    let candidates: Sql;
    let threshold: number;
    if (L >= 2) {
      // Only substring hits can score L.
      threshold = (L - 2) / 2;
      const conds = [sql`t.search_key LIKE ${s.like}`];
      if (L - 3 > PRUNE_EPSILON) conds.push(sql`t.search_trgm_n <= ${Math.floor(m / (L - 3) + PRUNE_EPSILON)}`);
      if (threshold > PRUNE_MIN_THRESHOLD) conds.push(sql`${s.qp} <% t.search_key`);
      candidates = sql.join(conds, ' AND ');
    } else {
      // Every substring hit scores 2 or more; fuzzy matches that can score L. (Raising the
      // threshold above the match's own takes out only fuzzy matches that cannot.)
      if (!s.fuzzy || L <= 1 + PRUNE_EPSILON) return null;
      threshold = Math.max(fuzzyAt, L / 2);
      const length =
        L - 1 > PRUNE_EPSILON ? sql` AND t.search_trgm_n <= ${Math.floor(m / (L - 1) + PRUNE_EPSILON)}` : sql.empty;
      candidates = sql`(t.search_key LIKE ${s.like} OR (${s.qp} <% t.search_key${length}))`;
    }
    await query(
      tx,
      sql`SELECT set_config('pg_trgm.word_similarity_threshold', ${String(Math.min(1, Math.max(0, threshold)))}, true)`,
    );
    const pruned: ListSpec<R, T> = { ...spec, where: sql`${where} AND ${candidates}` };
    return await listPage(tx, codec, { ...params, includeTotalCount: false }, pruned);
  });
  if (page === null) return null;
  const total = params.includeTotalCount
    ? await query<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM customers t WHERE ${where}`, {
        signal: spec.signal,
        unprepared: true,
      })
    : null;
  return { ...page, total: total ? (total.rows[0]?.n ?? 0) : null };
}
