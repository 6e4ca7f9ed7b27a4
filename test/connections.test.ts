import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { freePort } from './helpers/cluster.js';
import { authHeaders, until } from './helpers/harness.js';
import { http, type ServerProcess, serverDatabase, startServerProcess } from './helpers/server-process.js';

/**
 * What a real server process does with connections and with a stalled Redis, seen
 * over TCP: connections that send nothing are closed, connections past the cap are
 * refused at once, and every Redis call has a deadline.
 */

/** A TCP connection to the server, open (bounded). */
async function open(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no TCP connection within 5 s')), 5000);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return socket;
}

/** Resolves with how long the server took to close `socket` (and what it sent before); fails after `ms`. */
function closedWithin(socket: Socket, ms: number, what: string): Promise<{ ms: number; received: string }> {
  const began = Date.now();
  let received = '';
  socket.on('data', (d) => {
    received += d;
  });
  return new Promise((resolve, reject) => {
    if (socket.destroyed) return resolve({ ms: 0, received });
    const timer = setTimeout(() => reject(new Error(`${what}: still open after ${ms} ms`)), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ ms: Date.now() - began, received });
    });
  });
}

/** One keep-alive request on an open connection; resolves to its status line's code (bounded). */
function requestOn(socket: Socket, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`GET ${path}: no answer within 5 s`)), 5000);
    const onData = (d: Buffer) => {
      text += d.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(text.slice(0, end))?.[1] ?? 0);
      if (text.length < end + 4 + length) return;
      clearTimeout(timer);
      socket.off('data', onData);
      resolve(Number(text.slice(9, 12)));
    };
    socket.on('data', onData);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n`);
  });
}

describe('connections', () => {
  test('a connection that sends nothing is closed within the request deadline', async (t) => {
    const db = await serverDatabase();
    let server: ServerProcess | undefined;
    try {
      server = await startServerProcess({ ...db.env, REQUEST_TIMEOUT_MS: '500', LOG_LEVEL: 'warn' });
      const silent = await open(server.port);
      const closed = await closedWithin(silent, 10_000, 'a connection that sent nothing');
      t.diagnostic(`closed after ${closed.ms} ms (deadline 500 ms)`);
      // The deadline is 500 ms; asserted with a wide margin.
      assert.ok(closed.ms < 5000, `closed within the deadline's margin (${closed.ms} ms)`);
      // A connection that does send a request is served as before.
      assert.equal((await http(server.url, { path: '/healthz' })).status, 200);
    } finally {
      await server?.stop();
      await db.cleanup();
    }
  });

  test('MAX_CONNECTIONS=5: the 6th and later connections are closed at once, unread; open ones keep working', async () => {
    const db = await serverDatabase();
    let server: ServerProcess | undefined;
    const sockets: Socket[] = [];
    try {
      server = await startServerProcess({ ...db.env, MAX_CONNECTIONS: '5', LOG_LEVEL: 'warn' });
      const port = server.port;
      // Five connections, each known to the server (a request answered on it).
      for (let i = 0; i < 5; i++) {
        const s = await open(port);
        sockets.push(s);
        assert.equal(await requestOn(s, '/healthz'), 200, `connection ${i + 1}`);
      }
      for (let i = 6; i <= 10; i++) {
        const s = await open(port);
        sockets.push(s);
        s.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
        const closed = await closedWithin(s, 5000, `connection ${i}`);
        assert.equal(closed.received, '', `connection ${i} was not answered`);
      }
      const first = sockets[0] as Socket;
      assert.equal(await requestOn(first, '/healthz'), 200, 'a request on an existing keep-alive connection');
    } finally {
      for (const s of sockets) s.destroy();
      await server?.stop();
      await db.cleanup();
    }
  });
});

describe('a stalled Redis', () => {
  test('SIGSTOP: each request costs at most about the Redis deadline, and is served (fail open)', async (t) => {
    const port = await freePort();
    // A Redis of this test's own, on its own port (never the shared one).
    const redis: ChildProcess = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    const db = await serverDatabase();
    let server: ServerProcess | undefined;
    try {
      await until('redis-server accepting connections', async () => {
        const s = connect(port, '127.0.0.1');
        return await new Promise<boolean>((resolve) => {
          s.once('connect', () => resolve(true));
          s.once('error', () => resolve(false));
        }).finally(() => s.destroy());
      });
      server = await startServerProcess({
        ...db.env,
        REDIS_URL: `redis://127.0.0.1:${port}`,
        REDIS_TIMEOUT_MS: '100',
        LOG_LEVEL: 'warn',
      });
      const headers = authHeaders(db.token, db.businessId);
      // Until the server's Redis connection is up, requests are (rightly) not counted there: wait for it.
      const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
      probe.on('error', () => {});
      try {
        await until('requests counted in Redis', async () => {
          const warm = await http(server?.url as string, { path: '/api/v1/customers', headers });
          assert.equal(warm.status, 200, warm.body);
          return (await probe.keys('customers-api-rate-limit:*')).length > 0;
        });
      } finally {
        probe.disconnect();
      }
      process.kill(redis.pid as number, 'SIGSTOP');
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const list = await http(server.url, { path: '/api/v1/customers', headers, timeoutMs: 10_000 });
        assert.equal(list.status, 200, list.body);
        const created = await http(server.url, {
          method: 'POST',
          path: '/api/v1/customers',
          headers,
          body: { name: `Stalled ${i}`, email: `stalled-${i}@example.com` },
          timeoutMs: 10_000,
        });
        assert.equal(created.status, 201, created.body);
        times.push(list.ms, created.ms);
      }
      t.diagnostic(`answer times with Redis stopped: ${times.join(', ')} ms (deadline 100 ms)`);
      // A 100 ms deadline per Redis call, asserted with a wide margin.
      for (const ms of times) assert.ok(ms < 2000, `answered within the Redis deadline's margin (${ms} ms)`);
    } finally {
      try {
        process.kill(redis.pid as number, 'SIGCONT');
        process.kill(redis.pid as number, 'SIGKILL');
      } catch {
        // Already gone.
      }
      await server?.stop();
      await db.cleanup();
    }
  });
});
