import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { until } from './harness.js';
import { type ServerProcess, startServerProcess } from './server-process.js';

/** The console in a real browser: Debian's Chromium driven by playwright-core, a real server process. */
export const CHROMIUM = '/usr/bin/chromium';
/** Chromium's flags here: no sandbox (root), no GPU, and no background traffic of its own, so every request is the page's. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** CI installs Chromium and must run these; elsewhere a missing browser skips them, saying why. */
export function chromiumSkip(): string | false {
  if (existsSync(CHROMIUM)) return false;
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium`);
  return `needs ${CHROMIUM} (apt-get install chromium)`;
}

export interface ConsoleServer {
  server: ServerProcess;
  base: string;
  /** The demo owner's token, business and one-time sign-in link, from the first-run banner. */
  token: string;
  businessId: string;
  signInLink: string;
  testKey: string;
  browser: Browser;
  close: () => Promise<void>;
}

/**
 * `customers-api serve --memory --test-mode` with its demo data (the cheapest server: nothing
 * on disk; test mode lets webhooks reach a loopback receiver), and one Chromium. Each
 * `newContext()` of the browser is a separate person (its own cookies and storage, in the
 * temporary profile playwright-core makes and removes).
 */
export async function startConsole(): Promise<ConsoleServer> {
  const server = await startServerProcess({ DEMO: '1', DATA_DIR: ':memory:', TEST_MODE: '1' });
  let browser: Browser | undefined;
  try {
    await until('the first-run banner', () => /sign in:\s+\S+/.test(server.stderr()), 20_000);
    const banner = server.stderr();
    const pick = (re: RegExp) => {
      const m = re.exec(banner)?.[1];
      if (!m) throw new Error(`the banner has no ${re}: ${banner}`);
      return m;
    };
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    const opened = browser;
    return {
      server,
      base: server.url,
      token: pick(/token:\s+(dz_\S+)/),
      businessId: pick(/x-business-id:\s+(\S+)/),
      signInLink: pick(/sign in:\s+(\S+)/),
      testKey: pick(/x-test-key:\s+(\S+)/),
      browser: opened,
      close: async () => {
        await opened.close().catch(() => undefined);
        await server.stop();
      },
    };
  } catch (err) {
    await browser?.close().catch(() => undefined);
    await server.stop();
    throw err;
  }
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** axe-core's serious and critical violations on the page as it is now (its source evaluated in the page). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate('typeof window.axe === "object"');
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(
    'window.axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations)',
  )) as AxeViolation[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Signs a fresh browser context in with an API token through the console's form. */
export async function signInWithToken(context: BrowserContext, base: string, token: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/console/`);
  await page.locator('input[name="token"]').fill(token);
  await page.getByRole('button', { name: 'Sign in with the token' }).click();
  await page.getByText('Signed in as').waitFor();
  return page;
}
