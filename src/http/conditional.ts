import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ChangeState } from '../platform/changes.js';
import { migrationsDigest } from '../platform/db/migrate.js';
import { PACKAGE_VERSION } from '../platform/version.js';
import { PERMISSIONS } from '../resources/businesses/roles.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Whether the route's 200 answers carry an `ETag` and honour `If-None-Match` (304).
     * Every GET of a business (`x-business-id`) under /api/v1 does unless it says `false`:
     * a route whose answer changes with time alone (an expiry), not only with a write of
     * the business's rows, must say so.
     */
    conditional?: boolean;
  }
  interface FastifyRequest {
    /** The validator of this request's answer, when its route is conditional. */
    etag?: string;
  }
}

const CACHE_CONTROL = 'private, no-cache';
const VARY = 'Authorization, Cookie, x-business-id';
/** A new release (code or schema) may answer the same rows differently: its validators differ. */
const RELEASE = `${PACKAGE_VERSION}/${migrationsDigest()}`;

/** The entity tags of an If-None-Match header; weak ones compare as strong (RFC 9110 §13.1.2). */
function taggedIn(header: string | undefined): { any: boolean; tags: string[] } {
  if (header === undefined) return { any: false, tags: [] };
  if (header.trim() === '*') return { any: true, tags: [] };
  return { any: false, tags: [...header.matchAll(/(?:W\/)?("[^"]*")/g)].map((m) => m[1] ?? '') };
}

/** Keys sorted at every level: the same query however its parameters were ordered. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The strong validator of a GET's answer: everything the answer is a function of. The rows
 * (the business's change state), who asks (the role decides what may be read; the user is
 * named although no answer differs by user today, so one never leaks into another's cache),
 * the route and its validated parameters and query (defaults applied, order ignored), and
 * the release.
 */
function entityTag(
  state: ChangeState,
  who: { businessId: string; userId: string; role: string | null },
  what: { route: string; params: unknown; query: unknown },
): string {
  const h = createHash('sha256');
  h.update(
    [
      RELEASE,
      state.epoch,
      state.version,
      who.businessId,
      who.role ?? '',
      who.userId,
      what.route,
      canonical(what.params),
      canonical(what.query),
    ].join('\n'),
  );
  return `"${h.digest('base64url').slice(0, 32)}"`;
}

function cacheHeaders(reply: FastifyReply, etag: string): void {
  reply.header('etag', etag).header('cache-control', CACHE_CONTROL).header('vary', VARY);
}

const isBusinessRead = (method: unknown, url: string, access: unknown) =>
  method === 'GET' && url.startsWith('/api/v1/') && (PERMISSIONS as readonly unknown[]).includes(access);

/** What the published document says of a 304 (see http/openapi.ts, which adds the ETag header to the 200). */
const NOT_MODIFIED = {
  type: 'null',
  description:
    'Not Modified: the `If-None-Match` header names the current `ETag`: the answer is the one the client holds. No body.',
} as const;

/**
 * Conditional GETs (RFC 9110 §13): every 200 of a conditional route carries a strong
 * `ETag`, `Cache-Control: private, no-cache` and `Vary: Authorization, Cookie,
 * x-business-id`; a request whose `If-None-Match` names the current one is answered 304
 * with no body. The check is one statement (the business's change state) before the
 * handler reads anything, on the database the handler would read (a replica's state
 * stands for a replica's rows). A preHandler hook: the caller, the business and the
 * validated query are known, the rate limit has counted the request, and the replicas
 * hook (registered before this one) has picked the database.
 */
export const conditionalRequests = fp(
  async (app) => {
    app.addHook('onRoute', (route) => {
      const config = route.config ?? {};
      route.config = config;
      if (config.conditional === false || !isBusinessRead(route.method, route.url, config.access)) return;
      config.conditional = true;
      if (route.schema?.response && typeof route.schema.response === 'object') {
        route.schema = { ...route.schema, response: { ...route.schema.response, 304: NOT_MODIFIED } };
      }
    });

    app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
      if (request.routeOptions.config.conditional !== true) return;
      const tenant = request.tenant;
      const caller = request.caller;
      if (!tenant || !caller) return;
      const state = await request.services.changes.state(tenant.businessId);
      if (!state) return;
      const etag = entityTag(
        state,
        { businessId: tenant.businessId, userId: caller.userId, role: caller.role },
        { route: request.routeOptions.url ?? '', params: request.params, query: request.query },
      );
      request.etag = etag;
      if (taggedIn(request.headers['if-none-match']).tags.includes(etag)) {
        cacheHeaders(reply, etag);
        return reply.code(304).send();
      }
    });

    app.addHook('onSend', async (request, reply, payload) => {
      const etag = request.etag;
      if (etag === undefined || reply.statusCode !== 200) return payload;
      cacheHeaders(reply, etag);
      // `If-None-Match: *` holds for any current answer: known only once there is one.
      if (taggedIn(request.headers['if-none-match']).any) {
        reply.code(304).removeHeader('content-type');
        return null;
      }
      return payload;
    });
  },
  { name: 'conditional-requests', dependencies: ['authentication', 'request-services'] },
);
