import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import { UnavailableError } from '../platform/errors.js';
import { uuidv7 } from '../platform/ids.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** From now on every request is answered 503 (the server is going away). */
    beginShutdown: () => void;
  }
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  431: 'Request Header Fields Too Large',
};

/**
 * Errors Node's HTTP parser meets before Fastify sees a request (headers too
 * large, a request too slow, a malformed request line): answered on the raw
 * socket, still as `{"detail": ...}`.
 */
function rawClientError(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Socket) {
  if (err.code === 'ECONNRESET' || !socket.writable) return;
  const status =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? 431
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || err.code === 'ERR_HTTP_HEADERS_TIMEOUT'
        ? 408
        : err.code === 'HPE_URI_TOO_LONG'
          ? 414
          : 400;
  const body = JSON.stringify({ detail: STATUS_TEXT[status] });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

const SANE_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** Fastify's own options: limits, deadlines, request ids, and the contract's shape for what Fastify answers itself. */
export function serverOptions(opts: {
  logger: FastifyServerOptions['logger'];
  trustProxy: boolean | string | undefined;
  bodyLimit: number;
  requestTimeoutMs: number;
}): FastifyServerOptions {
  const requestTimeout = opts.requestTimeoutMs;
  return {
    logger: opts.logger,
    ...(opts.trustProxy !== undefined ? { trustProxy: opts.trustProxy } : {}),
    bodyLimit: opts.bodyLimit,
    requestTimeout,
    // Node checks request deadlines on this interval (its default, 30 s, would let a 1 s deadline slip by 29).
    ...({
      http: { connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(requestTimeout / 2) || 1000)) },
    } as object),
    // Shutdown answers 503 in the contract's shape itself (see the lifecycle plugin).
    return503OnClosing: false,
    frameworkErrors: (err, _request, reply: FastifyReply) => {
      reply
        .code(400)
        .type('application/json; charset=utf-8')
        .send(
          JSON.stringify({ detail: err.code === 'FST_ERR_BAD_URL' ? 'Bad Request: malformed URL' : 'Bad Request' }),
        );
    },
    clientErrorHandler: rawClientError,
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true },
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : uuidv7();
    },
    ajv: { customOptions: { strict: false } },
  };
}

export interface LifecycleOptions {
  /** The whole request must arrive within this many ms (0: no limit). */
  requestTimeoutMs: number;
  maxConnections?: number | undefined;
  /** Work that runs from ready to close (the webhook delivery worker). */
  background?: { start: () => void | Promise<void>; stop: () => Promise<void> } | undefined;
}

/**
 * A request's life and the server's: connection deadlines, the request id on
 * every answer, and shutdown (from `beginShutdown` or close on, every request
 * is answered 503 with `Connection: close`); background work starts when the
 * app is ready and stops when it closes.
 */
export const lifecycle = fp<LifecycleOptions>(
  async (app, opts) => {
    const requestTimeout = opts.requestTimeoutMs;
    // Headers must arrive within the request deadline too (Node's own default is a minute).
    if (requestTimeout > 0) app.server.headersTimeout = Math.min(requestTimeout, 60_000);
    // Node's deadlines start with a request: a connection that sends nothing at all would stay open
    // forever, holding a file descriptor. Until its first request begins it has the request deadline
    // (an inactivity timer: with no listener, Node destroys the socket when it fires).
    if (requestTimeout > 0) {
      app.server.on('connection', (socket: Socket) => socket.setTimeout(requestTimeout));
      app.server.on('request', (req: import('node:http').IncomingMessage) => req.socket.setTimeout(0));
    }
    if (opts.maxConnections !== undefined) app.server.maxConnections = opts.maxConnections;

    let closing = false;
    app.decorate('beginShutdown', () => {
      closing = true;
    });
    app.addHook('preClose', async () => {
      closing = true;
    });
    app.addHook('onRequest', async (request, reply) => {
      reply.header('x-request-id', request.id);
      if (closing) {
        reply.header('connection', 'close');
        throw new UnavailableError();
      }
    });

    const background = opts.background;
    if (background) {
      app.addHook('onReady', async () => background.start());
      app.addHook('onClose', async () => await background.stop());
    }
  },
  // After metrics: a request refused here (shutdown) is still counted, and in flight balances.
  { name: 'lifecycle', dependencies: ['metrics'] },
);
