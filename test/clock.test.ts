// One clock (contract §7): every rule the server applies to time takes now from
// platform/clock.ts and passes it to SQL as a value. The database's now() may
// appear only in column defaults, in stamps the server stores, and in the named
// places below (leases, locks and the like, which must stay on the wall clock).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Clock } from '../src/platform/clock.js';

const src = fileURLToPath(new URL('../src/', import.meta.url));

/** Where now() stays, how many times, and why. A new now() anywhere else fails this test. */
const WALL_CLOCK: Record<string, { count: number; why: string }> = {
  'platform/idempotency.ts': { count: 3, why: "a running request's lease on its key (locked_until)" },
  'platform/db/replicas.ts': { count: 6, why: 'read-your-writes: a window measured against replication, in real time' },
  'resources/webhooks/worker.ts': { count: 3, why: "an instance's lease on the endpoints it sends to" },
  'resources/tokens/authenticator.ts': { count: 2, why: 'last_used_at bookkeeping, written at most once a minute' },
  'resources/events/service.ts': {
    count: 1,
    why: "a new delivery is due at once (the wall clock is never past the clock's now)",
  },
  'resources/customers/seed.ts': { count: 4, why: "seeded rows' created_at / updated_at, stamps like any other" },
};

/** A stamp the server stores (`updated_at = now()`), and a column default: both may keep the wall clock. */
const STAMP =
  /\b(created_at|updated_at|deleted_at|revoked_at|accepted_at|last_used_at)\s*=\s*(coalesce\(\s*\w+,\s*)?now\(\)/g;
const DEFAULT = /\bDEFAULT\s+now\(\)/gi;
/** The database's now(): not a method call (`Date.now()`, `clock.now()`) nor a declaration (`now(): number`). */
const NOW = /(?<![.\w])now\(\)(?!\s*[:{])/g;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

test("now() in the source's SQL: only in column defaults, stamps and the named places", () => {
  const found: Record<string, number> = {};
  for (const file of sources(src)) {
    const code = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => !/^\s*(\/\/|\*|\/\*)/.test(line))
      .join('\n')
      .replace(STAMP, '')
      .replace(DEFAULT, '');
    const n = code.match(NOW)?.length ?? 0;
    if (n > 0) found[relative(src, file)] = n;
  }
  const allowed = Object.fromEntries(Object.entries(WALL_CLOCK).map(([file, { count }]) => [file, count]));
  assert.deepEqual(
    found,
    allowed,
    "a rule about time takes now from the clock (clock.sql()), not the database's now(); a lease or lock that must stay on the wall clock is named in WALL_CLOCK with why",
  );
});

test('the clock: the wall clock plus what was advanced; reset returns to it; never backwards', () => {
  let wall = 1_000_000;
  const clock = new Clock(() => wall);
  clock.advance(90);
  assert.equal(clock.now(), 1_090_000);
  wall += 5;
  assert.equal(clock.iso(), new Date(1_090_005).toISOString());
  assert.throws(() => clock.advance(-1), RangeError);
  clock.reset();
  assert.equal(clock.now(), wall);
});
