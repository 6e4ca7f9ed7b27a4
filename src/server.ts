import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from './config.js';
import { buildApp } from './http/app.js';
import type { MetricsAccess } from './http/metrics.js';
import { Clock } from './platform/clock.js';
import type { Db } from './platform/db/db.js';
import { describeUrl, openDb } from './platform/db/open.js';
import { PostgresDb } from './platform/db/postgres.js';
import { DbRecentWrites, ReadReplicas, RedisRecentWrites } from './platform/db/replicas.js';
import { splitUrlList } from './platform/db/url.js';
import { purgeExpired } from './platform/idempotency.js';
import type { PageJsonSetting } from './platform/list.js';
import { cursorSecret } from './platform/settings.js';
import { createBusiness, hasBusinesses } from './resources/businesses/service.js';
import { seed } from './resources/customers/seed.js';
import { purgeEvents } from './resources/events/service.js';
import { createSignInLink } from './resources/sessions/service.js';
import { purgeWebhookLog } from './resources/webhooks/service.js';
import { captureData, restoreData } from './test-mode/data-reset.js';
import { type Fixtures, type LoadedFixtures, loadFixtures } from './test-mode/fixtures.js';

export interface DemoData {
  business_id: string;
  token: string;
  customer_id: string;
  /** A one-time sign-in link's secret for the demo owner (see signInUrl). */
  sign_in_link: string;
}

/** The first-run demo: a business, its owner's token, and a few customers with contacts. */
export async function createDemo(db: Db): Promise<DemoData> {
  const b = await createBusiness(db, { name: 'Demo Business', ownerEmail: 'demo@example.com' });
  const s = await seed(db, { businessId: b.business_id, customers: 3, contactsPerCustomer: 4, seed: 42 });
  const customerId = s.customer_ids[0];
  if (customerId === undefined) throw new Error('the demo seed created no customer');
  const link = await createSignInLink(db, {}, { user: { id: b.user_id }, baseUrl: '' });
  return { business_id: b.business_id, token: b.token, customer_id: customerId, sign_in_link: link.secret };
}

/** The prefixes of every credential the server issues: API tokens, sign-in links, invitations, export tickets, webhook secrets. */
const SECRET_PREFIXES = ['dzl_', 'dzi_', 'dzx_', 'dz_', 'whsec_'];

/** One character as a URL may carry it: itself, or percent-encoded (any case, encoded again any number of times). */
const encodedChar = (c: string) =>
  `(?:${c.replace(/[^A-Za-z0-9]/g, '\\$&')}|%(?:25)*${c.charCodeAt(0).toString(16).padStart(2, '0')})`;

/**
 * Anything shaped like one of our credentials, wherever it appears in a URL
 * (`?access_token=dz_…`, a path), however it is percent-encoded (`dz%5F…`,
 * `%64%7a%5f…`, `dz%255F…`): the prefix, then at least 8 characters of a secret,
 * which may be encoded too. Case-insensitive: over-redacting costs nothing.
 */
const SECRET_IN_TEXT = SECRET_PREFIXES.map((prefix) => ({
  prefix,
  re: new RegExp(`${[...prefix].map(encodedChar).join('')}(?:[A-Za-z0-9_.+/=-]|%(?:25)*[0-9A-Fa-f]{2}){8,}`, 'gi'),
}));

export function redactTokens(text: string): string {
  let out = text;
  for (const { prefix, re } of SECRET_IN_TEXT) out = out.replace(re, `${prefix}[redacted]`);
  return out;
}

/** The server's logger: pino, JSON lines on stdout and nothing else there. */
export function loggerOptions(level: string, stream?: NodeJS.WritableStream) {
  return {
    level,
    ...(stream ? { stream } : {}),
    // Tokens never reach the logs, even if a serializer starts logging headers.
    redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]'], censor: '[redacted]' },
    serializers: {
      req(req: { method: string; url: string; id?: string; ip?: string }) {
        return { method: req.method, url: redactTokens(req.url), id: req.id, remoteAddress: req.ip };
      },
    },
  };
}

export interface Running {
  app: FastifyInstance;
  db: Db;
  url: string;
  demo: DemoData | null;
  /** What the fixtures made (their members' tokens among it), when fixtures were given. */
  fixtures: LoadedFixtures | null;
  /** Stops within the shutdown deadline: 'drained' when every request finished, 'forced' when cut off. */
  close: () => Promise<'drained' | 'forced'>;
}

/**
 * Opens the database (applying migrations), creates the demo data when asked
 * or on an empty embedded database, and listens.
 */
