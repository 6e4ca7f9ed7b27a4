import { createReadStream, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { announce, checkWorkers, clusterMetrics, isWorker, startPrimary, workerCount } from '../cluster.js';
import { type Config, ConfigError, loadConfig } from '../config.js';
import type { Db } from '../platform/db/db.js';
import { migrate } from '../platform/db/migrate.js';
import { DatabaseUnreachableError, describeUrl, openDb } from '../platform/db/open.js';
import { emailProblem } from '../platform/email.js';
import { type DomainError, isDomainError } from '../platform/errors.js';
import { isUuid } from '../platform/ids.js';
import { PACKAGE_VERSION } from '../platform/version.js';
import { isRole, ROLES } from '../resources/businesses/roles.js';
import { createBusiness, requireBusiness } from '../resources/businesses/service.js';
import { importCustomers } from '../resources/customers/bulk-import.js';
import { csvRecords } from '../resources/customers/csv.js';
import { seed } from '../resources/customers/seed.js';
import { createInvitation } from '../resources/invitations/service.js';
import { addMember, allMembers, removeMember } from '../resources/members/service.js';
import { createToken, listTokens, revokeToken } from '../resources/tokens/service.js';
import { userIdOf } from '../resources/users/service.js';
import { type DemoData, startServer } from '../server.js';
import { runBackupCommand } from './backup.js';
import { forward, serveControl } from './control.js';

/** A usage error of the command line (bad flag, missing argument): printed, exit 2. */
export class UsageError extends Error {}

/** Where a command reads its settings and writes its output; tests pass their own. */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal (progress bars). */
  isTTY: boolean;
  /** An open database to use instead of opening one from the environment (left open). */
  db?: Db;
  /** Where relative file names are resolved (default: this process's working directory). */
  cwd?: string;
  /** Run by a server for a client over its control channel: `serve` is refused. */
  remote?: boolean;
}

const processIo = (): CliIo => ({
  env: process.env,
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTTY: process.stderr.isTTY === true,
});

interface CommandHelp {
  name: string;
  usage: string;
  summary: string;
}

/** Every command: `customers-api <name> --help` prints its entry. */
const COMMANDS: CommandHelp[] = [
  {
    name: 'serve',
    usage: 'serve [--demo]',
    summary: 'Run the HTTP server (PORT, HOST); --demo creates the demo business on an empty database.',
  },
  { name: 'migrate', usage: 'migrate', summary: 'Apply pending database migrations.' },
  {
    name: 'business create',
    usage: 'business create --name NAME --owner-email EMAIL',
    summary: 'Create a business and its owner (the user is created if new), and issue the owner a token.',
  },
  {
    name: 'member add',
    usage: 'member add --business ID (--email EMAIL | --user-id ID) --role owner|admin|member|viewer',
    summary:
      'Add a member (a new e-mail creates the user; an e-mail several accounts carry needs --user-id) and issue them a token; on an existing member, change the role instead (no token).',
  },
  {
    name: 'invite',
    usage: 'invite --business ID --email EMAIL --role owner|admin|member|viewer [--url PUBLIC_URL]',
    summary:
      'Invite an e-mail to a business: prints the url and the secret (shown once; 7 days, single use). Accepting it without signing in makes a new account.',
  },
  { name: 'member list', usage: 'member list --business ID', summary: "List a business's members and their roles." },
  {
    name: 'member remove',
    usage: 'member remove --business ID (--email EMAIL | --user-id ID)',
    summary: 'Remove a member from a business (the last owner cannot be removed). Their tokens stay valid elsewhere.',
  },
  {
    name: 'token create',
    usage: 'token create (--email EMAIL | --user-id ID) [--expires-in-days N]',
    summary: 'Issue a token for a user (1..365 days; default: no expiry). The secret is shown once.',
  },
  {
    name: 'token list',
    usage: 'token list (--email EMAIL | --user-id ID)',
    summary: "List a user's tokens (never the secrets).",
  },
  { name: 'token revoke', usage: 'token revoke --id TOKEN_ID', summary: 'Revoke a token.' },
  {
    name: 'seed',
    usage: 'seed --business ID --customers N --contacts-per-customer M',
    summary: 'Insert realistic demo data.',
  },
  {
    name: 'backup',
    usage: 'backup FILE',
    summary:
      'Write a consistent SQL dump of the embedded database to FILE (mode 0600; it holds secrets), also beside a running server. On PostgreSQL: use pg_dump.',
  },
  {
    name: 'restore',
    usage: 'restore FILE',
    summary:
      'Load a backup into an empty database: a new embedded DATA_DIR (no server on it), or an empty PostgreSQL database (DATABASE_URL).',
  },
  {
    name: 'import',
    usage: 'import FILE.csv --business ID',
    summary: 'Import customers from a CSV (same rules as bulk upload, no size limit; batches commit as they go).',
  },
];

