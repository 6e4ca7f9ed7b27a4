import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { HttpError } from './errors.js';
import type { Metrics } from './metrics.js';

export interface RateLimitOptions {
  /** Requests per window for each verified token (0: no limit). */
  perToken: number;
  /** Requests per window for each client address without a valid token (0: no limit). */
  perAddress: number;
  windowMs: number;
  /** Counters in Redis, shared by every instance; in memory when absent. */
  redis?: Redis;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Starts every budget afresh (test mode's reset): counters kept so far are no longer read. */
    resetRateLimits: () => void;
  }
}

/** Whose budget a request spends: its verified token's, or else its client address's. */
function keyOf(request: FastifyRequest): string {
  return request.caller ? `token:${request.caller.tokenId}` : `address:${request.ip}`;
}

/**
 * Request limits with the Fastify ecosystem's plugin: per verified token, and per
 * client address for requests without a valid token (failed authentications
 * count there, so random tokens do not escape it). Public routes (health,
 * readiness, metrics, docs) are exempt; `optional` ones are not. With Redis
 * the counters are shared by every instance; if Redis goes away the API keeps
 * serving (fail open) and says so in the log. Every response carries RateLimit-Limit / -Remaining / -Reset.
 *
 * Its hook is added to each route (a route-level onRequest hook), so it must be
 * registered before the routes; route-level hooks run after the app's, so the
 * caller is known when it picks whose budget a request spends.
 */
export const rateLimits = fp<RateLimitOptions & { metrics: Metrics }>(
  async (app, opts) => {
    const metrics = opts.metrics;
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
    // Each reset starts a new generation of keys; the old counters expire with their window.
    let generation = 0;
    app.decorate('resetRateLimits', () => {
      generation++;
    });
    const limitOf = (key: string) => (key.includes('token:') ? opts.perToken : opts.perAddress);
    await app.register(rateLimit, {
      global: true,
      hook: 'onRequest',
      timeWindow: opts.windowMs,
      max: async (_request: FastifyRequest, key: string) => limitOf(key) || Number.MAX_SAFE_INTEGER,
      keyGenerator: (request: FastifyRequest) => `${generation}:${keyOf(request)}`,
      allowList: (request: FastifyRequest, key: string) =>
        request.routeOptions.config.access === 'public' || limitOf(key) === 0,
      ...(opts.redis ? { redis: opts.redis, nameSpace: 'customers-api-rate-limit:' } : {}),
      skipOnError: true,
      enableDraftSpec: true,
      onExceeded: (request: FastifyRequest) => {
        metrics.rateLimited.inc({ by: request.caller ? 'token' : 'address' });
      },
      errorResponseBuilder: () => new HttpError(429, 'Too many requests'),
    });
  },
  { name: 'rate-limit', dependencies: ['authentication'] },
);
