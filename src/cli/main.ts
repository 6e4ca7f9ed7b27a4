/**
 * The command line: finds the command, parses its flags by its declaration
 * (commands/*.ts), carries it out here or through a server running on the
 * embedded database, and turns errors into one line and an exit code.
 *
 * Quick to start: this module and command.ts import nothing of the database or
 * the server, and a command's module is imported only when it runs (or its
 * `--help` is asked for), so `--version` and `--help` answer at once.
 */
import { isDomainError } from '../platform/errors.js';
import { PACKAGE_VERSION } from '../platform/version.js';
import {
  type AnyCommand,
  type CliIo,
  type Context,
  flagHelp,
  globalFlagHelp,
  parseCommand,
  UsageError,
  usageLine,
} from './command.js';
import { describe } from './errors.js';

interface Entry {
  name: string;
  summary: string;
  load: () => Promise<{ default: AnyCommand }>;
}

/**
 * Every command, in the order `--help` lists them. A command's flags are in its
 * module; its summary is here, so that the list needs none of the modules.
 */
const COMMANDS: Entry[] = [
  {
    name: 'serve',
    summary: 'Run the HTTP server (PORT, HOST); --demo creates the demo business on an empty database.',
    load: () => import('./commands/serve.js'),
  },
  { name: 'migrate', summary: 'Apply pending database migrations.', load: () => import('./commands/migrate.js') },
  {
    name: 'business create',
    summary: 'Create a business and its owner (the user is created if new), and issue the owner a token.',
    load: () => import('./commands/business-create.js'),
  },
  {
    name: 'member add',
    summary:
      'Add a member (a new e-mail creates the user; an e-mail several accounts carry needs --user-id) and issue them a token; on an existing member, change the role instead (no token).',
    load: () => import('./commands/member-add.js'),
  },
  {
    name: 'invite',
    summary:
      'Invite an e-mail to a business: prints the url and the secret (shown once; 7 days, single use). Accepting it without signing in makes a new account.',
    load: () => import('./commands/invite.js'),
  },
  {
    name: 'member list',
    summary: "List a business's members and their roles.",
    load: () => import('./commands/member-list.js'),
  },
  {
    name: 'member remove',
    summary: 'Remove a member from a business (the last owner cannot be removed). Their tokens stay valid elsewhere.',
    load: () => import('./commands/member-remove.js'),
  },
  {
    name: 'token create',
    summary: 'Issue a token for a user (1..365 days; default: no expiry). The secret is shown once.',
    load: () => import('./commands/token-create.js'),
  },
  {
    name: 'token list',
    summary: "List a user's tokens (never the secrets).",
    load: () => import('./commands/token-list.js'),
  },
  { name: 'token revoke', summary: 'Revoke a token.', load: () => import('./commands/token-revoke.js') },
  {
    name: 'login-link',
    summary:
      'Print a one-time sign-in link to the console for a user (single use; 15 minutes by default, --minutes 1..1440).',
    load: () => import('./commands/login-link.js'),
  },
  { name: 'seed', summary: 'Insert realistic demo data.', load: () => import('./commands/seed.js') },
  {
    name: 'backup',
    summary:
      'Write a consistent SQL dump of the embedded database to FILE (mode 0600; it holds secrets), also beside a running server. On PostgreSQL: use pg_dump.',
    load: () => import('./commands/backup.js'),
  },
  {
    name: 'restore',
    summary:
      'Load a backup into an empty database: a new embedded DATA_DIR (no server on it), or an empty PostgreSQL database (DATABASE_URL).',
    load: () => import('./commands/restore.js'),
  },
  {
    name: 'mcp',
    summary:
      "MCP over stdio for AI assistants (CUSTOMERS_API_TOKEN): through a running server's /mcp at CUSTOMERS_API_URL (default this HOST:PORT) when one answers, else on the database.",
    load: () => import('./commands/mcp.js'),
  },
  {
    name: 'import',
    summary: 'Import customers from a CSV (same rules as bulk upload, no size limit; batches commit as they go).',
    load: () => import('./commands/import.js'),
  },
];

