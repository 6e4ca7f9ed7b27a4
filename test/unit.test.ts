import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { CursorCodec } from '../src/platform/cursor.js';
import { emailProblem } from '../src/platform/email.js';
import { isUuid, uuidv7 } from '../src/platform/ids.js';
import { buildKeyset, textKey, timestampKey } from '../src/platform/list.js';
import { toRfc3339 } from '../src/platform/text.js';

describe('cursor codec', () => {
  const codec = new CursorCodec('s'.repeat(64));
  const binding = {
    owner: '01900000-0000-7000-8000-000000000001',
    scope: 'contacts:x',
    sortBy: 'name',
    descending: true,
  };

  test('round-trips any position', () => {
    fc.assert(
      fc.property(fc.option(fc.string({ unit: 'grapheme' })), fc.uuid(), fc.boolean(), (value, id, inclusive) => {
        const pos = { value, id, inclusive };
        assert.deepEqual(codec.decode(binding, codec.encode(binding, pos)), pos);
      }),
    );
  });

  test('is bound to the business, scope and sort, and to the secret', () => {
    const c = codec.encode(binding, { value: 'x', id: binding.owner, inclusive: false });
    assert.equal(codec.decode({ ...binding, owner: '01900000-0000-7000-8000-000000000002' }, c), 'malformed');
    assert.equal(codec.decode({ ...binding, scope: 'contacts:y' }, c), 'malformed');
    assert.equal(codec.decode({ ...binding, sortBy: 'email' }, c), 'sort_mismatch');
    assert.equal(codec.decode({ ...binding, descending: false }, c), 'sort_mismatch');
    assert.equal(new CursorCodec('t'.repeat(64)).decode(binding, c), 'malformed');
  });
});

describe('timestamps', () => {
  test('PostgreSQL UTC text becomes RFC 3339 with six fractional digits', () => {
    assert.equal(toRfc3339('2026-11-26 13:26:02.123456+00'), '2026-11-26T13:26:02.123456Z');
    assert.equal(toRfc3339('2026-11-26 13:26:02.1+00'), '2026-11-26T13:26:02.100000Z');
    assert.equal(toRfc3339('2026-11-26 13:26:02+00'), '2026-11-26T13:26:02.000000Z');
    assert.equal(toRfc3339(null), null);
    assert.throws(() => toRfc3339('26 Nov 2026 13:26'));
  });

  test('text in another session time zone (behind a pooler) is shifted to UTC, keeping the microseconds', () => {
    assert.equal(toRfc3339('2026-11-26 15:26:02.123456+02'), '2026-11-26T13:26:02.123456Z');
    assert.equal(toRfc3339('2026-11-26 08:56:02.5-04:30'), '2026-11-26T13:26:02.500000Z');
    assert.equal(toRfc3339('2026-01-01 05:44:59+05:45'), '2025-12-31T23:59:59.000000Z');
  });
});

describe('ids', () => {
  test('UUIDv7, increasing within a process', () => {
    const ids = Array.from({ length: 5000 }, () => uuidv7());
    for (const id of ids) {
      assert.ok(isUuid(id));
      assert.equal(id[14], '7');
      assert.ok('89ab'.includes(id[19] as string));
    }
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(new Set(ids).size, ids.length);
  });
});

describe('e-mail', () => {
  test('accepts ordinary addresses and names the problem otherwise', () => {
    for (const ok of ['a@b.io', 'first.last+tag@sub.example.co.uk', 'zoë@example.com'])
      assert.equal(emailProblem(ok), null, ok);
    for (const [bad, why] of [
      ['plain', /@-sign/],
      ['@example.com', /before the @-sign/],
      ['a@', /after the @-sign/],
      ['a@localhost', /period/],
      ['a b@example.com', /invalid characters/],
      ['a..b@example.com', /two periods/],
      ['a@example.123', /top-level/],
    ] as const) {
      assert.match(emailProblem(bad) ?? '', why, bad);
    }
  });
});

describe('keyset SQL', () => {
  const base = {
    from: 'contacts t',
    columns: 't.id, t.name',
    where: 't.business_id = $1 AND t.customer_id = $2',
    params: ['b', 'c'],
    descending: false,
    limit: 50,
  };

  test('one SQL text serves every page size', () => {
    const texts = new Set(
      [1, 2, 50, 999, 1000].map(
        (limit) =>
          buildKeyset({
            ...base,
            limit,
            key: timestampKey('created_at'),
            direction: 'next',
            cursor: null,
          }).union,
      ),
    );
    assert.equal(texts.size, 1);
  });

  test('a NOT NULL key: one range scan, no OFFSET, no count', () => {
    const ks = buildKeyset({
      ...base,
      key: timestampKey('created_at'),
      direction: 'next',
      cursor: { value: '2026-01-01 00:00:00+00', id: 'i', inclusive: false },
    });
    assert.equal(ks.union.match(/SELECT 0 AS _tag/g)?.length, 1, 'page: one range scan');
    assert.equal(ks.union.match(/SELECT 1 AS _tag/g)?.length, 1, 'probe: one row the other way');
    assert.doesNotMatch(ks.union, /OFFSET|count\(/i);
    assert.match(ks.union, /\(t\.created_at, t\.id\) > \(\$4::timestamptz, \$5::uuid\)/);
    assert.match(ks.union, /ORDER BY t\.created_at ASC, t\.id ASC LIMIT \$3\)/, 'the page size is bound, not spliced');
    assert.match(ks.union, /ORDER BY t\.created_at DESC, t\.id DESC LIMIT 1\)/, 'the probe reads one row');
    assert.deepEqual(ks.values, ['b', 'c', 51, '2026-01-01 00:00:00+00', 'i', '2026-01-01 00:00:00+00', 'i']);
  });

  test('a nullable key walks the non-NULL segment, then the NULL one', () => {
    const ks = buildKeyset({
      ...base,
      descending: true,
      key: textKey('email_key', true),
      direction: 'next',
      cursor: null,
    });
    assert.match(ks.union, /t\.email_key IS NOT NULL ORDER BY t\.email_key DESC, t\.id DESC LIMIT \$3/);
    assert.match(ks.union, /t\.email_key IS NULL ORDER BY t\.id DESC LIMIT \$3/);
    assert.deepEqual(ks.values, ['b', 'c', 51]);
    assert.equal(ks.orderBy('p'), 'p._tag, p._seg ASC, p._key DESC, p.id DESC');
  });
});