const FOOTER = `Options:
  --json      machine-readable output
  --help      help (also per command: customers-api token create --help)
  --version   the version

Exit codes: 0 done, 1 the operation failed, 2 bad usage.

Database: DATABASE_URL=postgres://… for PostgreSQL, otherwise the embedded
database in DATA_DIR (default ./.data). Every command applies pending migrations
first. While a server runs on the embedded database, commands are carried out
by that server (over a socket in DATA_DIR only this OS user can use).`;

function help(words: string[]): string {
  const name = words.join(' ');
  const exact = COMMANDS.find((c) => c.name === name);
  if (exact) return `Usage: customers-api ${exact.usage}\n\n${exact.summary}\n\n${FOOTER}`;
  const group = COMMANDS.filter((c) => name !== '' && c.name.startsWith(`${name} `));
  const shown = group.length > 0 ? group : COMMANDS;
  const lines = shown.map((c) => `  ${c.usage}\n      ${c.summary}`);
  return `customers-api — DayZero's Customers API, self-hosted\n\nUsage: customers-api <command> [options]\n\nCommands:\n${lines.join('\n')}\n\n${FOOTER}`;
}

const OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  demo: { type: 'boolean' },
  name: { type: 'string' },
  'owner-email': { type: 'string' },
  business: { type: 'string' },
  email: { type: 'string' },
  role: { type: 'string' },
  'expires-in-days': { type: 'string' },
  id: { type: 'string' },
  customers: { type: 'string' },
  'contacts-per-customer': { type: 'string' },
  'user-id': { type: 'string' },
  url: { type: 'string' },
  version: { type: 'boolean', short: 'v' },
} as const;

type Values = Record<string, string | boolean | undefined>;

function required(values: Values, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`--${name} is required`);
  return v.trim();
}

