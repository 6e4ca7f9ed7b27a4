import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { fieldErrors, type WebhookEndpointResponse, type WebhookEndpointUpdateRequest } from '../api.js';
import { useConsole } from '../context.js';
import { ConfirmButton, Dialog, Empty, ErrorNote, Field, Loading, SecretOnce, Title, when } from '../ui.js';

type Subscribed =
  | 'customer.created'
  | 'customer.updated'
  | 'customer.deleted'
  | 'contact.created'
  | 'contact.updated'
  | 'contact.deleted'
  | '*';
const EVENTS: Subscribed[] = [
  '*',
  'customer.created',
  'customer.updated',
  'customer.deleted',
  'contact.created',
  'contact.updated',
  'contact.deleted',
];

/** Webhook endpoints (owners and admins): create (secret once), rotate, the delivery log, a test event, redelivery. */
export function WebhooksScreen() {
  const { api, business } = useConsole();
  const queries = useQueryClient();
  const key = ['webhooks', business.id];
  const endpoints = useQuery({ queryKey: key, queryFn: () => api.webhooks.list({ limit: 100 }).toArray() });
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<Subscribed[]>(['*']);
  const [open, setOpen] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () => api.webhooks.create({ url, events, ...(description ? { description } : {}) }),
    onSuccess: (made) => {
      setUrl('');
      setDescription('');
      setOpen(made.id);
      return queries.invalidateQueries({ queryKey: key });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const [editing, setEditing] = useState<WebhookEndpointResponse | null>(null);
  const enable = useMutation({
    mutationFn: (ep: WebhookEndpointResponse) => api.webhooks.update(ep.id, { enabled: !ep.enabled }),
    onSuccess: () => queries.invalidateQueries({ queryKey: key }),
  });

  return (
    <>
      <Title>Webhooks</Title>
      <form className="card" onSubmit={submit} aria-labelledby="new-endpoint" noValidate>
        <h2 id="new-endpoint">New endpoint</h2>
        <div className="grid">
          <Field label="URL" name="url" type="url" value={url} onChange={setUrl} error={create.error} required />
          <Field
            label="Description"
            name="description"
            value={description}
            onChange={setDescription}
            error={create.error}
          />
        </div>
        <EventsField value={events} onChange={setEvents} error={create.error} />
        <ErrorNote error={create.error} fields={['url', 'description', 'events']} />
        <button type="submit" className="primary" disabled={create.isPending}>
          Create endpoint
        </button>
      </form>
      {create.data ? <SecretOnce label={`Signing secret of ${create.data.url}`} value={create.data.secret} /> : null}
      {endpoints.isPending ? <Loading what="Loading endpoints…" /> : null}
      <ErrorNote error={endpoints.error ?? enable.error} />
      {endpoints.data?.length === 0 ? <Empty>No endpoints yet.</Empty> : null}
      <ul className="plain">
        {(endpoints.data ?? []).map((ep) => (
          <li key={ep.id} className="card">
            <div className="heading-row">
              <h2 className="wrap">{ep.url}</h2>
              <button
                type="button"
                aria-expanded={open === ep.id}
                onClick={() => setOpen(open === ep.id ? null : ep.id)}
              >
                {open === ep.id ? 'Hide details' : 'Details'}
              </button>
            </div>
            <p className="muted" data-endpoint-state={ep.enabled ? 'enabled' : 'disabled'}>
              {ep.enabled ? 'Enabled' : 'Disabled'} · {ep.events.join(', ')}
              {ep.description ? ` · ${ep.description}` : ''}
            </p>
            <div className="actions">
              <button type="button" onClick={() => setEditing(ep)} aria-label={`Edit ${ep.url}`}>
                Edit
              </button>
              <button
                type="button"
                onClick={() => enable.mutate(ep)}
                disabled={enable.isPending}
                aria-label={`${ep.enabled ? 'Disable' : 'Enable'} ${ep.url}`}
              >
                {ep.enabled ? 'Disable' : 'Enable'}
              </button>
            </div>
            {open === ep.id ? (
              <Endpoint id={ep.id} onDeleted={() => queries.invalidateQueries({ queryKey: key })} />
            ) : null}
          </li>
        ))}
      </ul>
      {editing ? <EditEndpoint endpoint={editing} onClose={() => setEditing(null)} /> : null}
    </>
  );
}

/** The event types to receive, as checkboxes; a 422 naming `events` is shown under them. */
function EventsField({
  value,
  onChange,
  error,
}: {
  value: Subscribed[];
  onChange: (events: Subscribed[]) => void;
  error: unknown;
}) {
  const problem = fieldErrors(error).events;
  const id = useId();
  const toggle = (ev: Subscribed, on: boolean) =>
    onChange(on ? [...value.filter((x) => x !== ev), ev] : value.filter((x) => x !== ev));
  return (
    <fieldset aria-describedby={problem ? id : undefined}>
      <legend>Events</legend>
      {EVENTS.map((ev) => (
        <label key={ev} className="check">
          <input type="checkbox" checked={value.includes(ev)} onChange={(e) => toggle(ev, e.target.checked)} />
          {ev === '*' ? 'All events' : ev}
        </label>
      ))}
      {problem ? (
        <span id={id} className="field-error">
          {problem}
        </span>
      ) : null}
    </fieldset>
  );
}

const EDIT_FIELDS = ['url', 'description', 'events', 'enabled'] as const;
const sameEvents = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x) => b.includes(x));

