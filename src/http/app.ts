import multipart from '@fastify/multipart';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Registry } from 'prom-client';
import { Clock } from '../platform/clock.js';
import { CursorCodec } from '../platform/cursor.js';
import type { Db } from '../platform/db/db.js';
import { PostgresDb } from '../platform/db/postgres.js';
import type { ReadReplicas, RecentWrites } from '../platform/db/replicas.js';
import { type PageJsonSetting, pageJsonFor } from '../platform/list.js';
import { MAX_IMPORT_BYTES } from '../resources/customers/bulk-import.js';
import { DEFAULT_EXPORT_LINK_TTL_MS } from '../resources/customers/export-links.js';
import { DEFAULT_SESSION_OPTIONS, type SessionOptions } from '../resources/sessions/service.js';
import { Authenticator } from '../resources/tokens/authenticator.js';
import { DEFAULT_MAX_ENDPOINTS } from '../resources/webhooks/routes.js';
import { DEFAULT_WEBHOOK_OPTIONS, type WebhookOptions, WebhookWorker } from '../resources/webhooks/worker.js';
import { createServices, type ServiceOptions } from '../services.js';
import { apiRoutes } from './api.js';
import { authentication } from './auth.js';
import type { AuthFailureOptions } from './auth-failures.js';
import { conditionalRequests } from './conditional.js';
import { consoleRoutes } from './console.js';
import { errorAnswers } from './errors.js';
import { healthRoutes } from './health.js';
import { idempotency } from './idempotency.js';
import { lifecycle, serverOptions } from './lifecycle.js';
import { mcpRoutes } from './mcp.js';
import { Metrics, type MetricsAccess, metricsPlugin, metricsRoutes } from './metrics.js';
import { openApi } from './openapi.js';
import { type RateLimitOptions, rateLimits } from './rate-limit.js';
import { replicaReads } from './replicas.js';
import { requestServices } from './request-services.js';
import { routeTable } from './route-table.js';
import { lazySerializers } from './serializers.js';
import { sessions } from './sessions.js';
import { TestControl, type TestModeOptions, testFaults, testRoutes } from './test-mode.js';
import { validation } from './validation.js';

export type { RateLimitOptions } from './rate-limit.js';

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
  /** How long an export link may be used, ms (default DEFAULT_EXPORT_LINK_TTL_MS: 60 s). */
  exportLinkTtlMs?: number;
  /** The rules of console sessions (idle and absolute expiry, clock); contract §6's by default. */
  sessions?: Partial<SessionOptions>;
  /** How long an unauthenticated body (signing in, accepting an invitation) may take to arrive, ms (default 5000). */
  unauthenticatedBodyMs?: number;
  /** Read replicas for GET requests, and the shared record of who wrote lately (read-your-writes). */
  readReplicas?: { replicas: ReadReplicas; recentWrites: RecentWrites };
  /** The server's now for every rule about time (platform/clock.ts); default a new one. Housekeeping passes the same. */
  clock?: Clock;
  /** Test mode (contract §7): the `/_test/` routes, guarded by `key`; `resetData` puts the rows back. */
  testMode?: TestModeOptions;
  /** Where the console's built files are (default CONSOLE_DIR, the build's `dist/console/`). */
  consoleDir?: string;
  /** Origins a browser page may call /mcp from (MCP_ALLOWED_ORIGINS); none by default. */
  mcpAllowedOrigins?: readonly string[];
  /** Who writes a list page's JSON (PAGE_JSON; ServiceOptions.pageJson); `auto` by default. */
  pageJson?: PageJsonSetting;
}

export type App = FastifyInstance;

