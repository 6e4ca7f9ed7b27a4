import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isUnavailable } from '../platform/db/db.js';
import { type DomainError, isDomainError, type Resource } from '../platform/errors.js';
import type { Issue } from '../platform/validation.js';
import { HTTPError, HTTPValidationError, ValidationErrorItem } from './schemas.js';
import { RequestValidationError } from './validation.js';

const RETRY_AFTER_SECONDS = '5';

/** What a multipart route says to a body of another type, whoever notices it first. */
export const SEND_MULTIPART = "Unsupported media type: send multipart/form-data with the CSV in field 'file'";

const NOT_FOUND: Record<Resource, string> = {
  business: 'Business not found',
  customer: 'Customer not found',
  contact: 'Contact not found',
  user: 'User not found',
  member: 'Member not found',
  token: 'Token not found',
  webhook_endpoint: 'Webhook endpoint not found',
  passkey: 'Passkey not found',
  event: 'Event not found',
};

/**
 * Sends an error body already serialized: the route's response schema never
 * sees it, so no serializer can fail on it and hand the answer to Fastify's
 * own (non-`{"detail"}`) fallback.
 */
function answer(reply: FastifyReply, status: number, body: { detail: unknown; request_id?: string }) {
  return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
}

function validation(reply: FastifyReply, issues: Issue[]) {
  return answer(reply, 422, { detail: issues });
}

function valueError(loc: (string | number)[], message: string, input: unknown, error = message): Issue {
  return { type: 'value_error', loc, msg: `Value error, ${message}`, input, ctx: { error } };
}

/** Replies that carry an answer of the business rules (404, 409, 400 invalid state): an idempotency key replays them. */
const businessAnswers = new WeakSet<FastifyReply>();

/** Whether this error reply is one the business rules gave (the handler ran and decided), not a fault or a refusal. */
export function isBusinessAnswer(reply: FastifyReply): boolean {
  return businessAnswers.has(reply);
}

/** A domain error's answer: its status, body and headers (the HTTP API's, and the MCP tools' refusals). */
export interface DomainAnswer {
  status: number;
  detail: string | Issue[];
  headers: Record<string, string>;
  /** An answer of the business rules (404, 409, 400 invalid state): an idempotency key replays it. */
  business: boolean;
}

/** Each domain error's status and body: one exhaustive switch, so a new kind cannot go unmapped. */
export function domainAnswer(err: DomainError): DomainAnswer {
  const to = (status: number, detail: string | Issue[], headers: Record<string, string> = {}, business = false) => ({
    status,
    detail,
    headers,
    business,
  });
  switch (err.kind) {
    case 'unauthenticated':
      return to(401, err.message, { 'www-authenticate': 'Bearer' });
    case 'forbidden':
      return to(403, err.message);
    case 'not_found':
      return to(404, NOT_FOUND[err.resource], {}, true);
    case 'conflict':
    case 'token_limit':
      return to(409, err.message, {}, true);
    case 'invalid_state':
      return to(400, err.message, {}, true);
    case 'invalid_cursor':
      return to(422, [
        valueError(
          ['query', 'cursor'],
          err.message,
          err.cursor,
          err.reason === 'sort_mismatch' ? 'cursor does not match the sort' : 'invalid cursor',
        ),
      ]);
    case 'invalid_file':
      return to(422, [valueError(['body', 'file'], err.message, err.input)]);
    case 'invalid_argument':
      return to(422, [valueError(['body', err.field], `${err.field} ${err.problem}`, err.input)]);
    case 'unavailable':
    case 'database_locked':
      return to(503, 'Service unavailable', { 'retry-after': RETRY_AFTER_SECONDS });
    default: {
      const unmapped: never = err;
      throw new Error(`unmapped domain error ${String(unmapped)}`);
    }
  }
}

function sendDomainError(err: DomainError, reply: FastifyReply) {
  const a = domainAnswer(err);
  if (a.business) businessAnswers.add(reply);
  return answer(reply.headers(a.headers), a.status, { detail: a.detail });
}

/** A multipart body the parser could not read (truncated, no boundary…): a 400 saying so; anything else as it is. */
export function malformedMultipart(err: unknown): unknown {
  const message = err instanceof Error ? err.message : '';
  const code = (err as { code?: unknown }).code;
  if (
    message.startsWith('Multipart:') ||
    code === 'ERR_STREAM_PREMATURE_CLOSE' ||
    message.includes('Unexpected end of form')
  ) {
    return new HttpError(400, 'Malformed multipart/form-data body: send one complete part named "file"');
  }
  return err;
}

