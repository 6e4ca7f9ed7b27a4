import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { buildApp } from '../src/http/app.js';
import { cursorSecret } from '../src/platform/settings.js';
import { loggerOptions } from '../src/server.js';
import {
  BACKEND,
  call,
  createCustomer,
  type Harness,
  multipart,
  setup,
  type Tenant,
  tenant,
} from './helpers/harness.js';

/** Input an attacker or a broken client sends: always a 4xx in the contract's shape, never a 500. */
let h: Harness;
let t: Tenant;
let customerId: string;
before(async () => {
  h = await setup();
  t = await tenant(h);
  customerId = (await createCustomer(h, t)).id;
});
after(async () => {
  await h?.close();
});

function contractShaped(r: { status: number; body: any; res: { body: string } }, status: number, what: string) {
  assert.equal(r.status, status, `${what}: ${r.res.body}`);
  assert.ok(
    r.body && typeof r.body === 'object' && 'detail' in r.body,
    `${what}: {"detail": …} body, got ${r.res.body}`,
  );
  assert.deepEqual(
    Object.keys(r.body).filter((k) => k !== 'detail' && k !== 'request_id'),
    [],
    what,
  );
}

describe('text no column can hold', () => {
  test('NUL in a JSON string, a query string or a path → 422 naming where', async () => {
    const body = await call(h, {
      method: 'POST',
      url: `/api/v1/customers/${customerId}/contacts`,
      headers: t.headers,
      payload: { name: 'Nul\u0000Name', notes: 'fine' },
    });
    contractShaped(body, 422, 'body');
    assert.deepEqual(body.body.detail[0].loc, ['body', 'name']);
    assert.equal(body.body.detail[0].type, 'string_unicode');
    for (const q of ['search=a%00b', 'email=a%00@b.io', 'cursor=%00']) {
      const r = await call(h, { url: `/api/v1/customers?${q}`, headers: t.headers });
      contractShaped(r, 422, q);
      assert.equal(r.body.detail[0].loc[0], 'query', q);
    }
    const path = await call(h, { url: '/api/v1/customers/a%00b', headers: t.headers });
    contractShaped(path, 422, 'path');
  });

  test('a lone surrogate in JSON → 422, never stored altered', async () => {
    const r = await call(h, {
      method: 'POST',
      url: '/api/v1/customers',
      headers: { ...t.headers, 'content-type': 'application/json' },
      payload: '{"name":"\u00e9\\udc00","email":"lone@example.com"}',
    });
    contractShaped(r, 422, 'lone surrogate');
    assert.deepEqual(r.body.detail[0].loc, ['body', 'name']);
    const keys = await call(h, {
      method: 'POST',
      url: '/api/v1/customers',
      headers: { ...t.headers, 'content-type': 'application/json' },
      payload: '{"name":"ok","email":"k@example.com","\\ud800":1}',
    });
    contractShaped(keys, 422, 'lone surrogate in a key');
  });

  test('a search that normalisation makes longer than 200 characters → 422 saying so', async () => {
    const r = await call(h, {
      url: `/api/v1/customers?search=${encodeURIComponent('\ufdfa'.repeat(200))}`,
      headers: t.headers,
    });
    contractShaped(r, 422, 'normalised search');
    assert.equal(r.body.detail[0].type, 'string_too_long');
    assert.match(r.body.detail[0].msg, /once normalised/);
  });
});

describe('malformed bodies', () => {
  test('JSON nested thousands deep → 422 json_invalid, not a 500', async () => {
    for (const payload of ['['.repeat(5000), `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`]) {
      const r = await call(h, {
        method: 'POST',
        url: '/api/v1/customers',
        headers: { ...t.headers, 'content-type': 'application/json' },
        payload,
      });
      contractShaped(r, 422, 'deep JSON');
      assert.equal(r.body.detail[0].type, 'json_invalid');
    }
  });

  test('multipart without a boundary, or with a truncated last part → 4xx', async () => {
    const noBoundary = await call(h, {
      method: 'POST',
      url: '/api/v1/customers/bulk-upload',
      headers: { ...t.headers, 'content-type': 'multipart/form-data' },
      payload: 'name,email\n',
    });
    assert.ok(noBoundary.status >= 400 && noBoundary.status < 500, noBoundary.res.body);
    contractShaped(noBoundary, noBoundary.status, 'no boundary');
    const m = multipart('name,email\nA,a@trunc.example\n');
    const truncated = await call(h, {
      method: 'POST',
      url: '/api/v1/customers/bulk-upload',
      headers: { ...t.headers, ...m.headers },
      payload: m.payload.subarray(0, m.payload.length - 20),
    });
    assert.ok(truncated.status >= 400 && truncated.status < 500, truncated.res.body);
    contractShaped(truncated, truncated.status, 'truncated multipart');
  });
});

describe('errors raised before the router', () => {
  test('bad URL encoding → 400 {"detail": …}', async () => {
    const r = await call(h, { url: '/api/v1/customers/%E0%A4%A', headers: t.headers });
    contractShaped(r, 400, 'bad encoding');
  });

  test('a path parameter past the router limit → {"detail": …}', async () => {
    const r = await call(h, { url: `/api/v1/customers/${'x'.repeat(500)}`, headers: t.headers });
    assert.ok([400, 404, 414].includes(r.status), r.res.body);
    contractShaped(r, r.status, 'long param');
  });

  test('headers too large → 431 {"detail": …}, on a real socket', async () => {
    const port = Number(new URL(await h.app.listen({ port: 0, host: '127.0.0.1' })).port);
    const big = await rawExchange(port, [`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`]);
    assert.match(big.text, /^HTTP\/1\.1 431 /);
    assert.equal(
      JSON.parse(big.text.slice(big.text.indexOf('\r\n\r\n') + 4)).detail,
      'Request Header Fields Too Large',
    );
  });
});

