import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { LRUCache } from 'lru-cache';
import { csrfMatches } from '../resources/sessions/service.js';
import { requiresCaller } from './access.js';
import { authenticateWith } from './auth.js';
import { HttpError } from './errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The one route a session's cookie authorizes without `x-csrf-token` (GET /sessions/current). */
    cookieAlone?: boolean;
    /** A route the cookie never authenticates (MCP, contract §8: bearer tokens only). */
    noCookie?: boolean;
  }
}

const CSRF_DETAIL = 'Missing or invalid CSRF token';

/** The cookie's name: `__Host-dz_session` over HTTPS, `dz_session_<port>` over plain HTTP (servers on one host do not share it). */
function cookieName(request: FastifyRequest): string {
  if (request.protocol === 'https') return '__Host-dz_session';
  const addr = request.server.server.address() as AddressInfo | string | null;
  const port = addr && typeof addr === 'object' ? addr.port : (request.port ?? 80);
  return `dz_session_${port}`;
}

/** The session cookie's value in the request, if it sent one. */
function sessionCookie(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (typeof header !== 'string') return undefined;
  const name = cookieName(request);
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function cookie(request: FastifyRequest, value: string, lifetime: string): string {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  return `${cookieName(request)}=${value}; Path=/; HttpOnly; SameSite=Strict; ${lifetime}${secure}`;
}

/** Sets the session's cookie on the answer; the browser keeps it until the session's absolute end. */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, secret: string, expiresAt: string) {
  reply.header('set-cookie', cookie(request, secret, `Expires=${new Date(expiresAt).toUTCString()}`));
  reply.header('cache-control', 'no-store');
}

/** Tells the browser to drop the cookie (after sign-out). */
export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply) {
  reply.header('set-cookie', cookie(request, '', 'Max-Age=0'));
}

/**
 * Console sessions (contract §6): on a route that requires a caller, a request without
 * `Authorization` but with the session cookie is authenticated by its session — like
 * its user's token, verified in the database every time (so sign-out and a revoked
 * token take effect at once on every instance), under the address's budget of failed
 * authentications. Every such request but GET /sessions/current must carry the
 * session's `x-csrf-token`, reads included, else 403. `Authorization: Bearer` wins when
 * both are sent; routes anyone may call (`public`, `optional`) ignore the cookie.
 */
export const sessions = fp(
  async (app) => {
    // Sessions this process verified lately: past its budget of failures, an address may still use them.
    const known = new LRUCache<string, true>({ max: 10_000, ttl: 60_000 });

    app.addHook('onRequest', async (request) => {
      const config = request.routeOptions.config;
      if (request.is404 || config.noCookie || !requiresCaller(config.access)) return;
      if (request.headers.authorization !== undefined) return;
      const secret = sessionCookie(request);
      if (secret === undefined) return;
      // The token's authentication found no token: the cookie decides instead.
      request.authFailure = undefined;
      const key = createHash('sha256').update(secret).digest('hex');
      try {
        await authenticateWith(request, async (req, businessId) => {
          const who = await app.checkCredential(req, known.has(key), () =>
            req.services.sessions.verify(secret, businessId),
          );
          known.set(key, true);
          if (!req.routeOptions.config.cookieAlone && !csrfMatches(who.session, req.headers['x-csrf-token'])) {
            throw new HttpError(403, CSRF_DETAIL);
          }
          return who;
        });
      } catch (err) {
        request.authFailure = err;
      }
    });
  },
  { name: 'sessions', dependencies: ['authentication', 'request-services'] },
);
