import type { CursorCodec } from '../../platform/cursor.js';
import type { Db, Queryable } from '../../platform/db/db.js';
import {
  assemblePage,
  type BranchBuilder,
  type KeysetRow,
  type ListSpec,
  listPage,
  PAGE,
  type Page,
  type PageParams,
  PROBE,
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

export interface SearchSettings {
  /** Rows a search walks in the sort's order before the trigram index takes over (0: never walk). */
  window: number;
  /** Rows a best-match search walks per tier before the indexes take over (0: never walk). */
  relevanceWindow: number;
}

/** The customer list a search narrows: its own filters in `where`, its rows from `customers t`. */
export type SearchedList<R, T> = Omit<ListSpec<R, T>, 'key' | 'from' | 'countFrom' | 'attempt' | 'unprepared'>;

const FROM = 'customers t';

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
    key: search.order === 'relevance' ? RELEVANCE_KEY : search.order,
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
  return await relevancePage(db, codec, params, { ...spec, where: base }, m, settings.relevanceWindow);
}

/*
 * Best match first (sort_by=relevance). The matches fall into tiers, best first:
 *
 *   1  the name starts with the search text (the exact name first of all);
 *   2  a later word of the name starts with it (after a space);
 *   3  the text is elsewhere in the name;
 *   4  no substring, but trigram-similar (typos; 4+ characters only).
 *
 * Inside tier 1 the names come in code-point order of their search keys (so
 * the exact name, then its shortest extensions), inside tiers 2–4 shortest
 * first (fewest distinct trigrams, `search_trgm_n`); ties by id. Every key of
 * that order is an index's: tier 1 is a range of the search-key index, read in
 * order; a page of tiers 2–4 is found by walking the trigram-count index for a
 * window of rows, testing each name's tier (a common tier fills the page at
 * once), or, when the window does not decide it, by the trigram index (which
 * finds a rare tier's names directly). No name is scored against all others.
 */
const TIERS = [1, 2, 3, 4] as const;

/**
 * A best-match search for one word takes names this similar into tier 4
 * (pg_trgm's word similarity; its default 0.6 stays for the other orders and
 * for several words): a letter left out of a long word (`holdngs` →
 * `holdings`, 0.545) is found, a shared first half (`johnsen` → `john smith`,
 * 0.5) is not. Several words keep 0.6: one of them alone would reach this
 * (`acme corporaton` → `acme corp`, 0.56).
 */
const ONE_WORD_SIMILARITY = 0.54;

/** Tier 4's walk is this share of the window (its similarity test costs several substring tests). */
const TIER4_SHARE = 4;

/** Fewer matches than this in all (counted through the trigram index first): no walks, indexes only. */
const RARE = 100;
type Tier = (typeof TIERS)[number];

/** A position in the relevance order: tier, the tier's key (search key or trigram count), id. */
interface RankPos {
  tier: Tier;
  key: string;
  id: string;
  inclusive: boolean;
}

/** A cursor's value is `tier:key`; only the shape of one is accepted. */
const RELEVANCE_KEY: SortKey = {
  expr: sql.raw('NULL'),
  cast: (v) => sql`${v}::text`,
  nullable: false,
  accepts: (v) => /^1:/s.test(v) || /^[234]:\d{1,9}$/.test(v),
};

/** The first string after every string that starts with `q`, in code-point order (null: none). */
function prefixEnd(q: string): string | null {
  const cps = Array.from(q);
  while (cps.length > 0) {
    const last = (cps.pop() as string).codePointAt(0) as number;
    let next = last + 1;
    if (next >= 0xd800 && next <= 0xdfff) next = 0xe000;
    if (next <= 0x10ffff) return cps.join('') + String.fromCodePoint(next);
  }
  return null;
}

const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

interface TierRow {
  id: string;
  _tier: Tier;
  _sk: string;
  _tn: number;
}

