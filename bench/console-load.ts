/**
 * `npm run bench:console`: what the console costs a browser, first visit and repeat visit.
 *
 * Starts `customers-api serve` (in memory, with its demo data), opens /console/ in Debian's
 * Chromium with a persistent profile (a temporary directory), signs in with the demo token
 * and waits for the customer list; closes the browser, starts it again on the same profile
 * and opens /console/ again (the session cookie and the HTTP cache kept, as after a restart).
 * For each visit it prints every request the page made (Chrome DevTools Protocol Network
 * events: `requestWillBeSent`, `responseReceived` with `fromDiskCache`, and
 * `loadingFinished.encodedDataLength`, the bytes that came over the wire, headers included),
 * then the first visit's compressed JavaScript against its target (250 KB) and whether the
 * repeat visit went to the network for anything but the page's revalidation and API calls.
 * Exits 1 when it did, or when the JavaScript is over its target.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/helpers/console.js';
import { BIN, freePort, startProcess } from './lib.js';

const JS_TARGET = 250 * 1024;

interface Request {
  id: string;
  method: string;
  url: string;
  type: string;
  status?: number;
  /** The status as it came over the wire (`responseReceivedExtraInfo`): 304 when a cached copy was revalidated. */
  wireStatus?: number;
  fromDiskCache?: boolean;
  fromMemoryCache?: boolean;
  bytes: number;
  encoding?: string;
}

const port = await freePort();
const server = await startProcess(
  [BIN, 'serve'],
  { DEMO: '1', DATA_DIR: ':memory:', PORT: String(port), HOST: '127.0.0.1' },
  'listening on',
);
const profile = mkdtempSync(join(tmpdir(), 'customers-api-console-profile-'));
let context: BrowserContext | undefined;
try {
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  const bannerToken = () => /token:\s+(dz_\S+)/.exec(server.output())?.[1];
  while (!bannerToken()) {
    if (Date.now() > deadline) throw new Error(`no demo token in the banner within 20 s:\n${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const token = bannerToken() as string;

  /** One visit in a browser started on the profile: every request the page made, in order. */
  const visit = async (signIn: boolean): Promise<Request[]> => {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    context.setDefaultTimeout(30_000);
    const page = context.pages()[0] ?? (await context.newPage());
    const cdp = await context.newCDPSession(page);
    const requests = new Map<string, Request>();
    cdp.on('Network.requestWillBeSent', (e) => {
      requests.set(e.requestId, {
        id: e.requestId,
        method: e.request.method,
        url: e.request.url,
        type: e.type ?? 'Other',
        bytes: 0,
      });
    });
    cdp.on('Network.requestServedFromCache', (e) => {
      const r = requests.get(e.requestId);
      if (r) r.fromMemoryCache = r.fromDiskCache !== true;
    });
    cdp.on('Network.responseReceived', (e) => {
      const r = requests.get(e.requestId);
      if (!r) return;
      r.status = e.response.status;
      r.fromDiskCache = e.response.fromDiskCache === true;
      if (r.fromDiskCache) r.fromMemoryCache = false;
      const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
      r.encoding = headers['content-encoding'] as string | undefined;
    });
    cdp.on('Network.responseReceivedExtraInfo', (e) => {
      const r = requests.get(e.requestId);
      if (r) r.wireStatus = e.statusCode;
    });
    cdp.on('Network.loadingFinished', (e) => {
      const r = requests.get(e.requestId);
      if (r) r.bytes = e.encodedDataLength;
    });
    await cdp.send('Network.enable');
    await page.goto(`${base}/console/`);
    if (signIn) {
      await page.locator('input[name="token"]').fill(token);
      await page.getByRole('button', { name: 'Sign in with the token' }).click();
    }
    await page.getByText('Signed in as').waitFor();
    await page.locator('tbody tr').first().waitFor();
    await page.waitForLoadState('networkidle');
    const seen = [...requests.values()];
    await context.close();
    context = undefined;
    return seen;
  };

  const first = await visit(true);
  const repeat = await visit(false);

  const path = (r: Request) => new URL(r.url).pathname;
  const isApi = (r: Request) => path(r).startsWith('/api/');
  const isPage = (r: Request) => r.type === 'Document';
  const where = (r: Request) =>
    r.fromDiskCache
      ? 'disk cache'
      : r.fromMemoryCache
        ? 'memory cache'
        : r.wireStatus === 304
          ? 'network, 304'
          : 'network';
  const table = (label: string, rs: Request[]) => {
    const overWire = rs.filter((r) => !r.fromDiskCache && !r.fromMemoryCache);
    const bytes = overWire.reduce((sum, r) => sum + r.bytes, 0);
    const lines = [
      `${label}: ${rs.length} requests, ${overWire.length} over the network, ${bytes.toLocaleString('en')} bytes received`,
    ];
    for (const r of rs) {
      lines.push(
        `  ${r.method.padEnd(6)} ${path(r).padEnd(46)} ${String(r.wireStatus ?? r.status ?? '—').padEnd(4)} ${where(r).padEnd(13)} ${String(r.bytes).padStart(8)} B${r.encoding ? ` ${r.encoding}` : ''}`,
      );
    }
    return lines;
  };

  const js = first.filter((r) => r.type === 'Script' && !isApi(r));
  const jsBytes = js.reduce((sum, r) => sum + r.bytes, 0);
  const stray = repeat.filter((r) => !r.fromDiskCache && !r.fromMemoryCache && !isApi(r) && !isPage(r));
  const page304 = repeat.find((r) => isPage(r));
  const lines = [
    ...table('First visit (an empty profile; signing in with a token)', first),
    '',
    ...table('Repeat visit (the browser started again on the same profile)', repeat),
    '',
    `JavaScript on the first visit: ${(jsBytes / 1024).toFixed(1)} KB over the wire (${js.map((r) => `${path(r)} ${r.encoding ?? 'uncompressed'}`).join(', ')}; headers included), target ≤ ${JS_TARGET / 1024} KB: ${jsBytes <= JS_TARGET ? 'met' : 'MISSED'}`,
    page304
      ? `index.html on the repeat visit: ${page304.wireStatus === 304 ? `revalidated (no-cache → 304, ${page304.bytes} bytes, headers only)` : `${where(page304)}, status ${page304.wireStatus ?? page304.status}, ${page304.bytes} bytes`}`
      : 'index.html on the repeat visit: not requested',
    stray.length === 0
      ? `Repeat visit: nothing but index.html's revalidation and ${repeat.filter(isApi).length} API calls went to the network.`
      : `Repeat visit: ALSO went to the network for ${stray.map((r) => `${path(r)} (${r.wireStatus ?? r.status})`).join(', ')}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (stray.length > 0 || jsBytes > JS_TARGET || page304?.wireStatus !== 304) process.exitCode = 1;
} finally {
  await (context as BrowserContext | undefined)?.close().catch(() => undefined);
  await server.stop();
  rmSync(profile, { recursive: true, force: true });
}
