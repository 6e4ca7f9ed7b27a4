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

/** The SQL expression (text) of one row's JSON object. */
function jsonObjectSql(fields: readonly JsonField[]): string {
  // Constant pieces are merged into one literal between two values.
  const parts: string[] = [];
  let literal = '{';
  fields.forEach(([name, kind, expr], i) => {
    literal += `${i === 0 ? '' : ','}${JSON.stringify(name)}:`;
    if (kind === 'const') {
      literal += expr;
      return;
    }
    parts.push(quoted(literal), `(${value(kind, expr)})`);
    literal = '';
  });
  parts.push(quoted(`${literal}}`));
  return `(${parts.join(' || ')})`;
}

/**
 * jsonObjectSql for the fields of `Entity`: each name one of its keys, and a key left out does
 * not compile (as fieldsOf does for a column list), so a field added to a resource's schema is
 * named here by the compiler.
 */
export function jsonObjectOf<Entity extends object>() {
  return <const F extends readonly (JsonField & readonly [keyof Entity & string, ...unknown[]])[]>(
    fields: F &
      ([Exclude<keyof Entity, F[number][0]>] extends [never]
        ? unknown
        : { missing: Exclude<keyof Entity, F[number][0]> }),
  ): string => jsonObjectSql(fields);
}
