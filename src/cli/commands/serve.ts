/**
 * `serve`: the HTTP server. Everything it runs on is loaded when it runs, so that
 * `customers-api serve --help` stays as quick as `--version`.
 */
import { Writable } from 'node:stream';
import type { Config } from '../../config.js';
import type { DemoData } from '../../server.js';
import type { LoadedFixtures } from '../../test-mode/fixtures.js';
import { type CliIo, type Context, defineCommand, UsageError } from '../command.js';

const MEMORY = ':memory:';

interface ServeFlags {
  demo: boolean;
  memory: boolean;
  testMode: boolean;
  fixtures: string | undefined;
}

/**
 * What `--memory`, test mode and fixtures refuse (contract §7), or null: published
 * fixture tokens and a reset that deletes everything must never reach a real database.
 * Read from the environment as given, before the configuration is checked, so the
 * refusal names the setting that causes it.
 */
export function memoryModeProblem(env: NodeJS.ProcessEnv, flags: ServeFlags, cpus: number): string | null {
  const set = (name: string) => (env[name] ?? '') !== '';
  const memory = flags.memory || env.DATA_DIR === MEMORY;
  const testMode = flags.testMode || env.TEST_MODE === '1';
  const how = flags.memory ? '--memory' : 'DATA_DIR=:memory:';
  if (memory) {
    for (const name of ['DATABASE_URL', 'DATABASE_READ_URL']) {
      if (set(name))
        return `${how} keeps the embedded database in memory: unset ${name} (it names a PostgreSQL database)`;
    }
    const workers = env.WORKERS === 'auto' ? cpus : Number(env.WORKERS || '1');
    if (workers > 1)
      return `${how} is one process: WORKERS=${env.WORKERS} cannot share an in-memory database (unset it)`;
    return null;
  }
  if (testMode) {
    return `${flags.testMode ? '--test-mode' : 'TEST_MODE=1'} needs --memory: test mode can reset all data, which only an in-memory database may lose`;
  }
  if (flags.fixtures !== undefined) {
    return '--fixtures needs --memory: fixtures hold published tokens, which must never reach a real database';
  }
  return null;
}

/** Holds the log lines back until the first line of stdout (PORT=0's address) is out. */
class HeldLines extends Writable {
  private held: Buffer[] | null = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    if (this.held) {
      this.held.push(chunk);
      done();
    } else process.stdout.write(chunk, done);
  }
  release(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const chunk of held) process.stdout.write(chunk);
  }
}

/** The banner's lines for test mode: it is not for production; the key; the tokens made for members. */
function testModeLines(testKey: string | undefined, fixtures: LoadedFixtures | null): string[] {
  const lines: string[] = [];
  if (testKey !== undefined) {
    lines.push(
      '',
      'TEST MODE — not for production: the data lives in memory only, and POST /_test/reset',
      'puts it back as it was at start-up. Every /_test/ request needs this header:',
      `  x-test-key:     ${testKey}`,
    );
  }
  const made = (fixtures?.businesses ?? []).flatMap((b) =>
    b.members.filter((m) => m.generated).map((m) => `  ${m.email} (${m.role} of ${b.id}): ${m.tokens.join(' ')}`),
  );
  if (made.length > 0) lines.push('', "Tokens made for the fixtures' members (the file gave none):", ...made);
  return lines;
}

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

async function serve(ctx: Context, flags: ServeFlags): Promise<void> {
  const { io } = ctx;
  const { availableParallelism } = await import('node:os');
  const problem = memoryModeProblem(io.env, flags, availableParallelism());
  if (problem) throw new UsageError(problem);
  // In memory, the database starts loading now, while the server's modules load: most of its
  // wait (reading and compiling the WebAssembly, reading the snapshot) is off this thread.
  let early: Promise<import('../../platform/db/pglite.js').PgliteDb> | undefined;
  if (flags.memory || io.env.DATA_DIR === MEMORY) {
    // The embedded database's WebAssembly runs on V8's baseline compiler only: re-compiling its
    // hot functions with the optimizing one cost about a second of CPU at every start (half
    // of all the start's work), and an in-memory database (tests, small data) never earns it
    // back (measured: less CPU over a thousand requests, not more). Before anything compiles it.
    // Node 20 applies it; Node 22 and later ignore flags set at run time (the README says so).
    (await import('node:v8')).setFlagsFromString('--liftoff-only');
    early = import('../../platform/db/memory.js').then((m) =>
      m.openMemoryDb((line) => io.stderr(`customers-api: ${line}\n`)),
    );
    // Its failure is reported where it is awaited (startServer); a start that fails sooner closes it.
    early.catch(() => {});
  }
  try {
    await serveWith(ctx, flags, early);
  } catch (err) {
    void early?.then((db) => db.close()).catch(() => {});
    throw err;
  }
}