function integer(values: Values, name: string): number {
  const raw = required(values, name);
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${name} must be a non-negative integer, got "${raw}"`);
  return Number(raw);
}

/**
 * The user a command names: by --user-id or by --email (one of them). An e-mail is a
 * label: it names an account only while exactly one carries it (the core says so otherwise).
 */
function whichUser(values: Values): { id: string } | { email: string } {
  const id = typeof values['user-id'] === 'string' ? values['user-id'].trim() : undefined;
  const email = typeof values.email === 'string' ? values.email.trim() : undefined;
  if ((id === undefined || id === '') === (email === undefined || email === '')) {
    throw new UsageError('give --email EMAIL or --user-id ID (one of them)');
  }
  if (id) {
    if (!isUuid(id)) throw new UsageError('--user-id must be a user id (UUID)');
    return { id };
  }
  return { email: checkedEmail('email', email as string) };
}

/** An e-mail given on the command line, checked like the API checks one. */
function checkedEmail(flag: string, email: string): string {
  const problem = emailProblem(email);
  if (problem) throw new UsageError(`--${flag} is not a valid e-mail address: ${problem}`);
  return email;
}

function progressBar(io: CliIo, label: string): ((done: number, total: number) => void) | undefined {
  if (!io.isTTY) return undefined;
  return (done, total) => {
    const width = 30;
    const frac = total === 0 ? 1 : done / total;
    const bar = '█'.repeat(Math.round(frac * width)).padEnd(width, '░');
    io.stderr(`\r${label} ${bar} ${Math.round(frac * 100)}% (${done}/${total})${done >= total ? '\n' : ''}`);
  };
}

async function withDb<T>(io: CliIo, fn: (db: Db) => Promise<T>, opts: { migrate?: boolean } = {}): Promise<T> {
  if (io.db) return await fn(io.db);
  const config = loadConfig(io.env);
  const db = await openDb({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    poolMax: 4,
    pooler: config.DB_POOLER as 'none' | 'transaction',
    // CLI work (imports, seeding) is long by nature: it gets the long deadline.
    statementTimeoutMs: config.DB_LONG_STATEMENT_TIMEOUT_MS,
    longStatementTimeoutMs: config.DB_LONG_STATEMENT_TIMEOUT_MS,
    connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
    ...opts,
  });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

async function runRemote(argv: string[], io: CliIo): Promise<number> {
  const code = await run(argv, io);
  return code === 'serving' ? 1 : code;
}

/** The start-up banner: where the server listens, and the demo data when there is some. */
function banner(url: string, where: string, demo: DemoData | null, extra: string[] = []): string {
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

/** WORKERS > 1: this process starts and watches the workers; they serve. */
async function servePrimary(io: CliIo, config: Config, workers: number, values: Values): Promise<void> {
  const primary = await startPrimary(config, workers, {
    ...(values.demo ? { demo: true } : {}),
    log: (line) => io.stderr(`${line}\n`),
  });
  const url = await primary.listening;
  io.stderr(banner(url, 'PostgreSQL (DATABASE_URL)', primary.demo, [`  Workers:        ${workers}`]));
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

async function serve(io: CliIo, values: Values): Promise<void> {
  const config = loadConfig(io.env);
  const workers = workerCount(config);
  checkWorkers(config, workers);
  if (workers > 1 && !isWorker()) {
    await servePrimary(io, config, workers, values);
    return;
  }
  // stdout carries the JSON log lines only; what a person reads goes to stderr.
  const running = await startServer(config, {
    ...(isWorker() ? { metricsText: clusterMetrics } : {}),
    ...(values.demo ? { demo: true } : {}),
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
  const control = config.DATABASE_URL
    ? null
    : await serveControl(config.DATA_DIR, async (req, out) => {
        try {
          return await runRemote(req.argv, {
            env: io.env,
            ...out,
            isTTY: req.isTTY,
            db: running.db,
            cwd: req.cwd,
            remote: true,
          });
        } finally {
          // Memberships or tokens may have changed: stop trusting what authentication cached.
          running.app.forgetCachedAuth();
        }
      });
  io.stderr(banner(running.url, where, running.demo));
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

/** Runs one command; resolves to its exit code, or 'serving' when the server now runs. */
async function main(argv: string[], io: CliIo): Promise<number | 'serving'> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  const json = values.json === true;
  const out = (data: unknown, human: string) => io.stdout(json ? `${JSON.stringify(data)}\n` : `${human}\n`);
  const [cmd, sub] = positionals;
  if (values.version) {
    io.stdout(`${PACKAGE_VERSION}\n`);
    return 0;
  }
  if (values.help || cmd === undefined || cmd === 'help') {
    const words = cmd === 'help' ? positionals.slice(1) : positionals;
    // `import FILE --help`: the file name is not part of the command's name.
    io.stdout(`${help(words[0] === 'import' ? ['import'] : words)}\n`);
    return 0;
  }
  switch (cmd) {
    case 'serve':
      if (io.remote) throw new UsageError('a server is already running on this data directory');
      await serve(io, values);
      return 'serving';
    case 'migrate': {
      const applied = await withDb(io, (db) => migrate(db), { migrate: false });
      out({ applied }, applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
      return 0;
    }
    case 'business': {
      if (sub !== 'create') throw new UsageError('usage: business create --name NAME --owner-email EMAIL');
      const name = required(values, 'name');
      const ownerEmail = checkedEmail('owner-email', required(values, 'owner-email'));
      const r = await withDb(io, (db) => createBusiness(db, { name, ownerEmail }));
      out(
        { business_id: r.business_id, user_id: r.user_id, token: r.token },
        `business_id: ${r.business_id}\nuser_id:     ${r.user_id}\ntoken:       ${r.token}`,
      );
      return 0;
    }
    case 'member': {
      const usage = () =>
        new UsageError(
          `usage: customers-api ${COMMANDS.find((c) => c.name === `member ${sub}`)?.usage ?? 'member add|list|remove …'}`,
        );
      if (sub !== 'add' && sub !== 'list' && sub !== 'remove') throw usage();
      const businessId = required(values, 'business');
      if (!isUuid(businessId)) throw new UsageError('--business must be a business id (UUID)');
      if (sub === 'list') {
        const members = await withDb(io, (db) => allMembers(db, businessId));
        const human = members.length
          ? members.map((m) => `${m.user_id}  ${m.role.padEnd(6)}  ${m.email}  (since ${m.created_at})`).join('\n')
          : 'No members.';
        out({ members }, human);
        return 0;
      }
      const user = whichUser(values);
      if (sub === 'remove') {
        const removed = await withDb(io, async (db) =>
          removeMember(db, {
            businessId,
            userId: 'id' in user ? user.id : await userIdOf(db, user),
            actor: null,
          }),
        );
        out({ removed }, `Removed ${removed.email} (${removed.role}) from business ${businessId}.`);
        return 0;
      }
      const role = required(values, 'role');
      if (!isRole(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
      const r = await withDb(io, (db) =>
        addMember(db, { businessId, user, role, actor: null, ifMember: 'update', token: 'new-member' }),
      );
      const m = r.member;
      const data = { ...m, previous_role: r.previousRole, token: r.token?.token ?? null };
      if (r.previousRole === null) {
        out(data, `Added ${m.email} as ${m.role}.\nuser_id: ${m.user_id}\ntoken:   ${r.token?.token ?? '(none)'}`);
      } else if (r.previousRole === m.role) {
        out(data, `${m.email} is already a member with role ${m.role}: nothing changed.`);
      } else {
        out(data, `${m.email} was already a member: changed the role from ${r.previousRole} to ${m.role}.`);
      }
      return 0;
    }
    case 'invite': {
      const businessId = required(values, 'business');
      if (!isUuid(businessId)) throw new UsageError('--business must be a business id (UUID)');
      const email = checkedEmail('email', required(values, 'email'));
      const role = required(values, 'role');
      if (!isRole(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
      const config = loadConfig(io.env);
      const host = config.HOST.includes(':')
        ? `[${config.HOST}]`
        : config.HOST === '0.0.0.0'
          ? '127.0.0.1'
          : config.HOST;
      const baseUrl =
        typeof values.url === 'string' && values.url.trim() !== ''
          ? values.url.trim()
          : (config.PUBLIC_URL ?? `http://${host}:${config.PORT}`);
      if (!/^https?:\/\/[^/?#]+/.test(baseUrl)) throw new UsageError('--url must be an http:// or https:// address');
      const inv = await withDb(io, (db) => createInvitation(db, { businessId, email, role, inviter: null, baseUrl }));
      out(
        inv,
        `Invited ${inv.email} as ${inv.role} (expires ${inv.expires_at}; single use).\nurl:    ${inv.url}\nsecret: ${inv.secret}\n(shown once; accept with POST /api/v1/invitations/accept {"link": SECRET, "as": "token"})`,
      );
      return 0;
    }
    case 'token': {
      if (sub === 'create') {
        const user = whichUser(values);
        const days = values['expires-in-days'] === undefined ? undefined : integer(values, 'expires-in-days');
        const r = await withDb(io, (db) =>
          createToken(db, { ...('id' in user ? { userId: user.id } : user), expiresInDays: days }),
        );
        out(r, `token:      ${r.token}\ntoken_id:   ${r.token_id}\nexpires_at: ${r.expires_at ?? 'never'}`);
        return 0;
      }
      if (sub === 'list') {
        const user = whichUser(values);
        const tokens = await withDb(io, (db) => listTokens(db, 'id' in user ? user : user.email));
        const human = tokens.length
          ? tokens
              .map(
                (t) =>
                  `${t.token_id}  ${t.prefix}…  ${t.active ? 'active ' : 'inactive'}  expires ${t.expires_at ?? 'never'}  last used ${t.last_used_at ?? 'never'}${t.revoked_at ? `  revoked ${t.revoked_at}` : ''}`,
              )
              .join('\n')
          : 'No tokens.';
        out({ tokens }, human);
        return 0;
      }
      if (sub === 'revoke') {
        const id = required(values, 'id');
        if (!isUuid(id)) throw new UsageError('--id must be a token id (UUID)');
        const r = await withDb(io, (db) => revokeToken(db, id));
        out(r, `Revoked ${r.token_id} at ${r.revoked_at}`);
        return 0;
      }
      throw new UsageError('usage: token create|list|revoke …');
    }
    case 'seed': {
      const businessId = required(values, 'business');
      const customers = integer(values, 'customers');
      const perCustomer = integer(values, 'contacts-per-customer');
      const started = Date.now();
      const r = await withDb(io, (db) =>
        seed(db, {
          businessId,
          customers,
          contactsPerCustomer: perCustomer,
          onProgress: json ? undefined : progressBar(io, 'seeding'),
        }),
      );
      const seconds = (Date.now() - started) / 1000;
      out(
        { customers: r.customers, contacts: r.contacts, seconds },
        `Seeded ${r.customers} customers and ${r.contacts} contacts in ${seconds.toFixed(1)} s.`,
      );
      return 0;
    }
    case 'import': {
      if (!sub) throw new UsageError('usage: import FILE.csv --business ID');
      const file: string = resolve(io.cwd ?? process.cwd(), sub);
      const businessId = required(values, 'business');
      if (!isUuid(businessId)) throw new UsageError('--business must be a business id (UUID)');
      let size: number;
      try {
        size = statSync(file).size;
      } catch {
        throw new UsageError(`cannot read ${sub}`);
      }
      const started = Date.now();
      const bar = json ? undefined : progressBar(io, 'importing');
      let read = 0;
      // Count bytes as the importer pulls them (a 'data' listener would start the flow early and lose them).
      async function* counted(): AsyncGenerator<Buffer> {
        for await (const chunk of createReadStream(file)) {
          read += (chunk as Buffer).length;
          yield chunk as Buffer;
        }
      }
      const r = await withDb(io, async (db) => {
        await requireBusiness(db, businessId);
        return await importCustomers(db, { businessId, actorEmail: null }, csvRecords(counted()), {
          mode: 'per-batch',
          onProgress: () => bar?.(read, size),
        });
      });
      bar?.(size, size);
      const seconds = (Date.now() - started) / 1000;
      const lines = [
        `Created ${r.created}, skipped ${r.skipped}, ${r.errors.length} invalid rows, in ${seconds.toFixed(1)} s.`,
      ];
      for (const e of r.errors.slice(0, 20)) lines.push(`  row ${e.row}: ${e.error}`);
      if (r.errors.length > 20) lines.push(`  … and ${r.errors.length - 20} more (use --json for all)`);
      out({ ...r, seconds }, lines.join('\n'));
      return 0;
    }
    case 'backup':
    case 'restore':
      if (!sub) throw new UsageError(`usage: customers-api ${cmd} FILE`);
      return await runBackupCommand(cmd, sub, io, out, withDb);
    default:
      throw new UsageError(`unknown command "${cmd}"; see customers-api --help`);
  }
}

