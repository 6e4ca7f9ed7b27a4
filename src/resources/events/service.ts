import type { Clock } from '../../platform/clock.js';
import type { CursorCodec, Position } from '../../platform/cursor.js';
import type { Db, Queryable } from '../../platform/db/db.js';
import { uuidv7 } from '../../platform/ids.js';
import { type KeysetRow, listPage, type Page, type SortKey } from '../../platform/list.js';
import { query, queryRow, type Sql, sql } from '../../platform/sql.js';
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
  const business = sql.param(businessId);
  const counter = await queryRow<{ last: string }>(
    tx,
    sql`INSERT INTO event_positions (business_id, last) VALUES (${business}, ${events.length})
     ON CONFLICT (business_id) DO UPDATE SET last = event_positions.last + EXCLUDED.last
     RETURNING last`,
  );
  const first = BigInt(counter.last) - BigInt(events.length) + 1n;
  // The events, and in the same statement a webhook delivery for each enabled endpoint each matches.
  await query(
    tx,
    sql`WITH ev AS (
     INSERT INTO events (business_id, position, id, type, object_id, data, previous_attributes)
     SELECT ${business}, ${first.toString()}::bigint + u.ord - 1, u.id, u.type, u.object_id, u.data, u.previous
       FROM unnest(${events.map(() => uuidv7())}::uuid[], ${events.map((e) => e.type)}::text[],
                   ${events.map((e) => e.objectId)}::uuid[],
                   ${events.map((e) => JSON.stringify({ object: e.object }))}::text[],
                   ${events.map((e) => (e.previous === null ? null : JSON.stringify(e.previous)))}::text[])
            WITH ORDINALITY AS u(id, type, object_id, data, previous, ord)
     RETURNING position, type)
     INSERT INTO webhook_deliveries (business_id, endpoint_id, event_position, next_attempt_at)
     SELECT ${business}, w.id, ev.position, now()
       FROM ev JOIN webhook_endpoints w
         ON w.business_id = ${business} AND w.enabled AND ('*' = ANY (w.events) OR ev.type = ANY (w.events))`,
  );
}

interface EventRow {
  id: string;
  type: EventType;
  created_at: string;
  data: string;
  previous_attributes: string | null;
}

/** The columns of an event row (EventRow). */
const EVENT_COLUMNS = 't.id, t.type, t.created_at, t.data, t.previous_attributes';

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

export interface EventPage extends Page<Event> {
  next_cursor: string;
}

/** The feed's order: each event's position, unique in its business. */
const POSITION: SortKey = {
  expr: sql.raw('t.position'),
  cast: (p) => sql`${p}::bigint`,
  nullable: false,
  unique: true,
  accepts: (value) => /^\d{1,19}$/.test(value),
};

/** Before the first position (positions start at 1); the id is not part of the order. */
const ORIGIN: Position = { value: '0', id: '00000000-0000-7000-8000-000000000000', inclusive: false };

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
  const where: Sql[] = [sql`t.business_id = ${businessId}`];
  if (filters.types !== undefined) where.push(sql`t.type = ANY(${[...filters.types]}::text[])`);
  if (filters.objectId !== undefined) where.push(sql`t.object_id = ${filters.objectId}::uuid`);
  const page = await listPage<EventRow & KeysetRow, Event>(
    db,
    codec,
    { ...params, sortBy: 'position', descending: false },
    {
      owner: businessId,
      scope: `events:${JSON.stringify([filters.types ? [...filters.types].sort() : null, filters.objectId ?? null])}`,
      sortBy: 'position',
      key: POSITION,
      from: 'events t',
      columns: EVENT_COLUMNS,
      where: sql.join(where, ' AND '),
      total: 'count',
      map: toEvent,
      origin: ORIGIN,
    },
  );
  const next = page.next_cursor;
  if (next === null) throw new Error('a list with an origin always has a next cursor');
  return { ...page, next_cursor: next };
}

/** Deletes up to `batch` events older than `days`; resolves to how many. */
export async function purgeEvents(db: Db, clock: Clock, days: number, batch = 1000): Promise<number> {
  const res = await query(
    db,
    sql`DELETE FROM events WHERE (business_id, position) IN
       (SELECT business_id, position FROM events WHERE created_at < ${clock.sql()} - make_interval(days => ${days}::int) LIMIT ${batch})`,
  );
  return res.rowCount;
}
