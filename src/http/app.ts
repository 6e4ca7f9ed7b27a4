import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifySchema,
  type FastifyServerOptions,
} from 'fastify';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { CursorCodec } from '../platform/cursor.js';
import type { Db } from '../platform/db/db.js';
import { PostgresDb } from '../platform/db/postgres.js';
import type { ReadReplicas, RecentWrites } from '../platform/db/replicas.js';
import { emailProblem } from '../platform/email.js';
import { UnauthenticatedError, UnavailableError } from '../platform/errors.js';
import { isUuid, uuidv7 } from '../platform/ids.js';
import { answersWithSecret } from '../platform/secret.js';
import { businessRoutes } from '../resources/businesses/routes.js';
import { contactRoutes } from '../resources/contacts/routes.js';
import { ContactsService } from '../resources/contacts/service.js';
import { MAX_IMPORT_BYTES } from '../resources/customers/bulk-import.js';
import { customerRoutes } from '../resources/customers/routes.js';
import { CustomersService } from '../resources/customers/service.js';
import { eventRoutes } from '../resources/events/routes.js';
import { invitationRoutes } from '../resources/invitations/routes.js';
import { memberRoutes } from '../resources/members/routes.js';
import { Authenticator, type Lookup, requireRole, type Verified } from '../resources/tokens/authenticator.js';
import { tokenRoutes } from '../resources/tokens/routes.js';
import { TOKEN_RE } from '../resources/tokens/service.js';
import { DEFAULT_MAX_ENDPOINTS, webhookRoutes } from '../resources/webhooks/routes.js';
import { DEFAULT_WEBHOOK_OPTIONS, type WebhookOptions, WebhookWorker } from '../resources/webhooks/worker.js';
import { type Access, isAccess, mustBePrivileged } from './access.js';
import { type AuthFailureOptions, AuthFailures } from './auth-failures.js';
import { registerDocs } from './docs.js';
import { errorHandler } from './errors.js';
import { healthRoutes } from './health.js';
import { Idempotency } from './idempotency.js';
import { isLoopback, Metrics, type MetricsAccess } from './metrics.js';
import { PACKAGE_VERSION, publishOpenApi } from './openapi.js';
import { registerRateLimit } from './rate-limit.js';
import { HTTPError, HTTPValidationError, ValidationErrorItem } from './schemas.js';
import { compileRouteValidators, headerIssue, RequestValidationError, validateRequest } from './validation.js';

/** A registered route and what it declared (the route-table test compares these with the suites' table). */
export interface RouteInfo {
  method: string;
  url: string;
  access: Access | undefined;
  /** Verified against the database, never the auth cache (config.privileged). */
  privileged: boolean;
  /** A 2xx answer carries a field marked secret (see http/secret.ts). */
  secret: boolean;
  /** config.idempotency: 'refuse' when the route refuses Idempotency-Key. */
  idempotency: 'refuse' | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Why authentication failed: answered once the rate limit has counted the request. */
    authFailure?: unknown;
  }
  interface FastifyInstance {
    routeTable: RouteInfo[];
    /** From now on every request is answered 503 (the server is going away). */
    beginShutdown: () => void;
    /** This app's Prometheus registry (a cluster's primary sums the workers'). */
    metricsRegistry: Registry;
    /** Forgets every verified token and membership this process cached (after administration done elsewhere). */
    forgetCachedAuth: () => void;
  }
}

export interface AppOptions {
  db: Db;
  cursorSecret: string;
  bodyLimit?: number;
  /** See AuthenticatorOptions.cacheTtlMs; 0 (the default here) always asks the database. */
  authCacheTtlMs?: number;
  logger?: FastifyServerOptions['logger'];
  /** More routes, registered after the API's own (embedding, tests); they declare access like any route. */
  extraRoutes?: (app: FastifyInstance) => Promise<void>;
  /** The whole request (headers and body) must arrive within this many ms, or 408 (0: no limit). */
  requestTimeoutMs?: number;
  /** Open client connections at most; past it a new one is closed at once, unread (none when absent). */
  maxConnections?: number;
  /** The statement deadline of a bulk upload's transaction (PostgreSQL), ms. */
  longStatementTimeoutMs?: number;
  /** Request limits; none when absent. */
  rateLimit?: RateLimitOptions;
  /**
   * The budget of failed token lookups per client address (see http/auth-failures.ts).
   * Default: the rate limit's per-address budget and window (and its Redis); none without
   * a per-address limit, or with `false`.
   */
  authFailures?: AuthFailureOptions | false;
  /** Which proxies' X-Forwarded-For to believe for the client address (Fastify's trustProxy). */
  trustProxy?: boolean | string;
  /** Who may read GET /metrics (default: requests from this machine only). */
  metrics?: MetricsAccess;
  /** Where GET /metrics gets its text when this is one of several processes (the cluster's sum); default this app's own. */
  metricsText?: (local: Registry) => Promise<string>;
  /**
   * Webhooks: the target policy endpoints are checked against, and whether this
   * app delivers (runs a delivery worker from ready to close; off by default
   * here, on in the server).
   */
  webhooks?: Partial<WebhookOptions> & { deliver?: boolean; maxEndpoints?: number };
  /** The server's public address (PUBLIC_URL), for the links it hands out; default the listening address. */
  publicUrl?: string;
  /** Read replicas for GET requests, and the shared record of who wrote lately (read-your-writes). */
  readReplicas?: { replicas: ReadReplicas; recentWrites: RecentWrites };
}

