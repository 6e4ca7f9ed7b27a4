import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useState } from 'react';
import type { CounterpartyStatus, CustomerResponse } from '../api.js';
import { useConsole } from '../context.js';
import { may } from '../roles.js';
import { go, href } from '../router.js';
import { Empty, ErrorNote, Field, Loading, Title } from '../ui.js';

type SortBy = 'name' | 'email' | 'status' | 'credit_limit_cents' | 'created_at' | 'updated_at';
const COLUMNS: { key: SortBy; label: string }[] = [
  { key: 'name', label: 'Name' },
  { key: 'email', label: 'E-mail' },
  { key: 'status', label: 'Status' },
  { key: 'credit_limit_cents', label: 'Credit limit' },
  { key: 'created_at', label: 'Created' },
];
const PAGE = 20;

export const money = (cents: number | null) =>
  cents === null
    ? '—'
    : (cents / 100).toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

export function CustomersScreen() {
  const { api, business } = useConsole();
  const queries = useQueryClient();
  const [text, setText] = useState('');
  const search = useDebounced(text.trim(), 200);
  const [status, setStatus] = useState<CounterpartyStatus | ''>('');
  const [sort, setSort] = useState<{ by: SortBy; descending: boolean } | null>(null);
  const [at, setAt] = useState<{ cursor: string; direction: 'next' | 'prev' } | null>(null);
  const [withTotal, setWithTotal] = useState(false);
  const [creating, setCreating] = useState(false);
  const searchId = useId();
  const statusId = useId();

  // A new question starts at the first page.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the dependencies are the triggers
  useEffect(() => setAt(null), [search, status, sort]);

  const filters = {
    ...(search ? { search } : {}),
    ...(status ? { status } : {}),
    ...(sort ? { sort_by: sort.by, descending: sort.descending } : {}),
  };
  const list = useQuery({
    queryKey: ['customers', business.id, filters, at, withTotal],
    queryFn: () =>
      api.customers.page({
        ...filters,
        limit: PAGE,
        ...(at ? { cursor: at.cursor, direction: at.direction } : {}),
        ...(withTotal ? { include_total_count: true } : {}),
      }),
    placeholderData: keepPreviousData,
  });
  const exportLink = useMutation({
    mutationFn: () => api.customers.exportLink(filters),
    // The browser downloads by navigation: the server streams the file, whatever its size.
    onSuccess: (link) => window.location.assign(link.url),
  });

  const page = list.data;
  const sortBy = (key: SortBy) =>
    setSort((s) => (s?.by === key ? { by: key, descending: !s.descending } : { by: key, descending: false }));

  return (
    <>
      <div className="heading-row">
        <Title>Customers</Title>
        <div className="actions">
          {may(business.role, 'write') ? (
            <button type="button" className="primary" onClick={() => setCreating((c) => !c)} aria-expanded={creating}>
              New customer
            </button>
          ) : null}
          <button type="button" onClick={() => exportLink.mutate()} disabled={exportLink.isPending}>
            Export CSV
          </button>
        </div>
      </div>
      <ErrorNote error={exportLink.error} />
      {creating ? (
        <CreateCustomer
          onDone={async (created) => {
            setCreating(false);
            await queries.invalidateQueries({ queryKey: ['customers', business.id] });
            if (created) go('customers', created.id);
          }}
        />
      ) : null}
      <section aria-label="Filters" className="filters">
        <div className="field">
          <label htmlFor={searchId}>Search</label>
          <input
            id={searchId}
            type="search"
            value={text}
            placeholder="Name, e-mail, phone…"
            onChange={(e) => setText(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={statusId}>Status</label>
          <select id={statusId} value={status} onChange={(e) => setStatus(e.target.value as CounterpartyStatus | '')}>
            <option value="">Any</option>
            <option value="active">Active</option>
            <option value="inactive">Inactive</option>
            <option value="blocked">Blocked</option>
          </select>
        </div>
        <label className="check">
          <input type="checkbox" checked={withTotal} onChange={(e) => setWithTotal(e.target.checked)} />
          Show the total
        </label>
      </section>
      {list.isPending ? <Loading what="Loading customers…" /> : null}
      <ErrorNote error={list.error} />
      {page ? (
        // Which search the rows on screen answer (absent while an older answer stands in for a
        // newer question): `npm run bench:console-search` times a keystroke's request to it.
        <div data-results-for={list.isPlaceholderData ? undefined : search}>
          <p className="muted" role="status" aria-live="polite">
            {list.isFetching ? 'Updating…' : withTotal && page.total !== null ? `${page.total} customers in all` : ''}
          </p>
          {page.items.length === 0 ? (
            <Empty>{search || status ? 'No customer matches.' : 'No customers yet.'}</Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">Customers</caption>
                <thead>
                  <tr>
                    {COLUMNS.map((c) => (
                      <th
                        key={c.key}
                        scope="col"
                        aria-sort={sort?.by === c.key ? (sort.descending ? 'descending' : 'ascending') : undefined}
                      >
                        <button type="button" className="sort" onClick={() => sortBy(c.key)}>
                          {c.label}
                          <span aria-hidden="true">{sort?.by === c.key ? (sort.descending ? ' ▼' : ' ▲') : ''}</span>
                        </button>
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((c) => (
                    <tr key={c.id}>
                      <td>
                        <a href={href('customers', c.id)}>{c.name}</a>
                      </td>
                      <td className="wrap">{c.email}</td>
                      <td>
                        <span className={`badge ${c.status}`}>{c.status}</span>
                      </td>
                      <td className="num">{money(c.credit_limit_cents)}</td>
                      <td>{new Date(c.created_at).toLocaleDateString()}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <nav className="pager" aria-label="Pages">
            <button
              type="button"
              disabled={!page.has_prev || page.prev_cursor === null}
              onClick={() => page.prev_cursor && setAt({ cursor: page.prev_cursor, direction: 'prev' })}
            >
              Previous page
            </button>
            <button
              type="button"
              disabled={!page.has_next || page.next_cursor === null}
              onClick={() => page.next_cursor && setAt({ cursor: page.next_cursor, direction: 'next' })}
            >
              Next page
            </button>
          </nav>
        </div>
      ) : null}
    </>
  );
}

const CREATE_FIELDS = ['name', 'email', 'phone', 'status', 'credit_limit_cents'] as const;

function CreateCustomer({ onDone }: { onDone: (created?: CustomerResponse) => void }) {
  const { api } = useConsole();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const [status, setStatus] = useState<CounterpartyStatus>('active');
  const statusId = useId();
  const create = useMutation({
    mutationFn: () => api.customers.create({ name, email, status, ...(phone ? { phone } : {}) }),
    onSuccess: (created) => onDone(created),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="new-customer" noValidate>
      <h2 id="new-customer">New customer</h2>
      <div className="grid">
        <Field label="Name" name="name" value={name} onChange={setName} error={create.error} required />
        <Field
          label="E-mail"
          name="email"
          type="email"
          value={email}
          onChange={setEmail}
          error={create.error}
          required
        />
        <Field label="Phone" name="phone" type="tel" value={phone} onChange={setPhone} error={create.error} />
        <div className="field">
          <label htmlFor={statusId}>Status</label>
          <select id={statusId} value={status} onChange={(e) => setStatus(e.target.value as CounterpartyStatus)}>
            <option value="active">Active</option>
            <option value="inactive">Inactive</option>
            <option value="blocked">Blocked</option>
          </select>
        </div>
      </div>
      <ErrorNote error={create.error} fields={CREATE_FIELDS} />
      <div className="actions">
        <button type="submit" className="primary" disabled={create.isPending}>
          Create customer
        </button>
        <button type="button" onClick={() => onDone()}>
          Cancel
        </button>
      </div>
    </form>
  );
}