/** Writes `chunks` to a fresh connection, `gapMs` apart; resolves with all it read once the server closes (or 10 s). */
function rawExchange(port: number, chunks: string[], gapMs = 0): Promise<{ text: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(timer);
      clearTimeout(limit);
      socket.destroy();
      resolve({ text, ms: Date.now() - started });
    };
    const limit = setTimeout(done, 10_000);
    limit.unref();
    socket.on('data', (d) => {
      text += d;
    });
    socket.on('close', done);
    socket.on('error', (err) => (text ? done() : reject(err)));
    let i = 0;
    const next = () => {
      if (i >= chunks.length || socket.destroyed) return;
      socket.write(chunks[i++] as string);
      timer = setTimeout(next, gapMs);
    };
    next();
  });
}

describe('slow and unauthenticated clients', () => {
  let slow: Harness;
  let port: number;
  let st: Tenant;
  before(async () => {
    // A small deadline, asserted with a wide margin: the server promises 408 once it passes.
    slow = await setup({ requestTimeoutMs: 500 });
    st = await tenant(slow);
    port = Number(new URL(await slow.app.listen({ port: 0, host: '127.0.0.1' })).port);
  });
  after(async () => {
    await slow?.close();
  });

  test('headers that never finish → 408 {"detail": …} after the request deadline', async () => {
    const r = await rawExchange(port, ['GET /healthz HTTP/1.1\r\nHost: x\r\n', 'X-A: 1\r\n', 'X-B: 2\r\n'], 300);
    assert.match(r.text, /^HTTP\/1\.1 408 /, r.text);
    assert.equal(JSON.parse(r.text.slice(r.text.indexOf('\r\n\r\n') + 4)).detail, 'Request Timeout');
    assert.ok(r.ms < 5000, `closed after ${r.ms} ms`);
  });

  test('a body that trickles is cut off at the request deadline', async () => {
    const head =
      `POST /api/v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: ${st.headers.authorization}\r\n` +
      `x-business-id: ${st.businessId}\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n`;
    const r = await rawExchange(port, [head, ...Array.from({ length: 40 }, () => '          ')], 200);
    assert.match(r.text, /^HTTP\/1\.1 408 /, r.text);
    assert.ok(r.ms < 5000, `closed after ${r.ms} ms`);
  });

  test('a request without a valid token is answered 401 before its body is read', async () => {
    const head =
      'POST /api/v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer dz_nope\r\n' +
      'Content-Type: application/json\r\nContent-Length: 100000000\r\n\r\n';
    // The body never comes: a 401 (not the deadline's 408) shows the answer did not wait for it.
    const r = await rawExchange(port, [head]);
    assert.match(r.text, /^HTTP\/1\.1 401 /, r.text);
    assert.doesNotMatch(r.text, / 408 /);
  });
});

describe('a reader that goes away', () => {
  test('its statement is cancelled on the server, not left running', { skip: BACKEND !== 'postgres' }, async () => {
    const controller = new AbortController();
    const marker = `cancel-probe-${process.pid}-${Date.now()}`;
    const running = h.db.query(`SELECT pg_sleep(30), '${marker}'`, [], { signal: controller.signal });
    const active = async () =>
      (
        await h.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1 AND pid <> pg_backend_pid()`,
          [`%${marker}%`],
        )
      ).rows[0]?.n;
    // Wait until the statement is really running on the server.
    for (let i = 0; i < 500 && (await active()) !== 1; i++) await new Promise((r) => setImmediate(r));
    assert.equal(await active(), 1, 'the statement started');
    controller.abort();
    await assert.rejects(running, (err: { code?: string }) => err.code === '57014');
    assert.equal(await active(), 0, 'nothing left running');
  });
});

describe('clients that disconnect', () => {
  test('mid-body is logged as a normal event (info), never as an error', async () => {
    const entries: { level: number; msg: string }[] = [];
    let answered: () => void = () => {};
    const settled = new Promise<void>((resolve) => {
      answered = resolve;
    });
    const stream = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n')) {
          if (!line) continue;
          const entry = JSON.parse(line);
          entries.push(entry);
          if (entry.msg === 'request completed' || entry.msg === 'client disconnected') answered();
        }
        done();
      },
    });
    const logged = await buildApp({
      db: h.db,
      cursorSecret: await cursorSecret(h.db),
      logger: loggerOptions('info', stream),
    });
    try {
      const port = Number(new URL(await logged.listen({ port: 0, host: '127.0.0.1' })).port);
      const socket = connect(port, '127.0.0.1');
      await once(socket, 'connect');
      socket.write(
        `POST /api/v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: ${t.headers.authorization}\r\n` +
          `x-business-id: ${t.businessId}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"name":`,
      );
      // Let the server start reading the body, then go away.
      await new Promise((r) => setTimeout(r, 100));
      socket.destroy();
      await Promise.race([settled, new Promise((r) => setTimeout(r, 5000).unref())]);
    } finally {
      await logged.close();
    }
    assert.ok(
      entries.some((e) => e.msg === 'client disconnected' && e.level === 30),
      JSON.stringify(entries.map((e) => [e.level, e.msg])),
    );
    const errors = entries.filter((e) => e.level >= 50);
    assert.deepEqual(errors, [], 'no error-level log line');
  });
});
