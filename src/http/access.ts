import type { FastifyRequest } from 'fastify';
import type { TenantContext } from '../platform/tenant.js';
import { PERMISSIONS, type Permission } from '../resources/businesses/roles.js';
import type { Verified } from '../resources/tokens/authenticator.js';
import type { RouteValidators } from './validation.js';

/**
 * What a route requires of its caller. Every route declares one; a route that
 * does not fails start-up, so no endpoint is public by omission.
 * - `public`: no authentication (health, readiness, the OpenAPI document, the docs page);
 *   an `Authorization` header is not even read.
 * - `optional`: anyone may call it, and a caller may say who they are (invitation
 *   acceptance: joining one's own account instead of making one). Without an
 *   `Authorization` header the request has no caller; with one, the token must be
 *   valid: a token that is wrong, expired or revoked is a 401, exactly as on a `token`
 *   route — never quietly ignored, which would do something else than was asked for
 *   (make a new account instead of joining the caller's) with no way for the client
 *   to tell — and, as everywhere, before the body is read. `req.caller` is then set;
 *   `x-business-id` is not read. Its requests spend the caller's rate-limit budget, or
 *   the client address's; like a public route it takes no Idempotency-Key (keys are
 *   scoped to a caller).
 * - `token`: a valid token, no `x-business-id` (the caller's own resources).
 * - a permission: a valid token, `x-business-id`, and a role there that allows it.
 */
export type Access = 'public' | 'optional' | 'token' | Permission;

export function isAccess(value: unknown): value is Access {
  return (
    value === 'public' ||
    value === 'optional' ||
    value === 'token' ||
    (PERMISSIONS as readonly unknown[]).includes(value)
  );
}

/** Whether every request of the route has a verified caller (`public` and `optional` ones may have none). */
export function requiresCaller(access: Access | undefined): boolean {
  return access !== undefined && access !== 'public' && access !== 'optional';
}

/**
 * The accesses whose changes grant or keep privileges: `token` routes administer the
 * caller's own account (its tokens, its businesses), `manage` routes a business's members,
 * invitations and webhook endpoints. Their non-GET routes must be `privileged`.
 */
const PRIVILEGE_GRANTING: readonly Access[] = ['token', 'manage'];

/** Whether a route must declare `privileged: true` (see PRIVILEGE_GRANTING). */
export function mustBePrivileged(method: string, access: Access | undefined): boolean {
  return method !== 'GET' && method !== 'HEAD' && access !== undefined && PRIVILEGE_GRANTING.includes(access);
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /**
     * The caller is verified against the database at this moment, never the auth cache:
     * for actions that grant or keep privileges (minting tokens, membership and
     * invitation changes, webhook endpoint changes). Every non-GET route whose access is
     * `token` or `manage` must say so, or start-up fails (see buildApp).
     */
    privileged?: boolean;
    /** The body is multipart, read by the handler: no JSON body validation. */
    multipart?: boolean;
    validators?: RouteValidators;
  }
  interface FastifyRequest {
    /** Set on every route that requires a caller (see requiresCaller), and on an `optional` one that sent a token. */
    caller?: Verified;
    /** Set on every route that needs a role in a business. */
    tenant?: TenantContext;
  }
}

/** The tenant of a business route (its access is a permission, so authentication set it). */
export function tenantOf(req: FastifyRequest): TenantContext {
  if (!req.tenant) throw new Error(`${req.routeOptions.url}: tenantOf on a route without a business`);
  return req.tenant;
}

/** The verified caller of a route that requires one (see requiresCaller). */
export function callerOf(req: FastifyRequest): Verified {
  if (!req.caller) throw new Error(`${req.routeOptions.url}: callerOf on a public route`);
  return req.caller;
}
