import { toRfc3339 } from './text.js';

/**
 * A row's JSON object written by PostgreSQL as text, field by field in the order given (the
 * response's order), compact like the server's own serializer: `{"id":"…","name":"…",…}`.
 * Strings are escaped by `to_json`; a NULL is `null`, never a missing field; a timestamp is
 * RFC 3339 in UTC with microseconds, as `toRfc3339` writes it.
 */
type JsonKind =
  /** A non-NULL text, uuid or enum column. */
  | 'string'
  /** A text column that may be NULL. */
  | 'string?'
  /** A uuid column: never needs escaping. */
  | 'uuid'
  | 'boolean'
  /** An integer column (int, bigint) that may be NULL. */
  | 'integer?'
  | 'timestamp'
  | 'timestamp?';

/** A field: its JSON name, how it is written, and its SQL expression over alias `t` (or a JSON literal for `const`). */
export type JsonField =
  | readonly [name: string, kind: JsonKind, expr: string]
  | readonly [name: string, 'const', json: string];

const RFC3339 = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;
const utc = (expr: string) => `to_char(${expr} AT TIME ZONE 'UTC', ${RFC3339})`;

function value(kind: JsonKind, expr: string): string {
  switch (kind) {
    case 'string':
      return `to_json(${expr})::text`;
    case 'string?':
      return `coalesce(to_json(${expr})::text, 'null')`;
    case 'uuid':
      return `'"' || ${expr}::text || '"'`;
    case 'boolean':
      return `${expr}::text`;
    case 'integer?':
      return `coalesce(${expr}::text, 'null')`;
    case 'timestamp':
      return `'"' || ${utc(expr)} || '"'`;
    case 'timestamp?':
      return `coalesce('"' || ${utc(expr)} || '"', 'null')`;
  }
}

/** Single quotes doubled: a JSON literal inside an SQL string literal. */
const quoted = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * One row's JSON object as constant text between values: `{"id":` value `,"name":` value …
 * `}`, each constant piece merged from the field names and `const` fields before a value.
 */
function objectShape(fields: readonly JsonField[]) {
  const pieces: string[] = [];
  const values: (readonly [kind: JsonKind, expr: string])[] = [];
  let literal = '{';
  fields.forEach(([name, kind, expr], i) => {
    literal += `${i === 0 ? '' : ','}${JSON.stringify(name)}:`;
    if (kind === 'const') {
      literal += expr;
      return;
    }
    pieces.push(literal);
    values.push([kind, expr]);
    literal = '';
  });
  return { pieces, values, tail: `${literal}}` };
}

/** The SQL expression (text) of one row's JSON object. */
function jsonObjectSql(shape: ReturnType<typeof objectShape>): string {
  const parts = shape.values.flatMap(([kind, expr], n) => [
    quoted(shape.pieces[n] as string),
    `(${value(kind, expr)})`,
  ]);
  parts.push(quoted(shape.tail));
  return `(${parts.join(' || ')})`;
}

/** A resource's JSON object: written by PostgreSQL (`sql`, over alias `t`), or here from a row of its `columns`. */
export interface JsonObject {
  /** The SQL expression (text) of one row's JSON object. */
  sql: string;
  /** The SELECT list a row for `write` needs: each field's expression as `_j<n>`. */
  columns: string;
  /**
   * The same object's text from a row of column values (QueryOptions.arrays), `at(name)`
   * the index of column `name` in it: the same bytes as `sql` writes.
   */
  writer: (at: (column: string) => number) => (row: readonly unknown[]) => string;
}

/** One field's value as JSON text, from the column's value as the driver reads it (text, boolean, int8 as text). */
function writeValue(kind: JsonKind, v: unknown): string {
  switch (kind) {
    case 'uuid':
      return `"${v as string}"`;
    case 'string':
      return JSON.stringify(v as string);
    case 'string?':
      return v === null ? 'null' : JSON.stringify(v as string);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'integer?':
      return v === null ? 'null' : String(v);
    case 'timestamp':
      return `"${toRfc3339(v as string)}"`;
    case 'timestamp?':
      return v === null ? 'null' : `"${toRfc3339(v as string)}"`;
  }
}

function jsonObject(fields: readonly JsonField[]): JsonObject {
  const shape = objectShape(fields);
  const { pieces, values, tail } = shape;
  return {
    sql: jsonObjectSql(shape),
    columns: values.map(([, expr], n) => `${expr} AS _j${n}`).join(', '),
    writer: (at) => {
      const index = values.map((_, n) => at(`_j${n}`));
      const kinds = values.map(([kind]) => kind);
      const count = kinds.length;
      return (row) => {
        let out = '';
        for (let n = 0; n < count; n++) {
          out += (pieces[n] as string) + writeValue(kinds[n] as JsonKind, row[index[n] as number]);
        }
        return out + tail;
      };
    },
  };
}

/**
 * The JSON object of `Entity`'s fields: each name one of its keys, and a key left out does not
 * compile (as fieldsOf does for a column list), so a field added to a resource's schema is named
 * here by the compiler.
 */
export function jsonObjectOf<Entity extends object>() {
  return <const F extends readonly (JsonField & readonly [keyof Entity & string, ...unknown[]])[]>(
    fields: F &
      ([Exclude<keyof Entity, F[number][0]>] extends [never]
        ? unknown
        : { missing: Exclude<keyof Entity, F[number][0]> }),
  ): JsonObject => jsonObject(fields);
}
