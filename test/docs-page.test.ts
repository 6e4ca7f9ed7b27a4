import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './helpers/console.js';
import { type Harness, setup, type Tenant, tenant } from './helpers/harness.js';

/** The /docs page in a real browser: Debian's Chromium, driven by playwright-core. */

/** CI installs Chromium and must run these; elsewhere a missing browser skips them, saying why. */
function chromiumSkip(): string | false {
  if (existsSync(CHROMIUM)) return false;
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium`);
  return `needs ${CHROMIUM} (apt-get install chromium)`;
}
const skip = chromiumSkip();

let h: Harness;
let t: Tenant;
let base: string;
let profile: string;
let browser: BrowserContext | undefined;
before(async () => {
  if (skip) return;
  h = await setup();
  t = await tenant(h);
  base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  profile = mkdtempSync(join(tmpdir(), 'customers-api-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    // No background traffic of the browser's own: every request seen below is the page's.
    args: CHROMIUM_ARGS,
  });
});
after(async () => {
  await browser?.close();
  await h?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

interface Seen {
  requests: string[];
  failed: string[];
  api: { method: string; path: string; status: number; headers: Record<string, string> }[];
}

async function open(path: string): Promise<{ page: Page; seen: Seen }> {
  const page = await (browser as BrowserContext).newPage();
  const seen: Seen = { requests: [], failed: [], api: [] };
  page.on('request', (r) => seen.requests.push(r.url()));
  page.on('requestfailed', (r) => seen.failed.push(r.url()));
  page.on('response', (r) => {
    const url = new URL(r.url());
    if (r.status() >= 400) seen.failed.push(`${r.status()} ${r.url()}`);
    if (url.pathname.startsWith('/api/v1/')) {
      seen.api.push({
        method: r.request().method(),
        path: url.pathname,
        status: r.status(),
        headers: r.request().headers(),
      });
    }
  });
  await page.goto(`${base}${path}`, { waitUntil: 'networkidle' });
  return { page, seen };
}

describe('the docs page', { skip }, () => {
  test('is ours: our title and icon, no cloud features, no request but to this server', async () => {
    const { page, seen } = await open('/docs/');
    assert.equal(await page.title(), 'Customers API — reference');
    await page.getByRole('heading', { name: 'Customers API' }).first().waitFor();
    const text = String(await page.evaluate('document.body.innerText'));
    for (const cloud of ['Ask AI', 'Generate MCP', 'Deploy', 'Share', 'Developer Tools']) {
      assert.ok(!text.includes(cloud), `no "${cloud}"`);
    }
    for (const tag of ['customers', 'businesses', 'members', 'tokens']) assert.ok(text.includes(tag), tag);
    const icons = await page.evaluate(`[...document.querySelectorAll('link[rel~="icon"]')].map((l) => l.href)`);
    assert.deepEqual(icons, [`${base}/favicon.svg`]);
    const icon = await fetch(`${base}/favicon.svg`);
    assert.equal(icon.headers.get('content-type'), 'image/svg+xml');
    const outside = seen.requests.filter((u) => !u.startsWith(`${base}/`) && !u.startsWith('data:'));
    assert.deepEqual(outside, [], 'requests outside this server');
    assert.deepEqual(seen.failed, []);
    await page.close();
  });

  test('"try it": token and business set once, then operation after operation answers 200', async () => {
    const { page, seen } = await open('/docs/');
    await page.getByPlaceholder('Token').first().fill(t.ownerToken);
    await page.getByLabel('Value').first().fill(t.businessId);
    for (const [operation, path] of [
      ['List customers', '/api/v1/customers'],
      ['Download customer bulk upload template', '/api/v1/customers/bulk-upload/template'],
    ] as const) {
      await page.getByText(operation, { exact: true }).first().click();
      await page.getByRole('button', { name: `Test Request (get ${path})` }).click();
      const answered = page.waitForResponse((r) => new URL(r.url()).pathname === path);
      await page.getByRole('button', { name: /^Send/ }).first().click();
      await answered;
      await page.keyboard.press('Escape');
    }
    assert.deepEqual(
      seen.api.map((r) => [r.method, r.path, r.status]),
      [
        ['GET', '/api/v1/customers', 200],
        ['GET', '/api/v1/customers/bulk-upload/template', 200],
      ],
    );
    for (const r of seen.api) {
      assert.equal(r.headers.authorization, `Bearer ${t.ownerToken}`);
      assert.equal(r.headers['x-business-id'], t.businessId);
    }
    const outside = seen.requests.filter((u) => !u.startsWith(`${base}/`) && !u.startsWith('data:'));
    assert.deepEqual(outside, []);
    await page.close();
  });

  test("the published document keeps DayZero's header parameters; only the page's copy sets the business once", async () => {
    const published: any = await (await fetch(`${base}/openapi.json`)).json();
    const params = published.paths['/api/v1/customers'].get.parameters.map(
      (p: { in: string; name: string }) => `${p.in}:${p.name}`,
    );
    assert.ok(params.includes('header:x-business-id'));
    assert.equal(published.components.securitySchemes.BusinessId, undefined);
    const copy: any = await (await fetch(`${base}/docs/openapi.json`)).json();
    const pageParams = copy.paths['/api/v1/customers'].get.parameters.map(
      (p: { in: string; name: string }) => `${p.in}:${p.name}`,
    );
    assert.ok(!pageParams.includes('header:x-business-id'));
    assert.deepEqual(copy.paths['/api/v1/customers'].get.security, [{ HTTPBearer: [], BusinessId: [] }]);
    assert.deepEqual(copy.paths['/api/v1/businesses'].get.security, published.paths['/api/v1/businesses'].get.security);
  });
});
