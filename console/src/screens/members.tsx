import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import type { BusinessUserResponse, Role } from '../api.js';
import { useConsole } from '../context.js';
import { grantable, may } from '../roles.js';
import { ConfirmButton, Dialog, Empty, ErrorNote, Field, Loading, SecretOnce, Title, when } from '../ui.js';

/** The business's members; owners and admins also invite (the link shown once) and revoke invitations. */
export function MembersScreen() {
  const { api, business, session } = useConsole();
  const queries = useQueryClient();
  const manage = may(business.role, 'manage');
  const members = useQuery({
    queryKey: ['members', business.id],
    queryFn: () => api.members.list({ limit: 100 }).toArray(),
  });
  const invitationsKey = ['invitations', business.id];
  const invitations = useQuery({
    queryKey: invitationsKey,
    queryFn: () => api.invitations.list({ limit: 100 }).toArray(),
    enabled: manage,
  });
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('member');
  const roleId = useId();
  const invite = useMutation({
    mutationFn: () => api.invitations.create({ email, role }),
    onSuccess: () => {
      setEmail('');
      return queries.invalidateQueries({ queryKey: invitationsKey });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api.invitations.revoke(id),
    onSuccess: () => queries.invalidateQueries({ queryKey: invitationsKey }),
  });
  const remove = useMutation({
    mutationFn: (userId: string) => api.members.remove(userId),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['members', business.id] }),
  });
  const [changing, setChanging] = useState<BusinessUserResponse | null>(null);
  // The server's rules (contract §3.4): owners and admins manage; only an owner touches the owner
  // role; the last owner is neither demoted nor removed. What it would refuse is not offered.
  const owners = (members.data ?? []).filter((m) => m.role === 'owner').length;
  const mayTouch = (m: BusinessUserResponse) =>
    manage && (m.role !== 'owner' || (business.role === 'owner' && owners > 1));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    invite.mutate();
  };

  return (
    <>
      <Title>Members</Title>
      {manage ? (
        <form className="card" onSubmit={submit} aria-labelledby="invite-heading" noValidate>
          <h2 id="invite-heading">Invite someone</h2>
          <p className="muted">No e-mail is sent: you get a link to give them. It works once, for 7 days.</p>
          <div className="grid">
            <Field
              label="E-mail"
              name="email"
              type="email"
              value={email}
              onChange={setEmail}
              error={invite.error}
              required
            />
            <div className="field">
              <label htmlFor={roleId}>Role</label>
              <select id={roleId} value={role} onChange={(e) => setRole(e.target.value as Role)}>
                {grantable(business.role).map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <ErrorNote error={invite.error} fields={['email', 'role']} />
          <button type="submit" className="primary" disabled={invite.isPending}>
            Create invitation link
          </button>
        </form>
      ) : null}
      {invite.data ? (
        <SecretOnce label={`Invitation link for ${invite.data.email} (${invite.data.role})`} value={invite.data.url} />
      ) : null}
      <section aria-labelledby="members-heading">
        <h2 id="members-heading">Members of {business.name}</h2>
        {members.isPending ? <Loading what="Loading members…" /> : null}
        <ErrorNote error={members.error ?? remove.error} />
        {members.data?.length === 0 ? <Empty>No members.</Empty> : null}
        {members.data && members.data.length > 0 ? (
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Members</caption>
              <thead>
                <tr>
                  <th scope="col">E-mail</th>
                  <th scope="col">Role</th>
                  <th scope="col" className="wide-only">
                    Since
                  </th>
                  {manage ? (
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {members.data.map((m) => (
                  <tr key={m.user_id}>
                    <td className="wrap">{m.email}</td>
                    <td>{m.role}</td>
                    <td className="wide-only">{new Date(m.created_at).toLocaleDateString()}</td>
                    {manage ? (
                      <td>
                        {mayTouch(m) ? (
                          <div className="actions">
                            <button
                              type="button"
                              aria-label={`Change role of ${m.email}`}
                              onClick={() => setChanging(m)}
                            >
                              Change role
                            </button>
                            {m.user_id !== session.user.id ? (
                              <ConfirmButton
                                label="Remove"
                                name={`Remove ${m.email}`}
                                question={`Remove ${m.email} from ${business.name}?`}
                                confirmLabel="Yes, remove"
                                onConfirm={() => remove.mutate(m.user_id)}
                              />
                            ) : null}
                          </div>
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
      {changing ? <ChangeRole member={changing} onClose={() => setChanging(null)} /> : null}
      {manage ? (
        <section aria-labelledby="pending-heading">
          <h2 id="pending-heading">Pending invitations</h2>
          {invitations.isPending ? <Loading what="Loading invitations…" /> : null}
          <ErrorNote error={invitations.error ?? revoke.error} />
          {invitations.data?.length === 0 ? <Empty>No pending invitations.</Empty> : null}
          <ul className="plain">
            {(invitations.data ?? []).map((i) => (
              <li key={i.id} className="card row">
                <span className="wrap">
                  <strong>{i.email}</strong> as {i.role}, until {when(i.expires_at)}
                </span>
                <ConfirmButton
                  label={`Revoke the invitation of ${i.email}`}
                  question="Revoke this invitation?"
                  confirmLabel="Yes, revoke"
                  onConfirm={() => revoke.mutate(i.id)}
                />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

/** A member's new role, in a dialog: the roles the caller may grant; a refusal (the last owner: 409) in words. */
function ChangeRole({ member, onClose }: { member: BusinessUserResponse; onClose: () => void }) {
  const { api, business, session } = useConsole();
  const queries = useQueryClient();
  const [role, setRole] = useState<Role>(member.role);
  const roleId = useId();
  const change = useMutation({
    mutationFn: () => api.members.update(member.user_id, { role }),
    onSuccess: async () => {
      await queries.invalidateQueries({ queryKey: ['members', business.id] });
      // One's own role changed: what the console offers changes with it.
      if (member.user_id === session.user.id) await queries.invalidateQueries({ queryKey: ['businesses'] });
      onClose();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    change.mutate();
  };
  return (
    <Dialog title={`Change the role of ${member.email}`} onClose={onClose}>
      <form onSubmit={submit} aria-label="Change the role" noValidate>
        <p className="muted">
          Now {member.role}. Viewers read; members also create and edit customers and contacts; admins also delete,
          upload and manage members and webhooks; owners can do everything.
        </p>
        <div className="field">
          <label htmlFor={roleId}>New role</label>
          <select id={roleId} value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {grantable(business.role).map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        {member.user_id === session.user.id && role !== member.role ? (
          <p className="muted">This is your own role: you may lose the right to undo it.</p>
        ) : null}
        <ErrorNote error={change.error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={change.isPending || role === member.role}>
            Save the role
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
