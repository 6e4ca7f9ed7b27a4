import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { EventType } from '../api.js';
import { useConsole } from '../context.js';
import { Empty, ErrorNote, Loading, Title, when } from '../ui.js';

const TYPES: EventType[] = [
  'customer.created',
  'customer.updated',
  'customer.deleted',
  'contact.created',
  'contact.updated',
  'contact.deleted',
];

/** The business's change feed, newest first, filtered by type. */
export function EventsScreen() {
  const { api, business } = useConsole();
  const [type, setType] = useState<EventType | ''>('');
  // The feed is oldest first: its end is read backwards (direction prev), then shown newest first.
  const [before, setBefore] = useState<string[]>([]);
  const cursor = before[before.length - 1];
  const typeId = useId();
  const feed = useQuery({
    queryKey: ['events', business.id, type, cursor],
    queryFn: () =>
      api.events.page({
        direction: 'prev',
        limit: 25,
        ...(type ? { type: [type] } : {}),
        ...(cursor ? { cursor } : {}),
      }),
    placeholderData: keepPreviousData,
  });
  const page = feed.data;
  const items = page ? [...page.items].reverse() : [];
  return (
    <>
      <Title>Events</Title>
      <div className="filters">
        <div className="field">
          <label htmlFor={typeId}>Type</label>
          <select
            id={typeId}
            value={type}
            onChange={(e) => {
              setType(e.target.value as EventType | '');
              setBefore([]);
            }}
          >
            <option value="">All types</option>
            {TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
      </div>
      {feed.isPending ? <Loading what="Loading events…" /> : null}
      <ErrorNote error={feed.error} />
      {page && items.length === 0 ? <Empty>No events.</Empty> : null}
      {items.length > 0 ? (
        <ol className="events">
          {items.map((e) => {
            const object = e.data.object as { name?: unknown; id?: unknown };
            return (
              <li key={e.id} className="card">
                <p>
                  <code>{e.type}</code> <span className="muted">{when(e.created_at)}</span>
                </p>
                <p className="wrap">{typeof object.name === 'string' ? object.name : String(object.id ?? '')}</p>
              </li>
            );
          })}
        </ol>
      ) : null}
      {page ? (
        <nav className="pager" aria-label="Pages">
          <button type="button" disabled={before.length === 0} onClick={() => setBefore((b) => b.slice(0, -1))}>
            Newer events
          </button>
          <button
            type="button"
            disabled={!page.has_prev || page.prev_cursor === null}
            onClick={() => page.prev_cursor && setBefore((b) => [...b, page.prev_cursor as string])}
          >
            Older events
          </button>
        </nav>
      ) : null}
    </>
  );
}
