import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Db, Queryable, QueryOptions, QueryResult, TransactionOptions } from '../platform/db/db.js';

/** Who may read /metrics: nobody, requests from this machine only, or anyone. */
export type MetricsAccess = 'off' | 'loopback' | 'public';

/** The server's Prometheus metrics, in a registry of its own (one per app). */
export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'http_requests_total',
    help: 'Requests answered, by route template, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer a request, by route template, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly inFlight = new Gauge({
    name: 'http_requests_in_flight',
    help: 'Requests being answered now',
    registers: [this.registry],
  });
  readonly queryDuration = new Histogram({
    name: 'db_query_duration_seconds',
    help: 'Time of each database statement (transactions counted per statement)',
    labelNames: ['outcome'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'rate_limit_rejections_total',
    help: 'Requests refused with 429, by what was limited (token or address)',
    labelNames: ['by'] as const,
    registers: [this.registry],
  });
  readonly authCache = new Counter({
    name: 'auth_cache_lookups_total',
    help: 'Token verifications, by whether the cache answered (hit) or the database did (miss)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  constructor(pool?: { totalCount: number; idleCount: number; waitingCount: number }) {
    collectDefaultMetrics({ register: this.registry });
    if (pool) {
      const gauge = (name: string, help: string, read: () => number) =>
        new Gauge({
          name,
          help,
          registers: [this.registry],
          collect() {
            this.set(read());
          },
        });
      gauge('db_pool_clients', 'Connections in the pool', () => pool.totalCount);
      gauge('db_pool_idle_clients', 'Idle connections in the pool', () => pool.idleCount);
      gauge('db_pool_waiting_requests', 'Queries waiting for a connection', () => pool.waitingCount);
    }
  }

  /** Each read replica's measured lag (-1 while unknown or unreachable), and whether it gets reads. */
  watchReplicas(status: () => { name: string; lag_ms: number | null; healthy: boolean }[]): void {
    new Gauge({
      name: 'db_replica_lag_seconds',
      help: "Each read replica's lag behind the primary (-1: unknown or unreachable)",
      labelNames: ['replica'] as const,
      registers: [this.registry],
      collect() {
        for (const r of status()) this.set({ replica: r.name }, r.lag_ms === null ? -1 : r.lag_ms / 1000);
      },
    });
    new Gauge({
      name: 'db_replica_serving',
      help: 'Whether each read replica gets reads (1) or is set aside (0)',
      labelNames: ['replica'] as const,
      registers: [this.registry],
      collect() {
        for (const r of status()) this.set({ replica: r.name }, r.healthy ? 1 : 0);
      },
    });
  }

  /** The database, with each statement's time recorded. */
  timed(db: Db): Db {
    const observe = this.queryDuration;
    const time = async <T>(run: () => Promise<T>): Promise<T> => {
      const end = observe.startTimer();
      try {
        const result = await run();
        end({ outcome: 'ok' });
        return result;
      } catch (err) {
        end({ outcome: 'error' });
        throw err;
      }
    };
    const wrap = (q: Queryable): Queryable => ({
      query: <R>(text: string, params?: readonly unknown[], opts?: QueryOptions): Promise<QueryResult<R>> =>
        time(() => q.query<R>(text, params, opts)),
      exec: (text: string) => time(() => q.exec(text)),
    });
    return {
      kind: db.kind,
      ...wrap(db),
      transaction: <T>(fn: (tx: Queryable) => Promise<T>, opts?: TransactionOptions) =>
        db.transaction((tx) => fn(wrap(tx)), opts),
      close: () => db.close(),
    };
  }

  /** Counts and times every request by its route template (never the raw URL: ids would explode the labels). */
  instrument(app: FastifyInstance): void {
    app.addHook('onRequest', async (request) => {
      this.inFlight.inc();
      (request as unknown as { metricsStart: bigint }).metricsStart = process.hrtime.bigint();
    });
    app.addHook('onResponse', async (request, reply) => {
      this.inFlight.dec();
      const started = (request as unknown as { metricsStart?: bigint }).metricsStart;
      const labels = {
        route: request.is404 ? 'unknown' : (request.routeOptions.url ?? 'unknown'),
        method: request.method,
        status: String(reply.statusCode),
      };
      this.requests.inc(labels);
      if (started !== undefined) this.duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
  }
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

function isLoopback(address: string | undefined): boolean {
  return address !== undefined && LOOPBACK.test(address);
}

declare module 'fastify' {
  interface FastifyInstance {
    /** This app's Prometheus registry (a cluster's primary sums the workers'). */
    metricsRegistry: Registry;
  }
}

export interface MetricsOptions {
  metrics: Metrics;
  /** Who may read GET /metrics. */
  access: MetricsAccess;
  /** Where GET /metrics gets its text when this is one of several processes (the cluster's sum); default this app's own. */
  text?: ((local: Registry) => Promise<string>) | undefined;
}

/**
 * Request metrics. Its onRequest hook must run before any other and its
 * onResponse hook see every answer, refusals included: a request refused by a
 * later onRequest hook (shutdown, authentication) is still counted, and the
 * in-flight gauge goes down as often as it went up.
 */
export const metricsPlugin = fp<{ metrics: Metrics }>(
  async (app, { metrics }) => {
    app.decorate('metricsRegistry', metrics.registry);
    metrics.instrument(app);
  },
  { name: 'metrics' },
);

/** GET /metrics, for whoever `access` lets in. */
export const metricsRoutes: FastifyPluginAsync<MetricsOptions> = async (app, opts) => {
  const metrics = opts.metrics;
  app.get('/metrics', { schema: { hide: true }, config: { access: 'public' } }, async (request, reply) => {
    // The peer itself, never a forwarded address: a proxy on this machine does not make a caller local.
    if (opts.access === 'off' || (opts.access === 'loopback' && !isLoopback(request.socket.remoteAddress))) {
      return reply.code(404).send({ detail: 'Not Found' });
    }
    const text = opts.text ? await opts.text(metrics.registry) : await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
};