/**
 * The CLI's words for a domain error, and whether it is the caller's mistake
 * (bad usage: exit 2) or a failed operation (exit 1).
 */
function describe(err: DomainError): { message: string; usage: boolean } {
  switch (err.kind) {
    case 'invalid_argument':
      return { message: `--${err.field.replaceAll('_', '-')} ${err.problem}`, usage: true };
    case 'not_found': {
      const named: Partial<Record<typeof err.resource, string>> = {
        business: `No business with id ${err.ref}`,
        user: `No user with ${err.ref !== undefined && isUuid(err.ref) ? 'id' : 'e-mail'} ${err.ref}`,
        member: `${err.ref} is not a member of this business`,
        token: `No token with id ${err.ref}`,
      };
      return { message: named[err.resource] ?? err.message, usage: false };
    }
    case 'invalid_file':
    case 'token_limit':
    case 'database_locked':
    case 'unauthenticated':
    case 'forbidden':
    case 'conflict':
    case 'invalid_state':
    case 'invalid_cursor':
    case 'unavailable':
      return { message: err.message, usage: false };
    default: {
      const unmapped: never = err;
      return { message: String(unmapped), usage: false };
    }
  }
}

/** Commands a running server carries out for the CLI; the rest run here. */
function runsHere(argv: string[]): boolean {
  return (
    argv.some((a) => a === '--help' || a === '-h' || a === '--version' || a === '-v') ||
    !argv.some((a) => !a.startsWith('-')) ||
    // restore needs the data directory to itself: never through a running server.
    ['serve', 'help', 'restore'].includes(argv.find((a) => !a.startsWith('-')) ?? '')
  );
}

