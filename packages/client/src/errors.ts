import type { components } from './schema.js';

export type ValidationErrorItem = components['schemas']['ValidationError'];

/** An error response of the API: its status, `detail`, and the request id to quote when asking for help. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** The body's `detail`: a sentence, or for 422 the list of problems. */
    readonly detail: unknown,
    /** The server's `x-request-id` for this request. */
    readonly requestId: string | null,
    readonly body: unknown,
  ) {
    super(`${status}: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`);
    this.name = new.target.name;
  }
}

/** 400: a malformed request, or a resource in a state that forbids it (a deleted customer's contacts). */
export class BadRequestError extends ApiError {}
/** 401: no valid token (missing, unknown, expired or revoked). */
export class AuthenticationError extends ApiError {}
/** 403: the token's user may not do this in this business. */
export class PermissionDeniedError extends ApiError {}
/** 404: no such resource for this caller (another business's is the same as none). */
export class NotFoundError extends ApiError {}
/** 409: a unique rule would break (a customer e-mail, a membership), or a limit (tokens). */
export class ConflictError extends ApiError {}
/** 422: the request did not validate; `errors` holds pydantic's items (`type`, `loc`, `msg`, `input`, `ctx`). */
export class UnprocessableEntityError extends ApiError {
  get errors(): ValidationErrorItem[] {
    return Array.isArray(this.detail) ? (this.detail as ValidationErrorItem[]) : [];
  }
}
/** 429: rate limited; `retryAfterMs` says when to try again. */
export class RateLimitError extends ApiError {
  retryAfterMs: number | null = null;
}
/** 5xx: the server failed (500) or its database is unavailable (503, with `retryAfterMs`). */
export class ServerError extends ApiError {
  retryAfterMs: number | null = null;
}

/** No response: the connection failed or was lost. */
export class ConnectionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
/** No response within the client's `timeoutMs`. */
export class TimeoutError extends ConnectionError {}

const BY_STATUS: Record<number, typeof ApiError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

/** The error class for a status. */
export function errorFor(
  status: number,
  body: unknown,
  requestId: string | null,
  retryAfterMs: number | null,
): ApiError {
  const detail =
    typeof body === 'object' && body !== null && 'detail' in body ? (body as { detail: unknown }).detail : body;
  const Class = BY_STATUS[status] ?? (status >= 500 ? ServerError : ApiError);
  const err = new Class(status, detail, requestId, body);
  if (err instanceof RateLimitError || err instanceof ServerError) err.retryAfterMs = retryAfterMs;
  return err;
}
