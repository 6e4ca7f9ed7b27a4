/**
 * Typed domain errors. The core throws these and nothing else on purpose; each
 * edge maps them in one exhaustive switch on `kind`: the HTTP layer to a status
 * and `{"detail": ...}` bodies (`http/errors.ts`), the CLI to its
 * own wording and exit codes (`cli/errors.ts`). Nothing here knows of either.
 */
abstract class Base extends Error {
  abstract readonly kind: string;

  constructor(message: string) {
    // These are answers, not faults: a stack trace would be captured on every
    // 401/404/422 and never read, so none is taken.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.name = new.target.name;
  }
}

/** No valid token: missing, malformed, unknown, expired or revoked. */
export class UnauthenticatedError extends Base {
  readonly kind = 'unauthenticated';
  constructor() {
    super('Not authenticated');
  }
}

/** A valid token whose user may not do this here. */
export class ForbiddenError extends Base {
  readonly kind = 'forbidden';
  constructor() {
    super('Not enough permissions');
  }
}

export type Resource =
  | 'business'
  | 'customer'
  | 'contact'
  | 'user'
  | 'member'
  | 'token'
  | 'webhook_endpoint'
  | 'event'
  | 'passkey';

/** The resource does not exist for this caller (another tenant's is the same as none). */
export class NotFoundError extends Base {
  readonly kind = 'not_found';
  constructor(
    readonly resource: Resource,
    /** What the caller named it by (an id, an e-mail), for edges that echo it. */
    readonly ref?: string,
  ) {
    super(`${resource} not found${ref === undefined ? '' : `: ${ref}`}`);
  }
}

/** A unique rule would break (an e-mail taken, a second primary contact). */
export class ConflictError extends Base {
  readonly kind = 'conflict';
}

/** The resource is in a state that forbids the operation (a deleted customer's contacts). */
export class InvalidStateError extends Base {
  readonly kind = 'invalid_state';
}

/** A user already holds the most active tokens allowed. */
export class TokenLimitError extends Base {
  readonly kind = 'token_limit';
  constructor(readonly limit: number) {
    super(`This user already holds ${limit} active tokens; revoke one first.`);
  }
}

/** A cursor that was not issued for this list, or was tampered with. */
export class InvalidCursorError extends Base {
  readonly kind = 'invalid_cursor';
  constructor(
    readonly reason: 'malformed' | 'sort_mismatch',
    readonly cursor: string,
  ) {
    super(
      reason === 'sort_mismatch'
        ? 'cursor was issued for a different sort_by or descending; reset the cursor when changing sort'
        : 'invalid cursor',
    );
  }
}

/** An uploaded or imported file that cannot be read as customers (not CSV, bad header, too many rows). */
export class InvalidFileError extends Base {
  readonly kind = 'invalid_file';
  constructor(
    message: string,
    /** The offending part of the file, when there is one (e.g. unknown column names). */
    readonly input: unknown = null,
  ) {
    super(message);
  }
}

/**
 * An argument of a core operation out of its range (e.g. a token lifetime).
 * `field` is its snake_case name, as the API spells fields; each edge says it in
 * its own words (a body field, a CLI flag).
 */
export class InvalidArgumentError extends Base {
  readonly kind = 'invalid_argument';
  constructor(
    readonly field: string,
    readonly problem: string,
    readonly input: unknown = null,
  ) {
    super(`${field} ${problem}`);
  }
}

/** The database cannot be reached (or is shutting down): retry later. */
export class UnavailableError extends Base {
  readonly kind = 'unavailable';
  constructor() {
    super('Service unavailable');
  }
}

/** The embedded database's directory is held by another live process. */
export class DatabaseLockedError extends Base {
  readonly kind = 'database_locked';
}

export type DomainError =
  | UnauthenticatedError
  | ForbiddenError
  | NotFoundError
  | ConflictError
  | InvalidStateError
  | TokenLimitError
  | InvalidCursorError
  | InvalidFileError
  | InvalidArgumentError
  | UnavailableError
  | DatabaseLockedError;

export function isDomainError(err: unknown): err is DomainError {
  return err instanceof Base;
}