/** The names of the commands (`token create`), in the order `--help` lists them. */
export const commandNames = (): string[] => COMMANDS.map((c) => c.name);

const FOOTER = `Options (every command):
${globalFlagHelp()}

Exit codes: 0 done, 1 the operation failed, 2 bad usage.

Database: DATABASE_URL=postgres://… for PostgreSQL, otherwise the embedded
database in DATA_DIR (default ./.data). Every command applies pending migrations
first. While a server runs on the embedded database, commands are carried out
by that server (over a socket in DATA_DIR only this OS user can use).`;

/** `text` wrapped to lines of at most `width` characters, each after `indent`. */
function wrap(text: string, indent: number, width = 100): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

/** The list of commands (all, or those of a group such as `member`). */
function listHelp(entries: Entry[]): string {
  const width = Math.max(...entries.map((e) => e.name.length)) + 2;
  const lines = entries.map((e) => `  ${e.name.padEnd(width)}${wrap(e.summary, 2 + width)}`);
  return `customers-api — DayZero's Customers API, self-hosted

Usage: customers-api <command> [options]   (customers-api <command> --help: its flags)

Commands:
${lines.join('\n')}

${FOOTER}`;
}

async function commandHelp(entry: Entry): Promise<string> {
  const command = (await entry.load()).default;
  const flags = flagHelp(command);
  return `Usage: customers-api ${usageLine(entry.name, command)}\n\n${wrap(entry.summary, 0, 88)}\n${flags ? `\nFlags:\n${flags}\n` : ''}\n${FOOTER}`;
}

const GLOBAL = new Set(['--json', '--help', '-h', '--version', '-v']);

/**
 * The command the words of `argv` name (the longest name its leading words make),
 * and the words that name it. Global flags may come before it.
 */
function find(argv: string[]): { entry: Entry | undefined; words: string[] } {
  const words: string[] = [];
  for (const a of argv) {
    if (GLOBAL.has(a)) continue;
    if (a.startsWith('-')) break;
    words.push(a);
  }
  for (let n = Math.min(words.length, 2); n > 0; n--) {
    const name = words.slice(0, n).join(' ');
    const entry = COMMANDS.find((c) => c.name === name);
    if (entry) return { entry, words: words.slice(0, n) };
  }
  return { entry: undefined, words };
}

/** `argv` without the words naming the command (they are the first words that are not global flags). */
function withoutName(argv: string[], words: string[]): string[] {
  const rest = [...argv];
  for (const w of words) rest.splice(rest.indexOf(w), 1);
  return rest;
}

const processIo = (): CliIo => ({
  env: process.env,
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTTY: process.stderr.isTTY === true,
});

function context(io: CliIo, json: boolean): Context {
  return {
    io,
    json,
    out: (data, human) => io.stdout(json ? `${JSON.stringify(data)}\n` : `${human}\n`),
    dispatch: run,
    async withDb(fn, opts = {}) {
      if (io.db) return await fn(io.db);
      const [{ loadConfig }, { openDb }] = await Promise.all([
        import('../config.js'),
        import('../platform/db/open.js'),
      ]);
      const config = loadConfig(io.env);
      if (!config.DATABASE_URL && config.DATA_DIR === ':memory:') {
        throw new UsageError(
          'DATA_DIR=:memory: lives only as long as its server (serve --memory): a command here would change nothing that lasts',
        );
      }
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
    },
  };
}

/**
 * On the embedded database, a server already running on the data directory
 * carries the command out; resolves to its exit code, or null to run here.
 */
async function throughServer(argv: string[], io: CliIo): Promise<number | null> {
  if (io.db || io.remote) return null;
  const { loadConfig } = await import('../config.js');
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(io.env);
  } catch {
    return null; // reported as usual when the command runs here
  }
  if (config.DATABASE_URL || config.DATA_DIR === ':memory:') return null;
  const { forward } = await import('./control.js');
  return await forward(
    config.DATA_DIR,
    { argv, cwd: io.cwd ?? process.cwd(), isTTY: io.isTTY },
    { stdout: io.stdout, stderr: io.stderr },
  );
}

