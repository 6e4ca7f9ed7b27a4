import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { emailProblem } from '../platform/email.js';
import { UnauthenticatedError } from '../platform/errors.js';
import { isUuid } from '../platform/ids.js';
import { type Authenticator, type Lookup, requireRole, type Verified } from '../resources/tokens/authenticator.js';
import { TOKEN_RE } from '../resources/tokens/service.js';
import { isAccess } from './access.js';
import { type AuthFailureOptions, AuthFailures } from './auth-failures.js';
import { headerIssue } from './validation.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Why authentication failed: answered once the rate limit has counted the request. */
    authFailure?: unknown;
  }
  interface FastifyInstance {
    /** Forgets every verified token and membership this process cached (after administration done elsewhere). */
    forgetCachedAuth: () => void;
    /** Forgets the failed authentications counted per address (test mode's reset). */
    resetAuthFailures: () => void;
    /**
     * Runs a credential lookup under the client address's budget of failed authentications
     * (see http/auth-failures.ts); past the budget, only a credential `known` to this process is looked up.
     */
    checkCredential: <T>(request: FastifyRequest, known: boolean, check: () => Promise<T>) => Promise<T>;
  }
}

/** The token of an `Authorization: Bearer …` header (undefined when there is none, or it is not one). */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

/** The optional `x-user-email` audit header: trimmed, checked like an e-mail field. */
export function actorEmail(raw: string | string[] | undefined): string | null {
  if (typeof raw !== 'string' || raw.trim() === '') return null;
  const email = raw.trim();
  if (email.length > 320) {
    throw headerIssue('x-user-email', 'string_too_long', 'String should have at most 320 characters', email, {
      max_length: 320,
    });
  }
  const reason = emailProblem(email);
  if (reason) {
    throw headerIssue('x-user-email', 'value_error', `value is not a valid email address: ${reason}`, email, {
      reason,
    });
  }
  return email;
}

/** How a credential is verified: the caller, and their role in `businessId` when one is named. */
export type VerifyCaller = (request: FastifyRequest, businessId: string | null) => Promise<Verified>;

/**
 * Authenticates a request of a route that requires a caller (`token` or a permission) with
 * `verify`, and sets `req.caller` and, on business routes, `req.tenant`. Authentication
 * first: no valid credential is a 401 whatever else is wrong; then `x-business-id`; then the role.
 */
export async function authenticateWith(request: FastifyRequest, verify: VerifyCaller): Promise<void> {
  const access = request.routeOptions.config.access;
  if (!isAccess(access) || access === 'public' || access === 'optional') {
    throw new Error(`route ${request.routeOptions.url} requires no caller`);
  }
  if (access === 'token') {
    request.caller = await verify(request, null);
    return;
  }
  const rawBusiness = request.headers['x-business-id'];
  const businessId = typeof rawBusiness === 'string' ? rawBusiness.trim() : undefined;
  const validBusiness = businessId !== undefined && isUuid(businessId);
  const who = await verify(request, validBusiness ? businessId : null);
  if (businessId === undefined || businessId === '') {
    throw headerIssue('x-business-id', 'missing', 'Field required', null);
  }
  if (!validBusiness) {
    throw headerIssue('x-business-id', 'uuid_parsing', 'Input should be a valid UUID', businessId, {
      error: 'invalid UUID',
    });
  }
  requireRole(who.role, access);
  request.caller = who;
  request.tenant = {
    businessId: businessId.toLowerCase(),
    actorEmail: actorEmail(request.headers['x-user-email']),
  };
}

export interface AuthOptions {
  auth: Authenticator;
  /** The budget of failed token lookups per client address (none when absent). */
  failures?: AuthFailureOptions | undefined;
}

/**
 * Authentication, by each route's declared access (see Access): sets
 * `req.caller` and, on business routes, `req.tenant`. It runs as soon as the
 * headers are in, before any body is read: a request without a valid token
 * never costs the server its body's memory. Its failure is answered in
 * preParsing, after the rate limit (a route-level onRequest hook, so after
 * this one) has counted the request against the client's address — guessing
 * tokens is limited too — and still before the body.
 */
export const authentication = fp<AuthOptions>(
  async (app, opts) => {
    const auth = opts.auth;
    const failures = opts.failures ? new AuthFailures(opts.failures) : undefined;
    app.decorate('forgetCachedAuth', () => auth.clear());
    app.decorate('resetAuthFailures', () => failures?.clear());

    /**
     * Runs one credential lookup under the client address's budget of failed
     * authentications: a lookup that finds no valid credential counts against it, and past
     * the budget only a credential `known` to this process is looked up (it is no guess).
     */
    const checkCredential = async <T>(request: FastifyRequest, known: boolean, check: () => Promise<T>): Promise<T> => {
      if (!failures) return await check();
      const address = request.ip;
      if (!failures.allows(address)) {
        if (!known) throw new UnauthenticatedError();
        return await check();
      }
      const settle = failures.begin(address);
      try {
        const who = await check();
        settle(false);
        return who;
      } catch (err) {
        settle(err instanceof UnauthenticatedError);
        throw err;
      }
    };
    app.decorate('checkCredential', checkCredential);

    /** The caller of a request, by its bearer token (and its role in `businessId`). */
    const verify = async (request: FastifyRequest, businessId: string | null): Promise<Verified> => {
      const token = bearerToken(request);
      const lookup: Lookup = request.routeOptions.config.privileged === true ? 'database' : 'cache-or-database';
      // A token of the wrong shape costs no statement: nothing to count.
      if (token === undefined || !TOKEN_RE.test(token)) return await auth.verify(token, businessId, lookup);
      // Past the budget: only a token this process verified lately is looked at (from the
      // cache, or — privileged — in the database); anything else costs nothing.
      return await checkCredential(request, auth.knows(token), () => auth.verify(token, businessId, lookup));
    };

    const authenticate = async (request: FastifyRequest) => {
      if (request.is404) return;
      const access = request.routeOptions.config.access;
      if (!isAccess(access)) throw new Error(`route ${request.routeOptions.url} declares no access`);
      if (access === 'public') return;
      if (access === 'optional') {
        // No header, no caller; a header is a claim, checked like any (see Access).
        if (request.headers.authorization !== undefined) request.caller = await verify(request, null);
        return;
      }
      await authenticateWith(request, verify);
    };

    app.addHook('onRequest', async (request) => {
      try {
        await authenticate(request);
      } catch (err) {
        request.authFailure = err;
      }
    });
    app.addHook('preParsing', async (request) => {
      if (request.authFailure !== undefined) throw request.authFailure;
    });
  },
  // After lifecycle: a 401 carries the request id, and a server going away answers 503 without a lookup.
  { name: 'authentication', dependencies: ['lifecycle'] },
);