export async function startServer(
  config: Config,
  opts: {
    demo?: boolean;
    onWait?: (attempt: number, reason: string, retryInMs: number) => void;
    metricsText?: (local: import('prom-client').Registry) => Promise<string>;
    /** Loaded into the database before anything else (an in-memory one: see `serve`); no demo data then. */
    fixtures?: Fixtures;
    /** Test mode (contract §7) with this key: the /_test/ routes, and a reset back to the state after start-up. */
    testKey?: string;
    /** Where the log lines go (default stdout). */
    logStream?: NodeJS.WritableStream;
    /** Told why an in-memory database is migrated rather than loaded from its snapshot. */
    onNote?: (line: string) => void;
    /** The database, already being opened (in memory: see `serve`), instead of opening the configured one. */
    db?: Promise<Db>;
  } = {},
): Promise<Running> {
  const db = opts.db
    ? await opts.db
    : await openDb({
        databaseUrl: config.DATABASE_URL,
        dataDir: config.DATA_DIR,
        poolMax: config.DB_POOL_MAX,
        pooler: config.DB_POOLER as 'none' | 'transaction',
        statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
        longStatementTimeoutMs: config.DB_LONG_STATEMENT_TIMEOUT_MS,
        connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
        startupWaitMs: config.DB_STARTUP_WAIT_SECONDS * 1000,
        maxLifetimeSeconds: config.DB_CONNECTION_MAX_LIFETIME_SECONDS,
        onWait: opts.onWait,
        onNote: opts.onNote,
      });
  let redis: Redis | undefined;
  let replicas: ReadReplicas | undefined;
  try {
    let demo: DemoData | null = null;
    const fixtures = opts.fixtures ? await loadFixtures(db, opts.fixtures) : null;
    const wantDemo =
      opts.demo ??
      (config.DEMO === '1' ||
        config.DEMO === 'true' ||
        (!config.DATABASE_URL && config.DEMO === undefined && !opts.fixtures));
    if (wantDemo && !(await hasBusinesses(db))) demo = await createDemo(db);
    // Test mode's reset puts back exactly what is here now: the fixtures (or the demo data).
    const startState = opts.testKey === undefined ? undefined : await captureData(db);
    // The client loads only when there is a Redis to talk to.
    redis = config.REDIS_URL
      ? new (await import('ioredis')).Redis(config.REDIS_URL, {
          // Fail fast while Redis is away: the rate limit fails open rather than stall requests.
          connectTimeout: 500,
          maxRetriesPerRequest: 1,
          enableOfflineQueue: false,
          // A stalled Redis (alive, answering nothing) must cost a request this much at most, not hang it.
          commandTimeout: config.REDIS_TIMEOUT_MS,
        })
      : undefined;
    redis?.on('error', () => {}); // logged by the rate limit, at most once a minute
    if (config.DATABASE_READ_URL) {
      replicas = new ReadReplicas(
        db,
        splitUrlList(config.DATABASE_READ_URL).map((url) => ({
          name: describeUrl(url),
          db: new PostgresDb({
            connectionString: url,
            max: config.DB_POOL_MAX,
            pooler: config.DB_POOLER as 'none' | 'transaction',
            statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
            connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
            applicationName: 'customers-api-reads',
            role: 'replica',
            maxLifetimeSeconds: config.DB_CONNECTION_MAX_LIFETIME_SECONDS,
          }),
        })),
        { maxLagMs: config.REPLICA_MAX_LAG_SECONDS * 1000, checkMs: 1000 },
      );
      await replicas.start();
    }
    // One clock for the app's rules and the housekeeping's.
    const clock = new Clock();
    const app = await buildApp({
      db,
      clock,
      cursorSecret: await cursorSecret(db, config.CURSOR_SECRET),
      bodyLimit: config.BODY_LIMIT,
      authCacheTtlMs: config.AUTH_CACHE_SECONDS * 1000,
      requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
      maxConnections: config.MAX_CONNECTIONS ?? defaultMaxConnections(config),
      longStatementTimeoutMs: config.DB_LONG_STATEMENT_TIMEOUT_MS,
      logger: loggerOptions(config.LOG_LEVEL, opts.logStream),
      rateLimit: {
        perToken: config.RATE_LIMIT_PER_TOKEN,
        perAddress: config.RATE_LIMIT_PER_ADDRESS,
        windowMs: config.RATE_LIMIT_WINDOW_SECONDS * 1000,
        redis,
      },
      ...(config.PUBLIC_URL ? { publicUrl: config.PUBLIC_URL } : {}),
      exportLinkTtlMs: config.EXPORT_LINK_SECONDS * 1000,
      trustProxy:
        config.TRUST_PROXY === undefined ? undefined : config.TRUST_PROXY === 'true' ? true : config.TRUST_PROXY,
      metrics: config.METRICS as MetricsAccess,
      pageJson: config.PAGE_JSON as PageJsonSetting,
      mcpAllowedOrigins: (config.MCP_ALLOWED_ORIGINS ?? '')
        .split(',')
        .map((o) => o.trim())
        .filter((o) => o !== ''),
      ...(replicas
        ? {
            readReplicas: {
              replicas,
              recentWrites: redis
                ? new RedisRecentWrites(redis, new DbRecentWrites(db, replicas.orReplica()))
                : new DbRecentWrites(db, replicas.orReplica()),
            },
          }
        : {}),
      ...(opts.testKey !== undefined && startState
        ? { testMode: { key: opts.testKey, resetData: () => restoreData(db, startState) } }
        : {}),
      webhooks: {
        deliver: true,
        // Test mode delivers to a receiver on the test's own machine (contract §7).
        allowPrivate: config.WEBHOOK_ALLOW_PRIVATE === '1' || opts.testKey !== undefined,
        allowHttp: config.WEBHOOK_ALLOW_HTTP === '1' || opts.testKey !== undefined,
        retryScheduleMs: config.WEBHOOK_RETRY_SCHEDULE.split(',').map((s) => Number(s) * 1000),
        maxEndpoints: config.WEBHOOK_MAX_ENDPOINTS,
      },
      ...(opts.metricsText ? { metricsText: opts.metricsText } : {}),
    });
    await app.listen({ port: config.PORT, host: config.HOST });
    const housekeeping = startHousekeeping(db, clock, app.log, config.EVENTS_RETENTION_DAYS);
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : config.PORT;
    const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
    const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
    let closing: Promise<'drained' | 'forced'> | undefined;
    const close = () => {
      // Stop accepting and close idle keep-alive connections at once, let in-flight requests
      // finish, then release the database — all within the shutdown deadline, after which
      // whatever is left is cut off.
      app.beginShutdown();
      housekeeping.stop();
      closing ??= withDeadline(
        app.close().finally(async () => {
          redis?.disconnect();
          await replicas?.close();
          await db.close();
        }),
        config.SHUTDOWN_TIMEOUT_MS,
        () => {
          app.server.closeAllConnections();
          redis?.disconnect();
          void db.close().catch(() => {});
        },
      );
      return closing;
    };
    return { app, db, url, demo, fixtures, close };
  } catch (err) {
    redis?.disconnect();
    await replicas?.close();
    await db.close();
    throw err;
  }
}

