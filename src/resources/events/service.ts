import type { CursorBinding, CursorCodec } from '../../platform/cursor.js';
import type { Db, Queryable } from '../../platform/db/db.js';
import { InvalidCursorError } from '../../platform/errors.js';
import { uuidv7 } from '../../platform/ids.js';
import { Params, queryRow } from '../../platform/sql.js';
import { toRfc3339 } from '../../platform/text.js';
import type { Event, EventType } from './schemas.js';

/** A change to record: what happened, to which object, its state now, and what changed. */
export interface NewEvent {
  type: EventType;
  objectId: string;
  object: Record<string, unknown>;
  previous: Record<string, unknown> | null;
}

/** Fields that change on every write and say nothing of their own. */
const BOOKKEEPING = new Set(['updated_at']);

/**
 * The fields of `before` whose values differ in `after`, with their old values;
 * null when nothing (but bookkeeping) changed: such a write records no event.
 */
export function changedFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, unknown> | null {
  const previous: Record<string, unknown> = {};
  for (const [field, old] of Object.entries(before)) {
    if (BOOKKEEPING.has(field) || field === 'contacts') continue;
    if (JSON.stringify(old) !== JSON.stringify(after[field])) previous[field] = old;
  }
  return Object.keys(previous).length > 0 ? previous : null;
}

/**
 * Records events in the caller's transaction. Call it last, just before the
 * commit: it takes the business's next feed positions from its counter row,
 * which stays locked until the commit, so positions follow commit order — a
 * reader walking the feed never passes a position that a slower transaction
 * could still fill.
 */
export async function recordEvents(tx: Queryable, businessId: string, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  const counter = await queryRow<{ last: string }>(
    tx,
    `INSERT INTO event_positions (business_id, last) VALUES ($1, $2)
     ON CONFLICT (business_id) DO UPDATE SET last = event_positions.last + EXCLUDED.last
     RETURNING last`,
    [businessId, events.length],
  );
  const first = BigInt(counter.last) - BigInt(events.length) + 1n;
  const p = new Params([businessId, first.toString()]);
  // The events, and in the same statement a webhook delivery for each enabled endpoint each matches.
  await tx.query(
    `WITH ev AS (
     INSERT INTO events (business_id, position, id, type, object_id, data, previous_attributes)
     SELECT $1, $2::bigint + u.ord - 1, u.id, u.type, u.object_id, u.data, u.previous
       FROM unnest(${p.bind(events.map(() => uuidv7()))}::uuid[], ${p.bind(events.map((e) => e.type))}::text[],
                   ${p.bind(events.map((e) => e.objectId))}::uuid[],
                   ${p.bind(events.map((e) => JSON.stringify({ object: e.object })))}::text[],
                   ${p.bind(events.map((e) => (e.previous === null ? null : JSON.stringify(e.previous))))}::text[])
            WITH ORDINALITY AS u(id, type, object_id, data, previous, ord)
     RETURNING position, type)
     INSERT INTO webhook_deliveries (business_id, endpoint_id, event_position, next_attempt_at)
     SELECT $1, w.id, ev.position, now()
       FROM ev JOIN webhook_endpoints w
         ON w.business_id = $1 AND w.enabled AND ('*' = ANY (w.events) OR ev.type = ANY (w.events))`,
    p.values,
  );
}

interface EventRow {
  pos: string;
  id: string;
  type: EventType;
  created_at: string;
  data: string;
  previous_attributes: string | null;
}

function toEvent(r: EventRow): Event {
  return {
    id: r.id,
    type: r.type,
    created_at: toRfc3339(r.created_at) ?? '',
    data: JSON.parse(r.data) as Event['data'],
    previous_attributes:
      r.previous_attributes === null ? null : (JSON.parse(r.previous_attributes) as Record<string, unknown>),
  };
}

export interface EventFilters {
  types?: readonly EventType[] | undefined;
  objectId?: string | undefined;
}

export interface EventPageParams {
  cursor?: string | undefined;
  limit: number;
  direction: 'next' | 'prev';
  includeTotalCount: boolean;
}

export interface EventPage {
  items: Event[];
  total: number | null;
  limit: number;
  next_cursor: string;
  prev_cursor: string | null;
  has_next: boolean;
  has_prev: boolean;
  has_more: boolean;
}

/** The id a cursor at a position carries (positions are the order; the id is not needed for it). */
const NO_ID = '00000000-0000-7000-8000-000000000000';

