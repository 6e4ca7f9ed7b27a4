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

export function Envelope<T extends TSchema>(data: T, example: { message: string; code: string }) {
  return Type.Object({
    success: Type.Boolean({ examples: [true] }),
    message: Type.String({ examples: [example.message] }),
    code: Type.String({ description: 'OK, CREATED, UPDATED or DELETED', examples: [example.code] }),
    data,
  });
}

export const DeletedEnvelope = Type.Object({
  success: Type.Boolean({ examples: [true] }),
  message: Type.String(),
  code: Type.String({ examples: ['DELETED'] }),
});

export function PaginatedOf<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    total: Nullable(Type.Integer(), { description: 'Rows across all pages; null unless include_total_count=true' }),
    limit: Type.Integer({ description: 'The page size used' }),
    next_cursor: Nullable(Type.String(), { description: 'Pass with direction=next for the following page' }),
    prev_cursor: Nullable(Type.String(), { description: 'Pass with direction=prev for the preceding page' }),
    has_next: Type.Boolean(),
    has_prev: Type.Boolean(),
  });
}

/** The pagination and sort parameters of every list endpoint (contract §1.3). */
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

export const HTTPError = Type.Object(
  {
    detail: Type.String({ examples: ['Not authenticated'] }),
    request_id: Type.Optional(Type.String()),
  },
  { $id: 'HTTPError' },
);

export const ValidationErrorItem = Type.Object(
  {
    type: Type.String({ examples: ['missing'] }),
    loc: Type.Array(Type.Union([Type.String(), Type.Integer()])),
    msg: Type.String(),
    input: Type.Optional(Type.Unknown()),
    ctx: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { $id: 'ValidationError' },
);

export const HTTPValidationError = Type.Object(
  { detail: Type.Array(Type.Ref('ValidationError')) },
  { $id: 'HTTPValidationError' },
);

const ERROR_TEXT: Record<number, string> = {
  400: 'Bad Request - the resource is in a state that forbids this',
  401: 'Unauthorized - Authentication required',
  403: 'Forbidden - Insufficient permissions',
  404: 'Not Found - Resource does not exist',
  409: 'Conflict - a unique rule would break',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  503: 'Service Unavailable - database unreachable',
};

/** The error responses of an authenticated route, for serialization and OpenAPI. */
export function errorResponses(...extra: number[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const code of [401, 403, 404, ...extra, 500, 503]) {
    out[code] = Type.Ref('HTTPError', { description: ERROR_TEXT[code] ?? 'Error' });
  }
  out[422] = Type.Ref('HTTPValidationError', { description: 'Validation Error' });
  return out;
}

export const AuthHeaders = Type.Object({
  'x-business-id': Type.String({ format: 'uuid', description: 'The business (tenant) to act in' }),
  'x-user-email': Type.Optional(Type.String({ description: 'Recorded as created_by / updated_by for audit' })),
});
