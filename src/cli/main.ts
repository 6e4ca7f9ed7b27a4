import { createReadStream, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import type { Db } from '../platform/db/db.js';
import { migrate } from '../platform/db/migrate.js';
import { DatabaseUnreachableError, describeUrl, openDb } from '../platform/db/open.js';
import { type DomainError, isDomainError } from '../platform/errors.js';
import { isUuid } from '../platform/ids.js';
import { isRole, ROLES } from '../resources/businesses/roles.js';
import { addMember, createBusiness, requireBusiness } from '../resources/businesses/service.js';
import { importCustomers } from '../resources/customers/bulk-import.js';
import { csvRecords } from '../resources/customers/csv.js';
import { seed } from '../resources/customers/seed.js';
import { createToken, listTokens, revokeToken } from '../resources/tokens/service.js';
import { startServer } from '../server.js';

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
}

const processIo = (): CliIo => ({
  env: process.env,
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTTY: process.stderr.isTTY === true,
});

const HELP = `customers-api — DayZero's Customers API, self-hosted

Usage: customers-api <command> [options]

Commands:
  serve [--demo]                                   run the HTTP server (PORT, HOST)
  migrate                                          apply pending database migrations
  business create --name NAME --owner-email EMAIL  create a business, its owner and a token
  member add --business ID --email EMAIL --role ROLE
                                                   add a member (owner|admin|member|viewer) and issue a token
  token create --email EMAIL [--expires-in-days N] issue a token (1..365 days; default: no expiry)
  token list --email EMAIL                         list a user's tokens (never the secrets)
  token revoke --id TOKEN_ID                       revoke a token
  seed --business ID --customers N --contacts-per-customer M
                                                   insert realistic demo data
  import FILE.csv --business ID                    import customers from a CSV (same rules as bulk upload,
                                                   no size limit; batches commit as they go)

Options:
  --json   machine-readable output
  --help   this text

Database: DATABASE_URL=postgres://… for PostgreSQL, otherwise the embedded
database in DATA_DIR (default ./.data). Every command applies pending migrations first.`;

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

async function serve(io: CliIo, values: Values): Promise<void> {
  const config = loadConfig(io.env);
  // stdout carries the JSON log lines only; what a person reads goes to stderr.
  const running = await startServer(config, {
    ...(values.demo ? { demo: true } : {}),
    onWait: (attempt, reason, retryInMs) =>
      io.stderr(
        `customers-api: waiting for PostgreSQL at ${describeUrl(config.DATABASE_URL ?? '')} (attempt ${attempt}: ${reason}); retrying in ${(retryInMs / 1000).toFixed(1)} s\n`,
      ),
  });
  const where = config.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `embedded, in ${config.DATA_DIR}`;
  const lines = [
    '',
    `customers-api is listening on ${running.url}`,
    `  API reference:  ${running.url}/docs`,
    `  OpenAPI:        ${running.url}/openapi.json`,
    `  Database:       ${where}`,
  ];
  if (running.demo) {
    const d = running.demo;
    lines.push(
      '',
      'First run: created a demo business with customers and contacts.',
      `  x-business-id:  ${d.business_id}`,
      `  token:          ${d.token}`,
      '  (the token is shown once; make more with: npx customers-api token create --email demo@example.com)',
      '',
      "List a demo customer's contacts:",
      '',
      `curl -X GET '${running.url}/api/v1/customers/${d.customer_id}/contacts' \\`,
      `  -H 'Authorization: Bearer ${d.token}' \\`,
      `  -H 'x-business-id: ${d.business_id}'`,
    );
  }
  io.stderr(`${lines.join('\n')}\n\n`);
  const stop = (signal: string) => {
    running.app.log.info({ signal }, 'shutting down');
    running.close().then(
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
  if (values.help || cmd === undefined || cmd === 'help') {
    io.stdout(`${HELP}\n`);
    return 0;
  }
  switch (cmd) {
    case 'serve':
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
      const ownerEmail = required(values, 'owner-email');
      const r = await withDb(io, (db) => createBusiness(db, { name, ownerEmail }));
      out(
        { business_id: r.business_id, user_id: r.user_id, token: r.token },
        `business_id: ${r.business_id}\nuser_id:     ${r.user_id}\ntoken:       ${r.token}`,
      );
      return 0;
    }
    case 'member': {
      if (sub !== 'add') throw new UsageError('usage: member add --business ID --email EMAIL --role ROLE');
      const businessId = required(values, 'business');
      if (!isUuid(businessId)) throw new UsageError('--business must be a business id (UUID)');
      const email = required(values, 'email');
      const role = required(values, 'role');
      if (!isRole(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
      const r = await withDb(io, (db) => addMember(db, { businessId, email, role }));
      out({ user_id: r.user_id, token: r.token }, `user_id: ${r.user_id}\ntoken:   ${r.token}`);
      return 0;
    }
    case 'token': {
      if (sub === 'create') {
        const email = required(values, 'email');
        const days = values['expires-in-days'] === undefined ? undefined : integer(values, 'expires-in-days');
        const r = await withDb(io, (db) => createToken(db, { email, expiresInDays: days }));
        out(r, `token:      ${r.token}\ntoken_id:   ${r.token_id}\nexpires_at: ${r.expires_at ?? 'never'}`);
        return 0;
      }
      if (sub === 'list') {
        const email = required(values, 'email');
        const tokens = await withDb(io, (db) => listTokens(db, email));
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
      const file: string = sub;
      const businessId = required(values, 'business');
      if (!isUuid(businessId)) throw new UsageError('--business must be a business id (UUID)');
      let size: number;
      try {
        size = statSync(file).size;
      } catch {
        throw new UsageError(`cannot read ${file}`);
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
    default:
      throw new UsageError(`unknown command "${cmd}"; see customers-api --help`);
  }
}

/** The CLI's words for a domain error, and whether it is the caller's mistake (exit 2) or a failure (exit 1). */
function describe(err: DomainError): { message: string; usage: boolean } {
  switch (err.kind) {
    case 'invalid_argument':
      return { message: `--${err.field.replaceAll('_', '-')} ${err.problem}`, usage: true };
    case 'not_found': {
      const named: Partial<Record<typeof err.resource, string>> = {
        business: `No business with id ${err.ref}`,
        user: `No user with e-mail ${err.ref}`,
        token: `No token with id ${err.ref}`,
      };
      return { message: named[err.resource] ?? err.message, usage: true };
    }
    case 'invalid_file':
    case 'token_limit':
    case 'database_locked':
      return { message: err.message, usage: true };
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

/** Runs the command line; resolves to the exit code, or 'serving' while the server runs. */
export async function run(argv: string[], io: CliIo = processIo()): Promise<number | 'serving'> {
  const json = argv.includes('--json');
  try {
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
