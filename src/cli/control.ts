import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The command line's channel to a running embedded server. PGlite is
 * single-process: while the server holds the data directory, CLI commands are
 * carried out by the server itself, over a Unix socket in a directory only the
 * server's OS user can enter (mode 0700). No HTTP on it, so no request
 * deadline or body limit applies to long commands (import, seed).
 *
 * Protocol: the client sends one JSON line `{argv, cwd, isTTY}`; the server
 * answers with JSON lines `{"o": text}` (stdout), `{"e": text}` (stderr) and a
 * last `{"x": exitCode}`.
 */

export interface ControlRequest {
  argv: string[];
  /** The client's working directory: relative file names are resolved against it. */
  cwd: string;
  isTTY: boolean;
}

export interface ControlOutput {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export type ControlHandler = (req: ControlRequest, out: ControlOutput) => Promise<number>;

// sun_path holds 108 bytes on Linux (104 on macOS), the terminating NUL included.
const MAX_SOCKET_PATH = 100;
const MAX_REQUEST_BYTES = 1 << 20;

/** Where the control socket of the embedded database in `dataDir` lives. */
function controlSocketPath(dataDir: string): string {
  const dir = resolve(dataDir);
  const inside = join(dir, 'control', 'cli.sock');
  if (Buffer.byteLength(inside) <= MAX_SOCKET_PATH) return inside;
  // A data directory too deep for a socket path: a private directory of this user's under the temp dir.
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  const digest = createHash('sha256').update(dir).digest('hex').slice(0, 16);
  return join(tmpdir(), `customers-api-${uid}`, `${digest}.sock`);
}

/** Makes the socket's directory, only its owner may enter it; refuses one that is not ours alone. */
function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  const uid = typeof process.getuid === 'function' ? process.getuid() : st.uid;
  if (!st.isDirectory() || st.uid !== uid) throw new Error(`${dir} is not a directory of this user's`);
  if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

export interface ControlServer {
  path: string;
  /** Stops accepting; commands still running finish (or fail when the database closes). */
  close: () => Promise<void>;
}

/** Listens on the data directory's control socket, running each command with `handle`. */
export async function serveControl(dataDir: string, handle: ControlHandler): Promise<ControlServer> {
  const path = controlSocketPath(dataDir);
  privateDir(resolve(path, '..'));
  // A socket left by a server that died: the data directory's lock (held by now) says no one else serves it.
  rmSync(path, { force: true });
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const nl = buffered.indexOf('\n');
      if (nl < 0) {
        if (buffered.length > MAX_REQUEST_BYTES) socket.destroy();
        return;
      }
      socket.off('data', onData);
      let req: ControlRequest;
      try {
        req = JSON.parse(buffered.slice(0, nl)) as ControlRequest;
        if (!Array.isArray(req.argv) || !req.argv.every((a) => typeof a === 'string') || typeof req.cwd !== 'string') {
          throw new Error('bad request');
        }
      } catch {
        socket.destroy();
        return;
      }
      const send = (frame: object) => {
        if (!socket.destroyed) socket.write(`${JSON.stringify(frame)}\n`);
      };
      handle(req, { stdout: (o) => send({ o }), stderr: (e) => send({ e }) }).then(
        (x) => socket.end(`${JSON.stringify({ x })}\n`),
        (err) => {
          send({ e: `customers-api: ${err instanceof Error ? err.message : String(err)}\n` });
          socket.end(`${JSON.stringify({ x: 1 })}\n`);
        },
      );
    };
    socket.on('data', onData);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(path, () => {
      server.off('error', fail);
      ok();
    });
  });
  chmodSync(path, 0o600);
  return {
    path,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        rmSync(path, { force: true });
        for (const s of sockets) s.end();
      }),
  };
}

/**
 * Runs a command through the server that serves `dataDir`, if one does:
 * resolves to its exit code, or null when no server listens there.
 */
export async function forward(dataDir: string, req: ControlRequest, out: ControlOutput): Promise<number | null> {
  const path = controlSocketPath(dataDir);
  const socket = await new Promise<Socket | null>((ok) => {
    const s = connect(path);
    s.once('connect', () => ok(s));
    s.once('error', () => ok(null));
  });
  if (!socket) return null;
  return await new Promise<number>((done) => {
    let exit: number | null = null;
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const frame = JSON.parse(buffered.slice(0, nl)) as { o?: string; e?: string; x?: number };
        buffered = buffered.slice(nl + 1);
        if (frame.o !== undefined) out.stdout(frame.o);
        if (frame.e !== undefined) out.stderr(frame.e);
        if (frame.x !== undefined) exit = frame.x;
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      if (exit === null) {
        out.stderr('customers-api: the server stopped before the command finished\n');
        done(1);
      } else done(exit);
    });
    socket.write(`${JSON.stringify(req)}\n`);
  });
}