/**
 * One page of a business's feed, in position (commit) order. A cursor is a
 * position: `next` reads after it, `prev` before it. `next_cursor` is never
 * null: at the end it is where to poll from.
 */
export async function listEvents(
  db: Db,
  codec: CursorCodec,
  businessId: string,
  filters: EventFilters,
  params: EventPageParams,
): Promise<EventPage> {
  const binding: CursorBinding = {
    owner: businessId,
    scope: `events:${JSON.stringify([filters.types ? [...filters.types].sort() : null, filters.objectId ?? null])}`,
    sortBy: 'position',
    descending: false,
  };
  let at: bigint | null = null;
  if (params.cursor !== undefined) {
    const pos = codec.decode(binding, params.cursor);
    if (pos === 'malformed' || pos === 'sort_mismatch' || pos.value === null || !/^\d{1,19}$/.test(pos.value)) {
      throw new InvalidCursorError(pos === 'sort_mismatch' ? 'sort_mismatch' : 'malformed', params.cursor);
    }
    at = BigInt(pos.value);
  }
  const p = new Params([businessId]);
  const where = ['business_id = $1'];
  if (filters.types !== undefined) where.push(`type = ANY(${p.bind([...filters.types])}::text[])`);
  if (filters.objectId !== undefined) where.push(`object_id = ${p.bind(filters.objectId)}::uuid`);
  const filter = where.join(' AND ');
  const forward = params.direction === 'next';
  const atParam = at === null ? null : `${p.bind(at.toString())}::bigint`;
  // Next: after the cursor (or from the start); prev: before it (or from the end).
  const seek = atParam === null ? '' : ` AND position ${forward ? '>' : '<'} ${atParam}`;
  // Whether anything lies on the other side of the cursor: in the same statement, whose one
  // outer row carries it even when the page is empty.
  const other =
    atParam === null
      ? 'false'
      : `EXISTS (SELECT 1 FROM events WHERE ${filter} AND position ${forward ? '<=' : '>='} ${atParam})`;
  const dir = forward ? 'ASC' : 'DESC';
  const [page, count] = await Promise.all([
    db.query<{ [K in keyof EventRow]: EventRow[K] | null } & { _other: boolean }>(
      `SELECT ${other} AS _other, e.*
         FROM (SELECT 1) one
         LEFT JOIN LATERAL (
           SELECT position, position::text AS pos, id, type, created_at, data, previous_attributes
             FROM events WHERE ${filter}${seek}
            ORDER BY position ${dir} LIMIT ${p.bind(params.limit + 1)}
         ) e ON true
        ORDER BY e.position ${dir}`,
      p.values,
    ),
    params.includeTotalCount
      ? db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM events WHERE ${filter}`,
          p.values.slice(0, where.length),
        )
      : null,
  ]);
  const rows = page.rows.filter((r): r is EventRow & { _other: boolean } => r.pos !== null);
  const more = rows.length > params.limit;
  if (more) rows.length = params.limit;
  if (!forward) rows.reverse();
  const otherSide = page.rows[0]?._other === true;
  const hasNext = forward ? more : otherSide;
  const hasPrev = forward ? otherSide : more;
  const cursorAt = (position: bigint | string) =>
    codec.encode(binding, { value: position.toString(), id: NO_ID, inclusive: false });
  const last = rows.at(-1);
  const first = rows[0];
  // At the end, the next cursor is where to poll from: the last event seen, or the cursor given, or the start.
  const nextAt = last ? last.pos : forward ? (at ?? 0n) : at !== null ? at - 1n : 0n;
  return {
    items: rows.map(toEvent),
    total: count ? (count.rows[0]?.n ?? 0) : null,
    limit: params.limit,
    next_cursor: cursorAt(nextAt),
    // An empty page after the cursor: the page before it ends with the cursor's own event.
    prev_cursor: hasPrev ? cursorAt(first ? first.pos : (at ?? 0n) + 1n) : null,
    has_next: hasNext,
    has_prev: hasPrev,
    has_more: hasNext,
  };
}

/** Deletes up to `batch` events older than `days`; resolves to how many. */
export async function purgeEvents(db: Db, days: number, batch = 1000): Promise<number> {
  const res = await db.query(
    `DELETE FROM events WHERE (business_id, position) IN
       (SELECT business_id, position FROM events WHERE created_at < now() - make_interval(days => $1::int) LIMIT $2)`,
    [days, batch],
  );
  return res.rowCount;
}
