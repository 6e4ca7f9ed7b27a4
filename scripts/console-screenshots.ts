/**
 * Screenshots of every console screen at 1280 and 390 px wide, into docs/screenshots/
 * (`npm run console:screenshots`). Fails when a screen scrolls sideways at 390 px or axe-core
 * finds a serious or critical violation (colour contrast included) on it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { axeViolations, signInWithToken, startConsole } from '../test/helpers/console.js';

const out = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const WIDTHS = [1280, 390];
mkdirSync(out, { recursive: true });

const c = await startConsole();
const problems: string[] = [];
try {
  const headers = {
    authorization: `Bearer ${c.token}`,
    'x-business-id': c.businessId,
    'content-type': 'application/json',
  };
  const post = async (path: string, body: unknown) => {
    const r = await fetch(`${c.base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    return ((await r.json()) as { data: { id: string } }).data;
  };
  const customer = await post('/api/v1/customers', {
    name: 'Northwind Traders',
    email: 'billing@northwind.example',
    phone: '+1 555 0100',
    address: '12 Harbour Road, Springfield',
    credit_limit_cents: 250_000,
  });
  await post(`/api/v1/customers/${customer.id}/contacts`, {
    name: 'Maria Anders',
    email: 'maria@northwind.example',
    role: 'Accounts payable',
    is_primary: true,
  });
  await post(`/api/v1/customers/${customer.id}/contacts`, {
    name: 'Ana Trujillo',
    email: 'ana@northwind.example',
    phone: '+1 555 0101',
  });
  await post('/api/v1/businesses/invitations', { email: 'clerk@example.com', role: 'member' });
  // A second member, who joined by an invitation: the members screen has a role to change.
  const joining = (await post('/api/v1/businesses/invitations', { email: 'ap.lead@example.com', role: 'member' })) as {
    id: string;
    secret?: string;
  };
  const accepted = await fetch(`${c.base}/api/v1/invitations/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ link: joining.secret, as: 'token' }),
  });
  if (!accepted.ok) throw new Error(`accepting the invitation: ${accepted.status} ${await accepted.text()}`);
  await post('/api/v1/webhook-endpoints', {
    url: 'http://127.0.0.1:9/hooks/customers',
    events: ['*'],
    description: 'Accounting sync',
  });

  // At a host name, not 127.0.0.1: there the console offers passkeys (browsers refuse them on an IP).
  const at = c.base.replace('127.0.0.1', 'localhost');
  const context = await c.browser.newContext();
  const page = await signInWithToken(context, at, c.token);
  const anonymous = await (await c.browser.newContext()).newPage();

  const shoot = async (p: Page, name: string, hash: string, prepare?: (p: Page) => Promise<void>) => {
    for (const width of WIDTHS) {
      await p.setViewportSize({ width, height: width === 390 ? 844 : 800 });
      await p.goto('about:blank');
      await p.goto(`${at}/console/${hash}`);
      await p.locator('h1').first().waitFor();
      await p.waitForLoadState('networkidle');
      if (prepare) await prepare(p);
      const sideways = Number(await p.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
      if (sideways > 0) problems.push(`${name} at ${width}px scrolls sideways by ${sideways}px`);
      for (const v of await axeViolations(p))
        problems.push(`${name} at ${width}px: axe ${v.id} (${v.impact}): ${v.help}`);
      await p.screenshot({ path: join(out, `${name}-${width}.png`), fullPage: true });
      console.log(`docs/screenshots/${name}-${width}.png`);
    }
  };

  await shoot(anonymous, 'sign-in', '#/');
  await shoot(anonymous, 'sign-in-link', '#/sign-in/dzl_example');
  await shoot(anonymous, 'invitation', '#/invitation/dzi_example');
  await shoot(page, 'customers', '#/customers', async (p) => {
    await p.locator('tbody tr').first().waitFor();
  });
  await shoot(page, 'customer-create', '#/customers', async (p) => {
    await p.getByRole('button', { name: 'New customer' }).click();
    await p.getByRole('button', { name: 'Create customer' }).click();
    await p.locator('[aria-invalid="true"]').first().waitFor();
  });
  await shoot(page, 'customer', `#/customers/${customer.id}`, async (p) => {
    await p.getByText('Maria Anders').waitFor();
  });
  await shoot(page, 'customer-edit', `#/customers/${customer.id}`, async (p) => {
    await p.getByRole('button', { name: 'Edit', exact: true }).click();
  });
  await shoot(page, 'upload', '#/upload');
  await shoot(page, 'members', '#/members', async (p) => {
    await p.getByText('clerk@example.com', { exact: true }).waitFor();
  });
  await shoot(page, 'member-role', '#/members', async (p) => {
    await p.getByRole('button', { name: 'Change role of ap.lead@example.com' }).click();
    await p.getByRole('dialog').waitFor();
  });
  await shoot(page, 'tokens', '#/tokens', async (p) => {
    await p.getByRole('button', { name: 'Create token' }).click();
    await p.locator('[data-secret]').waitFor();
  });
  await shoot(page, 'webhooks', '#/webhooks', async (p) => {
    await p.getByRole('button', { name: 'Details' }).first().click();
    await p.getByRole('heading', { name: 'Delivery log' }).waitFor();
  });
  await shoot(page, 'webhook-edit', '#/webhooks', async (p) => {
    await p
      .getByRole('button', { name: /^Edit / })
      .first()
      .click();
    await p.getByRole('dialog').waitFor();
  });
  await shoot(page, 'events', '#/events', async (p) => {
    await p.locator('ol.events li').first().waitFor();
  });
} finally {
  await c.close();
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