export interface RateLimitOptions {
  /** Requests per window for each verified token (0: no limit). */
  perToken: number;
  /** Requests per window for each client address without a valid token (0: no limit). */
  perAddress: number;
  windowMs: number;
  /** Counters in Redis, shared by every instance; in memory when absent. */
  redis?: Redis;
}

export interface Services {
  db: Db;
  codec: CursorCodec;
  /** For work that is long by nature (bulk upload): its statements' deadline, ms. */
  longStatementTimeoutMs: number;
  contacts: ContactsService;
  customers: CustomersService;
  /** Told of membership and token changes, so this process stops trusting what it cached. */
  auth: Authenticator;
}

/** Routes registered inside it (a plugin's own, such as the docs page's assets) are public. */
async function publicRoutes(app: FastifyInstance, register: (scope: FastifyInstance) => Promise<void>) {
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      // In place: the app's own onRoute hook (which ran first) keeps a reference to this object.
      route.config ??= {};
      route.config.access = 'public';
    });
    await register(scope);
  });
}

export type App = FastifyInstance;

const MAX_JSON_DEPTH = 64;

/** How deeply arrays and objects nest in a JSON text (brackets inside strings do not count). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // a backslash escapes the next character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}

/** The POST route's OpenAPI header parameters gain the optional `Idempotency-Key` (documentation only). */
function declareIdempotencyKey(route: { schema?: FastifySchema }): void {
  route.schema ??= {};
  const headers = (route.schema.headers ?? { type: 'object', properties: {} }) as {
    properties?: Record<string, unknown>;
  };
  route.schema.headers = {
    ...headers,
    properties: {
      ...(headers.properties ?? {}),
      'idempotency-key': {
        type: 'string',
        minLength: 1,
        maxLength: 255,
        description:
          'Makes a retry safe: the first request with a key runs, a later one with the same key, method, path and body gets the same answer (header Idempotent-Replayed: true) and does nothing. Kept 24 hours, per business (or per user without x-business-id).',
      },
    },
  };
}

