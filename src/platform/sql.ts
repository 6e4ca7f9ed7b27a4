import type { Queryable, QueryOptions, QueryResult } from './db/db.js';

/**
 * A value bound to a statement. Each value interpolated into `sql` is a new
 * Param; one made with `sql.param` and interpolated several times is bound once
 * (one placeholder for all its uses).
 */
export class Param {
  /** The build that last numbered this value, and its number there (see build). */
  build = 0;
  n = 0;
  constructor(readonly value: unknown) {}
}

/**
 * A piece of SQL that carries its own values: text pieces with a value between
 * each two (`strings.length === params.length + 1`). Fragments nest; the
 * placeholders ($1, $2, …) are numbered only by `build`.
 */
export class Sql {
  constructor(
    readonly strings: readonly string[],
    readonly params: readonly Param[],
  ) {}

  /** A fragment is not text: one spliced into a plain template string would lose its values. */
  toString(): never {
    throw new Error('an SQL fragment goes into sql`…` or build(), not into a string');
  }
}

function compose(strings: readonly string[], values: readonly unknown[]): Sql {
  const out: string[] = [];
  const params: Param[] = [];
  let text = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v instanceof Sql) {
      text += v.strings[0];
      for (let j = 0; j < v.params.length; j++) {
        out.push(text);
        params.push(v.params[j] as Param);
        text = v.strings[j + 1] as string;
      }
    } else {
      out.push(text);
      params.push(v instanceof Param ? v : new Param(v));
      text = '';
    }
    text += strings[i + 1];
  }
  out.push(text);
  return new Sql(out, params);
}

const EMPTY = new Sql([''], []);

/**
 * The SQL builder: `sql\`SELECT … WHERE id = ${id}\`` binds `id` (any value
 * that is not a fragment is a bound value, never spliced text); a fragment
 * interpolated is spliced with its values.
 */
export const sql = Object.assign(
  (strings: TemplateStringsArray, ...values: unknown[]): Sql => compose(strings, values),
  {
    /** Trusted text spliced as it is: identifiers and expressions chosen by the code, never input. */
    raw: (text: string): Sql => new Sql([text], []),
    /** A value to bind once however many times it is interpolated. */
    param: (value: unknown): Param => new Param(value),
    /** The fragments separated by `separator` (SQL text); the empty fragment for none. */
    join: (fragments: readonly Sql[], separator = ', '): Sql => {
      if (fragments.length === 0) return EMPTY;
      const strings = [''];
      for (let i = 1; i < fragments.length; i++) strings.push(separator);
      strings.push('');
      return compose(strings, fragments);
    },
    empty: EMPTY,
  },
);

/** A statement's text, its placeholders numbered $1..$n in order of first use, and their values. */
export interface Statement {
  text: string;
  values: unknown[];
}

let builds = 0;

/**
 * Numbers the fragment's values $1..$n in the order its text uses them; a
 * value (a Param) used again keeps its number. Synchronous, so no two builds
 * interleave: each marks the values it numbered with its own id.
 */
export function build(fragment: Sql): Statement {
  const { strings, params } = fragment;
  const values: unknown[] = [];
  const id = ++builds;
  let text = strings[0] as string;
  for (let i = 0; i < params.length; i++) {
    const param = params[i] as Param;
    if (param.build !== id) {
      param.build = id;
      values.push(param.value);
      param.n = values.length;
    }
    text += `$${param.n}${strings[i + 1]}`;
  }
  return { text, values };
}

/** Runs a fragment. */
export async function query<R>(q: Queryable, fragment: Sql, opts?: QueryOptions): Promise<QueryResult<R>> {
  const { text, values } = build(fragment);
  return await q.query<R>(text, values, opts);
}

/** The first row of a statement, or null when it returned none. */
export async function queryOne<R>(q: Queryable, fragment: Sql): Promise<R | null> {
  const { rows } = await query<R>(q, fragment);
  return rows[0] ?? null;
}

/** The one row a statement must return (an INSERT … RETURNING); its absence is a bug, not an answer. */
export async function queryRow<R>(q: Queryable, fragment: Sql): Promise<R> {
  const row = await queryOne<R>(q, fragment);
  if (row === null) throw new Error(`expected a row from: ${(fragment.strings[0] ?? '').slice(0, 80)}`);
  return row;
}

/**
 * How one field of a partial update reaches its columns: the column itself, and
 * any derived columns (a case-folded sort key, a search key) computed from the
 * new value.
 */
type PatchColumns<V> = Record<string, (value: V) => unknown>;

export type PatchSpec<P> = { [K in keyof P]-?: PatchColumns<Exclude<P[K], undefined>> };

/** The column takes the field's value as it is. */
export const same = <V>(value: V): V => value;

/**
 * The SET list of a partial update: a field left out (undefined) is unchanged,
 * null clears it. Returns [] when nothing is to change.
 */
export function patchAssignments<P extends object>(patch: P, spec: PatchSpec<P>): Sql[] {
  const sets: Sql[] = [];
  for (const field of Object.keys(spec) as (keyof P)[]) {
    const value = patch[field];
    if (value === undefined) continue;
    const columns = spec[field] as PatchColumns<unknown>;
    for (const [name, derive] of Object.entries(columns)) sets.push(sql`${sql.raw(name)} = ${derive(value)}`);
  }
  return sets;
}

/** A LIKE pattern matching `text` anywhere, LIKE's own metacharacters escaped. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
