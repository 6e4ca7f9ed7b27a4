import { spawn } from 'node:child_process';

export interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
}

/**
 * Runs `command args` in its own process group, to its exit or `timeoutMs` (then the whole group is
 * killed); stdout and stderr together. Whatever it started is gone when this resolves.
 */
export function run(
  command: string,
  args: string[],
  opts: { cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number } = {},
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      // NODE_TEST_CONTEXT would make a `node --test` child report to this test runner instead of its stdout.
      env: { ...process.env, NODE_TEST_CONTEXT: undefined, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-(child.pid as number), signal);
      } catch {
        // gone
      }
    };
    const timer = setTimeout(() => {
      out += `\n[killed after ${opts.timeoutMs ?? 120_000} ms]`;
      killGroup('SIGKILL');
    }, opts.timeoutMs ?? 120_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      killGroup('SIGKILL'); // anything it left behind in its group
      resolve({ code, signal, out });
    });
  });
}
