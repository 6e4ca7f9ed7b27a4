import type { Queryable } from './db/db.js';

/** The first row of a statement, or null when it returned none. */
export async function queryOne<R>(q: Queryable, text: string, params?: readonly unknown[]): Promise<R | null> {
  const { rows } = await q.query<R>(text, params);
  return rows[0] ?? null;
}

/** The one row a statement must return (an INSERT … RETURNING); its absence is a bug, not an answer. */
export async function queryRow<R>(q: Queryable, text: string, params?: readonly unknown[]): Promise<R> {
  const row = await queryOne<R>(q, text, params);
  if (row === null) throw new Error(`expected a row from: ${text.slice(0, 80)}`);
  return row;
}

/** Collects parameter values and hands out their placeholders ($1, $2, …) in order. */
export class Params {
  readonly values: unknown[];

  constructor(initial: readonly unknown[] = []) {
    this.values = [...initial];
  }

  /** Adds a value; returns its placeholder. */
  bind(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * How one field of a partial update reaches its columns: the column itself, and
 * any derived columns (a case-folded sort key, a search key) computed from the
 * new value.
 */
export type PatchColumns<V> = Record<string, (value: V) => unknown>;

export type PatchSpec<P> = { [K in keyof P]-?: PatchColumns<Exclude<P[K], undefined>> };

/** The column takes the field's value as it is. */
export const same = <V>(value: V): V => value;

/**
 * The SET list of a partial update: a field left out (undefined) is unchanged,
 * null clears it. Returns [] when nothing is to change. The values are bound
 * through `params`, after whatever the WHERE clause bound first.
 */
export function patchAssignments<P extends object>(patch: P, spec: PatchSpec<P>, params: Params): string[] {
  const sets: string[] = [];
  for (const field of Object.keys(spec) as (keyof P)[]) {
    const value = patch[field];
    if (value === undefined) continue;
    const columns = spec[field] as PatchColumns<unknown>;
    for (const [name, derive] of Object.entries(columns)) sets.push(`${name} = ${params.bind(derive(value))}`);
  }
  return sets;
}

/** A LIKE pattern matching `text` anywhere, LIKE's own metacharacters escaped. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
