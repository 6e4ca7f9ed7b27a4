import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useConsole } from '../context.js';
import { passkeysUnavailable, registerPasskey } from '../passkeys.js';
import { ConfirmButton, Empty, ErrorNote, Field, Loading, SecretOnce, Title, when } from '../ui.js';

/** The signed-in user's passkeys: register one on this device, delete one. */
function PasskeysPanel() {
  const { api, session } = useConsole();
  const queries = useQueryClient();
  const key = ['passkeys', session.user.id];
  const passkeys = useQuery({ queryKey: key, queryFn: async () => (await api.passkeys.list()).items });
  const [name, setName] = useState('');
  const register = useMutation({
    mutationFn: () => registerPasskey(api, name),
    onSuccess: () => {
      setName('');
      return queries.invalidateQueries({ queryKey: key });
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.passkeys.remove(id),
    onSuccess: () => queries.invalidateQueries({ queryKey: key }),
  });
  const unavailable = passkeysUnavailable();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    register.mutate();
  };
  return (
    <section aria-labelledby="passkeys-heading">
      <h2 id="passkeys-heading">Passkeys</h2>
      <p>A passkey signs you in again on this device without a link or a token.</p>
      {unavailable ? (
        <p className="muted">{unavailable}</p>
      ) : (
        <form className="card" onSubmit={submit} aria-label="New passkey" noValidate>
          <Field
            label="Passkey name"
            name="name"
            value={name}
            onChange={setName}
            error={register.error}
            hint="For you to tell them apart, e.g. “Work laptop”."
          />
          <ErrorNote error={register.error} fields={['name']} />
          <button type="submit" className="primary" disabled={register.isPending}>
            {register.isPending ? 'Waiting for the passkey…' : 'Add a passkey'}
          </button>
        </form>
      )}
      {passkeys.isPending ? <Loading what="Loading passkeys…" /> : null}
      <ErrorNote error={passkeys.error ?? remove.error} />
      {passkeys.isSuccess && passkeys.data.length === 0 ? <Empty>No passkeys yet.</Empty> : null}
      {passkeys.data && passkeys.data.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Passkeys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Added</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {passkeys.data.map((p) => (
                <tr key={p.id} data-passkey-id={p.id}>
                  <td>{p.name}</td>
                  <td>{when(p.created_at)}</td>
                  <td>{when(p.last_used_at)}</td>
                  <td>
                    <ConfirmButton
                      label={`Delete passkey ${p.name}`}
                      question="Delete this passkey? It will not sign you in any more."
                      confirmLabel="Yes, delete"
                      onConfirm={() => remove.mutate(p.id)}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

/** The signed-in user's API tokens: create (shown once), revoke; and their passkeys. */
export function TokensScreen() {
  const { api, session } = useConsole();
  const queries = useQueryClient();
  const key = ['tokens', session.user.id];
  const tokens = useQuery({ queryKey: key, queryFn: () => api.tokens.list({ limit: 100 }).toArray() });
  const [days, setDays] = useState('');
  const create = useMutation({
    mutationFn: () => api.tokens.create(days.trim() === '' ? {} : { expires_in_days: Number(days) }),
    onSuccess: () => queries.invalidateQueries({ queryKey: key }),
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api.tokens.revoke(id),
    onSuccess: () => queries.invalidateQueries({ queryKey: key }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const live = (tokens.data ?? []).filter((t) => t.revoked_at === null);
  return (
    <>
      <Title>API tokens</Title>
      <p>Tokens of your account ({session.user.email}), for programs that call the API.</p>
      <form className="card" onSubmit={submit} aria-label="New token" noValidate>
        <Field
          label="Expires in (days)"
          name="expires_in_days"
          type="number"
          value={days}
          onChange={setDays}
          error={create.error}
          hint="Leave empty for a token that does not expire."
        />
        <ErrorNote error={create.error} fields={['expires_in_days']} />
        <button type="submit" className="primary" disabled={create.isPending}>
          Create token
        </button>
      </form>
      {create.data ? <SecretOnce label="Your new token" value={create.data.token} /> : null}
      {tokens.isPending ? <Loading what="Loading tokens…" /> : null}
      <ErrorNote error={tokens.error ?? revoke.error} />
      {tokens.isSuccess && live.length === 0 ? <Empty>No live tokens.</Empty> : null}
      {live.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Live tokens</caption>
            <thead>
              <tr>
                <th scope="col">Token</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {live.map((t) => (
                <tr key={t.id} data-token-id={t.id}>
                  <td>
                    <code>{t.prefix}…</code>
                  </td>
                  <td>{when(t.created_at)}</td>
                  <td>{when(t.last_used_at)}</td>
                  <td>{t.expires_at ? when(t.expires_at) : 'never'}</td>
                  <td>
                    <ConfirmButton
                      label={`Revoke ${t.prefix}`}
                      question="Revoke this token? Programs using it stop working."
                      confirmLabel="Yes, revoke"
                      onConfirm={() => revoke.mutate(t.id)}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <PasskeysPanel />
    </>
  );
}
