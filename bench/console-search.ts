/**
 * `npm run bench:console-search`: search as you type in the console over the search benchmark's
 * 1,000,000 customers, measured in the browser.
 *
 * Builds the data on PostgreSQL on the first run (`bench/search-data.ts`, the database of
 * `npm run bench:customers`, `BENCH_DATABASE` to name another; minutes, once) and reuses it
 * afterwards; starts `customers-api serve` on it (rate limits off); signs a viewer of both of
 * its businesses in to the console in Debian's Chromium; and types each of the benchmark's
 * queries into the customers search box one keystroke at a time, with gaps of 90–350 ms
 * (seeded: the same gaps every run). The console sends a request once typing pauses for its
 * debounce (200 ms); for each such request the page records, with the browser's clocks:
 *
 *  - sent: the request's start (Resource Timing `startTime` of `GET /api/v1/customers?search=…`);
 *  - answered: its `responseEnd`;
 *  - on screen: the list marking that search's rows as shown (`data-results-for`, seen by a
 *    MutationObserver), then the next frame (`requestAnimationFrame`, then a task, so the
 *    frame with the rows has been produced).
 *
 * It prints p50 / p95 / max and the count of sent → on screen (the target: p95 ≤ 150 ms), split
 * into the request (sent → answered) and the console's own work (answered → on screen); a
 * request whose answer was overtaken by a later keystroke before it was shown is counted apart.
 * Default order (created_at), no total, the console's page of 20.
 *
 *   npm run bench:console-search
 *   REPEATS=3 CUSTOMERS=1000000 NEAR_DUPS=100000 npm run bench:console-search
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { type Browser, chromium } from 'playwright-core';
import { rng } from '../src/resources/customers/seed.js';
import { addMember } from '../src/resources/members/service.js';
import { createToken } from '../src/resources/tokens/service.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/helpers/console.js';
import { ADMIN_URL, BIN, benchDatabase, freePort, percentile, serverVersion, startProcess } from './lib.js';
import { SEARCH_DB, searchDataset, searchQueries } from './search-data.js';

const CUSTOMERS = Number(process.env.CUSTOMERS ?? 1_000_000);
const NEAR_DUPS = Number(process.env.NEAR_DUPS ?? 100_000);
const REPEATS = Number(process.env.REPEATS ?? 2);
const TARGET_P95_MS = 150;
const BENCH_USER = 'console-search@bench.example';
const log = (msg: string) => process.stderr.write(`${msg}\n`);
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** What the page records (installed before the console's own script runs). */
const RECORDER = `(() => {
  const rec = { requests: [], shown: [] };
  window.__search = rec;
  performance.setResourceTimingBufferSize(100000);
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const u = new URL(e.name);
      if (u.pathname !== '/api/v1/customers' || !u.searchParams.has('search')) continue;
      rec.requests.push({ q: u.searchParams.get('search'), start: e.startTime, end: e.responseEnd });
    }
  }).observe({ type: 'resource', buffered: true });
  let last = null;
  new MutationObserver(() => {
    const value = document.querySelector('[data-results-for]')?.getAttribute('data-results-for') ?? null;
    if (value === last) return;
    last = value;
    if (value === null) return;
    const seen = performance.now();
    requestAnimationFrame(() => setTimeout(() => rec.shown.push({ q: value, seen, t: performance.now() }), 0));
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-results-for'] });
})()`;

interface Recorded {
  requests: { q: string; start: number; end: number }[];
  shown: { q: string; seen: number; t: number }[];
}

