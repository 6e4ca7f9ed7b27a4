import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { buildApp } from '../src/http/app.js';
import { CONSOLE_DIR } from '../src/http/console.js';
import { type Harness, setup } from './helpers/harness.js';

/** The console's static files as the server answers them (the build's dist/console/; `npm test` builds first). */
let h: Harness;
let asset: string;
before(async () => {
  h = await setup();
  const index = await h.app.inject({ url: '/console/' });
  const found = /src="\/console\/(assets\/[^"]+\.js)"/.exec(index.body)?.[1];
  assert.ok(found, `index.html names its script (built into ${CONSOLE_DIR})`);
  asset = found;
});
after(async () => {
  await h?.close();
});

function assertPageHeaders(headers: Record<string, unknown>) {
  const csp = String(headers['content-security-policy']);
  assert.match(csp, /(^|; )default-src 'self'(;|$)/);
  assert.match(csp, /(^|; )frame-ancestors 'none'(;|$)/);
  assert.doesNotMatch(
    csp,
    /unsafe-|\*|https?:|data:/,
    'nothing loose: no unsafe-inline/eval, no wildcard, no outside origin',
  );
  assert.equal(headers['referrer-policy'], 'no-referrer');
  assert.equal(headers['x-frame-options'], 'DENY');
  assert.equal(headers['x-content-type-options'], 'nosniff');
}

describe('the console is served at /console/', () => {
  test('/ leads there', async () => {
    const root = await h.app.inject({ url: '/' });
    assert.equal(root.statusCode, 302);
    assert.equal(root.headers.location, '/console/');
  });

  test('index.html: HTML revalidated on every visit, with the page security headers', async () => {
    for (const url of ['/console/', '/console', '/console/index.html']) {
      const r = await h.app.inject({ url });
      assert.equal(r.statusCode, 200, url);
      assert.match(String(r.headers['content-type']), /^text\/html/);
      assert.equal(r.headers['cache-control'], 'no-cache', url);
      assertPageHeaders(r.headers);
      assert.match(r.body, /<div id="root">/);
      assert.doesNotMatch(r.body, /<script>|<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
      assert.doesNotMatch(r.body, /https?:\/\//, 'no outside address');
    }
  });

  test('index.html revalidated unchanged is a 304 without a body; a changed or foreign ETag gets the page', async () => {
    const first = await h.app.inject({ url: '/console/' });
    const etag = String(first.headers.etag);
    assert.match(etag, /^"[\w-]+"$/, 'a strong ETag');
    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const again = await h.app.inject({ url: '/console/', headers: { 'if-none-match': ifNoneMatch } });
      assert.equal(again.statusCode, 304, ifNoneMatch);
      assert.equal(again.body, '', ifNoneMatch);
      assert.equal(again.headers.etag, etag);
      assert.equal(again.headers['cache-control'], 'no-cache');
      assertPageHeaders(again.headers);
    }
    const other = await h.app.inject({ url: '/console/', headers: { 'if-none-match': '"not-this-one"' } });
    assert.equal(other.statusCode, 200);
    assert.equal(other.body, first.body);
  });

  test('every file but index.html has a hashed name (a repeat visit asks for nothing but the page)', async () => {
    const index = await h.app.inject({ url: '/console/' });
    const referenced = [...index.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    assert.ok(referenced.length >= 3, `the script, the style sheet and the icon: ${referenced.join(', ')}`);
    for (const url of referenced) {
      assert.match(String(url), /^\/console\/assets\/[^/]+-[\w-]{8}\.\w+$/, url);
      const r = await h.app.inject({ url: String(url) });
      assert.equal(r.statusCode, 200, url);
      assert.equal(r.headers['cache-control'], 'public, max-age=31536000, immutable', url);
    }
  });

  test('hashed assets are immutable for a year, compressed for a client that accepts gzip', async () => {
    const plain = await h.app.inject({ url: `/console/${asset}` });
    assert.equal(plain.statusCode, 200);
    assert.match(String(plain.headers['content-type']), /^text\/javascript/);
    assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(plain.headers['content-encoding'], undefined);
    assertPageHeaders(plain.headers);
    const zipped = await h.app.inject({ url: `/console/${asset}`, headers: { 'accept-encoding': 'gzip, br' } });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.equal(zipped.headers.vary, 'accept-encoding');
    assert.equal(gunzipSync(zipped.rawPayload).toString(), plain.body);
    assert.ok(zipped.rawPayload.length <= 250 * 1024, `the script is ${zipped.rawPayload.length} bytes compressed`);
  });

  test('an unknown asset or path is a 404 with a detail, never the page or a 500', async () => {
    for (const url of [
      '/console/assets/nope-12345678.js',
      '/console/nope',
      '/console/../package.json',
      '/console/%2e%2e/%2e%2e/package.json',
      '/console/assets/%00.js',
    ]) {
      const r = await h.app.inject({ url });
      assert.ok([400, 404, 422].includes(r.statusCode), `${url}: ${r.statusCode}`);
      assert.ok(r.json().detail, url);
      if (url.startsWith('/console/assets/nope') || url === '/console/nope') {
        assert.equal(r.statusCode, 404);
        assertPageHeaders(r.headers);
      }
    }
  });

  test('no console route is in the OpenAPI document', async () => {
    const doc = (await h.app.inject({ url: '/openapi.json' })).json();
    const paths = Object.keys(doc.paths);
    assert.ok(paths.length > 10);
    assert.deepEqual(
      paths.filter((p) => p === '/' || p.startsWith('/console')),
      [],
    );
  });

  test('without a build, the console says how to make one (404, not a crash)', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'customers-api-console-'));
    const app = await buildApp({ db: h.db, cursorSecret: 'x'.repeat(64), consoleDir: join(empty, 'missing') });
    try {
      const r = await app.inject({ url: '/console/' });
      assert.equal(r.statusCode, 404);
      assert.match(r.json().detail, /npm run build/);
    } finally {
      await app.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });

  test('files are served from the build folder given, and only from it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'customers-api-console-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
    writeFileSync(join(dir, 'assets', 'a-1.css'), 'body{}');
    writeFileSync(join(dir, '.hidden'), 'secret');
    const app = await buildApp({ db: h.db, cursorSecret: 'x'.repeat(64), consoleDir: dir });
    try {
      assert.equal((await app.inject({ url: '/console/' })).body, '<!doctype html><title>x</title>');
      const css = await app.inject({ url: '/console/assets/a-1.css' });
      assert.match(String(css.headers['content-type']), /^text\/css/);
      assert.equal((await app.inject({ url: '/console/.hidden' })).statusCode, 404);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
