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

/** The pagination and sort parameters of every list endpoint . */
export function PageQuery<S extends string, E extends Record<string, TSchema> = Record<never, TSchema>>(
  sorts: readonly S[],
  extra: E = {} as E,
  sortOptions: { default?: S; description?: string } = { default: 'created_at' as S },
) {
  const sortDescription =
    sortOptions.description ??
    "Column name to sort by (e.g. 'created_at', 'amount', 'name'). When changing sort, reset cursor to None.";
  const sortBy = Type.Enum(sorts as S[], {
    ...(sortOptions.default !== undefined ? { default: sortOptions.default } : {}),
    description: sortDescription,
  });
  return Type.Object({
    ...extra,
    cursor: Type.Optional(Type.String({ description: 'Cursor for pagination' })),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 50, description: 'Pagination limit' }),
    direction: Type.Enum(['next', 'prev'], { default: 'next', description: "Pagination direction: 'next' or 'prev'" }),
    include_total_count: Type.Boolean({
      default: false,
      description: 'Whether to include total count (expensive - avoid if possible)',
    }),
    sort_by: sortOptions.default !== undefined ? sortBy : Type.Optional(sortBy),
    descending: Type.Boolean({
      default: true,
      description: 'Sort direction: true for descending (newest/largest first), false for ascending',
    }),
  });
}

export type PageQueryStatic = {
  cursor?: string | undefined;
  limit: number;
  direction: 'next' | 'prev';
  include_total_count: boolean;
  sort_by?: string | undefined;
  descending: boolean;
};
