import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import apiReference from '@scalar/fastify-api-reference';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { Authenticator, type Permission, requireRole } from '../core/auth.js';
import { MAX_IMPORT_BYTES } from '../core/bulk-import.js';
import { ContactsService } from '../core/contacts.js';
import type { TenantContext } from '../core/context.js';
import { CursorCodec } from '../core/cursor.js';
import { CustomersService } from '../core/customers.js';
import type { Db } from '../core/db/db.js';
import { emailProblem } from '../core/email.js';
import { RequestValidationError } from '../core/errors.js';
import { isUuid, uuidv7 } from '../core/ids.js';
import { errorHandler } from './errors.js';
import { contactRoutes } from './routes/contacts.js';
import { customerRoutes } from './routes/customers.js';
import { healthRoutes } from './routes/health.js';
import { HTTPError, HTTPValidationError, ValidationErrorItem } from './schemas/common.js';
import { CustomerContact } from './schemas/customers.js';
import { compileRouteValidators, type RouteValidators, validateRequest } from './validation.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the caller's role must allow; routes without it need no authentication. */
    permission?: Permission;
    /** The body is multipart, read by the handler: no JSON body validation. */
    multipart?: boolean;
    validators?: RouteValidators;
  }
  interface FastifyRequest {
    tenant: TenantContext;
  }
}

export interface AppOptions {
  db: Db;
  cursorSecret: string;
  bodyLimit?: number;
  /** See AuthenticatorOptions.cacheTtlMs; 0 (the default here) always asks the database. */
  authCacheTtlMs?: number;
  logger?: FastifyServerOptions['logger'];
}

export interface Services {
  db: Db;
  contacts: ContactsService;
  customers: CustomersService;
}

export type App = FastifyInstance;

const SANE_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

function headerIssue(name: string, type: string, msg: string, input: unknown, ctx?: Record<string, unknown>) {
  return new RequestValidationError([{ type, loc: ['header', name], msg, input, ...(ctx ? { ctx } : {}) }]);
}

export async function buildApp(opts: AppOptions): Promise<App> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: opts.bodyLimit ?? 1_048_576,
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true },
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : uuidv7();
    },
    ajv: { customOptions: { strict: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const codec = new CursorCodec(opts.cursorSecret);
  const auth = new Authenticator(opts.db, { cacheTtlMs: opts.authCacheTtlMs ?? 0 });
  const services: Services = {
    db: opts.db,
    contacts: new ContactsService(opts.db, codec),
    customers: new CustomersService(opts.db, codec),
  };

  app.addSchema(HTTPError);
  app.addSchema(ValidationErrorItem);
  app.addSchema(HTTPValidationError);
  app.addSchema(CustomerContact);

  // Validation happens in the preValidation hook below, after authentication, so
  // every part of a request is checked and all problems reported together.
  app.setValidatorCompiler(() => () => true);

  const routePatterns: { re: RegExp; method: string }[] = [];
  app.addHook('onRoute', (route) => {
    const validators = compileRouteValidators(route.schema);
    if (route.config?.multipart) delete validators.body;
    route.config = { ...(route.config ?? {}), validators };
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const re = new RegExp(`^${route.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z_]+/g, '[^/]+')}/?$`);
    for (const method of methods) routePatterns.push({ re, method: String(method) });
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  app.addHook('preValidation', async (request) => {
    const config = request.routeOptions.config;
    if (config.permission) {
      // Authentication first: no valid token is a 401 whatever else is wrong.
      const rawBusiness = request.headers['x-business-id'];
      const businessId = typeof rawBusiness === 'string' ? rawBusiness.trim() : undefined;
      const validBusiness = businessId !== undefined && isUuid(businessId);
      const who = await auth.verify(bearer(request.headers.authorization), validBusiness ? businessId : null);
      if (businessId === undefined || businessId === '') {
        throw headerIssue('x-business-id', 'missing', 'Field required', null);
      }
      if (!validBusiness) {
        throw headerIssue('x-business-id', 'uuid_parsing', 'Input should be a valid UUID', businessId, {
          error: 'invalid UUID',
        });
      }
      requireRole(who.role, config.permission);
      const rawEmail = request.headers['x-user-email'];
      let actorEmail: string | null = null;
      if (typeof rawEmail === 'string' && rawEmail.trim() !== '') {
        actorEmail = rawEmail.trim();
        if (actorEmail.length > 320) {
          throw headerIssue(
            'x-user-email',
            'string_too_long',
            'String should have at most 320 characters',
            actorEmail,
            { max_length: 320 },
          );
        }
        const reason = emailProblem(actorEmail);
        if (reason) {
          throw headerIssue(
            'x-user-email',
            'value_error',
            `value is not a valid email address: ${reason}`,
            actorEmail,
            { reason },
          );
        }
      }
      request.tenant = { businessId: businessId.toLowerCase(), actorEmail };
    }
    const validators = config.validators;
    if (validators) {
      const issues = validateRequest(validators, request);
      if (issues.length > 0) throw new RequestValidationError(issues);
    }
  });

  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = [...new Set(routePatterns.filter((r) => r.re.test(path)).map((r) => r.method))];
    if (allowed.length > 0) {
      return reply.code(405).header('allow', allowed.join(', ')).send({ detail: 'Method Not Allowed' });
    }
    return reply.code(404).send({ detail: 'Not Found' });
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Customers API',
        version: '1.0.0',
        description:
          "A self-hostable implementation of DayZero's Customers API: accounts-receivable customers and their contacts.",
      },
      tags: [{ name: 'customers', description: 'Customers and their contacts' }],
      components: {
        securitySchemes: {
          HTTPBearer: { type: 'http', scheme: 'bearer', description: 'An API token: `dz_…`' },
        },
      },
    },
    refResolver: {
      buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
    },
  });

  await app.register(multipart, { limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 10, parts: 20 } });
  await app.register(healthRoutes, { db: opts.db });
  await app.register(customerRoutes, { services, prefix: '/api/v1/customers' });
  await app.register(contactRoutes, { services, prefix: '/api/v1/customers' });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(apiReference, {
    routePrefix: '/docs',
    configuration: { url: '/openapi.json', title: 'Customers API' },
  });

  await app.ready();
  return app as unknown as App;
}
