import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RateLimitOptions } from './app.js';
import { HttpError } from './errors.js';
import type { Metrics } from './metrics.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A public route whose every request spends its client address's budget (e.g. guessable secrets). */
    limitByAddress?: boolean;
  }
}

/** Whose budget a request spends: its verified token's, or else its client address's. */
function keyOf(request: FastifyRequest): string {
  return request.caller ? `token:${request.caller.tokenId}` : `address:${request.ip}`;
}

/**
 * Request limits with the Fastify ecosystem's plugin: per verified token, and per
 * client address for requests without a valid token (failed authentications
 * count there, so random tokens do not escape it). Health, readiness and
 * metrics probes are exempt. With Redis the counters are shared by every
 * instance; if Redis goes away the API keeps serving (fail open) and says so in
 * the log. Every response carries RateLimit-Limit / -Remaining / -Reset.
 */
export async function registerRateLimit(app: FastifyInstance, opts: RateLimitOptions, metrics: Metrics) {
  if (opts.redis) {
    let lastLogged = 0;
    opts.redis.on('error', (err: Error) => {
      // Fail open, and say so — at most once a minute, not once per request.
      if (Date.now() - lastLogged < 60_000) return;
      lastLogged = Date.now();
      app.log.warn(
        { err: err.message },
        'rate-limit store (Redis) unavailable: requests are not limited until it is back',
      );
    });
  }
  const limitOf = (key: string) => (key.startsWith('token:') ? opts.perToken : opts.perAddress);
  await app.register(rateLimit, {
    global: true,
    hook: 'onRequest',
    timeWindow: opts.windowMs,
    max: async (_request: FastifyRequest, key: string) => limitOf(key) || Number.MAX_SAFE_INTEGER,
    keyGenerator: keyOf,
    allowList: (request: FastifyRequest, key: string) =>
      (request.routeOptions.config.access === 'public' && request.routeOptions.config.limitByAddress !== true) ||
      limitOf(key) === 0,
    ...(opts.redis ? { redis: opts.redis, nameSpace: 'customers-api-rate-limit:' } : {}),
    skipOnError: true,
    enableDraftSpec: true,
    onExceeded: (request: FastifyRequest) => {
      metrics.rateLimited.inc({ by: request.caller ? 'token' : 'address' });
    },
    errorResponseBuilder: () => new HttpError(429, 'Too many requests'),
  });
}
