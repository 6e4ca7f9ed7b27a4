/**
 * What a command of the CLI is: its flags, declared once, from which the parser
 * (Node's `util.parseArgs`, strict), the usage line and `--help` are made, and
 * the function that runs it. This module is what `--help` and `--version` load:
 * it imports nothing of the database or the server, and neither may a command
 * module at its top (a command loads what it runs on inside `run`).
 */
import { parseArgs } from 'node:util';
import type { Db } from '../platform/db/db.js';

/** A usage error of the command line (bad flag, missing argument): printed, exit 2. */
export class UsageError extends Error {
  /** The command's usage line, printed under the message when the flags themselves were wrong. */
  readonly usage: string | undefined;
  constructor(message: string, usage?: string) {
    super(message);
    this.usage = usage;
  }
}

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

/** One flag of a command: `--name VALUE` (or `--name` for a boolean). */
export interface Flag {
  type: 'string' | 'integer' | 'boolean';
  description: string;
  /** The value's name in the usage line (`--email EMAIL`); for choices, the choices. */
  value?: string;
  required?: boolean;
  /** The allowed values (a string flag): anything else is bad usage. */
  choices?: readonly string[];
  default?: string | number | boolean;
}

/** A word of the command line after the command's name (`import FILE.csv`). */
interface Positional {
  name: string;
  /** As the usage line shows it. */
  value: string;
  description: string;
}

type Flags = Record<string, Flag>;

type FlagValue<F extends Flag> = F['type'] extends 'boolean'
  ? boolean
  :
      | (F['type'] extends 'integer' ? number : F['choices'] extends readonly (infer C)[] ? C : string)
      | (F['required'] extends true ? never : F['default'] extends string | number ? never : undefined);

/** The parsed values of a command's flags and positionals, typed from its declaration. */
type Values<F extends Flags, P extends readonly Positional[]> = { [K in keyof F]: FlagValue<F[K]> } & {
  [K in P[number]['name']]: string;
};

/** What a command gets besides its values: where to write, and the database. */
export interface Context {
  io: CliIo;
  /** --json: machine-readable output. */
  json: boolean;
  /** Prints `data` as one JSON line under --json, else the `human` text. */
  out: (data: unknown, human: string) => void;
  /** Runs `fn` on the database (the one the environment names, opened and closed around it, or `io.db`). */
  withDb: <T>(fn: (db: Db) => Promise<T>, opts?: { migrate?: boolean }) => Promise<T>;
  /** Runs another command line as the CLI would (a server serving the CLI over its control socket). */
  dispatch: (argv: string[], io: CliIo) => Promise<number | 'serving'>;
}

export interface Command<F extends Flags = Flags, P extends readonly Positional[] = readonly Positional[]> {
  flags: F;
  positionals?: P;
  /** Groups of flags of which exactly one must be given: the usage line shows `(--a A | --b B)`. */
  oneOf?: readonly (readonly (keyof F & string)[])[];
  /** Never carried out by a running server for the CLI (it needs the process or the data directory). */
  local?: boolean;
  /** Resolves to the exit code, or 'serving' when the server now runs. */
  run: (values: Values<F, P>, ctx: Context) => Promise<number | 'serving'>;
}

/** A command of any declaration, as the command table holds it (its values are its own business). */
export type AnyCommand = Omit<Command, 'run' | 'oneOf'> & {
  oneOf?: readonly (readonly string[])[];
  run: (values: never, ctx: Context) => Promise<number | 'serving'>;
};

/** Declares a command: its values are typed from its flags. */
export function defineCommand<const F extends Flags, const P extends readonly Positional[] = []>(
  command: Command<F, P>,
): Command<F, P> {
  return command;
}

/** Flags every command takes. */
const GLOBAL_FLAGS = {
  json: { type: 'boolean', description: 'machine-readable output' },
  help: { type: 'boolean', short: 'h', description: 'help (also per command: customers-api token create --help)' },
  version: { type: 'boolean', short: 'v', description: 'the version' },
} as const;

/** The flags every command takes, as `--help` lists them. */
export function globalFlagHelp(): string {
  return Object.entries(GLOBAL_FLAGS)
    .map(([name, spec]) => `  ${`--${name}`.padEnd(12)}${spec.description}`)
    .join('\n');
}

