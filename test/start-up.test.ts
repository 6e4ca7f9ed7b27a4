/**
 * What a quick start defers stays right: request and tool schemas compile at their
 * first use, so every one must still compile; the reference page, whose plugin loads at
 * the first visit, answers as it did when it was registered at start-up.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { precompile } from '../src/platform/validation.js';
import { type Harness, setup } from './helpers/harness.js';

let h: Harness;
before(async () => {
  h = await setup();
});
after(async () => {
  await h.close();
});

describe('deferred at start-up', () => {
  test('every schema the app, the MCP tools and the fixtures declare compiles (each is compiled at its first check, so this compiles the rest)', async () => {
    await Promise.all([import('../src/mcp/server.js'), import('../src/test-mode/fixtures.js')]);
    assert.doesNotThrow(() => precompile());
  });

  test('the reference page loads at the first visit and answers as Scalar does', async () => {
    const bare = await h.app.inject({ url: '/docs' });
    assert.equal(bare.statusCode, 301, bare.body);
    assert.equal(bare.headers.location, '/docs/');
    const page = await h.app.inject({ url: '/docs/' });
    assert.equal(page.statusCode, 200, page.body);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.match(page.body, /Customers API — reference/);
    assert.match(page.body, /js\/scalar\.js/);
    assert.ok(page.headers['x-request-id'], "the app's own hooks still run (the request id)");
    const script = await h.app.inject({ url: '/docs/js/scalar.js' });
    assert.equal(script.statusCode, 200);
    assert.match(String(script.headers['content-type']), /^application\/javascript/);
    assert.ok(script.body.length > 1_000_000, `the bundled script (${script.body.length} bytes)`);
    const head = await h.app.inject({ method: 'HEAD', url: '/docs/js/scalar.js' });
    assert.equal(head.statusCode, 200);
    assert.equal(head.body, '');
    const missing = await h.app.inject({ url: '/docs/js/other.js' });
    assert.equal(missing.statusCode, 404);
    assert.deepEqual(Object.keys(missing.json()), ['detail']);
  });
});