/** Where in the body JSON.parse gave up, when its message says. */
function jsonPosition(message: string): number | undefined {
  const m = /position (\d+)/.exec(message);
  return m ? Number(m[1]) : undefined;
}

/**
 * Whether the client has gone: its connection is closed, or the response can no
 * longer be written. Never the request stream's own state: Node marks a request
 * destroyed once its body has been read, so that would take every POST/PUT that
 * then meets an error for a client that left.
 */
function clientLeft(request: FastifyRequest, reply: FastifyReply): boolean {
  const socket = request.raw.socket as { destroyed?: boolean } | null | undefined;
  return socket?.destroyed === true || reply.raw.destroyed;
}

/** An error of this edge's own making (too large, not multipart…), answered with a status and detail. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    /** Headers the answer carries (e.g. Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(detail);
    Error.stackTraceLimit = limit;
  }
}

/**
 * The one error path: domain errors, this edge's own errors, Fastify's request
 * errors and anything unexpected become `{"detail": ...}`
 * bodies. Nothing internal (stack, SQL, driver text) reaches a client.
 */
function errorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  try {
    return handle(err, request, reply);
  } catch (failed) {
    // A fault in this handler itself: still the contract's 500, never Fastify's own body.
    request.log.error({ err: failed, cause: err }, 'error handler failed');
    return answer(reply, 500, { detail: 'Internal Server Error', request_id: request.id });
  }
}

function handle(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  // Answered before its body was read (a 401 from the headers alone): end the connection
  // rather than wait for, and read, a body nobody will use.
  if (!request.raw.complete) reply.header('connection', 'close');
  if (err instanceof RequestValidationError) return validation(reply, err.issues);
  if (isDomainError(err)) return sendDomainError(err, reply);
  if (err instanceof HttpError) return answer(reply.headers(err.headers), err.status, { detail: err.detail });
  switch (err.code) {
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return validation(reply, [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }]);
    case 'FST_ERR_CTP_INVALID_JSON_BODY': {
      const pos = jsonPosition(err.message);
      return validation(reply, [
        {
          type: 'json_invalid',
          loc: pos === undefined ? ['body'] : ['body', pos],
          msg: 'JSON decode error',
          input: {},
          ctx: { error: 'Invalid JSON' },
        },
      ]);
    }
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return answer(reply, 413, { detail: 'Request body too large' });
    case 'FST_REQ_FILE_TOO_LARGE':
      return answer(reply, 413, { detail: 'File too large: the limit is 5 MB' });
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return answer(reply, 415, { detail: SEND_MULTIPART });
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return answer(reply, 413, { detail: 'Too many parts: send one file in the field "file"' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      if (err.statusCode !== 415) return answer(reply, 400, { detail: 'Bad Request' });
      return answer(reply, 415, {
        detail: request.routeOptions.config.multipart
          ? SEND_MULTIPART
          : 'Unsupported media type: send application/json',
      });
  }
  if (err instanceof SyntaxError && err.statusCode === 400) {
    return validation(reply, [
      { type: 'json_invalid', loc: ['body'], msg: 'JSON decode error', input: {}, ctx: { error: 'Invalid JSON' } },
    ]);
  }
  if (clientLeft(request, reply)) {
    // The client went away mid-request: normal on the internet, nothing to alarm anyone about.
    request.log.info({ code: err.code }, 'client disconnected');
    return answer(reply, 400, { detail: 'Client disconnected' });
  }
  if (isUnavailable(err)) {
    request.log.error({ err }, 'database unavailable');
    reply.header('retry-after', RETRY_AFTER_SECONDS);
    return answer(reply, 503, { detail: 'Service unavailable', request_id: request.id });
  }
  const status = err.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    // A client error raised by Fastify itself (bad URL encoding, header size…): say only its class.
    return answer(reply, status, { detail: status === 400 ? 'Bad Request' : 'Request error' });
  }
  request.log.error({ err }, 'unhandled error');
  return answer(reply, 500, { detail: 'Internal Server Error', request_id: request.id });
}

/** Every error answered in the contract's shape (errorHandler), and the error schemas route responses refer to. */
export const errorAnswers = fp(
  async (app) => {
    app.addSchema(HTTPError);
    app.addSchema(ValidationErrorItem);
    app.addSchema(HTTPValidationError);
    app.setErrorHandler(errorHandler);
  },
  { name: 'errors' },
);
