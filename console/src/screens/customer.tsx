import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import type { CounterpartyStatus, CustomerResponse, EntityContactResponse } from '../api.js';
import { useConsole } from '../context.js';
import { may } from '../roles.js';
import { go, href } from '../router.js';
import { ConfirmButton, Empty, ErrorNote, Field, Loading, Title, when } from '../ui.js';
import { money } from './customers.js';

const TEXT_FIELDS = [
  ['name', 'Name'],
  ['email', 'E-mail'],
  ['phone', 'Phone'],
  ['address', 'Address'],
  ['tax_id', 'Tax id'],
  ['website', 'Website'],
  ['category', 'Category'],
  ['notes', 'Notes'],
] as const;
type TextField = (typeof TEXT_FIELDS)[number][0];
const FORM_FIELDS = [...TEXT_FIELDS.map(([f]) => f), 'status', 'credit_limit_cents'];

export function CustomerScreen({ id }: { id: string }) {
  const { api, business } = useConsole();
  const customer = useQuery({ queryKey: ['customer', business.id, id], queryFn: () => api.customers.get(id) });
  const queries = useQueryClient();
  const [editing, setEditing] = useState(false);
  const remove = useMutation({
    mutationFn: () => api.customers.delete(id),
    onSuccess: async () => {
      await queries.invalidateQueries({ queryKey: ['customers', business.id] });
      go('customers');
    },
  });

  if (customer.isPending) return <Loading what="Loading the customer…" />;
  if (customer.isError) {
    return (
      <>
        <Title>Customer</Title>
        <ErrorNote error={customer.error} />
        <p>
          <a href={href('customers')}>Back to the customers</a>
        </p>
      </>
    );
  }
  const c = customer.data;
  return (
    <>
      <p>
        <a href={href('customers')}>← Customers</a>
      </p>
      <div className="heading-row">
        <Title>{c.name}</Title>
        <div className="actions">
          {may(business.role, 'write') && !editing ? (
            <button type="button" onClick={() => setEditing(true)}>
              Edit
            </button>
          ) : null}
          {may(business.role, 'delete') ? (
            <ConfirmButton
              label="Delete customer"
              question={`Delete ${c.name}?`}
              confirmLabel="Yes, delete"
              onConfirm={() => remove.mutate()}
              disabled={remove.isPending}
            />
          ) : null}
        </div>
      </div>
      <ErrorNote error={remove.error} />
      {editing ? (
        <EditCustomer
          customer={c}
          onDone={(saved) => {
            if (saved) queries.setQueryData(['customer', business.id, id], saved);
            setEditing(false);
          }}
        />
      ) : (
        <dl className="facts">
          {TEXT_FIELDS.map(([f, label]) => (
            <div key={f}>
              <dt>{label}</dt>
              <dd>{c[f] ?? '—'}</dd>
            </div>
          ))}
          <div>
            <dt>Status</dt>
            <dd>
              <span className={`badge ${c.status}`}>{c.status}</span>
            </dd>
          </div>
          <div>
            <dt>Credit limit</dt>
            <dd>{money(c.credit_limit_cents)}</dd>
          </div>
          <div>
            <dt>Updated</dt>
            <dd>{when(c.updated_at)}</dd>
          </div>
        </dl>
      )}
      <Contacts customerId={id} />
    </>
  );
}

