import { PassThrough } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from './errors.js';

/** How much an unauthenticated request may send, and how long it may take (contract §6). */
export const UNAUTHENTICATED_BODY = { limit: 4096, deadlineMs: 5000 } as const;

/**
 * A route's preParsing hook: its body must have arrived within `ms`, else 408 and the
 * connection is closed. For routes anyone may call (signing in, accepting an invitation),
 * so a slow sender cannot hold a request open for the whole server-wide deadline.
 */
export function bodyDeadline(ms: number) {
  return async (_request: FastifyRequest, reply: FastifyReply, payload: NodeJS.ReadableStream) => {
    if (ms <= 0) return payload;
    const out = new PassThrough();
    const timer = setTimeout(() => {
      payload.unpipe(out);
      reply.header('connection', 'close');
      out.destroy(new HttpError(408, 'Request Timeout'));
    }, ms);
    timer.unref();
    const done = () => clearTimeout(timer);
    payload.once('end', done);
    payload.once('error', done);
    payload.once('close', done);
    // Answered without reading the body (a refusal before parsing): nothing is waiting for it.
    reply.raw.once('close', done);
    reply.raw.once('finish', done);
    // The parser listens while it reads; once it is gone, a late deadline must not be an uncaught error.
    out.on('error', () => {});
    payload.pipe(out);
    return out;
  };
}
