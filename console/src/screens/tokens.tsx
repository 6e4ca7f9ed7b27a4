import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useConsole } from '../context.js';
import { ConfirmButton, Empty, ErrorNote, Field, Loading, SecretOnce, Title, when } from '../ui.js';

/** The signed-in user's API tokens: create (shown once), revoke. */
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
    </>
  );
}