export async function buildApp(opts: AppOptions): Promise<App> {
  const requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
  const app = Fastify({
    ...serverOptions({
      logger: opts.logger ?? false,
      trustProxy: opts.trustProxy,
      bodyLimit: opts.bodyLimit ?? 1_048_576,
      requestTimeoutMs,
    }),
    // Response serializers are built at a route's first answer (http/serializers.ts).
    schemaController: { compilersFactory: { buildSerializer: lazySerializers() } },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as FastifyInstance;

  const clock = opts.clock ?? new Clock();
  const control = opts.testMode ? new TestControl(opts.testMode, clock) : undefined;
  const metrics = new Metrics(opts.db instanceof PostgresDb ? opts.db.pool : undefined);
  const db = metrics.timed(opts.db);
  // During a primary outage tokens are verified on a serving replica: reads keep answering.
  const auth = new Authenticator(opts.readReplicas ? metrics.timed(opts.readReplicas.replicas.orReplica()) : db, {
    cacheTtlMs: opts.authCacheTtlMs ?? 0,
    clock,
    onLookup: (hit) => metrics.authCache.inc({ result: hit ? 'hit' : 'miss' }),
  });
  // The one services factory: the app's services, and the same bound to a transaction or a replica.
  const codec = new CursorCodec(opts.cursorSecret);
  const shared: ServiceOptions = {
    auth,
    clock,
    longStatementTimeoutMs: opts.longStatementTimeoutMs ?? 600_000,
    pageJson: pageJsonFor(opts.pageJson ?? 'auto', opts.db),
    sessions: { ...DEFAULT_SESSION_OPTIONS, now: () => clock.now(), ...opts.sessions },
  };
  const bind = (on: Db) => createServices(on, codec, shared);
  // Test mode allows http:// and private targets, and the `capture:` sink.
  const webhooks: WebhookOptions = {
    ...DEFAULT_WEBHOOK_OPTIONS,
    ...opts.webhooks,
    ...(control ? { allowHttp: true, allowPrivate: true, capture: true } : {}),
  };
  const failures =
    opts.authFailures === false
      ? undefined
      : (opts.authFailures ??
        (opts.rateLimit && opts.rateLimit.perAddress > 0
          ? { budget: opts.rateLimit.perAddress, windowMs: opts.rateLimit.windowMs, redis: opts.rateLimit.redis }
          : undefined));

  // The plugins, in the order their hooks need. Hooks of one kind run in the order they were
  // added, across kinds in the request's order (onRequest, preParsing, preValidation,
  // preHandler, handler, onSend, onResponse); an onRoute hook sees only the routes registered
  // after it, so every plugin with one comes before the routes.
  // - route table first: its onRoute hook records every route, whoever adds it; start-up checks.
  await app.register(routeTable);
  // - metrics: the first onRequest hook, so every request is counted and timed, refusals included.
  await app.register(metricsPlugin, { metrics });
  // - lifecycle: the request id on every answer and 503 while shutting down, before any work.
  // Test mode has a worker even when nothing delivers in the background: its flush delivers.
  const worker =
    opts.webhooks?.deliver || control ? new WebhookWorker(db, webhooks, clock, app.log, control?.record) : undefined;
  await app.register(lifecycle, {
    requestTimeoutMs,
    maxConnections: opts.maxConnections,
    background: opts.webhooks?.deliver ? worker : undefined,
  });
  // - request services: req.services is the app's before any later hook or the handler looks.
  await app.register(requestServices, { services: bind(db) });
  // - errors and validation: the contract's error shape and schemas, and each route's validators
  //   (compiled in onRoute; run in preValidation, after authentication).
  await app.register(errorAnswers);
  await app.register(validation);
  // - authentication: onRequest, after the request id, before the body; its failure waits for
  //   preParsing, after the rate limit counted the request.
  await app.register(authentication, { auth, failures });
  // - sessions (the console's cookie sessions and their CSRF check): another way to
  //   authenticate, so after the token's (a request without a token may have a session) and
  //   before anything that reads req.caller.
  await app.register(sessions);
  // - rate limit: a route-level onRequest hook, so after every hook above (the caller is known).
  if (opts.rateLimit) await app.register(rateLimits, { ...opts.rateLimit, metrics });
  // - test mode's faults: after authentication and the rate limit (a fault never hides their
  //   answers), before idempotency and the handler (a status fault leaves no effect and no record).
  if (control) await app.register(testFaults, { control });
  // - replicas: preHandler, so after authentication; replaces req.services for a GET.
  if (opts.readReplicas) await app.register(replicaReads, { ...opts.readReplicas, bind, metrics });
  // - conditional GETs (ETag, 304): preHandler, after the replicas' (the state is read where the
  //   rows will be); its onRoute hook declares the 304 before the OpenAPI plugin documents it.
  await app.register(conditionalRequests);
  // - idempotency: wraps each POST handler in onRoute, the innermost step: req.services becomes
  //   the transaction's after every hook, for the handler only; commits in onSend.
  await app.register(idempotency, { db, clock, bind });
  // - multipart: the bulk upload's body parser (a content-type parser, before the routes).
  await app.register(multipart, { limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 10, parts: 20 } });
  // - OpenAPI: its onRoute hook documents the routes below; /openapi.json, /docs.
  await app.register(openApi, { testMode: control !== undefined });
  // The routes.
  await app.register(healthRoutes, { db });
  // The operator console (/console/): static files, public, outside the OpenAPI document.
  await app.register(consoleRoutes, { dir: opts.consoleDir });
  await app.register(metricsRoutes, { metrics, access: opts.metrics ?? 'loopback', text: opts.metricsText });
  await app.register(apiRoutes, {
    publicUrl: opts.publicUrl,
    exportLinkTtlMs: opts.exportLinkTtlMs ?? DEFAULT_EXPORT_LINK_TTL_MS,
    unauthenticatedBodyMs: opts.unauthenticatedBodyMs,
    webhooks: { policy: webhooks, maxEndpoints: opts.webhooks?.maxEndpoints ?? DEFAULT_MAX_ENDPOINTS },
  });
  if (control && worker) {
    await app.register(
      testRoutes(control, {
        worker,
        delivering: opts.webhooks?.deliver === true,
        forgetCachedAuth: () => app.forgetCachedAuth(),
        resetRateLimits: () => {
          if (app.hasDecorator('resetRateLimits')) app.resetRateLimits();
          app.resetAuthFailures();
        },
      }),
    );
  }
  // MCP (Streamable HTTP) at /mcp: the same services, authentication and limits as the API.
  await app.register(mcpRoutes, { db, bind, allowedOrigins: opts.mcpAllowedOrigins ?? [] });
  if (opts.extraRoutes) await app.register(opts.extraRoutes);

  await app.ready();
  return app;
}
