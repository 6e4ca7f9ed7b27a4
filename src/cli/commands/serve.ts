/**
 * `serve`: the HTTP server. Everything it runs on is loaded when it runs, so that
 * `customers-api serve --help` stays as quick as `--version`.
 */
import type { Config } from '../../config.js';
import type { DemoData } from '../../server.js';
import { type CliIo, type Context, defineCommand, UsageError } from '../command.js';

/** The start-up banner: where the server listens, and the demo data when there is some. */
function banner(url: string, where: string, demo: DemoData | null, signIn: string, extra: string[] = []): string {
  const lines = [
    '',
    `customers-api is listening on ${url}`,
    `  API reference:  ${url}/docs`,
    `  OpenAPI:        ${url}/openapi.json`,
    `  Database:       ${where}`,
    ...extra,
  ];
  if (demo) {
    lines.push(
      '',
      'First run: created a demo business with customers and contacts.',
      `  x-business-id:  ${demo.business_id}`,
      `  token:          ${demo.token}`,
      '  (the token is shown once; make more with: npx customers-api token create --email demo@example.com)',
      `  sign in:        ${signIn}`,
      '  (single use, 15 minutes; another with: npx customers-api login-link --email demo@example.com)',
      '',
      "List a demo customer's contacts:",
      '',
      `curl -X GET '${url}/api/v1/customers/${demo.customer_id}/contacts' \\`,
      `  -H 'Authorization: Bearer ${demo.token}' \\`,
      `  -H 'x-business-id: ${demo.business_id}'`,
    );
  }
  return `${lines.join('\n')}\n\n`;
}

/** The demo owner's sign-in link, at PUBLIC_URL or else where the server listens. */
async function demoSignIn(config: Config, url: string, demo: DemoData | null): Promise<string> {
  if (!demo) return '';
  const { signInUrl } = await import('../../resources/sessions/service.js');
  return signInUrl(config.PUBLIC_URL ?? url, demo.sign_in_link);
}

/** WORKERS > 1: this process starts and watches the workers; they serve. */
async function servePrimary(io: CliIo, config: Config, workers: number, demo: boolean): Promise<void> {
  const { startPrimary } = await import('../../cluster.js');
  const primary = await startPrimary(config, workers, {
    ...(demo ? { demo: true } : {}),
    log: (line) => io.stderr(`${line}\n`),
  });
  const url = await primary.listening;
  const signIn = await demoSignIn(config, url, primary.demo);
  io.stderr(banner(url, 'PostgreSQL (DATABASE_URL)', primary.demo, signIn, [`  Workers:        ${workers}`]));
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    primary.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function serve(ctx: Context, demo: boolean): Promise<void> {
  const { io } = ctx;
  const [{ loadConfig }, { announce, checkWorkers, clusterMetrics, isWorker, workerCount }, { startServer }] =
    await Promise.all([import('../../config.js'), import('../../cluster.js'), import('../../server.js')]);
  const { describeUrl } = await import('../../platform/db/open.js');
  const config = loadConfig(io.env);
  const workers = workerCount(config);
  checkWorkers(config, workers);
  if (workers > 1 && !isWorker()) {
    await servePrimary(io, config, workers, demo);
    return;
  }
  // stdout carries the JSON log lines only; what a person reads goes to stderr.
  const running = await startServer(config, {
    ...(isWorker() ? { metricsText: clusterMetrics } : {}),
    ...(demo ? { demo: true } : {}),
    onWait: (attempt, reason, retryInMs) =>
      io.stderr(
        `customers-api: waiting for PostgreSQL at ${describeUrl(config.DATABASE_URL ?? '')} (attempt ${attempt}: ${reason}); retrying in ${(retryInMs / 1000).toFixed(1)} s\n`,
      ),
  });
  const where = config.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `embedded, in ${config.DATA_DIR}`;
  if (isWorker()) {
    // One of several: the primary prints the banner; this process serves until told to stop.
    announce(running.url, running.app.metricsRegistry);
    const stopWorker = () =>
      running.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    process.once('SIGINT', stopWorker);
    process.once('SIGTERM', stopWorker);
    return;
  }
  // On the embedded database, the CLI's commands run here while the server holds the data directory.
  const { serveControl } = await import('../control.js');
  const control = config.DATABASE_URL
    ? null
    : await serveControl(config.DATA_DIR, async (req, out) => {
        try {
          const code = await ctx.dispatch(req.argv, {
            env: io.env,
            ...out,
            isTTY: req.isTTY,
            db: running.db,
            cwd: req.cwd,
            remote: true,
          });
          return code === 'serving' ? 1 : code;
        } finally {
          // Memberships or tokens may have changed: stop trusting what authentication cached.
          running.app.forgetCachedAuth();
        }
      });
  io.stderr(banner(running.url, where, running.demo, await demoSignIn(config, running.url, running.demo)));
  const stop = (signal: string) => {
    running.app.log.info({ signal }, 'shutting down');
    Promise.resolve(control?.close())
      .then(() => running.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

export default defineCommand({
  local: true,
  flags: {
    demo: { type: 'boolean', description: 'create the demo business when the database is empty' },
  },
  async run(values, ctx) {
    if (ctx.io.remote) throw new UsageError('a server is already running on this data directory');
    await serve(ctx, values.demo);
    return 'serving';
  },
});
