import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { CursorCodec } from '../src/platform/cursor.js';
import { emailProblem } from '../src/platform/email.js';
import { isUuid, uuidv7 } from '../src/platform/ids.js';
import { bigintKey, buildKeyset, type KeysetSql, pageStatement, textKey, timestampKey } from '../src/platform/list.js';
import { build, patchAssignments, same, sql } from '../src/platform/sql.js';
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

describe('SQL builder', () => {
  test('values become placeholders, numbered only when built', () => {
    const id = 'x';
    const f = sql`SELECT * FROM t WHERE a = ${id} AND b = ${2}`;
    assert.deepEqual(build(f), { text: 'SELECT * FROM t WHERE a = $1 AND b = $2', values: ['x', 2] });
  });

  test('fragments nest, each carrying its own values, numbered in order of use', () => {
    const cond = sql`b = ${'inner'}`;
    const f = sql`SELECT ${1} WHERE a = ${'outer'} AND ${cond} AND c = ${sql`${'deep'} || ${sql`${'deeper'}`}`}`;
    assert.deepEqual(build(f), {
      text: 'SELECT $1 WHERE a = $2 AND b = $3 AND c = $4 || $5',
      values: [1, 'outer', 'inner', 'deep', 'deeper'],
    });
  });

  test('a value interpolated twice is bound twice; a fragment or a param used twice, once', () => {
    assert.deepEqual(build(sql`${'v'}, ${'v'}`), { text: '$1, $2', values: ['v', 'v'] });
    const p = sql.param('once');
    const where = sql`a = ${'w'}`;
    assert.deepEqual(build(sql`${p}, ${where}, ${p}, ${where}, ${'z'}`), {
      text: '$1, a = $2, $1, a = $2, $3',
      values: ['once', 'w', 'z'],
    });
  });

  test('raw pieces are spliced as text; values of any kind are bound, never spliced', () => {
    const f = sql`SELECT ${sql.raw('t.name')} FROM ${sql.raw('customers t')} WHERE t.name = ${"x'); DROP TABLE t; --"}`;
    assert.deepEqual(build(f), {
      text: 'SELECT t.name FROM customers t WHERE t.name = $1',
      values: ["x'); DROP TABLE t; --"],
    });
    assert.deepEqual(build(sql`${null}, ${[1, 2]}, ${undefined}`).values, [null, [1, 2], undefined]);
  });

  test('joins: a separator between fragments, nothing for none', () => {
    assert.deepEqual(build(sql.join([sql`a = ${1}`, sql`b = ${2}`, sql.raw('c')], ' AND ')), {
      text: 'a = $1 AND b = $2 AND c',
      values: [1, 2],
    });
    assert.deepEqual(build(sql`SET x${sql.join([])}y`), { text: 'SET xy', values: [] });
    assert.deepEqual(build(sql.join([sql`${'only'}`])), { text: '$1', values: ['only'] });
    assert.deepEqual(build(sql`${sql.empty}${sql.empty}`), { text: '', values: [] });
  });

  test('partial updates: one assignment per column a field sets', () => {
    const sets = patchAssignments<{ name?: string; notes?: string | null; role?: string }>(
      { name: 'Ann', notes: null },
      { name: { name: same, name_key: (v) => v.toLowerCase() }, notes: { notes: same }, role: { role: same } },
    );
    assert.deepEqual(build(sql.join(sets)), {
      text: 'name = $1, name_key = $2, notes = $3',
      values: ['Ann', 'ann', null],
    });
  });
});

describe('keyset SQL', () => {
  const base = {
    from: sql.raw('contacts t'),
    columns: sql.raw('t.id, t.name'),
    where: sql`t.business_id = ${'b'} AND t.customer_id = ${'c'}`,
    descending: false,
    limit: 50,
  };
  const union = (ks: KeysetSql) => build(ks.union);

  test('one SQL text serves every page size', () => {
    const texts = new Set(
      [1, 2, 50, 999, 1000].map(
        (limit) =>
          union(
            buildKeyset({
              ...base,
              limit,
              key: timestampKey('created_at'),
              direction: 'next',
              cursor: null,
            }),
          ).text,
      ),
    );
    assert.equal(texts.size, 1);
  });

  test('a NOT NULL key: one range scan, no OFFSET, no count', () => {
    const { text, values } = union(
      buildKeyset({
        ...base,
        key: timestampKey('created_at'),
        direction: 'next',
        cursor: { value: '2026-01-01 00:00:00+00', id: 'i', inclusive: false },
      }),
    );
    assert.equal(text.match(/SELECT 0 AS _tag/g)?.length, 1, 'page: one range scan');
    assert.equal(text.match(/SELECT 1 AS _tag/g)?.length, 1, 'probe: one row the other way');
    assert.doesNotMatch(text, /OFFSET|count\(/i);
    assert.match(
      text,
      /WHERE t\.business_id = \$1 AND t\.customer_id = \$2 AND \(t\.created_at, t\.id\) > \(\$3::timestamptz, \$4::uuid\)/,
    );
    assert.match(text, /ORDER BY t\.created_at ASC, t\.id ASC LIMIT \$5\)/, 'the page size is bound, not spliced');
    assert.match(
      text,
      /\(t\.created_at, t\.id\) <= \(\$3::timestamptz, \$4::uuid\)/,
      'the probe reads the same bound position',
    );
    assert.match(text, /ORDER BY t\.created_at DESC, t\.id DESC LIMIT 1\)/, 'the probe reads one row');
    assert.deepEqual(values, ['b', 'c', '2026-01-01 00:00:00+00', 'i', 51]);
  });

  test('a nullable key walks the non-NULL segment, then the NULL one', () => {
    const ks = buildKeyset({
      ...base,
      descending: true,
      key: textKey('email_key', true),
      direction: 'next',
      cursor: null,
    });
    const { text, values } = union(ks);
    assert.match(text, /t\.email_key IS NOT NULL ORDER BY t\.email_key DESC, t\.id DESC LIMIT \$3/);
    assert.match(text, /t\.email_key IS NULL ORDER BY t\.id DESC LIMIT \$3/);
    assert.deepEqual(values, ['b', 'c', 51]);
    assert.equal(build(ks.orderBy('p')).text, 'p._tag, p._seg ASC, p._key DESC, p.id DESC');
  });

  test('a unique key orders by itself alone', () => {
    const { text, values } = union(
      buildKeyset({
        ...base,
        key: { ...bigintKey('position', false), unique: true },
        direction: 'prev',
        cursor: { value: '7', id: 'i', inclusive: true },
      }),
    );
    assert.match(text, /AND t\.position <= \$3::bigint ORDER BY t\.position DESC LIMIT \$4\)/);
    assert.match(text, /AND t\.position > \$3::bigint ORDER BY t\.position ASC LIMIT 1\)/);
    assert.doesNotMatch(text, /t\.id (ASC|DESC)|, t\.id\)/, 'no id in the order or the seek');
    assert.deepEqual(values, ['b', 'c', '7', 51]);
  });

  test('the page statement is the union ordered', () => {
    const ks = buildKeyset({ ...base, key: timestampKey('created_at'), direction: 'next', cursor: null });
    const { text } = build(pageStatement(ks));
    assert.ok(text.startsWith('SELECT * FROM ((SELECT 0 AS _tag'));
    assert.ok(text.endsWith(') p ORDER BY p._tag, p._seg ASC, p._key ASC, p.id ASC'));
  });
});
