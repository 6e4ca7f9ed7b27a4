import Type, { type TSchema } from 'typebox';
import { component, Nullable } from '../platform/schema.js';

/** Response shapes of the HTTP edge: the success envelope, list pages, error bodies. */

const componentName = (schema: TSchema): string => {
  const name = (schema as unknown as Record<string, unknown>)['x-component'];
  if (typeof name !== 'string') throw new Error('an enveloped or listed schema must be a named component');
  return name;
};

/** The success envelope around `data`: DayZero's `SuccessEnvelope_<Model>_`. */
export function Envelope<T extends TSchema>(data: T) {
  return Type.Object(
    {
      success: Type.Boolean({ examples: [true] }),
      message: Type.String({ description: 'A short human sentence, e.g. "Customer created"' }),
      code: Type.String({ description: 'OK, CREATED, UPDATED or DELETED', examples: ['OK'] }),
      data,
    },
    component(`SuccessEnvelope_${componentName(data)}_`),
  );
}

/** The envelope of a delete: no `data`. */
export const DeletedEnvelope = Type.Object(
  {
    success: Type.Boolean({ examples: [true] }),
    message: Type.String({ description: 'A short human sentence, e.g. "Customer deleted"' }),
    code: Type.String({ examples: ['DELETED'] }),
  },
  component('SuccessEnvelope_NoneType_'),
);

/** One page of a list, named like DayZero's (`CustomerListResponse`). */
export function PaginatedOf<T extends TSchema>(item: T, name: string) {
  return Type.Object(
    {
      items: Type.Array(item, { description: 'The page, in the requested order' }),
      total: Nullable(Type.Integer(), { description: 'Rows across all pages; null unless include_total_count=true' }),
      limit: Type.Integer({ description: 'The page size used' }),
      next_cursor: Nullable(Type.String(), {
        description: 'Pass with direction=next for the following page; null when has_next is false',
      }),
      prev_cursor: Nullable(Type.String(), {
        description: 'Pass with direction=prev for the preceding page; null when has_prev is false',
      }),
      has_next: Type.Boolean({ description: 'Rows exist after this page' }),
      has_prev: Type.Boolean({ description: 'Rows exist before this page' }),
      has_more: Type.Boolean({ description: "Always equal to has_next (the pagination guide's loop reads it)" }),
    },
    component(name),
  );
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
  400: 'Bad Request - a malformed request, or a resource in a state that forbids this',
  401: 'Unauthorized - Authentication required',
  403: 'Forbidden - Insufficient permissions',
  404: 'Not Found - Resource does not exist',
  408: 'Request Timeout - the body did not arrive in time',
  409: 'Conflict - a unique rule would break',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests - see Retry-After',
  500: 'Internal Server Error',
  503: 'Service Unavailable - database unreachable',
};

/** The error responses of a route that acts in a business (401, 403, 404, 422, 500, 503, and `extra`). */
export function errorResponses(...extra: number[]): Record<number, TSchema> {
  return errorsOf([401, 403, 404, ...extra]);
}

/**
 * The error responses of a route that needs only a token (401, 403 — a console session's
 * request without its CSRF header —, 422, 500, 503, and `extra`).
 */
export function tokenErrorResponses(...extra: number[]): Record<number, TSchema> {
  return errorsOf([401, 403, ...extra]);
}

function errorsOf(codes: number[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  // Every route can meet a malformed request (400), a body too large or of a type it cannot read
  // (413, 415: a body is parsed before the route's rules apply), its rate limit (429), and an
  // unavailable database or a shutdown (503).
  for (const code of [...new Set([400, 413, 415, 429, ...codes])].sort((a, b) => a - b).concat(500, 503)) {
    out[code] = Type.Ref('HTTPError', { description: ERROR_TEXT[code] ?? 'Error' });
  }
  out[422] = Type.Ref('HTTPValidationError', { description: 'Validation Error' });
  return out;
}

/**
 * Declared optional, as DayZero's own document declares them, so generated
 * clients can set them once; the server answers 401 / 422 when they are wrong.
 */
export const AuthHeaders = Type.Object({
  'x-business-id': Type.Optional(
    Type.String({ format: 'uuid', description: 'The business (tenant) to act in. Needed: missing → 422' }),
  ),
  'x-user-email': Type.Optional(Type.String({ description: 'Recorded as created_by / updated_by for audit' })),
});
