import Type, { type TSchema } from 'typebox';
import { Nullable } from '../platform/schema.js';

/** Response shapes of the HTTP edge: the success envelope, list pages, error bodies. */

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