async function serveWith(
  ctx: Context,
  flags: ServeFlags,
  early: Promise<import('../../platform/db/db.js').Db> | undefined,
): Promise<void> {
  const { io } = ctx;
  const { demo } = flags;
  const [{ loadConfig }, { announce, checkWorkers, clusterMetrics, isWorker, workerCount }, { startServer }] =
    await Promise.all([import('../../config.js'), import('../../cluster.js'), import('../../server.js')]);
  const { describeUrl } = await import('../../platform/db/open.js');
  const config = loadConfig(flags.memory ? { ...io.env, DATA_DIR: MEMORY } : io.env);
  const memory = config.DATA_DIR === MEMORY;
  const testMode = flags.testMode || config.TEST_MODE === '1';
  let fixtures: import('../../test-mode/fixtures.js').Fixtures | undefined;
  if (flags.fixtures !== undefined) {
    const [{ FixturesError, readFixtures }, { resolve }] = await Promise.all([
      import('../../test-mode/fixtures.js'),
      import('node:path'),
    ]);
    try {
      fixtures = readFixtures(resolve(io.cwd ?? process.cwd(), flags.fixtures));
    } catch (err) {
      if (err instanceof FixturesError) throw new UsageError(err.message);
      throw err;
    }
  }
  const testKey = testMode
    ? (fixtures?.test_key ?? (await import('node:crypto')).randomBytes(24).toString('base64url'))
    : undefined;
  const workers = workerCount(config);
  checkWorkers(config, workers);
  if (workers > 1 && !isWorker()) {
    await servePrimary(io, config, workers, demo);
    return;
  }
  // stdout carries the JSON log lines only (and with PORT=0, first, the address); what a person
  // reads goes to stderr.
  const held = config.PORT === 0 ? new HeldLines() : undefined;
  const running = await startServer(config, {
    ...(early ? { db: early } : {}),
    ...(held ? { logStream: held } : {}),
    ...(fixtures ? { fixtures } : {}),
    ...(testKey !== undefined ? { testKey } : {}),
    onNote: (line) => io.stderr(`customers-api: ${line}\n`),
    ...(isWorker() ? { metricsText: clusterMetrics } : {}),
    ...(demo ? { demo: true } : {}),
    onWait: (attempt, reason, retryInMs) =>
      io.stderr(
        `customers-api: waiting for PostgreSQL at ${describeUrl(config.DATABASE_URL ?? '')} (attempt ${attempt}: ${reason}); retrying in ${(retryInMs / 1000).toFixed(1)} s\n`,
      ),
  });
  if (held) {
    io.stdout(
      `${JSON.stringify({ listening: running.url, ...(testKey !== undefined ? { test_key: testKey } : {}) })}\n`,
    );
    held.release();
  }
  const where = config.DATABASE_URL
    ? 'PostgreSQL (DATABASE_URL)'
    : memory
      ? 'embedded, in memory only (nothing is written to disk; gone at exit)'
      : `embedded, in ${config.DATA_DIR}`;
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
  // In memory there is no directory to put the socket in, nor data for a command to outlive the server.
  const control =
    config.DATABASE_URL || memory
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
  io.stderr(
    banner(
      running.url,
      where,
      running.demo,
      await demoSignIn(config, running.url, running.demo),
      testModeLines(testKey, running.fixtures),
    ),
  );
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
    memory: {
      type: 'boolean',
      description:
        'keep the embedded database in memory only (as DATA_DIR=:memory:): nothing written to disk, gone at exit; not with DATABASE_URL or WORKERS',
    },
    'test-mode': {
      type: 'boolean',
      description: 'test mode (also TEST_MODE=1; needs --memory): the /_test/ routes, to reset the data and more',
    },
    fixtures: {
      type: 'string',
      value: 'FILE',
      description:
        'load these businesses, members, tokens, customers and webhook endpoints at start (JSON; needs --memory)',
    },
  },
  async run(values, ctx) {
    if (ctx.io.remote) throw new UsageError('a server is already running on this data directory');
    await serve(ctx, {
      demo: values.demo,
      memory: values.memory,
      testMode: values['test-mode'],
      fixtures: values.fixtures,
    });
    return 'serving';
  },
});
