import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The newest PostgreSQL server binaries Debian installed, if any. */
function pgBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  const bin = versions.map((v) => join(root, v, 'bin')).find((b) => existsSync(join(b, 'initdb')));
  return bin;
}

function postgresId(flag: '-u' | '-g'): number {
  return Number(execFileSync('id', [flag, 'postgres']).toString().trim());
}

/** Why a throwaway cluster cannot be made here, or false when it can. */
export function clusterUnavailable(): string | false {
  if (!pgBin()) return 'no PostgreSQL server binaries (/usr/lib/postgresql/*/bin)';
  if (process.getuid?.() !== 0) return 'making a throwaway cluster runs initdb as the postgres user: needs root';
  return false;
}

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/**
 * A PostgreSQL cluster of the test's own — initdb into a temp dir, its own
 * port, run as the postgres user — for tests that stop, restart or stall the
 * database. Never the shared server.
 */
export class Cluster {
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly bin: string,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private async as(command: string, args: string[]): Promise<void> {
    await run('runuser', ['-u', 'postgres', '--', join(this.bin, command), ...args]);
  }

  static async create(): Promise<Cluster> {
    const bin = pgBin();
    if (!bin) throw new Error('no PostgreSQL binaries');
    const dir = mkdtempSync(join(tmpdir(), 'customers-api-pg-'));
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
    const cluster = new Cluster(dir, await freePort(), bin);
    await cluster.as('initdb', ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
    await cluster.start();
    return cluster;
  }

  /**
   * A streaming replica of `primary`: `pg_basebackup -R` into a temp dir of its
   * own (the standby settings written for it), started on its own port.
   */
  static async replicaOf(primary: Cluster): Promise<Cluster> {
    const dir = mkdtempSync(join(tmpdir(), 'customers-api-pg-replica-'));
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
    const replica = new Cluster(dir, await freePort(), primary.bin);
    await replica.as('pg_basebackup', [
      '-D',
      join(dir, 'data'),
      '-h',
      '127.0.0.1',
      '-p',
      String(primary.port),
      '-U',
      'postgres',
      '-R',
      '-X',
      'stream',
      '--no-sync',
    ]);
    await replica.start();
    return replica;
  }

  async start(): Promise<void> {
    const opts = `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dir} -c fsync=off -c synchronous_commit=on`;
    await this.as('pg_ctl', ['-D', join(this.dir, 'data'), '-l', join(this.dir, 'log'), '-o', opts, '-w', 'start']);
  }

  /** `pg_ctl stop -m fast`: every session is terminated (57P01), as in an operator's restart. */
  async stop(): Promise<void> {
    await this.as('pg_ctl', ['-D', join(this.dir, 'data'), '-m', 'fast', '-w', 'stop']);
  }

  /** The postmaster's PID (first line of postmaster.pid), or undefined when it is not running. */
  postmasterPid(): number | undefined {
    try {
      const pid = Number(readFileSync(join(this.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  /** `kill -9` of the postmaster, as a crashed machine; waits until it is gone. */
  async crash(): Promise<void> {
    const pid = this.postmasterPid();
    if (pid === undefined) return;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      return;
    }
    for (let i = 0; i < 500; i++) {
      try {
        process.kill(pid, 0);
      } catch {
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    // Orphaned backends go once they notice; the next start clears postmaster.pid itself.
  }

  /** `pg_ctl promote -w`: a standby becomes a primary. */
  async promote(): Promise<void> {
    await this.as('pg_ctl', ['-D', join(this.dir, 'data'), '-w', 'promote']);
  }

  /** A setting in postgresql.auto.conf, then a reload (the cluster must be running). */
  async set(name: string, value: string): Promise<void> {
    await this.as('psql', [
      '-h',
      this.dir,
      '-p',
      String(this.port),
      '-U',
      'postgres',
      '-Atqc',
      `ALTER SYSTEM SET ${name} = '${value}'`,
    ]);
    await this.as('pg_ctl', ['-D', join(this.dir, 'data'), 'reload']);
  }

  /**
   * A stopped (cleanly shut down) former primary restarted as a standby of `primary`, following
   * its new timeline — a switchover's second half, without pg_rewind.
   */
  async followAsStandby(primary: Cluster): Promise<void> {
    const data = join(this.dir, 'data');
    writeFileSync(join(data, 'standby.signal'), '');
    chownSync(join(data, 'standby.signal'), postgresId('-u'), postgresId('-g'));
    const auto = join(data, 'postgresql.auto.conf');
    const kept = readFileSync(auto, 'utf8')
      .split('\n')
      .filter((l) => !/^\s*(primary_conninfo|recovery_target_timeline)\s*=/.test(l));
    kept.push(
      `primary_conninfo = 'host=127.0.0.1 port=${primary.port} user=postgres application_name=${this.port}'`,
      "recovery_target_timeline = 'latest'",
    );
    writeFileSync(auto, `${kept.join('\n')}\n`);
    await this.start();
  }

  async destroy(): Promise<void> {
    try {
      await this.as('pg_ctl', ['-D', join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop']);
    } catch {
      // Already stopped.
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A TCP proxy in front of a port that can stall: while stalled it accepts and
 * holds connections but forwards nothing either way, like a network that has
 * stopped answering.
 */
export class StallingProxy {
  private stalled = false;
  /** Sockets of connections that were forwarding (client and upstream). */
  private readonly live = new Set<Socket>();
  /** Clients that connected while stalled, not yet forwarded. */
  private readonly held: Socket[] = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly upstreamPort: number,
  ) {}

  static async create(upstreamPort: number): Promise<StallingProxy> {
    let proxy: StallingProxy | undefined;
    const server = createServer((client) => {
      client.on('error', () => {});
      const p = proxy as StallingProxy;
      if (p.stalled) p.held.push(client);
      else p.forward(client);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const addr = server.address();
    proxy = new StallingProxy(server, typeof addr === 'object' && addr ? addr.port : 0, upstreamPort);
    return proxy;
  }

  private forward(client: Socket): void {
    const upstream = new Socket();
    upstream.on('error', () => client.destroy());
    for (const s of [client, upstream]) {
      this.live.add(s);
      s.on('close', () => this.live.delete(s));
    }
    upstream.connect(this.upstreamPort, '127.0.0.1');
    client.on('data', (d) => {
      if (!this.stalled) upstream.write(d);
    });
    upstream.on('data', (d) => {
      if (!this.stalled) client.write(d);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  stall(): void {
    this.stalled = true;
  }

  /** Forwards again: sessions cut mid-stream are ended (their bytes were dropped), held ones connect now. */
  resume(): void {
    this.stalled = false;
    for (const s of this.live) s.destroy();
    for (const client of this.held.splice(0)) if (!client.destroyed) this.forward(client);
  }

  async close(): Promise<void> {
    for (const s of [...this.live, ...this.held]) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