/** `--name VALUE`, as the usage line shows a flag. */
function shown(name: string, flag: Flag): string {
  if (flag.type === 'boolean') return `--${name}`;
  return `--${name} ${flag.value ?? flag.choices?.join('|') ?? 'VALUE'}`;
}

/** The usage line: `token create (--email EMAIL | --user-id ID) [--expires-in-days N]`. */
export function usageLine(name: string, command: AnyCommand): string {
  const parts = [name, ...(command.positionals ?? []).map((p) => p.value)];
  const done = new Set<string>();
  for (const [flag, spec] of Object.entries(command.flags)) {
    if (done.has(flag)) continue;
    const group = command.oneOf?.find((g) => g.includes(flag));
    if (group) {
      for (const g of group) done.add(g);
      parts.push(`(${group.map((g) => shown(g, command.flags[g] as Flag)).join(' | ')})`);
    } else {
      done.add(flag);
      parts.push(spec.required ? shown(flag, spec) : `[${shown(flag, spec)}]`);
    }
  }
  return parts.join(' ');
}

/** The flag list of `customers-api <command> --help`. */
export function flagHelp(command: AnyCommand): string {
  const rows: [string, string][] = [
    ...(command.positionals ?? []).map((p): [string, string] => [p.value, p.description]),
    ...Object.entries(command.flags).map(([name, spec]): [string, string] => {
      const notes: string[] = [];
      const group = command.oneOf?.find((g) => g.includes(name));
      if (group) notes.push(`one of ${group.map((g) => `--${g}`).join(', ')}`);
      else if (spec.required) notes.push('required');
      if (spec.default !== undefined) notes.push(`default: ${spec.default}`);
      return [shown(name, spec), `${spec.description}${notes.length ? ` (${notes.join('; ')})` : ''}`];
    }),
  ];
  if (rows.length === 0) return '';
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`).join('\n');
}

/**
 * Parses `args` (the words after the command's name, and every flag) by the
 * command's declaration: an unknown flag, a stray word, a missing or malformed
 * value is a UsageError carrying the command's usage line.
 */
export function parseCommand(name: string, command: AnyCommand, args: string[]): Record<string, unknown> {
  const usage = `Usage: customers-api ${usageLine(name, command)}`;
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [flag, spec] of Object.entries(GLOBAL_FLAGS)) {
    options[flag] = 'short' in spec ? { type: spec.type, short: spec.short } : { type: spec.type };
  }
  for (const [flag, spec] of Object.entries(command.flags)) {
    options[flag] = { type: spec.type === 'boolean' ? 'boolean' : 'string' };
  }
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const flag = /'([^']+)'/.exec((err as Error).message)?.[1] ?? '?';
      throw new UsageError(`Unknown option '${flag}': ${name} does not take it`, usage);
    }
    if (code?.startsWith('ERR_PARSE_ARGS')) throw new UsageError((err as Error).message, usage);
    throw err;
  }
  const values: Record<string, unknown> = {};
  const declared = command.positionals ?? [];
  if (parsed.positionals.length > declared.length) {
    const extra = parsed.positionals[declared.length] as string;
    throw new UsageError(`unexpected argument "${extra}"`, usage);
  }
  for (const [i, p] of declared.entries()) {
    const word = parsed.positionals[i];
    if (word === undefined || word.trim() === '') throw new UsageError(`${p.value} is required`, usage);
    values[p.name] = word;
  }
  for (const [flag, spec] of Object.entries(command.flags)) {
    const raw = parsed.values[flag];
    if (spec.type === 'boolean') {
      values[flag] = raw === true || (raw === undefined && spec.default === true);
      continue;
    }
    const text = typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : undefined;
    if (text === undefined) {
      if (spec.required) throw new UsageError(`--${flag} is required`, usage);
      values[flag] = spec.default;
      continue;
    }
    if (spec.type === 'integer') {
      if (!/^\d+$/.test(text)) throw new UsageError(`--${flag} must be a non-negative integer, got "${text}"`);
      values[flag] = Number(text);
    } else if (spec.choices && !spec.choices.includes(text)) {
      throw new UsageError(`--${flag} must be one of ${spec.choices.join(', ')}`);
    } else values[flag] = text;
  }
  for (const group of command.oneOf ?? []) {
    const given = group.filter((g) => values[g] !== undefined);
    if (given.length !== 1) {
      throw new UsageError(`give ${group.map((g) => shown(g, command.flags[g] as Flag)).join(' or ')} (one of them)`);
    }
  }
  return values;
}
