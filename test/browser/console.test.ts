import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { axeViolations, type ConsoleServer, chromiumSkip, signInWithToken, startConsole } from '../helpers/console.js';
import { until } from '../helpers/harness.js';
import { http } from '../helpers/server-process.js';

/**
 * The operator console walked as a person would, in Debian's Chromium against a real server
 * process (`npm run test:console`; CI runs it as a step of its own). axe-core checks every
 * screen; the attacks of contract §6 are tried; one journey uses the keyboard alone.
 */
const skip = chromiumSkip();

let c: ConsoleServer;
let owner: BrowserContext;
let page: Page;
let receiver: Server;
let receiverUrl: string;
const received: { path: string; headers: IncomingMessage['headers'] }[] = [];
const dialogs: string[] = [];

before(async () => {
  if (skip) return;
  c = await startConsole();
  receiver = createServer((req, res) => {
    if (req.url === '/framer') {
      res.setHeader('content-type', 'text/html');
      res.end(`<!doctype html><title>framer</title><iframe src="${c.base}/console/" title="console"></iframe>`);
      return;
    }
    received.push({ path: req.url ?? '', headers: req.headers });
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  // More than two pages of customers (the demo has a few): paging has somewhere to go.
  const rows = Array.from({ length: 45 }, (_, i) => `Seeded ${String(i).padStart(2, '0')},seeded.${i}@example.com`);
  const form = new FormData();
  form.append('file', new Blob([`name,email\n${rows.join('\n')}\n`], { type: 'text/csv' }), 'seed.csv');
  const seeded = await fetch(`${c.base}/api/v1/customers/bulk-upload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${c.token}`, 'x-business-id': c.businessId },
    body: form,
  });
  assert.equal(seeded.status, 201, await seeded.text());
  owner = await c.browser.newContext({ acceptDownloads: true });
  owner.setDefaultTimeout(15_000);
  page = await owner.newPage();
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
});
after(async () => {
  await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve(undefined)));
  await c?.close();
});

/** The API as a program calls it, with the demo owner's token. */
async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return http(c.base, {
    method,
    path,
    body,
    headers: { authorization: `Bearer ${c.token}`, 'x-business-id': c.businessId, ...headers },
  });
}

