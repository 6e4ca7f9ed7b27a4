import {
  ApiError,
  AuthenticationError,
  ConnectionError,
  CustomersApi,
  PermissionDeniedError,
  UnprocessableEntityError,
} from '../../packages/client/src/index.js';

export type {
  BusinessResponse,
  BusinessUserResponse,
  CounterpartyStatus,
  CurrentSessionResponse,
  CustomerResponse,
  EntityContactResponse,
  EventType,
  Role,
  WebhookEndpointResponse,
  WebhookEndpointUpdateRequest,
} from '../../packages/client/src/index.js';
export { AuthenticationError, CustomersApi };

const baseUrl = window.location.origin;

/** The client before signing in: no token, no CSRF header (the cookie, if any, goes by itself). */
export const signedOut = new CustomersApi({ baseUrl, credentials: 'same-origin', retry: { max: 0 } });

/** A signed-in session's client: the cookie plus `x-csrf-token`, in one business or none. */
export function sessionApi(csrfToken: string, businessId?: string): CustomersApi {
  return new CustomersApi({
    baseUrl,
    csrfToken,
    credentials: 'same-origin',
    timeoutMs: 60_000,
    retry: { max: 1 },
    ...(businessId === undefined ? {} : { businessId }),
  });
}

/** What went wrong, in words a person can act on. */
export function describeError(error: unknown): string {
  if (error instanceof AuthenticationError) return 'You are not signed in, or your session has ended. Sign in again.';
  if (error instanceof PermissionDeniedError) {
    return typeof error.detail === 'string' ? error.detail : 'Your role does not allow this.';
  }
  if (error instanceof UnprocessableEntityError && error.errors.length > 0) {
    return error.errors.map((e) => `${fieldOf(e.loc) ?? 'request'}: ${e.msg}`).join('; ');
  }
  if (error instanceof ApiError) {
    const detail = typeof error.detail === 'string' ? error.detail : `The server answered ${error.status}.`;
    return error.requestId ? `${detail} (request ${error.requestId})` : detail;
  }
  if (error instanceof ConnectionError) return 'The server could not be reached. Check the connection and try again.';
  return error instanceof Error ? error.message : String(error);
}

function fieldOf(loc: readonly (string | number)[]): string | undefined {
  const last = loc.length > 1 && loc[0] === 'body' ? loc[loc.length - 1] : undefined;
  return last === undefined ? undefined : String(last);
}

/** A 422's problems by the body field they name (the form shows each at its field). */
export function fieldErrors(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(error instanceof UnprocessableEntityError)) return out;
  for (const item of error.errors) {
    const field = fieldOf(item.loc);
    if (field !== undefined && out[field] === undefined) out[field] = item.msg;
  }
  return out;
}

/** Whether every problem of an error is shown at one of these fields (else the form says it as a whole). */
export function shownAtFields(error: unknown, fields: readonly string[]): boolean {
  if (!(error instanceof UnprocessableEntityError) || error.errors.length === 0) return false;
  return error.errors.every((item) => {
    const field = fieldOf(item.loc);
    return field !== undefined && fields.includes(field);
  });
}
