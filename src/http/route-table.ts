import fp from 'fastify-plugin';
import { answersWithSecret } from '../platform/secret.js';
import { type Access, isAccess, mustBePrivileged } from './access.js';

/** A registered route and what it declared (the route-table test compares these with the suites' table). */
interface RouteInfo {
  method: string;
  url: string;
  access: Access | undefined;
  /** Verified against the database, never the auth cache (config.privileged). */
  privileged: boolean;
  /** A 2xx answer carries a field marked secret (see platform/secret.ts). */
  secret: boolean;
  /** config.idempotency: 'refuse' when the route refuses Idempotency-Key. */
  idempotency: 'refuse' | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: RouteInfo[];
  }
}

/**
 * Every route registered after this plugin, with what it declared; start-up
 * fails on a route that breaks a rule (no access, a privilege-granting change
 * not verified in the database, a secret answer that takes idempotency keys).
 * Also the answer to a path no route has: 405 with `Allow` when the path
 * exists with other methods, else 404.
 */
export const routeTable = fp(
  async (app) => {
    const patterns: { re: RegExp; method: string }[] = [];
    const table: RouteInfo[] = [];
    app.decorate('routeTable', table);
    app.addHook('onRoute', (route) => {
      const config = route.config ?? {};
      route.config = config;
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const secret = answersWithSecret(route.schema?.response);
      const re = new RegExp(`^${route.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z_]+/g, '[^/]+')}/?$`);
      for (const method of methods) {
        patterns.push({ re, method: String(method) });
        // `config` is read at ready time: a plugin scope may declare access in its own onRoute hook, after this one.
        table.push({
          method: String(method),
          url: route.url,
          get access() {
            return config.access;
          },
          get privileged() {
            return config.privileged === true;
          },
          secret,
          get idempotency() {
            return config.idempotency;
          },
        });
      }
    });

    app.addHook('onReady', async () => {
      // Secure by default: a route that declares no access fails start-up, whoever registered it.
      const undeclared = table.filter((r) => !isAccess(r.access));
      if (undeclared.length > 0) {
        throw new Error(
          `routes without a valid config.access ('public', 'optional', 'token' or a permission): ${undeclared.map((r) => `${r.method} ${r.url}`).join(', ')}`,
        );
      }
      // A cache may answer reads, never grant privileges: a route that changes tokens,
      // memberships, invitations or webhook endpoints checks its caller in the database.
      const unprivileged = table.filter((r) => mustBePrivileged(r.method, r.access) && !r.privileged);
      if (unprivileged.length > 0) {
        throw new Error(
          `routes that grant or keep privileges (access 'token' or 'manage', not GET) without config.privileged: true: ${unprivileged.map((r) => `${r.method} ${r.url}`).join(', ')}`,
        );
      }
      // Declared, not derived from the schema: refusing the header is part of the route's
      // public behaviour (clients get a 422, the OpenAPI document offers no key), so it is
      // written where the route is, for its reader and reviewer; the schema's mark makes
      // forgetting it impossible. A replay would have to store the secret (contract §5.1).
      const storing = table.filter((r) => r.method === 'POST' && r.secret && r.idempotency !== 'refuse');
      if (storing.length > 0) {
        throw new Error(
          `POST routes whose answer carries a secret without config.idempotency: 'refuse' (a replay would store it): ${storing.map((r) => `${r.method} ${r.url}`).join(', ')}`,
        );
      }
    });

    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0] ?? '';
      const allowed = [...new Set(patterns.filter((r) => r.re.test(path)).map((r) => r.method))];
      if (allowed.length > 0) {
        return reply.code(405).header('allow', allowed.join(', ')).send({ detail: 'Method Not Allowed' });
      }
      return reply.code(404).send({ detail: 'Not Found' });
    });
  },
  { name: 'route-table' },
);