const db = await benchDatabase(SEARCH_DB, { statementTimeoutMs: 0 });
const dbUrl = new URL(ADMIN_URL);
dbUrl.pathname = `/${SEARCH_DB}`;
let browser: Browser | undefined;
let server: Awaited<ReturnType<typeof startProcess>> | undefined;
try {
  const { varied, dups } = await searchDataset(db, CUSTOMERS, NEAR_DUPS, log);
  const queries = await searchQueries(db, varied, dups);
  // A viewer of its own in both businesses (reading is all it does): its tokens are this script's to revoke.
  let userId = '';
  for (const businessId of [varied, dups]) {
    const added = await addMember(db, {
      businessId,
      user: { email: BENCH_USER },
      role: 'viewer',
      actor: null,
      ifMember: 'update',
      token: 'none',
    });
    userId = added.member.user_id;
  }
  await db.query('UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [userId]);
  const { token } = await createToken(db, { userId });
  const names = await db.query<{ id: string; name: string }>('SELECT id, name FROM businesses WHERE id = ANY($1)', [
    [varied, dups],
  ]);
  const nameOf = new Map(names.rows.map((r) => [r.id, r.name]));

  const port = await freePort();
  server = await startProcess(
    [BIN, 'serve'],
    { DATABASE_URL: dbUrl.toString(), PORT: String(port), HOST: '127.0.0.1', DEMO: '0' },
    'listening on',
  );
  const base = `http://127.0.0.1:${port}`;
  const loadBefore = loadavg();

  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const context = await browser.newContext();
  context.setDefaultTimeout(60_000);
  await context.addInitScript(RECORDER);
  const page = await context.newPage();
  await page.goto(`${base}/console/`);
  await page.locator('input[name="token"]').fill(token);
  await page.getByRole('button', { name: 'Sign in with the token' }).click();
  await page.getByText('Signed in as').waitFor();

  const box = page.getByRole('searchbox', { name: 'Search' });
  const shownFor = (q: string) => page.locator(`[data-results-for="${q.replace(/["\\]/g, '\\$&')}"]`);
  const gap = rng(22);
  const samples: { q: string; kind: string; total: number; request: number; console: number }[] = [];
  let overtaken = 0;
  let keystrokes = 0;
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    for (const business of [varied, dups]) {
      // That business chosen in the switcher, then the page loaded afresh: nothing answered from
      // the console's cache of an earlier query.
      await page.getByLabel('Business').selectOption(business);
      await shownFor('').waitFor();
      await page.reload();
      await shownFor('').waitFor();
      const chosen = await page.getByLabel('Business').inputValue();
      if (chosen !== business) throw new Error(`the console shows business ${chosen}, not ${business}`);
      for (const query of queries.filter((x) => x.business === business)) {
        await page.evaluate('window.__search.requests = []; window.__search.shown = []');
        await box.focus();
        for (const ch of query.q) {
          await page.keyboard.type(ch);
          keystrokes++;
          await page.waitForTimeout(90 + Math.floor(gap() * 260));
        }
        await shownFor(query.q).waitFor({ timeout: 60_000 });
        // Every request of this query answered (a late one may still be on its way).
        const rec = (await page.evaluate('window.__search')) as Recorded;
        for (const r of rec.requests) {
          const on = rec.shown.find((s) => s.q === r.q && s.seen >= r.end);
          if (!on) {
            overtaken++;
            continue;
          }
          samples.push({
            q: query.q,
            kind: query.kind,
            total: on.t - r.start,
            request: r.end - r.start,
            console: on.t - r.end,
          });
        }
        await box.fill('');
        await shownFor('').waitFor();
      }
    }
    log(`repeat ${repeat + 1}/${REPEATS}: ${samples.length} requests timed so far`);
  }
  const loadAfter = loadavg();

  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const r = (x: number) => Math.round(x * 10) / 10;
    return { p50: r(percentile(s, 50)), p95: r(percentile(s, 95)), max: r(s[s.length - 1] ?? 0), n: s.length };
  };
  const total = stats(samples.map((s) => s.total));
  const request = stats(samples.map((s) => s.request));
  const own = stats(samples.map((s) => s.console));
  const cpu = cpus();
  const lines = [
    `Search as you type in the console over ${CUSTOMERS.toLocaleString('en')} customers (and ${NEAR_DUPS.toLocaleString('en')} near-duplicates), default order, no total, pages of 20:`,
    `${queries.length} queries typed ${REPEATS} times, ${keystrokes} keystrokes, gaps 90–350 ms; ${total.n} requests timed, ${overtaken} overtaken by a later keystroke before their answer was shown (not timed).`,
    '',
    '| from the request being sent | p50 ms | p95 ms | max ms | count |',
    '|---|---|---|---|---|',
    `| to the results on screen | ${total.p50} | ${total.p95} | ${total.max} | ${total.n} |`,
    `| to the answer (the request) | ${request.p50} | ${request.p95} | ${request.max} | ${request.n} |`,
    `| answer to screen (the console's own work) | ${own.p50} | ${own.p95} | ${own.max} | ${own.n} |`,
    '',
    '| query | kind | requests | p50 ms | max ms |',
    '|---|---|---|---|---|',
    ...queries.map((query) => {
      const s = stats(samples.filter((x) => x.q === query.q && x.kind === query.kind).map((x) => x.total));
      return `| \`${query.q}\` | ${query.kind} | ${s.n} | ${s.p50} | ${s.max} |`;
    }),
    '',
    `Target: p95 ≤ ${TARGET_P95_MS} ms: ${total.p95 <= TARGET_P95_MS ? 'met' : 'MISSED'}.`,
    `Machine: ${cpu.length} × ${cpu[0]?.model.trim()}, Node ${process.version}, PostgreSQL ${await serverVersion(db)}, Chromium ${browser.version()}; load average (1, 5, 15 min) ${loadBefore} before, ${loadAfter} after.`,
    `Businesses: ${[...nameOf.values()].join(', ')}.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await browser?.close().catch(() => undefined);
  await server?.stop();
  await db.close();
}
