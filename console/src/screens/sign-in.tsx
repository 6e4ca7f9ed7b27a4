import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { AuthenticationError, type CurrentSessionResponse, describeError, sessionApi, signedOut } from '../api.js';
import { passkeysUnavailable, signInWithPasskey } from '../passkeys.js';
import { clearFragment } from '../router.js';
import { Field, Title } from '../ui.js';

function signInError(error: unknown, what: string): string {
  if (error instanceof AuthenticationError) return `This ${what} was already used, has expired or is not valid.`;
  return describeError(error);
}

/** Sign in: by a one-time link (asks for a click first), or with an API token. */
export function SignInScreen({ link }: { link?: string }) {
  const queries = useQueryClient();
  const [token, setToken] = useState('');
  const done = async () => {
    clearFragment('#/customers');
    await queries.invalidateQueries();
  };
  const byLink = useMutation({
    mutationFn: (secret: string) => signedOut.sessions.create({ link: secret }),
    onSuccess: done,
    // The link is spent or wrong either way: it leaves the address bar.
    onError: () => window.history.replaceState(null, '', `${window.location.pathname}#/sign-in`),
  });
  const byToken = useMutation({
    mutationFn: (value: string) => signedOut.sessions.create({ token: value.trim() }),
    onSuccess: done,
  });
  const byPasskey = useMutation({ mutationFn: signInWithPasskey, onSuccess: done });
  const noPasskeys = passkeysUnavailable();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    byToken.mutate(token);
  };

  return (
    <main className="narrow" id="main">
      <Title>Sign in to the Customers console</Title>
      {link && !byLink.isError ? (
        <section aria-labelledby="link-heading" className="card">
          <h2 id="link-heading">You opened a sign-in link</h2>
          <p>It works once. Sign in with it on this device?</p>
          <button type="button" className="primary" disabled={byLink.isPending} onClick={() => byLink.mutate(link)}>
            {byLink.isPending ? 'Signing in…' : 'Sign in'}
          </button>
        </section>
      ) : null}
      {byLink.isError ? (
        <p className="error" role="alert">
          {signInError(byLink.error, 'sign-in link')} Ask your operator for a new one (
          <code>customers-api login-link --email you@example.com</code>), or sign in with an API token.
        </p>
      ) : null}
      <section aria-labelledby="passkey-heading" className="card">
        <h2 id="passkey-heading">Sign in with a passkey</h2>
        {noPasskeys ? (
          <p className="muted">{noPasskeys}</p>
        ) : (
          <>
            <p>If you registered a passkey on this device (or your phone), use it here.</p>
            <button type="button" className="primary" disabled={byPasskey.isPending} onClick={() => byPasskey.mutate()}>
              {byPasskey.isPending ? 'Waiting for the passkey…' : 'Sign in with a passkey'}
            </button>
          </>
        )}
        {byPasskey.isError ? (
          <p className="error" role="alert">
            {signInError(byPasskey.error, 'passkey')}
          </p>
        ) : null}
      </section>
      <section aria-labelledby="token-heading" className="card">
        <h2 id="token-heading">Sign in with an API token</h2>
        <form onSubmit={submit}>
          <Field
            label="API token"
            name="token"
            type="password"
            autoComplete="off"
            error={byToken.error}
            value={token}
            onChange={setToken}
            required
            hint="A token starting with dz_ (the first-run banner prints one)."
          />
          {byToken.isError ? (
            <p className="error" role="alert">
              {signInError(byToken.error, 'token')}
            </p>
          ) : null}
          <button type="submit" className="primary" disabled={byToken.isPending || token.trim() === ''}>
            Sign in with the token
          </button>
        </form>
      </section>
      <p className="muted">
        Developers: the API itself is documented at <a href="/docs/">the API reference</a>.
      </p>
    </main>
  );
}

/** An invitation's link: join its business (a new account signs in; a signed-in one adds the membership). */
export function InvitationScreen({ secret, session }: { secret: string; session: CurrentSessionResponse | null }) {
  const queries = useQueryClient();
  const accept = useMutation({
    mutationFn: () => (session ? sessionApi(session.csrf_token) : signedOut).invitations.accept(secret),
    onSuccess: async (accepted) => {
      window.localStorage.setItem('customers-console.business', accepted.business_id);
      clearFragment('#/customers');
      await queries.invalidateQueries();
    },
    onError: () => window.history.replaceState(null, '', `${window.location.pathname}#/invitation`),
  });
  return (
    <main className="narrow" id="main">
      <Title>Join a business</Title>
      {accept.isError ? (
        <>
          <p className="error" role="alert">
            {signInError(accept.error, 'invitation')} Ask whoever invited you for a new invitation.
          </p>
          <p>
            <a href="#/">Go to the console</a>
          </p>
        </>
      ) : (
        <section className="card" aria-labelledby="invite-heading">
          <h2 id="invite-heading">You were invited</h2>
          <p>
            {session
              ? `Accepting adds the business to your account (${session.user.email}).`
              : 'Accepting signs you in as a new member of the business.'}{' '}
            The invitation works once.
          </p>
          <button type="button" className="primary" disabled={accept.isPending} onClick={() => accept.mutate()}>
            Accept the invitation
          </button>
        </section>
      )}
    </main>
  );
}
