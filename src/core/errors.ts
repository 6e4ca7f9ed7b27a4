/**
 * Typed domain errors. The core throws these; the HTTP layer maps each to its
 * status code and the contract's `{"detail": ...}` body in one place.
 */
export class AppError extends Error {
  readonly status: number;
  readonly detail: string;

  constructor(status: number, detail: string) {
    // These are answers, not faults: a stack trace would be captured on every
    // 401/404/422 and never read, so none is taken.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(detail);
    Error.stackTraceLimit = limit;
    this.status = status;
    this.detail = detail;
    this.name = new.target.name;
  }
}

export class UnauthorizedError extends AppError {
  constructor() {
    super(401, 'Not authenticated');
  }
}

export class ForbiddenError extends AppError {
  constructor() {
    super(403, 'Not enough permissions');
  }
}

export class NotFoundError extends AppError {
  constructor(detail = 'Not Found') {
    super(404, detail);
  }
}

export class ConflictError extends AppError {
  constructor(detail: string) {
    super(409, detail);
  }
}

export class BadRequestError extends AppError {
  constructor(detail: string) {
    super(400, detail);
  }
}

export class ServiceUnavailableError extends AppError {
  constructor() {
    super(503, 'Service unavailable');
  }
}

/** One problem in a pydantic v2 `ValidationError` shape. */
export interface ValidationIssue {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

export class RequestValidationError extends AppError {
  constructor(readonly issues: ValidationIssue[]) {
    super(422, 'Validation error');
  }
}

/** A usage error of the CLI or configuration (bad flag, unknown user): printed, exit 1. */
export class UsageError extends Error {}