async function assertAccessible(p: Page, screen: string) {
  const violations = await axeViolations(p);
  assert.deepEqual(
    violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`),
    [],
    `axe on ${screen}`,
  );
}

/** The session cookie of a context (HttpOnly: the page cannot read it, a program can). */
async function sessionCookie(context: BrowserContext): Promise<string> {
  const cookie = (await context.cookies(c.base)).find((k) => k.name.startsWith('dz_session'));
  assert.ok(cookie, 'a session cookie is set');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Strict');
  return `${cookie.name}=${cookie.value}`;
}

const heading = (p: Page, name: string) => p.getByRole('heading', { level: 1, name }).waitFor();

describe('the console in a browser', { skip, concurrency: false }, () => {
  test('a sign-in link asks for a click before it is used, then leaves the address bar', async () => {
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') posts.push(new URL(r.url()).pathname);
    });
    await page.goto(c.signInLink);
    await heading(page, 'Sign in to the Customers console');
    await page.getByRole('heading', { name: 'You opened a sign-in link' }).waitFor();
    assert.deepEqual(posts, [], 'nothing is posted before the click');
    await assertAccessible(page, 'sign-in');
    const entries = await page.evaluate('window.history.length');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('Signed in as').waitFor();
    assert.deepEqual(posts, ['/api/v1/sessions']);
    assert.doesNotMatch(page.url(), /dzl_/, 'the secret is gone from the URL');
    assert.equal(await page.evaluate('window.history.length'), entries, 'replaced, not a new history entry');
    await heading(page, 'Customers');
    await page.locator('tbody tr').first().waitFor();
    await assertAccessible(page, 'customers');
  });

  test('the sign-in link replayed in another browser is refused', async () => {
    const other = await c.browser.newContext();
    try {
      const p = await other.newPage();
      await p.goto(c.signInLink);
      await p.getByRole('button', { name: 'Sign in', exact: true }).click();
      await p.getByRole('alert').filter({ hasText: 'already used, has expired or is not valid' }).waitFor();
      assert.doesNotMatch(p.url(), /dzl_/);
      assert.equal((await other.cookies(c.base)).length, 0, 'no session');
    } finally {
      await other.close();
    }
  });

  test('the business switcher: another business of the user, then back', async () => {
    const made = await api('POST', '/api/v1/businesses', { name: 'Second Shop' });
    assert.equal(made.status, 201, made.body);
    await page.reload();
    const switcher = page.getByLabel('Business');
    await switcher.waitFor();
    await switcher.selectOption({ label: 'Second Shop (owner)' });
    await page.getByText('No customers yet.').waitFor();
    const demo = (await switcher.locator('option').allTextContents()).find((t) => !t.startsWith('Second Shop'));
    assert.ok(demo);
    await switcher.selectOption({ label: demo });
    await page.locator('tbody tr').first().waitFor();
    await page.getByRole('table').waitFor();
  });

  test('customers: search as you type, page forward and back, the total on request', async () => {
    const all = (await api('GET', '/api/v1/customers?limit=100&include_total_count=true')).json().data;
    assert.ok(all.total > 20, `the demo has more than a page of customers (${all.total})`);
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByRole('button', { name: 'Previous page' }).and(page.locator(':enabled')).waitFor();
    const second = await page.locator('tbody tr td:first-child').allTextContents();
    await page.getByRole('button', { name: 'Previous page' }).click();
    await page.getByRole('button', { name: 'Previous page' }).and(page.locator(':disabled')).waitFor();
    const first = await page.locator('tbody tr td:first-child').allTextContents();
    assert.equal(first.length, 20);
    assert.equal(
      first.filter((n) => second.includes(n)).length,
      0,
      'the second page is other customers than the first',
    );
    await page.getByLabel('Show the total').check();
    await page.getByText(`${all.total} customers in all`).waitFor();

    const target = all.items[5];
    await page.getByLabel('Search').pressSequentially(target.name.slice(0, 6), { delay: 30 });
    await page.getByRole('link', { name: target.name }).waitFor();
    await page.getByLabel('Search').fill('zzzz-no-such-customer');
    await page.getByText('No customer matches.').waitFor();
    await page.getByLabel('Search').fill('');
  });

  test('create a customer (a 422 is shown at its field), add two contacts, make the second primary', async () => {
    await page.getByRole('button', { name: 'New customer' }).click();
    const form = page.getByRole('form', { name: 'New customer' });
    await form.getByLabel('Name').fill('Ada Console');
    await form.getByLabel('E-mail').fill('not-an-email');
    await form.getByRole('button', { name: 'Create customer' }).click();
    const email = form.getByLabel('E-mail');
    await page.locator('input[aria-invalid="true"]').waitFor();
    assert.equal(await email.getAttribute('aria-invalid'), 'true', 'the e-mail field is marked');
    const describedBy = (await email.getAttribute('aria-describedby')) ?? '';
    assert.match(
      String(await page.locator(`[id="${describedBy.split(' ').pop()}"]`).textContent()),
      /./,
      'its error is linked',
    );
    await assertAccessible(page, 'customers: the create form with a 422');
    await email.fill('ada.console@example.com');
    await form.getByRole('button', { name: 'Create customer' }).click();
    await heading(page, 'Ada Console');
    await assertAccessible(page, 'a customer');

    for (const name of ['First Contact', 'Second Contact']) {
      await page.getByRole('button', { name: 'Add contact' }).click();
      const f = page.getByRole('form', { name: 'New contact' });
      await f.getByLabel('Contact name').fill(name);
      await f.getByLabel('Contact e-mail').fill(`${name.split(' ')[0]?.toLowerCase()}@example.com`);
      await f.getByRole('button', { name: 'Add contact' }).click();
      await page.getByRole('listitem', { name }).waitFor();
    }
    await page.getByRole('button', { name: 'Make primary: Second Contact' }).click();
    await page.getByRole('listitem', { name: 'Second Contact' }).getByText('Primary').waitFor();
    const id = decodeURIComponent(new URL(page.url()).hash.split('/').pop() ?? '');
    const contacts = (await api('GET', `/api/v1/customers/${id}/contacts`)).json().data.items;
    assert.deepEqual(contacts.map((k: { name: string; is_primary: boolean }) => [k.name, k.is_primary]).sort(), [
      ['First Contact', false],
      ['Second Contact', true],
    ]);

    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    await page.getByRole('form', { name: 'Edit the customer' }).getByLabel('Phone').fill('+1 555 0100');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('+1 555 0100').waitFor();
    const saved = (await api('GET', `/api/v1/customers/${id}`)).json().data;
    assert.equal(saved.phone, '+1 555 0100');
    assert.equal(saved.email, 'ada.console@example.com', 'a partial edit leaves the rest');
  });

  test('a customer named like markup is shown as text', async () => {
    const name = '<img src=x onerror=alert(1)>';
    const made = await api('POST', '/api/v1/customers', { name, email: 'markup@example.com' });
    assert.equal(made.status, 201, made.body);
    await page.goto(`${c.base}/console/#/customers`);
    await page.getByLabel('Search').fill('markup@example.com');
    await page.getByRole('link', { name }).waitFor();
    await page.getByRole('link', { name }).click();
    await heading(page, name);
    assert.equal(await page.locator('img').count(), 0, 'no element was made from the name');
    assert.deepEqual(dialogs, [], 'no script ran');
  });

  test('delete a customer after a confirmation', async () => {
    await page.getByRole('button', { name: 'Delete customer' }).click();
    await page.getByRole('button', { name: 'Yes, delete' }).click();
    await heading(page, 'Customers');
    const id = (await api('GET', '/api/v1/customers?email=markup@example.com')).json().data.items;
    assert.deepEqual(id, [], 'soft-deleted: gone from the list');
  });

  test('bulk upload: a CSV with one bad row shows that row number and reason', async () => {
    await page.getByRole('link', { name: 'Bulk upload' }).click();
    await heading(page, 'Bulk upload');
    await assertAccessible(page, 'bulk upload');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download the template (.csv)' }).click();
    const template = await download;
    assert.match(template.suggestedFilename(), /\.csv$/);
    const csv =
      'name,email\nUpload One,upload.one@example.com\nUpload Bad,not-an-email\nUpload Three,upload.three@example.com\n';
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/customers/bulk-upload'));
    await page
      .getByLabel('Choose a CSV file')
      .setInputFiles({ name: 'three.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    const result = (await (await answered).json()).data;
    assert.equal(result.created, 2);
    assert.equal(result.errors.length, 1);
    await page.getByText('2 created, 0 skipped, 1 failed.').waitFor();
    const row = page.getByRole('table', { name: 'Rows that failed' }).locator('tbody tr');
    assert.equal(String(await row.locator('td').first().textContent()), String(result.errors[0].row));
    assert.match(String(await row.locator('td').nth(1).textContent()), /./);
    await assertAccessible(page, 'bulk upload: the result');
  });

  test('export: the filtered list as CSV, by navigation; its link is single-use', async () => {
    await page.getByRole('link', { name: 'Customers' }).click();
    await page.getByLabel('Search').fill('Upload');
    await page.getByRole('link', { name: 'Upload Three' }).waitFor();
    const linkAnswer = page.waitForResponse((r) => r.url().includes('/api/v1/customers/export-links'));
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const link = (await (await linkAnswer).json()).data;
    const file = await download;
    const stream = await file.createReadStream();
    let text = '';
    for await (const chunk of stream) text += chunk;
    const rows = text.trim().split(/\r?\n/);
    const listed = (await api('GET', '/api/v1/customers?search=Upload&limit=100')).json().data.items;
    assert.equal(rows.length, listed.length + 1, 'a header and one row per listed customer');
    for (const customer of listed) assert.ok(text.includes(customer.email), customer.email);
    const again = await http(c.base, { path: new URL(link.url).pathname });
    assert.ok(again.status >= 400 && again.status < 500, `used twice: ${again.status}`);
    await page.getByLabel('Search').fill('');
  });

  let invitationLink = '';
  test('invite a viewer: the link is shown once; the viewer is offered no write and refused one', async () => {
    await page.getByRole('link', { name: 'Members' }).click();
    await heading(page, 'Members');
    await assertAccessible(page, 'members');
    await page.getByLabel('E-mail').fill('viewer@example.com');
    await page.getByLabel('Role').selectOption('viewer');
    await page.getByRole('button', { name: 'Create invitation link' }).click();
    invitationLink = String(await page.locator('[data-secret]').textContent()).trim();
    assert.match(invitationLink, /\/console\/#\/invitation\/dzi_/);
    await page.getByRole('button', { name: 'Copy' }).waitFor();
    await page.getByText('viewer@example.com as viewer').waitFor();
    await assertAccessible(page, 'members: an invitation shown');

    const viewer = await c.browser.newContext();
    try {
      const v = await viewer.newPage();
      await v.goto(invitationLink);
      await heading(v, 'Join a business');
      await assertAccessible(v, 'invitation');
      await v.getByRole('button', { name: 'Accept the invitation' }).click();
      await v.getByText('Signed in as viewer@example.com').waitFor();
      assert.doesNotMatch(v.url(), /dzi_/);
      await heading(v, 'Customers');
      await v.getByRole('table').waitFor();
      const nav = String(await v.getByRole('navigation', { name: 'Sections' }).textContent());
      assert.doesNotMatch(nav, /Bulk upload|Webhooks/);
      assert.equal(await v.getByRole('button', { name: 'New customer' }).count(), 0);
      await v.locator('tbody a').first().click();
      await v.getByRole('heading', { name: 'Contacts' }).waitFor();
      for (const name of ['Edit', 'Delete customer', 'Add contact']) {
        assert.equal(await v.getByRole('button', { name, exact: true }).count(), 0, `${name} is not offered`);
      }
      await assertAccessible(v, 'a customer, as a viewer');
      // A write sent by hand, with the session's CSRF token: the server refuses it.
      const status = await v.evaluate(`(async () => {
        const me = await (await fetch('/api/v1/sessions/current')).json();
        const res = await fetch('/api/v1/customers', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': me.data.csrf_token, 'x-business-id': ${JSON.stringify(c.businessId)} },
          body: JSON.stringify({ name: 'By hand', email: 'by.hand@example.com' }),
        });
        return res.status;
      })()`);
      assert.equal(status, 403);
    } finally {
      await viewer.close();
    }
  });

  test('the invitation replayed is refused', async () => {
    const other = await c.browser.newContext();
    try {
      const p = await other.newPage();
      await p.goto(invitationLink);
      await p.getByRole('button', { name: 'Accept the invitation' }).click();
      await p.getByRole('alert').filter({ hasText: 'already used, has expired or is not valid' }).waitFor();
      assert.equal((await other.cookies(c.base)).length, 0);
    } finally {
      await other.close();
    }
  });

  test('members: a role changed in a dialog, a refusal said in words, a member removed after a confirmation', async () => {
    const list = async () =>
      (await api('GET', '/api/v1/businesses/users?limit=100')).json().data.items as {
        user_id: string;
        email: string;
        role: string;
      }[];
    const me = (await list()).find((m) => m.role === 'owner');
    const viewer = (await list()).find((m) => m.email === 'viewer@example.com');
    assert.ok(me && viewer, 'the owner and the invited viewer are members');
    // Loaded afresh: the viewer joined in another browser since this page listed the members.
    await page.goto(`${c.base}/console/#/members`);
    await page.reload();
    await heading(page, 'Members');
    const changeOf = (email: string) => page.getByRole('button', { name: `Change role of ${email}` });
    await changeOf(viewer.email).waitFor();
    assert.equal(await changeOf(me.email).count(), 0, 'the last owner is not offered a demotion');
    await assertAccessible(page, 'members: the role and remove actions');

    await changeOf(viewer.email).click();
    const dialog = page.getByRole('dialog', { name: `Change the role of ${viewer.email}` });
    await dialog.waitFor();
    assert.equal(
      await page.evaluate('document.activeElement?.closest("dialog") !== null'),
      true,
      'focus is in the dialog',
    );
    await assertAccessible(page, 'members: the role dialog');
    await dialog.getByLabel('New role').selectOption('admin');
    await dialog.getByRole('button', { name: 'Save the role' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('tr', { hasText: viewer.email }).getByRole('cell', { name: 'admin', exact: true }).waitFor();
    assert.equal((await list()).find((m) => m.user_id === viewer.user_id)?.role, 'admin');

    // Two owners: now the owner may step down, unless the other one stops being an owner first.
    const promoted = await api('PUT', `/api/v1/businesses/users/${viewer.user_id}`, { role: 'owner' });
    assert.equal(promoted.status, 200, promoted.body);
    await page.reload();
    await changeOf(me.email).click();
    const own = page.getByRole('dialog', { name: `Change the role of ${me.email}` });
    await own.getByLabel('New role').selectOption('admin');
    await own.getByText('This is your own role').waitFor();
    const demoted = await api('PUT', `/api/v1/businesses/users/${viewer.user_id}`, { role: 'viewer' });
    assert.equal(demoted.status, 200, demoted.body);
    await own.getByRole('button', { name: 'Save the role' }).click();
    await own.getByRole('alert').filter({ hasText: 'must keep at least one owner' }).waitFor();
    await assertAccessible(page, 'members: the role dialog with a refusal');
    await page.keyboard.press('Escape');
    await own.waitFor({ state: 'detached' });
    assert.equal((await list()).find((m) => m.user_id === me.user_id)?.role, 'owner', 'still the owner');

    await page.reload();
    await page.getByRole('button', { name: `Remove ${viewer.email}` }).click();
    await page.getByText(`Remove ${viewer.email} from`).waitFor();
    await page.getByRole('button', { name: 'Yes, remove' }).click();
    await page.locator('tr', { hasText: viewer.email }).waitFor({ state: 'detached' });
    assert.equal(
      (await list()).find((m) => m.user_id === viewer.user_id),
      undefined,
      'removed',
    );
  });

  test('a webhook to a loopback receiver: secret once, a test event delivered and in the log', async () => {
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await heading(page, 'Webhooks');
    await page.getByText('No endpoints yet.').waitFor();
    await assertAccessible(page, 'webhooks');
    await page.getByLabel('URL').fill(`${receiverUrl}/hook`);
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    assert.match(String(await page.locator('[data-secret]').textContent()), /^whsec_/);
    await page.getByRole('button', { name: 'Send a test event' }).click();
    await page.getByText('Test event scheduled.').waitFor();
    await until('the receiver got the test event', () => received.some((r) => r.path === '/hook'), 20_000);
    await page.getByText('Delivered (200)').first().waitFor({ timeout: 20_000 });
    const hook = received.find((r) => r.path === '/hook');
    assert.ok(hook?.headers['webhook-signature'], 'signed (Standard Webhooks)');
    const before = received.length;
    await page
      .getByRole('button', { name: /^Redeliver/ })
      .first()
      .click();
    await until('the redelivery', () => received.length > before, 20_000);
    await page.getByRole('button', { name: 'Rotate the secret' }).click();
    await page.getByRole('button', { name: 'Yes, rotate' }).click();
    await page.getByText('New signing secret').waitFor();
    await assertAccessible(page, 'webhooks: an endpoint open');
  });

  test('webhooks: edit an endpoint in a dialog (a 422 at its field), disable and enable it', async () => {
    const endpointOf = async () =>
      (await api('GET', '/api/v1/webhook-endpoints')).json().data.items[0] as {
        id: string;
        url: string;
        events: string[];
        description: string | null;
        enabled: boolean;
      };
    const before = await endpointOf();
    await page.getByRole('button', { name: `Edit ${before.url}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit the endpoint' });
    await dialog.waitFor();
    await assertAccessible(page, 'webhooks: the edit dialog');
    const url = dialog.getByLabel('URL');
    await url.fill('ftp://example.com/hook');
    await dialog.getByRole('button', { name: 'Save the endpoint' }).click();
    await dialog.locator('input[aria-invalid="true"]').waitFor();
    assert.equal(await url.getAttribute('aria-invalid'), 'true', 'the URL field is marked');
    const describedBy = (await url.getAttribute('aria-describedby')) ?? '';
    assert.match(String(await page.locator(`[id="${describedBy.split(' ').pop()}"]`).textContent()), /./);
    await assertAccessible(page, 'webhooks: the edit dialog with a 422');
    assert.equal((await endpointOf()).url, before.url, 'nothing saved');

    await url.fill(`${receiverUrl}/edited`);
    await dialog.getByLabel('Description').fill('Edited in the console');
    await dialog.getByLabel('All events').uncheck();
    await dialog.getByLabel('customer.created').check();
    await dialog.getByLabel('Enabled').uncheck();
    await dialog.getByRole('button', { name: 'Save the endpoint' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('Disabled · customer.created · Edited in the console').waitFor();
    assert.deepEqual(await endpointOf(), {
      ...before,
      url: `${receiverUrl}/edited`,
      events: ['customer.created'],
      description: 'Edited in the console',
      enabled: false,
    });

    await page.getByRole('button', { name: `Enable ${receiverUrl}/edited` }).click();
    await page.locator('[data-endpoint-state="enabled"]').waitFor();
    assert.equal((await endpointOf()).enabled, true);
    await page.getByRole('button', { name: `Disable ${receiverUrl}/edited` }).waitFor();
  });

  test('events: the feed, newest first, filtered by type', async () => {
    await page.getByRole('link', { name: 'Events' }).click();
    await heading(page, 'Events');
    await page.locator('ol.events li').first().waitFor();
    await assertAccessible(page, 'events');
    await page.getByLabel('Type').selectOption('contact.created');
    const types = await until('the feed filtered', async () => {
      const shown = await page.locator('ol.events li code').allTextContents();
      return shown.length > 0 && shown.every((t) => t === 'contact.created') ? shown : undefined;
    });
    assert.ok(types.length >= 2);
    const names = await page.locator('ol.events li p.wrap').allTextContents();
    assert.ok(names.indexOf('Second Contact') < names.indexOf('First Contact'), 'newest first');
  });

  test('tokens: one created is shown once, and revoked it is refused', async () => {
    await page.getByRole('link', { name: 'API tokens' }).click();
    await heading(page, 'API tokens');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = String(await page.locator('[data-secret]').textContent()).trim();
    assert.match(token, /^dz_/);
    assert.equal(
      (await http(c.base, { path: '/api/v1/businesses', headers: { authorization: `Bearer ${token}` } })).status,
      200,
    );
    await assertAccessible(page, 'tokens');
    const row = page.locator('tr', { hasText: token.slice(0, 8) });
    await row.getByRole('button', { name: /^Revoke/ }).click();
    await row.getByRole('button', { name: 'Yes, revoke' }).click();
    await row.waitFor({ state: 'detached' });
    const after = await http(c.base, { path: '/api/v1/businesses', headers: { authorization: `Bearer ${token}` } });
    assert.equal(after.status, 401);
  });

  test('the cookie without the CSRF header is refused for a read and a write', async () => {
    const cookie = await sessionCookie(owner);
    const headers = { cookie, 'x-business-id': c.businessId };
    assert.equal(
      (await http(c.base, { path: '/api/v1/sessions/current', headers })).status,
      200,
      'the one route it opens alone',
    );
    const read = await http(c.base, { path: '/api/v1/customers', headers });
    assert.equal(read.status, 403);
    assert.equal(read.json().detail, 'Missing or invalid CSRF token');
    const write = await http(c.base, {
      method: 'POST',
      path: '/api/v1/customers',
      headers,
      body: { name: 'x', email: 'x@example.com' },
    });
    assert.equal(write.status, 403);
    // And from the page itself, as a script on it would try.
    const fromPage = await page.evaluate(
      `fetch('/api/v1/customers', { headers: { 'x-business-id': ${JSON.stringify(c.businessId)} } }).then((r) => r.status)`,
    );
    assert.equal(fromPage, 403);
  });

  test('the console in a frame of another origin is refused', async () => {
    const p = await owner.newPage();
    try {
      await p.goto(`${receiverUrl}/framer`);
      await p.waitForTimeout(500);
      const frame = p.frames().find((f) => f !== p.mainFrame());
      assert.ok(frame, 'the frame exists');
      const shown = await frame.evaluate('document.getElementById("root") !== null').catch(() => false);
      assert.equal(shown, false, 'no console inside the frame');
    } finally {
      await p.close();
    }
  });

  test('sign out ends the session on the server: the old cookie is refused', async () => {
    const cookie = await sessionCookie(owner);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await heading(page, 'Sign in to the Customers console');
    const r = await http(c.base, { path: '/api/v1/sessions/current', headers: { cookie } });
    assert.equal(r.status, 401);
  });

  test('keyboard only: sign in with a token, create a customer, open it', async () => {
    const k = await c.browser.newContext();
    try {
      const p = await k.newPage();
      await p.goto(`${c.base}/console/`);
      await heading(p, 'Sign in to the Customers console');
      const tabTo = async (label: string) => {
        for (let i = 0; i < 60; i++) {
          await p.keyboard.press('Tab');
          const name = String(
            await p.evaluate(`(() => {
              const el = document.activeElement;
              if (!el) return '';
              const id = el.getAttribute('id');
              const label = id ? document.querySelector('label[for="' + CSS.escape(id) + '"]')?.textContent : null;
              return (label ?? el.getAttribute('aria-label') ?? el.textContent ?? '').trim();
            })()`),
          );
          if (name.startsWith(label)) return;
        }
        assert.fail(`${label} is not reachable with Tab`);
      };
      await tabTo('API token');
      await p.keyboard.type(c.token);
      await p.keyboard.press('Enter');
      await p.getByText('Signed in as').waitFor();
      await heading(p, 'Customers');
      // The screen's heading takes the focus once it is there (its business loads first).
      const focused = await p
        .waitForFunction('document.activeElement?.tagName === "H1"', null, { timeout: 10_000 })
        .then(() => 'H1')
        .catch(() => p.evaluate('document.activeElement?.tagName'));
      assert.equal(focused, 'H1', 'focus moves to the new screen');
      await tabTo('New customer');
      await p.keyboard.press('Enter');
      await tabTo('Name');
      await p.keyboard.type('Keyboard Customer');
      await tabTo('E-mail');
      await p.keyboard.type('keyboard@example.com');
      await p.keyboard.press('Enter');
      await heading(p, 'Keyboard Customer');
      await tabTo('Add contact');
      await p.keyboard.press('Enter');
      await tabTo('Contact name');
      await p.keyboard.type('Key Contact');
      await p.keyboard.press('Enter');
      await p.getByRole('listitem', { name: 'Key Contact' }).waitFor();
      await tabTo('← Customers');
      await p.keyboard.press('Enter');
      await heading(p, 'Customers');
    } finally {
      await k.close();
    }
  });

  test('a passkey: registered on a host name, it signs in again after sign-out (Chromium virtual authenticator)', async () => {
    // Browsers refuse passkeys on an IP address: the console says so there...
    await page.goto(`${c.base}/console/#/sign-in`);
    await page.getByText(/Passkeys need a host name/).waitFor();
    // ...and offers them at localhost.
    const named = c.base.replace('127.0.0.1', 'localhost');
    const k = await c.browser.newContext();
    try {
      const p = await signInWithToken(k, named, c.token);
      const cdp = await k.newCDPSession(p);
      await cdp.send('WebAuthn.enable');
      const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: {
          protocol: 'ctap2',
          transport: 'internal',
          hasResidentKey: true,
          hasUserVerification: true,
          isUserVerified: true,
          automaticPresenceSimulation: true,
        },
      });
      await p.getByRole('link', { name: 'API tokens' }).click();
      await p.getByRole('heading', { level: 2, name: 'Passkeys' }).waitFor();
      await p.getByText('No passkeys yet.').waitFor();
      await p.locator('input[name="name"]').fill('Test laptop');
      await p.getByRole('button', { name: 'Add a passkey' }).click();
      await p.locator('tr', { hasText: 'Test laptop' }).waitFor();
      const held = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
      assert.equal(held.credentials.length, 1, 'the authenticator holds the passkey');
      assert.equal(held.credentials[0]?.isResidentCredential, true);
      await assertAccessible(p, 'tokens with a passkey');
      await p.getByRole('button', { name: 'Sign out' }).click();
      await heading(p, 'Sign in to the Customers console');
      await p.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await p.getByText('Signed in as').waitFor();
      await heading(p, 'Customers');
      // Deleted, it signs nobody in: the console says so in words.
      await p.getByRole('link', { name: 'API tokens' }).click();
      const row = p.locator('tr', { hasText: 'Test laptop' });
      await row.getByRole('button', { name: /^Delete passkey/ }).click();
      await row.getByRole('button', { name: 'Yes, delete' }).click();
      await row.waitFor({ state: 'detached' });
      await p.getByRole('button', { name: 'Sign out' }).click();
      await heading(p, 'Sign in to the Customers console');
      await p.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await p.getByText('This passkey was already used, has expired or is not valid.').waitFor();
      await assertAccessible(p, 'sign-in, a passkey refused');
    } finally {
      await k.close();
    }
  });
});