/** File descriptors kept for what is not a client connection: logs, the embedded database's files, Redis, DNS. */
const FD_RESERVE = 64;

/** This process's soft limit on open files (Linux: /proc; elsewhere the shell's `ulimit -n`), if it can be read. */
export function openFilesLimit(): number | undefined {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (m) return m[1] === 'unlimited' ? undefined : Number(m[1]);
  } catch {
    // No /proc here.
  }
  try {
    const n = Number(execFileSync('/bin/sh', ['-c', 'ulimit -n'], { encoding: 'utf8', timeout: 2000 }).trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/**
 * MAX_CONNECTIONS when unset: the open-files limit less the database pools'
 * connections and a reserve, so client sockets can never take the descriptors
 * the server needs to answer them. None when the limit cannot be read.
 */
export function defaultMaxConnections(config: Config, limit = openFilesLimit()): number | undefined {
  if (limit === undefined) return undefined;
  const pools = 1 + (config.DATABASE_READ_URL ? config.DATABASE_READ_URL.split(',').length : 0);
  return Math.max(1, limit - pools * config.DB_POOL_MAX - FD_RESERVE);
}

const HOUSEKEEPING_EVERY_MS = 10 * 60_000;

/**
 * Expired idempotency keys, and events and webhook delivery logs past their retention, are deleted every
 * few minutes, a thousand at a time, so the cleanup never holds a request up for long.
 */
function startHousekeeping(
  db: Db,
  clock: Clock,
  log: FastifyInstance['log'],
  retentionDays: number,
): { stop: () => void } {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      while ((await purgeExpired(db, clock, 1000)) === 1000) await new Promise((resolve) => setImmediate(resolve));
      while ((await purgeEvents(db, clock, retentionDays, 1000)) === 1000)
        await new Promise((resolve) => setImmediate(resolve));
      while ((await purgeWebhookLog(db, clock, retentionDays, 1000)) === 1000)
        await new Promise((resolve) => setImmediate(resolve));
    } catch (err) {
      log.warn({ err }, 'housekeeping failed; it runs again later');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), HOUSEKEEPING_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** Resolves when `work` does ('drained'), or after `ms`, running `onLate` ('forced') — whichever comes first. */
async function withDeadline(work: Promise<unknown>, ms: number, onLate: () => void): Promise<'drained' | 'forced'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'forced'>((resolve) => {
    timer = setTimeout(() => {
      onLate();
      resolve('forced');
    }, ms);
    timer.unref();
  });
  try {
    return await Promise.race([work.then(() => 'drained' as const), late]);
  } finally {
    clearTimeout(timer);
  }
}
