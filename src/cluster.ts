import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { AggregatorRegistry, type Registry } from 'prom-client';
import { type Config, ConfigError } from './config.js';
import { openDb } from './platform/db/open.js';
import { UnavailableError } from './platform/errors.js';
import { hasBusinesses } from './resources/businesses/service.js';
import { createDemo, type DemoData } from './server.js';

/**
 * WORKERS=N: N server processes sharing one port (node:cluster), on PostgreSQL.
 * The primary applies migrations and makes the demo data once, starts the
 * workers, replaces one that dies, aggregates their metrics for GET /metrics,
 * and on SIGTERM/SIGINT stops them all within the shutdown deadline.
 */

/** How many server processes WORKERS asks for ('auto': one per CPU). */
export function workerCount(config: Config): number {
  return config.WORKERS === 'auto' ? availableParallelism() : Number(config.WORKERS);
}

/** Settings that cannot hold with more than one process, refused with what to do instead. */
export function checkWorkers(config: Config, workers: number): void {
  if (workers <= 1) return;
  if (!config.DATABASE_URL) {
    throw new ConfigError(
      `WORKERS=${config.WORKERS} needs PostgreSQL (DATABASE_URL): the embedded database admits one process`,
    );
  }
  if ((config.RATE_LIMIT_PER_TOKEN > 0 || config.RATE_LIMIT_PER_ADDRESS > 0) && !config.REDIS_URL) {
    throw new ConfigError(
      `WORKERS=${config.WORKERS} with rate limits needs REDIS_URL, so every worker counts against the same limits (or turn them off: RATE_LIMIT_PER_TOKEN=0, RATE_LIMIT_PER_ADDRESS=0)`,
    );
  }
}

export const isWorker = () => cluster.isWorker;

type FromWorker = { type: 'listening'; url: string } | { type: 'metrics?'; id: number };
type FromPrimary = { type: 'metrics'; id: number; text: string | null };

export interface Primary {
  /** Resolves with the URL once every worker listens. */
  listening: Promise<string>;
  demo: DemoData | null;
  stop: () => Promise<void>;
}

export async function startPrimary(
  config: Config,
  workers: number,
  opts: { demo?: boolean; log: (line: string) => void },
): Promise<Primary> {
  // Migrations and the demo once, here, before any worker opens the database.
  const db = await openDb({
    databaseUrl: config.DATABASE_URL,
    poolMax: 1,
    connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
    startupWaitMs: config.DB_STARTUP_WAIT_SECONDS * 1000,
    longStatementTimeoutMs: config.DB_LONG_STATEMENT_TIMEOUT_MS,
    pooler: config.DB_POOLER as 'none' | 'transaction',
  });
  let demo: DemoData | null = null;
  try {
    const wantDemo = opts.demo ?? (config.DEMO === '1' || config.DEMO === 'true');
    if (wantDemo && !(await hasBusinesses(db))) demo = await createDemo(db);
  } finally {
    await db.close();
  }

  const aggregator = new AggregatorRegistry();
  let stopping = false;
  let resolveListening!: (url: string) => void;
  const listening = new Promise<string>((resolve) => {
    resolveListening = resolve;
  });
  let ready = 0;
  const fork = (): Worker => {
    const worker = cluster.fork({ DEMO: '0' });
    worker.on('message', (msg: FromWorker) => {
      if (msg.type === 'listening' && ++ready === workers) resolveListening(msg.url);
      if (msg.type === 'metrics?') {
        aggregator.clusterMetrics().then(
          (text) => worker.send({ type: 'metrics', id: msg.id, text } satisfies FromPrimary),
          () => worker.send({ type: 'metrics', id: msg.id, text: null } satisfies FromPrimary),
        );
      }
    });
    return worker;
  };
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    opts.log(`customers-api: worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting another`);
    setTimeout(() => {
      if (!stopping) fork();
    }, 500).unref();
  });
  for (let i = 0; i < workers; i++) fork();

  const stop = async () => {
    stopping = true;
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
    const gone = Promise.all(alive.map((w) => new Promise((resolve) => w.once('exit', resolve))));
    for (const w of alive) w.process.kill('SIGTERM');
    // Each worker drains within the shutdown deadline; past it (and a margin) they are killed.
    const late = setTimeout(() => {
      for (const w of alive) if (!w.isDead()) w.process.kill('SIGKILL');
    }, config.SHUTDOWN_TIMEOUT_MS + 2000);
    await gone;
    clearTimeout(late);
  };
  return { listening, demo, stop };
}

/**
 * In a worker: answer the primary's requests for this worker's metrics (from
 * `registry`), and tell it where the server listens.
 */
export function announce(url: string, registry: Registry): void {
  // Constructing one installs prom-client's listener that answers the primary.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
  process.send?.({ type: 'listening', url } satisfies FromWorker);
}

let metricsRequests = 0;
const pendingMetrics = new Map<number, (text: string | null) => void>();

/** In a worker: the metrics of every worker, summed by the primary (this worker's registry included). */
export function clusterMetrics(_local: Registry): Promise<string> {
  if (pendingMetrics.size === 0) {
    process.removeListener('message', onMetrics);
    process.on('message', onMetrics);
  }
  const id = ++metricsRequests;
  return new Promise((resolve, reject) => {
    // A worker that did not answer the primary (one just starting): say so rather than give part of the sum.
    pendingMetrics.set(id, (text) => (text === null ? reject(new UnavailableError()) : resolve(text)));
    process.send?.({ type: 'metrics?', id } satisfies FromWorker);
  });
}

function onMetrics(msg: FromPrimary): void {
  if (msg?.type !== 'metrics') return;
  const resolve = pendingMetrics.get(msg.id);
  pendingMetrics.delete(msg.id);
  resolve?.(msg.text);
}
