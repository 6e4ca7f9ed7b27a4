/** TypeBox building blocks shared by the resources' schemas (no transport here). */
import Type, { type Static, type TSchema } from 'typebox';

/**
 * `T | null` as `type: [T, "null"]` rather than anyOf: one clear validation
 * error, fast serialization, and OpenAPI 3.1's own spelling of nullable.
 */
export function Nullable<T extends TSchema>(schema: T, options: Record<string, unknown> = {}) {
  const s = schema as unknown as Record<string, unknown>;
  return Type.Unsafe<Static<T> | null>({ ...s, ...options, type: [s.type, 'null'] });
}

export const Timestamp = Type.String({
  format: 'date-time',
  description: 'RFC 3339, UTC, microseconds',
  examples: ['2026-11-26T13:26:02.123456Z'],
});
export const Id = Type.String({ format: 'uuid', examples: ['019abf2e-6a47-7b3e-9c1d-2f4a5b6c7d8e'] });

/** A name as a caller sends it (a customer's, a contact's, a business's). */
export const Name = Type.String({
  minLength: 1,
  maxLength: 255,
  'x-trim': true,
  description: '1..255 characters after trimming',
});

/** An e-mail address as a caller sends it. */
export const Email = Type.String({ maxLength: 320, format: 'email', 'x-trim': true });

/**
 * A string enum as `{type: "string", enum: [...]}` (TypeBox's own Enum omits
 * the type, which generated clients then cannot type).
 */
export function StringEnum<const V extends readonly string[]>(values: V, options: Record<string, unknown> = {}) {
  return Type.Unsafe<V[number]>({ ...options, type: 'string', enum: [...values] });
}

/**
 * Marks a schema as a named component of the OpenAPI document: the document
 * lists it once under `components.schemas` with this name and refers to it
 * with `$ref` wherever it is used (see `http/openapi.ts`).
 */
export const component = (name: string) => ({ 'x-component': name });

/**
 * Marks a request body schema whose fields are all optional as optional itself:
 * a request may leave the body out (validation lets it through, and the
 * OpenAPI document says `required: false`).
 */
export const OPTIONAL_BODY = { 'x-optional-body': true } as const;

const DIRECTIONS = ['next', 'prev'] as const;

/** DayZero's wording of `sort_by`: "Column name to sort by: 'a', 'b' or 'c'. When changing sort, reset cursor to None." */
function sortByDescription(sorts: readonly string[]): string {
  const quoted = sorts.map((s) => `'${s}'`);
  const list = quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}` : quoted.join('');
  return `Column name to sort by: ${list}. When changing sort, reset cursor to None.`;
}

/**
 * The pagination and sort parameters of every list. Each has a default, so
 * each is optional.
 */
export function PageQuery<S extends string, E extends Record<string, TSchema> = Record<never, TSchema>>(
  sorts: readonly S[],
  extra: E = {} as E,
  sortDescription = sortByDescription(sorts),
) {
  return Type.Object({
    ...extra,
    cursor: Type.Optional(Type.String({ description: 'Cursor for pagination' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50, description: 'Pagination limit' })),
    direction: Type.Optional(
      StringEnum(DIRECTIONS, { default: 'next', description: "Pagination direction: 'next' or 'prev'" }),
    ),
    include_total_count: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'Whether to include total count (expensive - avoid if possible)',
      }),
    ),
    sort_by: Type.Optional(StringEnum(sorts, { default: 'created_at', description: sortDescription })),
    descending: Type.Optional(
      Type.Boolean({
        default: true,
        description: 'Sort direction: true for descending (newest/largest first), false for ascending',
      }),
    ),
  });
}

/** The page parameters as validation leaves them (defaults applied, so never undefined in practice). */
export type PageQueryStatic = {
  cursor?: string | undefined;
  limit?: number | undefined;
  direction?: 'next' | 'prev' | undefined;
  include_total_count?: boolean | undefined;
  sort_by?: string | undefined;
  descending?: boolean | undefined;
};
