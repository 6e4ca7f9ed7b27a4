import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isUnavailable } from '../core/db/db.js';
import { AppError, RequestValidationError, type ValidationIssue } from '../core/errors.js';

function validation(reply: FastifyReply, issues: ValidationIssue[]) {
  return reply.code(422).send({ detail: issues });
}

/** Where in the body JSON.parse gave up, when its message says. */
function jsonPosition(message: string): number | undefined {
  const m = /position (\d+)/.exec(message);
  return m ? Number(m[1]) : undefined;
}

/**
 * The one error path: typed domain errors, Fastify's own request errors and
 * anything unexpected become the contract's `{"detail": ...}` bodies. Nothing
 * internal (stack, SQL, driver text) reaches a client.
 */
export function errorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (err instanceof RequestValidationError) return validation(reply, err.issues);
  if (err instanceof AppError) {
    if (err.status === 401) reply.header('www-authenticate', 'Bearer');
    if (err.status === 503) reply.header('retry-after', '5');
    return reply.code(err.status).send({ detail: err.detail });
  }
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
      return reply.code(413).send({ detail: 'Request body too large' });
    case 'FST_REQ_FILE_TOO_LARGE':
      return reply.code(413).send({ detail: 'File too large: the limit is 5 MB' });
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return reply.code(415).send({ detail: 'Unsupported media type: send multipart/form-data' });
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return reply.code(413).send({ detail: 'Too many parts: send one file in the field "file"' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return reply
        .code(err.statusCode === 415 ? 415 : 400)
        .send({ detail: err.statusCode === 415 ? 'Unsupported media type: send application/json' : 'Bad Request' });
  }
  if (err instanceof SyntaxError && err.statusCode === 400) {
    return validation(reply, [
      { type: 'json_invalid', loc: ['body'], msg: 'JSON decode error', input: {}, ctx: { error: 'Invalid JSON' } },
    ]);
  }
  if (isUnavailable(err)) {
    request.log.error({ err }, 'database unavailable');
    reply.header('retry-after', '5');
    return reply.code(503).send({ detail: 'Service unavailable', request_id: request.id });
  }
  const status = err.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    // A client error raised by Fastify itself (bad URL encoding, header size…): say only its class.
    return reply.code(status).send({ detail: status === 400 ? 'Bad Request' : 'Request error' });
  }
  request.log.error({ err }, 'unhandled error');
  return reply.code(500).send({ detail: 'Internal Server Error', request_id: request.id });
}