/**
 * On the embedded database, a server already running on the data directory
 * carries the command out; resolves to its exit code, or null to run here.
 */
async function throughServer(argv: string[], io: CliIo): Promise<number | null> {
  if (io.db || io.remote || runsHere(argv)) return null;
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(io.env);
  } catch {
    return null; // reported as usual when the command runs here
  }
  if (config.DATABASE_URL) return null;
  return await forward(
    config.DATA_DIR,
    { argv, cwd: io.cwd ?? process.cwd(), isTTY: io.isTTY },
    { stdout: io.stdout, stderr: io.stderr },
  );
}

/** Runs the command line; resolves to the exit code, or 'serving' while the server runs. */
export async function run(argv: string[], io: CliIo = processIo()): Promise<number | 'serving'> {
  const json = argv.includes('--json');
  try {
    const remote = await throughServer(argv, io);
    if (remote !== null) return remote;
    return await main(argv, io);
  } catch (err) {
    let message: string;
    let usage: boolean;
    if (isDomainError(err)) ({ message, usage } = describe(err));
    else {
      message = err instanceof Error ? err.message : String(err);
      usage =
        err instanceof UsageError ||
        err instanceof ConfigError ||
        (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true;
    }
    if (json) io.stderr(`${JSON.stringify({ error: message })}\n`);
    else io.stderr(`customers-api: ${message}\n`);
    const unexpected = !usage && !isDomainError(err) && !(err instanceof DatabaseUnreachableError);
    if (unexpected && !json && err instanceof Error && err.stack) io.stderr(`${err.stack}\n`);
    return usage ? 2 : 1;
  }
}