function EditCustomer({
  customer,
  onDone,
}: {
  customer: CustomerResponse;
  onDone: (saved?: CustomerResponse) => void;
}) {
  const { api } = useConsole();
  const initial = Object.fromEntries(TEXT_FIELDS.map(([f]) => [f, customer[f] ?? ''])) as Record<TextField, string>;
  const [values, setValues] = useState(initial);
  const [status, setStatus] = useState<CounterpartyStatus>(customer.status);
  const [limit, setLimit] = useState(
    customer.credit_limit_cents === null ? '' : String(customer.credit_limit_cents / 100),
  );
  const statusId = useId();
  const save = useMutation({
    mutationFn: () => {
      // A partial update: only what changed (an emptied optional field becomes null).
      const body: Record<string, unknown> = {};
      for (const [f] of TEXT_FIELDS) {
        if (values[f] !== initial[f]) body[f] = values[f] === '' && f !== 'name' && f !== 'email' ? null : values[f];
      }
      if (status !== customer.status) body.status = status;
      const cents = limit.trim() === '' ? null : Math.round(Number(limit) * 100);
      if (cents !== customer.credit_limit_cents) body.credit_limit_cents = Number.isNaN(cents) ? limit : cents;
      return api.customers.update(customer.id, body);
    },
    onSuccess: (saved) => onDone(saved),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form className="card" onSubmit={submit} aria-label="Edit the customer" noValidate>
      <div className="grid">
        {TEXT_FIELDS.map(([f, label]) => (
          <Field
            key={f}
            label={label}
            name={f}
            value={values[f]}
            multiline={f === 'notes' || f === 'address'}
            type={f === 'email' ? 'email' : 'text'}
            onChange={(v) => setValues((old) => ({ ...old, [f]: v }))}
            error={save.error}
            required={f === 'name' || f === 'email'}
          />
        ))}
        <div className="field">
          <label htmlFor={statusId}>Status</label>
          <select id={statusId} value={status} onChange={(e) => setStatus(e.target.value as CounterpartyStatus)}>
            <option value="active">Active</option>
            <option value="inactive">Inactive</option>
            <option value="blocked">Blocked</option>
          </select>
        </div>
        <Field
          label="Credit limit"
          name="credit_limit_cents"
          value={limit}
          onChange={setLimit}
          error={save.error}
          hint="In the currency's units, e.g. 1500.00"
        />
      </div>
      <ErrorNote error={save.error} fields={FORM_FIELDS} />
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save
        </button>
        <button type="button" onClick={() => onDone()}>
          Cancel
        </button>
      </div>
    </form>
  );
}

const CONTACT_FIELDS = ['name', 'email', 'phone', 'role'] as const;

function Contacts({ customerId }: { customerId: string }) {
  const { api, business } = useConsole();
  const key = ['contacts', business.id, customerId];
  const contacts = useQuery({ queryKey: key, queryFn: () => api.contacts.list(customerId, { limit: 100 }).toArray() });
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const queries = useQueryClient();
  const refresh = () => queries.invalidateQueries({ queryKey: key });
  const makePrimary = useMutation({
    mutationFn: (contactId: string) => api.contacts.update(customerId, contactId, { is_primary: true }),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (contactId: string) => api.contacts.delete(customerId, contactId),
    onSuccess: refresh,
  });
  const canWrite = may(business.role, 'write');
  return (
    <section aria-labelledby="contacts-heading">
      <div className="heading-row">
        <h2 id="contacts-heading">Contacts</h2>
        {canWrite ? (
          <button type="button" onClick={() => setAdding((a) => !a)} aria-expanded={adding}>
            Add contact
          </button>
        ) : null}
      </div>
      {adding ? (
        <ContactForm
          customerId={customerId}
          onDone={async () => {
            setAdding(false);
            await refresh();
          }}
        />
      ) : null}
      {contacts.isPending ? <Loading what="Loading contacts…" /> : null}
      <ErrorNote error={contacts.error ?? makePrimary.error ?? remove.error} />
      {contacts.data?.length === 0 ? <Empty>No contacts yet.</Empty> : null}
      <ul className="contacts">
        {(contacts.data ?? []).map((k) => (
          <li key={k.id} className="card" aria-label={k.name}>
            {editing === k.id ? (
              <ContactForm
                customerId={customerId}
                contact={k}
                onDone={async () => {
                  setEditing(null);
                  await refresh();
                }}
              />
            ) : (
              <>
                <p>
                  <strong>{k.name}</strong> {k.is_primary ? <span className="badge primary-badge">Primary</span> : null}
                </p>
                <p className="muted wrap">{[k.email, k.phone, k.role].filter(Boolean).join(' · ') || 'No details'}</p>
                {canWrite ? (
                  <div className="actions">
                    <button type="button" onClick={() => setEditing(k.id)} aria-label={`Edit ${k.name}`}>
                      Edit
                    </button>
                    {!k.is_primary ? (
                      <button
                        type="button"
                        onClick={() => makePrimary.mutate(k.id)}
                        aria-label={`Make primary: ${k.name}`}
                      >
                        Make primary
                      </button>
                    ) : null}
                    {may(business.role, 'delete') ? (
                      <ConfirmButton
                        label="Delete"
                        question={`Delete the contact ${k.name}?`}
                        confirmLabel="Yes, delete"
                        onConfirm={() => remove.mutate(k.id)}
                      />
                    ) : null}
                  </div>
                ) : null}
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function ContactForm({
  customerId,
  contact,
  onDone,
}: {
  customerId: string;
  contact?: EntityContactResponse;
  onDone: () => void;
}) {
  const { api } = useConsole();
  const [values, setValues] = useState({
    name: contact?.name ?? '',
    email: contact?.email ?? '',
    phone: contact?.phone ?? '',
    role: contact?.role ?? '',
  });
  const [primary, setPrimary] = useState(contact?.is_primary ?? false);
  const save = useMutation({
    mutationFn: () => {
      const body = {
        name: values.name,
        email: values.email || null,
        phone: values.phone || null,
        role: values.role || null,
        is_primary: primary,
      };
      return contact ? api.contacts.update(customerId, contact.id, body) : api.contacts.create(customerId, body);
    },
    onSuccess: () => onDone(),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const set = (f: (typeof CONTACT_FIELDS)[number]) => (v: string) => setValues((old) => ({ ...old, [f]: v }));
  return (
    <form onSubmit={submit} aria-label={contact ? `Edit ${contact.name}` : 'New contact'} noValidate>
      <div className="grid">
        <Field
          label="Contact name"
          name="name"
          value={values.name}
          onChange={set('name')}
          error={save.error}
          required
        />
        <Field
          label="Contact e-mail"
          name="email"
          type="email"
          value={values.email}
          onChange={set('email')}
          error={save.error}
        />
        <Field
          label="Contact phone"
          name="phone"
          type="tel"
          value={values.phone}
          onChange={set('phone')}
          error={save.error}
        />
        <Field label="Contact role" name="role" value={values.role} onChange={set('role')} error={save.error} />
      </div>
      <label className="check">
        <input type="checkbox" checked={primary} onChange={(e) => setPrimary(e.target.checked)} />
        Primary contact
      </label>
      <ErrorNote error={save.error} fields={CONTACT_FIELDS} />
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          {contact ? 'Save contact' : 'Add contact'}
        </button>
        <button type="button" onClick={() => onDone()}>
          Cancel
        </button>
      </div>
    </form>
  );
}
