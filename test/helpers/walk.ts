import assert from 'node:assert/strict';
import type { Page } from '../../src/platform/list.js';
import { call, type Harness } from './harness.js';

/** Code-point comparison: JS `<` compares UTF-16 units, which differs above U+FFFF. */
export function cmpCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0) as number);
  const y = Array.from(b, (c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  }
  return x.length - y.length;
}

/** A list page as the API returns it: the core's own Page shape. */
export type PageBody<T> = Page<T>;

export type Query = Record<string, string | number | boolean | undefined>;

/** One page of a list, with the invariants every page must hold. */
export async function page<T>(
  h: Harness,
  headers: Record<string, string>,
  path: string,
  q: Query,
): Promise<PageBody<T>> {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) qs.set(k, String(v));
  const r = await call(h, { url: `${path}?${qs}`, headers });
  assert.equal(r.status, 200, r.res.body);
  const p = r.body.data as PageBody<T>;
  assert.equal(p.next_cursor === null, !p.has_next, 'next_cursor null exactly when has_next is false');
  assert.equal(p.prev_cursor === null, !p.has_prev, 'prev_cursor null exactly when has_prev is false');
  assert.equal(p.has_more, p.has_next, 'has_more is has_next');
  assert.ok(p.items.length <= p.limit);
  return p;
}

export interface Walk<T> {
  ids: string[];
  items: T[];
  pages: PageBody<T>[];
}

/** Follows cursors from the first page (next) or the last (prev) to the end; items in list order. */
export async function walk<T extends { id: string }>(
  h: Harness,
  headers: Record<string, string>,
  path: string,
  q: Query,
  direction: 'next' | 'prev',
  between?: () => Promise<void>,
): Promise<Walk<T>> {
  const pages: PageBody<T>[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 2000; i++) {
    const p = await page<T>(h, headers, path, { ...q, direction, cursor });
    pages.push(p);
    const more = direction === 'next' ? p.has_next : p.has_prev;
    if (!more) break;
    cursor = (direction === 'next' ? p.next_cursor : p.prev_cursor) ?? undefined;
    await between?.();
  }
  const ordered = direction === 'next' ? pages : [...pages].reverse();
  const items = ordered.flatMap((p) => p.items);
  return { ids: items.map((r) => r.id), items, pages };
}