/** A JSON body nested deeper than MAX_JSON_DEPTH: a 422 like any unreadable JSON. */
export class TooDeepError extends RequestValidationError {
  constructor() {
    super([
      {
        type: 'json_invalid',
        loc: ['body'],
        msg: 'JSON decode error',
        input: {},
        ctx: { error: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` },
      },
    ]);
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
function rawClientError(this: FastifyInstance, err: NodeJS.ErrnoException, socket: import('node:net').Socket) {
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

/** The optional `x-user-email` audit header: trimmed, checked like an e-mail field. */
function actorEmail(raw: string | string[] | undefined): string | null {
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

function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

export async function buildApp(opts: AppOptions): Promise<App> {
  const requestTimeout = opts.requestTimeoutMs ?? 30_000;
  const app = Fastify({
    logger: opts.logger ?? false,
    ...(opts.trustProxy !== undefined ? { trustProxy: opts.trustProxy } : {}),
    bodyLimit: opts.bodyLimit ?? 1_048_576,
    requestTimeout,
    // Node checks request deadlines on this interval (its default, 30 s, would let a 1 s deadline slip by 29).
    ...({
      http: { connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(requestTimeout / 2) || 1000)) },
    } as object),
    // Shutdown answers 503 in the contract's shape itself (see `closing` below).
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
  }).withTypeProvider<TypeBoxTypeProvider>();

  const codec = new CursorCodec(opts.cursorSecret);
  const metrics = new Metrics(opts.db instanceof PostgresDb ? opts.db.pool : undefined);
  const db = metrics.timed(opts.db);
  // During a primary outage tokens are verified on a serving replica: reads keep answering.
  const auth = new Authenticator(opts.readReplicas ? metrics.timed(opts.readReplicas.replicas.orReplica()) : db, {
    cacheTtlMs: opts.authCacheTtlMs ?? 0,
    onLookup: (hit) => metrics.authCache.inc({ result: hit ? 'hit' : 'miss' }),
  });
  metrics.instrument(app as unknown as FastifyInstance);
  const services: Services = {
    db,
    codec,
    longStatementTimeoutMs: opts.longStatementTimeoutMs ?? 600_000,
    contacts: new ContactsService(db, codec),
    customers: new CustomersService(db, codec),
    auth,
  };
  // An idempotent POST's handler gets services bound to its transaction (see http/idempotency.ts).
  const idempotency = new Idempotency(db, (request, tx) => {
    request.services = {
      ...services,
      db: tx,
      contacts: new ContactsService(tx, codec),
      customers: new CustomersService(tx, codec),
    };
  });

  app.addSchema(HTTPError);
  app.addSchema(ValidationErrorItem);
  app.addSchema(HTTPValidationError);

  // Many HTTP wrappers send `Content-Type: application/json` on every request: an empty
  // body is then no body at all, exactly as without the header. A route that needs a
  // body still answers 422 "body: Field required" (validation sees it missing).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    // Nesting past any real body's would only exhaust the stack of whoever walks it.
    if (jsonDepth(text) > MAX_JSON_DEPTH) {
      done(new TooDeepError(), undefined);
      return;
    }
    parseJson(request, text, done);
  });

  // Validation happens in the preValidation hook below, after authentication, so
  // every part of a request is checked and all problems reported together.
  app.setValidatorCompiler(() => () => true);

  const routePatterns: { re: RegExp; method: string }[] = [];
  const routeTable: RouteInfo[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    const config = route.config ?? {};
    route.config = config;
    config.validators = compileRouteValidators(route.schema, {
      body: !config.multipart,
      optionalBody: (route.schema?.body as Record<string, unknown> | undefined)?.['x-optional-body'] === true,
    });
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const secret = answersWithSecret(route.schema?.response);
    // Keys are scoped to the caller: public routes take none — but one that answers with a secret refuses them too.
    if (methods.includes('POST') && (config.access !== 'public' || config.idempotency === 'refuse')) {
      idempotency.wrap(route);
      if (config.idempotency !== 'refuse') declareIdempotencyKey(route);
    }
    const re = new RegExp(`^${route.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z_]+/g, '[^/]+')}/?$`);
    for (const method of methods) {
      routePatterns.push({ re, method: String(method) });
      // `config` is read at ready time: a plugin scope may declare access in its own onRoute hook, after this one.
      routeTable.push({
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
  // Secure by default: a route that declares no access fails start-up, whoever registered it.
  const webhookOptions: WebhookOptions = { ...DEFAULT_WEBHOOK_OPTIONS, ...opts.webhooks };
  if (opts.webhooks?.deliver) {
    const worker = new WebhookWorker(db, webhookOptions, app.log);
    app.addHook('onReady', async () => worker.start());
    app.addHook('onClose', async () => await worker.stop());
  }
  app.addHook('onReady', async () => {
    const undeclared = routeTable.filter((r) => !isAccess(r.access));
    if (undeclared.length > 0) {
      throw new Error(
        `routes without a valid config.access ('public', 'token' or a permission): ${undeclared.map((r) => `${r.method} ${r.url}`).join(', ')}`,
      );
    }
    // A cache may answer reads, never grant privileges: a route that changes tokens,
    // memberships, invitations or webhook endpoints checks its caller in the database.
    const unprivileged = routeTable.filter((r) => mustBePrivileged(r.method, r.access) && !r.privileged);
    if (unprivileged.length > 0) {
      throw new Error(
        `routes that grant or keep privileges (access 'token' or 'manage', not GET) without config.privileged: true: ${unprivileged.map((r) => `${r.method} ${r.url}`).join(', ')}`,
      );
    }
    // Declared, not derived from the schema: refusing the header is part of the route's
    // public behaviour (clients get a 422, the OpenAPI document offers no key), so it is
    // written where the route is, for its reader and reviewer; the schema's mark makes
    // forgetting it impossible. A replay would have to store the secret (contract §5.1).
    const storing = routeTable.filter((r) => r.method === 'POST' && r.secret && r.idempotency !== 'refuse');
    if (storing.length > 0) {
      throw new Error(
        `POST routes whose answer carries a secret without config.idempotency: 'refuse' (a replay would store it): ${storing.map((r) => `${r.method} ${r.url}`).join(', ')}`,
      );
    }
  });

  // Headers must arrive within the request deadline too (Node's own default is a minute).
  if (requestTimeout > 0) app.server.headersTimeout = Math.min(requestTimeout, 60_000);
  // Node's deadlines start with a request: a connection that sends nothing at all would stay open
  // forever, holding a file descriptor. Until its first request begins it has the request deadline
  // (an inactivity timer: with no listener, Node destroys the socket when it fires).
  if (requestTimeout > 0) {
    app.server.on('connection', (socket: import('node:net').Socket) => socket.setTimeout(requestTimeout));
    app.server.on('request', (req: import('node:http').IncomingMessage) => req.socket.setTimeout(0));
  }
  if (opts.maxConnections !== undefined) app.server.maxConnections = opts.maxConnections;

  let closing = false;
  app.decorate('forgetCachedAuth', () => auth.clear());
  app.decorate('metricsRegistry', metrics.registry);
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

  // Authentication runs as soon as the headers are in, before any body is read: a
  // request without a valid token never costs the server its body's memory. Its
  // failure is answered after the rate limit has counted the request against the
  // client's address (so guessing tokens is limited too), still before the body.
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
  const failureBudget =
    opts.authFailures === false
      ? undefined
      : (opts.authFailures ??
        (opts.rateLimit && opts.rateLimit.perAddress > 0
          ? { budget: opts.rateLimit.perAddress, windowMs: opts.rateLimit.windowMs, redis: opts.rateLimit.redis }
          : undefined));
  const failures = failureBudget ? new AuthFailures(failureBudget) : undefined;
  /** The caller of a request, by its bearer token (and its role in `businessId`). */
  const verify = async (request: FastifyRequest, businessId: string | null): Promise<Verified> => {
    const token = bearer(request.headers.authorization);
    const lookup: Lookup = request.routeOptions.config.privileged === true ? 'database' : 'cache-or-database';
    // A token of the wrong shape costs no statement: nothing to count.
    if (!failures || token === undefined || !TOKEN_RE.test(token)) return await auth.verify(token, businessId, lookup);
    const address = request.ip;
    if (!failures.allows(address)) {
      // Past the budget: only a token this process verified lately is looked at (from the
      // cache, or — privileged — in the database: it is no guess); anything else costs nothing.
      if (!auth.knows(token)) throw new UnauthenticatedError();
      return await auth.verify(token, businessId, lookup);
    }
    const settle = failures.begin(address);
    try {
      const who = await auth.verify(token, businessId, lookup);
      settle(false);
      return who;
    } catch (err) {
      settle(err instanceof UnauthenticatedError);
      throw err;
    }
  };
  const authenticate = async (request: FastifyRequest) => {
    if (request.is404) return;
    const config = request.routeOptions.config;
    const access = config.access;
    if (!isAccess(access)) throw new Error(`route ${request.routeOptions.url} declares no access`);
    if (access === 'token') {
      request.caller = await verify(request, null);
    } else if (access !== 'public') {
      // Authentication first: no valid token is a 401 whatever else is wrong.
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
  };

  // Reads on replicas: a GET by a token that has not written lately reads a healthy replica;
  // any other request by a token marks it as having written, in the shared record.
  const reads = opts.readReplicas;
  if (reads) {
    metrics.watchReplicas(() => reads.replicas.status());
    const onReplica = new Map<Db, Services>();
    const servicesOn = (replica: Db): Services => {
      let s = onReplica.get(replica);
      if (!s) {
        s = {
          ...services,
          db: replica,
          contacts: new ContactsService(replica, codec),
          customers: new CustomersService(replica, codec),
        };
        onReplica.set(replica, s);
      }
      return s;
    };
    // A write is on every replica within the lag bound, measured at most a check late.
    const windowMs = reads.replicas.opts.maxLagMs + 2 * reads.replicas.opts.checkMs;
    app.addHook('preHandler', async (request) => {
      const caller = request.caller;
      if (!caller) return;
      if (request.method === 'GET' || request.method === 'HEAD') {
        if (await reads.recentWrites.has(caller.tokenId)) return;
        const replica = reads.replicas.pick();
        if (replica) request.services = servicesOn(replica);
      } else {
        await reads.recentWrites.mark(caller.tokenId, windowMs);
      }
    });
  }

  app.addHook('preValidation', async (request) => {
    if (request.is404) return;
    const config = request.routeOptions.config;
    const validators = config.validators;
    const issues = validators ? validateRequest(validators, request) : [];
    // A key where the answer carries a secret is a fault of the request like any other, reported
    // with the rest (http/idempotency.ts refuses it again, should a route skip this hook).
    const key = request.headers['idempotency-key'];
    if (config.idempotency === 'refuse' && key !== undefined && request.method === 'POST') {
      issues.push({
        type: 'value_error',
        loc: ['header', 'idempotency-key'],
        msg: 'Value error, this endpoint answers with a secret, which is never stored: send it without Idempotency-Key',
        input: Array.isArray(key) ? key.join(', ') : key,
        ctx: { error: 'not accepted here' },
      });
    }
    if (issues.length > 0) throw new RequestValidationError(issues);
  });

  // An idempotent POST commits its effect together with the response it sends (or rolls it back).
  // Callback hooks, answered synchronously for the (usual) request without a key: no promise per request.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (!request.idempotent) return done(null, payload);
    idempotency.settle(request, reply, payload).then(
      (sent) => done(null, sent),
      (err: Error) => done(err),
    );
  });
  app.addHook('onResponse', (request, _reply, done) => {
    if (!request.idempotent) return done();
    idempotency.abandon(request).then(
      () => done(),
      () => done(),
    );
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
        version: PACKAGE_VERSION,
        description:
          "A self-hostable implementation of DayZero's Customers API: accounts-receivable customers and their contacts.",
        license: { name: 'MIT', identifier: 'MIT' },
      },
      servers: [{ url: '/', description: 'This server' }],
      tags: [
        { name: 'customers', description: 'Customers and their contacts' },
        { name: 'businesses', description: "The businesses the token's user belongs to" },
        { name: 'members', description: 'Who belongs to a business, and with which role' },
        { name: 'tokens', description: "The caller's own API tokens" },
        { name: 'events', description: 'Every change to customers and contacts, in commit order' },
      ],
      components: {
        securitySchemes: {
          HTTPBearer: { type: 'http', scheme: 'bearer', description: 'An API token: `dz_…`' },
        },
      },
    },
    transformObject: (doc) => publishOpenApi('openapiObject' in doc ? doc.openapiObject : doc.swaggerObject),
    refResolver: {
      buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
    },
  });

  if (opts.rateLimit) await registerRateLimit(app as unknown as FastifyInstance, opts.rateLimit, metrics);

  await app.register(multipart, { limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 10, parts: 20 } });
  await app.register(healthRoutes, { db });
  const metricsAccess = opts.metrics ?? 'loopback';
  app.get('/metrics', { schema: { hide: true }, config: { access: 'public' } }, async (request, reply) => {
    // The peer itself, never a forwarded address: a proxy on this machine does not make a caller local.
    if (metricsAccess === 'off' || (metricsAccess === 'loopback' && !isLoopback(request.socket.remoteAddress))) {
      return reply.code(404).send({ detail: 'Not Found' });
    }
    const text = opts.metricsText ? await opts.metricsText(metrics.registry) : await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
  await app.register(businessRoutes, { services, prefix: '/api/v1/businesses' });
  await app.register(memberRoutes, { services, publicUrl: opts.publicUrl, prefix: '/api/v1/businesses' });
  await app.register(invitationRoutes, { services, publicUrl: opts.publicUrl, prefix: '/api/v1' });
  await app.register(tokenRoutes, { services, prefix: '/api/v1/tokens' });
  await app.register(eventRoutes, { services, prefix: '/api/v1/events' });
  await app.register(webhookRoutes, {
    services,
    policy: webhookOptions,
    maxEndpoints: opts.webhooks?.maxEndpoints ?? DEFAULT_MAX_ENDPOINTS,
    prefix: '/api/v1/webhook-endpoints',
  });
  await app.register(customerRoutes, { services, prefix: '/api/v1/customers' });
  await app.register(contactRoutes, { services, prefix: '/api/v1/customers' });

  if (opts.extraRoutes) await app.register(opts.extraRoutes);

  app.get('/openapi.json', { schema: { hide: true }, config: { access: 'public' } }, async () => app.swagger());
  // A person who opens the server's address lands on its reference.
  app.get('/', { schema: { hide: true }, config: { access: 'public' } }, async (_request, reply) =>
    reply.redirect('/docs/', 302),
  );
  await publicRoutes(app, (scope) => registerDocs(scope, () => app.swagger() as unknown as Record<string, unknown>));

  await app.ready();
  return app as unknown as App;
}
