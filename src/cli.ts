import { createReadStream, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from './config.js';
import { addMember, createBusiness, createToken, listTokens, ROLES, type Role, revokeToken } from './core/auth.js';
import { importCustomers } from './core/bulk-import.js';
import { csvRecords } from './core/csv.js';
import type { Db } from './core/db/db.js';
import { migrate } from './core/db/migrate.js';
import { openDb } from './core/db/open.js';
import { RequestValidationError, UsageError } from './core/errors.js';
import { isUuid } from './core/ids.js';
import { seed } from './core/seed.js';
import { validateCustomerRow } from './http/routes/customers.js';
import { startServer } from './server.js';

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

function out(json: boolean, data: unknown, human: string): void {
  process.stdout.write(json ? `${JSON.stringify(data)}\n` : `${human}\n`);
}

function progressBar(label: string): ((done: number, total: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (done, total) => {
    const width = 30;
    const frac = total === 0 ? 1 : done / total;
    const bar = '█'.repeat(Math.round(frac * width)).padEnd(width, '░');
    process.stderr.write(`\r${label} ${bar} ${Math.round(frac * 100)}% (${done}/${total})${done >= total ? '\n' : ''}`);
  };
}

async function withDb<T>(fn: (db: Db) => Promise<T>, opts: { migrate?: boolean } = {}): Promise<T> {
  const config = loadConfig();
  const db = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolMax: 4, ...opts });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

async function serve(values: Values): Promise<void> {
  const config = loadConfig();
  const running = await startServer(config, values.demo ? { demo: true } : {});
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
  process.stdout.write(`${lines.join('\n')}\n\n`);
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

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  const json = values.json === true;
  const [cmd, sub] = positionals;
  if (values.help || cmd === undefined || cmd === 'help') {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  switch (cmd) {
    case 'serve':
      await serve(values);
      return -1; // keep running
    case 'migrate': {
      const applied = await withDb((db) => migrate(db), { migrate: false });
      out(json, { applied }, applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
      return 0;
    }
    case 'business': {
      if (sub !== 'create') throw new UsageError('usage: business create --name NAME --owner-email EMAIL');
      const name = required(values, 'name');
      const ownerEmail = required(values, 'owner-email');
      const r = await withDb((db) => createBusiness(db, { name, ownerEmail }));
      out(
        json,
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
      if (!(ROLES as readonly string[]).includes(role))
        throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
      const r = await withDb((db) => addMember(db, { businessId, email, role: role as Role }));
      out(json, { user_id: r.user_id, token: r.token }, `user_id: ${r.user_id}\ntoken:   ${r.token}`);
      return 0;
    }
    case 'token': {
      if (sub === 'create') {
        const email = required(values, 'email');
        const days = values['expires-in-days'] === undefined ? undefined : integer(values, 'expires-in-days');
        if (days !== undefined && (days < 1 || days > 365)) {
          throw new UsageError('--expires-in-days must be an integer from 1 to 365');
        }
        const r = await withDb((db) => createToken(db, { email, expiresInDays: days }));
        out(json, r, `token:      ${r.token}\ntoken_id:   ${r.token_id}\nexpires_at: ${r.expires_at ?? 'never'}`);
        return 0;
      }
      if (sub === 'list') {
        const email = required(values, 'email');
        const tokens = await withDb((db) => listTokens(db, email));
        const human = tokens.length
          ? tokens
              .map(
                (t) =>
                  `${t.token_id}  ${t.prefix}…  ${t.active ? 'active ' : 'inactive'}  expires ${t.expires_at ?? 'never'}  last used ${t.last_used_at ?? 'never'}${t.revoked_at ? `  revoked ${t.revoked_at}` : ''}`,
              )
              .join('\n')
          : 'No tokens.';
        out(json, { tokens }, human);
        return 0;
      }
      if (sub === 'revoke') {
        const id = required(values, 'id');
        if (!isUuid(id)) throw new UsageError('--id must be a token id (UUID)');
        const r = await withDb((db) => revokeToken(db, id));
        out(json, r, `Revoked ${r.token_id} at ${r.revoked_at}`);
        return 0;
      }
      throw new UsageError('usage: token create|list|revoke …');
    }
    case 'seed': {
      const businessId = required(values, 'business');
      const customers = integer(values, 'customers');
      const perCustomer = integer(values, 'contacts-per-customer');
      const started = Date.now();
      const r = await withDb((db) =>
        seed(db, {
          businessId,
          customers,
          contactsPerCustomer: perCustomer,
          onProgress: json ? undefined : progressBar('seeding'),
        }),
      );
      const seconds = (Date.now() - started) / 1000;
      out(
        json,
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
      const bar = json ? undefined : progressBar('importing');
      let read = 0;
      // Count bytes as the importer pulls them (a 'data' listener would start the flow early and lose them).
      async function* counted(): AsyncGenerator<Buffer> {
        for await (const chunk of createReadStream(file)) {
          read += (chunk as Buffer).length;
          yield chunk as Buffer;
        }
      }
      const r = await withDb(async (db) => {
        const { rows } = await db.query('SELECT 1 FROM businesses WHERE id = $1', [businessId]);
        if (rows.length === 0) throw new UsageError(`No business with id ${businessId}`);
        return await importCustomers(db, { businessId, actorEmail: null }, csvRecords(counted()), {
          validate: validateCustomerRow,
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
      out(json, { ...r, seconds }, lines.join('\n'));
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${cmd}"; see customers-api --help`);
  }
}

export async function run(argv: string[]): Promise<void> {
  const json = argv.includes('--json');
  try {
    const code = await main(argv);
    if (code >= 0) process.exitCode = code;
  } catch (err) {
    const usage =
      err instanceof UsageError ||
      err instanceof RequestValidationError ||
      (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    const message =
      err instanceof RequestValidationError
        ? err.issues.map((i) => i.msg.replace(/^Value error, /, '')).join('; ')
        : err instanceof Error
          ? err.message
          : String(err);
    if (json) process.stderr.write(`${JSON.stringify({ error: message })}\n`);
    else process.stderr.write(`customers-api: ${message}\n`);
    if (!usage && !json && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    process.exitCode = usage ? 2 : 1;
  }
}
