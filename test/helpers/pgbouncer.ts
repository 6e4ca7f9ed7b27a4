import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './cluster.js';

/** Debian's PgBouncer (1.18 here). */
export const PGBOUNCER = '/usr/sbin/pgbouncer';

async function listening(port: number, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`pgbouncer did not listen on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A real PgBouncer in transaction mode in front of a PostgreSQL server (every
 * database of it), run as the postgres user from a temp dir of its own, in its
 * own process group; `stop()` ends it and removes the dir.
 */
export class PgBouncer {
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly pid: number,
    private readonly exited: Promise<unknown>,
  ) {}

  static available(): boolean {
    return existsSync(PGBOUNCER);
  }

  static async start(server: URL, poolSize = 20): Promise<PgBouncer> {
    const dir = mkdtempSync(join(tmpdir(), 'customers-api-pgbouncer-'));
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
    const port = await freePort();
    writeFileSync(join(dir, 'userlist.txt'), '"postgres" ""\n');
    writeFileSync(
      join(dir, 'pgbouncer.ini'),
      `[databases]
* = host=${server.hostname} port=${server.port || 5432}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
unix_socket_dir =
auth_type = trust
auth_file = ${join(dir, 'userlist.txt')}
pool_mode = transaction
max_client_conn = 500
default_pool_size = ${poolSize}
logfile = ${join(dir, 'pgbouncer.log')}
`,
    );
    chownSync(join(dir, 'pgbouncer.ini'), uid, gid);
    chownSync(join(dir, 'userlist.txt'), uid, gid);
    const child = spawn('runuser', ['-u', 'postgres', '--', PGBOUNCER, join(dir, 'pgbouncer.ini')], {
      stdio: 'ignore',
      detached: true,
    });
    const exited = new Promise((resolve) => (child.exitCode === null ? child.once('close', resolve) : resolve(null)));
    const bouncer = new PgBouncer(port, dir, child.pid as number, exited);
    try {
      await listening(port, 10_000);
    } catch (err) {
      await bouncer.stop();
      throw err;
    }
    return bouncer;
  }

  /** A URL to `database` through the pooler. */
  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  log(): string {
    return readFileSync(join(this.dir, 'pgbouncer.log'), 'utf8');
  }

  async stop(): Promise<void> {
    try {
      process.kill(-this.pid, 'SIGTERM');
    } catch {}
    await this.exited;
    rmSync(this.dir, { recursive: true, force: true });
  }
}
