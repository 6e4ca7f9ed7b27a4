/**
 * The fields of a row type as a list, each once, in the order given (the order
 * of the SELECT): a field of `Row` left out is a compile error naming it
 * (`missing: "field"`), and so is a name `Row` does not have.
 */
export function fieldsOf<Row extends object>() {
  return <const F extends readonly (keyof Row & string)[]>(
    fields: F &
      ([Exclude<keyof Row, F[number]>] extends [never] ? unknown : { missing: Exclude<keyof Row, F[number]> }),
  ): F => fields;
}

/** A SELECT (or RETURNING) list of `fields`; with `alias`, each qualified by it. */
export function columnList(fields: readonly string[], alias?: string): string {
  return fields.map((f) => (alias === undefined ? f : `${alias}.${f}`)).join(', ');
}
