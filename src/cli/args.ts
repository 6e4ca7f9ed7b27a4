/** Checks of command-line values shared by several commands, and the progress bar. */
import { emailProblem } from '../platform/email.js';
import { isUuid } from '../platform/ids.js';
import { type CliIo, type Flag, UsageError } from './command.js';

/** `--business ID`, as every command acting in a business takes it. */
export const BUSINESS_FLAG = {
  type: 'string',
  value: 'ID',
  required: true,
  description: 'the business (its id)',
} as const satisfies Flag;

/** `--email EMAIL | --user-id ID`: the user a command names. */
export const USER_FLAGS = {
  email: {
    type: 'string',
    value: 'EMAIL',
    description: "the user's e-mail: names them while exactly one account carries it",
  },
  'user-id': { type: 'string', value: 'ID', description: "the user's id" },
} as const satisfies Record<string, Flag>;

/** A UUID given as `--flag`, or bad usage naming what it should be. */
export function uuidOf(flag: string, value: string, what: string): string {
  if (!isUuid(value)) throw new UsageError(`--${flag} must be ${what} (UUID)`);
  return value;
}

/** An e-mail given on the command line, checked like the API checks one. */
export function checkedEmail(flag: string, email: string): string {
  const problem = emailProblem(email);
  if (problem) throw new UsageError(`--${flag} is not a valid e-mail address: ${problem}`);
  return email;
}

/**
 * The user a command names: by --user-id or by --email (the parser saw one of them). An
 * e-mail is a label: it names an account only while exactly one carries it (the core says so otherwise).
 */
export function userOf(values: {
  email?: string | undefined;
  'user-id'?: string | undefined;
}): { id: string } | { email: string } {
  const id = values['user-id'];
  if (id !== undefined) return { id: uuidOf('user-id', id, 'a user id') };
  return { email: checkedEmail('email', values.email ?? '') };
}

/** A progress bar on stderr when it is a terminal (and not under --json). */
export function progressBar(
  io: CliIo,
  json: boolean,
  label: string,
): ((done: number, total: number) => void) | undefined {
  if (!io.isTTY || json) return undefined;
  return (done, total) => {
    const width = 30;
    const frac = total === 0 ? 1 : done / total;
    const bar = '█'.repeat(Math.round(frac * width)).padEnd(width, '░');
    io.stderr(`\r${label} ${bar} ${Math.round(frac * 100)}% (${done}/${total})${done >= total ? '\n' : ''}`);
  };
}