async function relevancePage<R extends KeysetRow, T>(
  db: Db,
  codec: CursorCodec,
  params: PageParams,
  spec: ListSpec<R, T>,
  m: Match,
  walkRows: number,
): Promise<Page<T>> {
  let window = walkRows;
  // Fewer than RARE names hold the text (counted first): tiers 2–3 come from the trigram index
  // at once, no walk; tier 4 (similar names, which the count leaves out) is still walked first.
  let rareSubstring = false;
  // The statements' connection: the pool, or the fuzzy search's transaction.
  let on: Queryable = db;
  const binding = { owner: spec.owner, scope: spec.scope, sortBy: spec.sortBy, descending: params.descending };
  const cursor = readCursor(codec, binding, params, RELEVANCE_KEY);
  let at: RankPos | null = null;
  if (cursor) {
    const v = cursor.value as string;
    at = { tier: Number(v[0]) as Tier, key: v.slice(2), id: cursor.id, inclusive: cursor.inclusive };
  }
  const base = spec.where;
  const opts = { signal: spec.signal, unprepared: true };
  const q = m.q;
  const pre = sql`${sql.param(`${likeEscape(q)}%`)}`;
  const word = sql`${sql.param(`% ${likeEscape(q)}%`)}`;
  const end = prefixEnd(q);
  const skC = sql.raw('(t.search_key COLLATE "C")');
  const inPrefix = sql`${skC} >= (${m.qp} COLLATE "C")${end === null ? sql.empty : sql` AND ${skC} < (${sql.param(end)}::text COLLATE "C")`}`;
  // The tier of `t`'s name (NULL: no match), and the condition of one tier.
  // A walk for tiers 2–3 leaves out the similarity test (ten times a substring test's cost): it
  // would only find tier-4 rows, which that walk does not keep.
  const tierOf = (fuzzy: boolean) =>
    sql`CASE WHEN t.search_key LIKE ${pre} THEN 1 WHEN t.search_key LIKE ${word} THEN 2 WHEN t.search_key LIKE ${m.like} THEN 3${fuzzy ? sql` WHEN ${m.qp} <% t.search_key THEN 4` : sql.empty} END`;
  // No name with fewer distinct trigrams than this holds the text inside it (tiers 2–3): it has
  // every trigram of the text but the first word's two leading ones and the last word's trailing
  // one. A walk for those tiers starts there rather than at the shortest names.
  const floor = sql`(cardinality(show_trgm(${m.qp})) - 3)`;
  const tierCond = (tier: Tier): Sql => {
    switch (tier) {
      case 1:
        return inPrefix;
      case 2:
        return sql`t.search_key LIKE ${word} AND NOT t.search_key LIKE ${pre}`;
      case 3:
        return sql`t.search_key LIKE ${m.like} AND NOT t.search_key LIKE ${word} AND NOT t.search_key LIKE ${pre}`;
      case 4:
        return sql`NOT t.search_key LIKE ${m.like} AND ${m.qp} <% t.search_key`;
    }
  };
  const tiers: readonly Tier[] = m.fuzzy ? TIERS : [1, 2, 3];
  // In a look-up of a tier by its condition, the trigram count is hidden from the planner (+ 0):
  // walking that index to a rare tier's rows is what the window already tried; the trigram
  // index finds them instead.
  const keyOf = (tier: Tier, hidden = false) =>
    tier === 1 ? skC : sql.raw(hidden ? '(t.search_trgm_n + 0)' : 't.search_trgm_n');
  const seekOf = (tier: Tier, from: RankPos | null, asc: boolean, hidden = false): Sql => {
    if (from === null) return sql.empty;
    const value =
      tier === 1 ? sql`(${sql.param(from.key)}::text COLLATE "C")` : sql`${sql.param(Number(from.key))}::int`;
    const cmp = sql.raw(asc ? (from.inclusive ? '>=' : '>') : from.inclusive ? '<=' : '<');
    return sql` AND (${keyOf(tier, hidden)}, t.id) ${cmp} (${value}, ${sql.param(from.id)}::uuid)`;
  };
  const orderOf = (tier: Tier, asc: boolean, hidden = false) =>
    sql`${keyOf(tier, hidden)} ${sql.raw(asc ? 'ASC' : 'DESC')}, t.id ${sql.raw(asc ? 'ASC' : 'DESC')}`;
  const extra = sql.raw(`, t.search_key AS _sk, t.search_trgm_n AS _tn`);
  const columns = sql.raw(spec.columns);

  /** One tier's rows from `from`, straight from the indexes: in order, at most `limit`. */
  const direct = async (tier: Tier, from: RankPos | null, asc: boolean, limit: number) => {
    const { rows } = await query<R & TierRow>(
      on,
      sql`SELECT ${columns}${extra}, ${sql.raw(String(tier))} AS _tier FROM customers t
           WHERE ${base} AND ${tierCond(tier)}${seekOf(tier, from, asc, true)}
           ORDER BY ${orderOf(tier, asc, true)} LIMIT ${sql.param(limit)}::int`,
      opts,
    );
    return rows;
  };
  /**
   * The first `window` rows of the trigram-count order from `from`, with their
   * tiers: per tier of `want`, its rows in order, and whether the window ended
   * before the list did (then only as many rows as it found are decided).
   */
  const walk = async (want: readonly Tier[], from: RankPos | null, asc: boolean, rows: number) => {
    const n = sql`${sql.param(rows)}::int`;
    const tier0 = want[0] as Tier;
    const fuzzy = want.includes(4);
    // The walk reads the trigram-count index alone (it holds the search key): the tiers are
    // tested there, and only the rows kept (the tiers wanted, the window's last) are read whole.
    const result = await query<R & TierRow & { _wend: boolean }>(
      on,
      sql`SELECT ${columns}${extra}, w._tier, w._n = ${n} AS _wend
            FROM (SELECT w.* FROM (SELECT t.id, ${tierOf(fuzzy)} AS _tier, row_number() OVER (ORDER BY ${orderOf(2, asc)}) AS _n
                    FROM (SELECT t.id, t.search_key, t.search_trgm_n FROM customers t
                           WHERE ${base}${seekOf(tier0, from, asc)}${fuzzy ? sql.empty : sql` AND t.search_trgm_n >= ${floor}`}
                           ORDER BY ${orderOf(2, asc)} LIMIT ${n}) t) w
                   WHERE w._tier IN (${sql.raw(want.join(', '))}) OR w._n = ${n}) w
            JOIN customers t ON t.id = w.id
           WHERE ${base}
           ORDER BY w._n`,
      opts,
    );
    const end = result.rows.find((r) => r._wend);
    const full = end !== undefined;
    const byTier = new Map<Tier, (R & TierRow)[]>();
    for (const r of result.rows) {
      if (!want.includes(r._tier)) continue;
      const list = byTier.get(r._tier) ?? [];
      list.push(r);
      byTier.set(r._tier, list);
    }
    return { full, end, byTier };
  };

  /** Up to `limit` rows after (or from) `from` in the order of travel (`best`: best first). */
  const seek = async (from: RankPos | null, best: boolean, limit: number) => {
    const asc = best;
    const order = best ? tiers : [...tiers].reverse();
    const start = from === null ? 0 : order.indexOf(from.tier);
    if (start < 0) return [];
    const out: (R & TierRow)[] = [];
    // The walks from the list's start, shared by the tiers after the cursor's (made when needed):
    // one testing substrings, one (shorter: similarity costs several substring tests) tier 4.
    const fresh = new Map<boolean, Awaited<ReturnType<typeof walk>>>();
    for (let i = start; i < order.length && out.length < limit; i++) {
      const tier = order[i] as Tier;
      const need = limit - out.length;
      const pos = i === start ? from : null;
      if (tier === 1 || window === 0 || (tier !== 4 && rareSubstring)) {
        out.push(...(await direct(tier, pos, asc, need)));
        continue;
      }
      const fuzzy = tier === 4;
      // A walk reads the trigram-count index alone (search key included). A text of 4+
      // characters has trigrams enough for the trigram index to find its names at once unless
      // they are very common: its substring walk is a tenth of the window. Tier 4's walk tests word
      // similarity, several times a substring test: a quarter of the window.
      const rows = fuzzy ? Math.ceil(window / TIER4_SHARE) : m.fuzzy ? Math.ceil(window / 10) : window;
      let w = pos === null ? fresh.get(fuzzy) : undefined;
      if (w === undefined) {
        const want = pos !== null ? [tier] : order.slice(i).filter((x) => x !== 1 && (x === 4) === fuzzy);
        w = await walk(want, pos, asc, rows);
        if (pos === null) fresh.set(fuzzy, w);
      }
      let found = w.byTier.get(tier) ?? [];
      let full = w.full;
      if (found.length > 0 && found.length < need && w.end) {
        // The window held some of the tier, not enough: walk on from its last row for about
        // twice the rows that density says the rest needs (at most a window), before the indexes.
        const more = Math.min(window, Math.ceil(((need - found.length) * rows * 2) / found.length));
        const next = await walk([tier], { tier, key: String(w.end._tn), id: w.end.id, inclusive: false }, asc, more);
        found = [...found, ...(next.byTier.get(tier) ?? [])];
        full = next.full;
      }
      if (found.length >= need || !full) out.push(...found.slice(0, need));
      else out.push(...(await direct(tier, pos, asc, need)));
    }
    return out;
  };

  const forward = params.direction === 'next';
  const best = forward === params.descending;
  const limit = params.limit;
  const countAll = async () =>
    (await query<{ n: number }>(on, sql`SELECT count(*)::int AS n FROM customers t WHERE ${base} AND ${m.cond}`, opts))
      .rows[0]?.n ?? 0;
  /** The page, its probe and the total; one statement after another in a transaction (one connection). */
  const gather = async (inTransaction: boolean): Promise<[(R & TierRow)[], (R & TierRow)[], number | null]> => {
    let known: number | null = null;
    if (window > 0 && Array.from(q).length >= 3) {
      // Fewer names than RARE hold the text: the trigram index finds tiers 1–3 at once, so no
      // walk for them. Substrings alone are counted: the similarity test would cost the count
      // a test of every near-miss it passes, and tier 4 has a walk of its own.
      const { rows } = await query<{ n: number }>(
        on,
        sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM customers t WHERE ${base} AND t.search_key LIKE ${m.like} LIMIT ${sql.param(RARE)}::int) t`,
        opts,
      );
      const n = rows[0]?.n ?? 0;
      if (n < RARE) {
        rareSubstring = true;
        // Under 4 characters the substrings are all the matches: the count is the total.
        if (!m.fuzzy) {
          window = 0;
          known = n;
        }
      }
    }
    const total = () => (params.includeTotalCount ? (known !== null ? Promise.resolve(known) : countAll()) : null);
    const probe = () => (at ? seek({ ...at, inclusive: !at.inclusive }, !best, 1) : Promise.resolve([]));
    if (inTransaction) return [await seek(at, best, limit + 1), await probe(), await total()];
    return await Promise.all([seek(at, best, limit + 1), probe(), total()]);
  };
  const [pageRows, probeRows, total] =
    m.fuzzy && !q.includes(' ')
      ? await db.transaction(async (tx) => {
          // The fuzzy tier's own similarity threshold, for this search's statements only.
          await tx.exec(`SET LOCAL pg_trgm.word_similarity_threshold = ${ONE_WORD_SIMILARITY}`);
          on = tx;
          return await gather(true);
        })
      : await gather(false);
  const tag = (r: R & TierRow, t: number) => ({
    ...r,
    _tag: t,
    _cursor: `${r._tier}:${r._tier === 1 ? r._sk : r._tn}`,
  });
  const rows = [...pageRows.map((r) => tag(r, PAGE)), ...probeRows.map((r) => tag(r, PROBE))];
  return assemblePage(rows, { params, cursor, codec, binding, total, map: spec.map });
}