/** An endpoint's URL, description, events and whether it is enabled, in a dialog; only what changed is sent. */
function EditEndpoint({ endpoint, onClose }: { endpoint: WebhookEndpointResponse; onClose: () => void }) {
  const { api, business } = useConsole();
  const queries = useQueryClient();
  const [url, setUrl] = useState(endpoint.url);
  const [description, setDescription] = useState(endpoint.description ?? '');
  const [events, setEvents] = useState<Subscribed[]>(endpoint.events as Subscribed[]);
  const [enabled, setEnabled] = useState(endpoint.enabled);
  const patch: WebhookEndpointUpdateRequest = {
    ...(url !== endpoint.url ? { url } : {}),
    ...(description !== (endpoint.description ?? '') ? { description: description === '' ? null : description } : {}),
    ...(sameEvents(events, endpoint.events) ? {} : { events }),
    ...(enabled !== endpoint.enabled ? { enabled } : {}),
  };
  const unchanged = Object.keys(patch).length === 0;
  const save = useMutation({
    mutationFn: () => api.webhooks.update(endpoint.id, patch),
    onSuccess: async () => {
      await queries.invalidateQueries({ queryKey: ['webhooks', business.id] });
      onClose();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!unchanged) save.mutate();
  };
  return (
    <Dialog title="Edit the endpoint" onClose={onClose}>
      <form onSubmit={submit} aria-label="Edit the endpoint" noValidate>
        <Field label="URL" name="url" type="url" value={url} onChange={setUrl} error={save.error} required />
        <Field
          label="Description"
          name="description"
          value={description}
          onChange={setDescription}
          error={save.error}
        />
        <EventsField value={events} onChange={setEvents} error={save.error} />
        <label className="check">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
          Enabled (events are delivered to it)
        </label>
        <ErrorNote error={save.error} fields={EDIT_FIELDS} />
        <div className="actions">
          <button type="submit" className="primary" disabled={save.isPending || unchanged}>
            Save the endpoint
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function Endpoint({ id, onDeleted }: { id: string; onDeleted: () => void }) {
  const { api, business } = useConsole();
  const queries = useQueryClient();
  const logKey = ['deliveries', business.id, id];
  const log = useQuery({
    queryKey: logKey,
    queryFn: async () => {
      for await (const page of api.webhooks.deliveries(id, { limit: 50 }).pages()) return page.items;
      return [];
    },
    // The log fills as deliveries happen: asked again every few seconds while it is open.
    refetchInterval: 3_000,
  });
  const refresh = () => queries.invalidateQueries({ queryKey: logKey });
  const rotate = useMutation({ mutationFn: () => api.webhooks.rotateSecret(id) });
  const test = useMutation({ mutationFn: () => api.webhooks.sendTest(id), onSuccess: refresh });
  const redeliver = useMutation({
    mutationFn: (eventId: string) => api.webhooks.redeliver(id, eventId),
    onSuccess: refresh,
  });
  const remove = useMutation({ mutationFn: () => api.webhooks.delete(id), onSuccess: onDeleted });
  return (
    <div>
      <div className="actions">
        <button type="button" onClick={() => test.mutate()} disabled={test.isPending}>
          Send a test event
        </button>
        <ConfirmButton
          label="Rotate the secret"
          question="Rotate the signing secret? The old one stops being valid."
          confirmLabel="Yes, rotate"
          onConfirm={() => rotate.mutate()}
        />
        <ConfirmButton
          label="Delete endpoint"
          question="Delete this endpoint?"
          confirmLabel="Yes, delete"
          onConfirm={() => remove.mutate()}
        />
      </div>
      {test.isSuccess ? (
        <p role="status" className="muted">
          Test event scheduled.
        </p>
      ) : null}
      <ErrorNote error={test.error ?? rotate.error ?? redeliver.error ?? remove.error} />
      {rotate.data ? <SecretOnce label="New signing secret" value={rotate.data.secret} /> : null}
      <h3>Delivery log</h3>
      {log.isPending ? <Loading what="Loading deliveries…" /> : null}
      <ErrorNote error={log.error} />
      {log.data?.length === 0 ? <Empty>No deliveries yet.</Empty> : null}
      {log.data && log.data.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Delivery attempts</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">Attempt</th>
                <th scope="col">Result</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {log.data.map((d) => (
                <tr key={d.id} data-delivery={d.event_type}>
                  <td>{when(d.created_at)}</td>
                  <td>
                    <code>{d.event_type}</code>
                  </td>
                  <td className="num">{d.attempt}</td>
                  <td className="wrap">
                    {d.status_code !== null && d.status_code >= 200 && d.status_code < 300
                      ? `Delivered (${d.status_code})`
                      : `Failed: ${d.error ?? d.status_code ?? 'no answer'}`}
                    {d.next_retry_at ? `, retry ${when(d.next_retry_at)}` : ''}
                  </td>
                  <td>
                    <button
                      type="button"
                      onClick={() => redeliver.mutate(d.event_id)}
                      aria-label={`Redeliver ${d.event_type}`}
                    >
                      Redeliver
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