/** Runs one command; resolves to its exit code, or 'serving' when the server now runs. */
async function main(argv: string[], io: CliIo): Promise<number | 'serving'> {
  const options = argv.slice(0, argv.includes('--') ? argv.indexOf('--') : argv.length);
  if (options.includes('--version') || options.includes('-v')) {
    io.stdout(`${PACKAGE_VERSION}\n`);
    return 0;
  }
  const helpWanted = options.includes('--help') || options.includes('-h');
  let { entry, words } = find(argv);
  if (!entry && words[0] === 'help') {
    ({ entry, words } = find(words.slice(1)));
    if (!entry) {
      const group = COMMANDS.filter((c) => words.length > 0 && c.name.startsWith(`${words[0]} `));
      io.stdout(`${listHelp(group.length > 0 ? group : COMMANDS)}\n`);
      return 0;
    }
    io.stdout(`${await commandHelp(entry)}\n`);
    return 0;
  }
  if (!entry) {
    const group = COMMANDS.filter((c) => words.length > 0 && c.name.startsWith(`${words[0]} `));
    if (words.length === 0 || (helpWanted && group.length > 0)) {
      io.stdout(`${listHelp(group.length > 0 ? group : COMMANDS)}\n`);
      return 0;
    }
    if (group.length > 0) {
      const subs = group.map((c) => c.name.slice((words[0] as string).length + 1)).join('|');
      throw new UsageError(`usage: customers-api ${words[0]} ${subs} …; see customers-api ${words[0]} --help`);
    }
    throw new UsageError(`unknown command "${words.join(' ')}"; see customers-api --help`);
  }
  if (helpWanted) {
    io.stdout(`${await commandHelp(entry)}\n`);
    return 0;
  }
  const command = (await entry.load()).default;
  const values = parseCommand(entry.name, command, withoutName(argv, words));
  if (!command.local) {
    const remote = await throughServer(argv, io);
    if (remote !== null) return remote;
  }
  return await command.run(values as never, context(io, argv.includes('--json')));
}

/** Runs the command line; resolves to the exit code, or 'serving' while the server runs. */
export async function run(argv: string[], io: CliIo = processIo()): Promise<number | 'serving'> {
  const json = argv.includes('--json');
  try {
    return await main(argv, io);
  } catch (err) {
    let message: string;
    let usage: boolean;
    let unexpected = false;
    if (isDomainError(err)) ({ message, usage } = describe(err));
    else {
      message = err instanceof Error ? err.message : String(err);
      const known = err instanceof UsageError ? 'usage' : await knownFailure(err);
      usage = known === 'usage';
      unexpected = known === null;
    }
    const usageLine = err instanceof UsageError ? err.usage : undefined;
    if (json) io.stderr(`${JSON.stringify(usageLine ? { error: message, usage: usageLine } : { error: message })}\n`);
    else io.stderr(`customers-api: ${message}\n${usageLine ? `${usageLine}\n` : ''}`);
    if (unexpected && !json && err instanceof Error && err.stack) io.stderr(`${err.stack}\n`);
    return usage ? 2 : 1;
  }
}

/**
 * An error the CLI expects besides domain and usage errors: bad configuration
 * (usage), an unreachable database (a failed operation, no stack); null for others.
 * Their modules are loaded only here: when one was thrown, its module is loaded already.
 */
async function knownFailure(err: unknown): Promise<'usage' | 'failed' | null> {
  const [{ ConfigError }, { DatabaseUnreachableError }] = await Promise.all([
    import('../config.js'),
    import('../platform/db/open.js'),
  ]);
  if (err instanceof ConfigError) return 'usage';
  if (err instanceof DatabaseUnreachableError) return 'failed';
  return null;
}
