import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import {
  AuthenticationError,
  type BusinessResponse,
  type CurrentSessionResponse,
  sessionApi,
  signedOut,
} from './api.js';
import { type Console, ConsoleContext } from './context.js';
import { may } from './roles.js';
import { clearFragment, href, useRoute } from './router.js';
import { CustomerScreen } from './screens/customer.js';
import { CustomersScreen } from './screens/customers.js';
import { EventsScreen } from './screens/events.js';
import { MembersScreen } from './screens/members.js';
import { InvitationScreen, SignInScreen } from './screens/sign-in.js';
import { TokensScreen } from './screens/tokens.js';
import { UploadScreen } from './screens/upload.js';
import { WebhooksScreen } from './screens/webhooks.js';
import { ErrorNote, Loading } from './ui.js';

const BUSINESS_KEY = 'customers-console.business';

async function currentSession(): Promise<CurrentSessionResponse | null> {
  try {
    return await signedOut.sessions.current();
  } catch (error) {
    if (error instanceof AuthenticationError) return null;
    throw error;
  }
}

export function App() {
  const route = useRoute();
  const session = useQuery({ queryKey: ['session'], queryFn: currentSession, staleTime: Number.POSITIVE_INFINITY });

  if (route[0] === 'invitation' && route[1]) {
    return <InvitationScreen secret={route[1]} session={session.data ?? null} />;
  }
  if (route[0] === 'sign-in' && route[1]) return <SignInScreen link={route[1]} />;
  if (session.isPending) return <Loading what="Loading the console…" />;
  if (session.isError) {
    return (
      <main className="narrow">
        <h1>Customers console</h1>
        <ErrorNote error={session.error} />
      </main>
    );
  }
  if (session.data === null) return <SignInScreen />;
  return <SignedIn session={session.data} route={route} />;
}

function SignedIn({ session, route }: { session: CurrentSessionResponse; route: string[] }) {
  const queries = useQueryClient();
  const plain = useMemo(() => sessionApi(session.csrf_token), [session.csrf_token]);
  const businesses = useQuery({
    queryKey: ['businesses', session.user.id],
    queryFn: () => plain.businesses.list({ limit: 100 }).toArray(),
  });
  const [chosen, setChosen] = useState(() => window.localStorage.getItem(BUSINESS_KEY));
  const list = businesses.data ?? [];
  const business: BusinessResponse | undefined = list.find((b) => b.id === chosen) ?? list[0];
  useEffect(() => {
    if (business) window.localStorage.setItem(BUSINESS_KEY, business.id);
  }, [business]);
  const signOut = useMutation({
    mutationFn: () => plain.sessions.end(),
    onSettled: () => {
      queries.clear();
      queries.setQueryData(['session'], null);
      clearFragment('#/');
    },
  });
  const value: Console | undefined = useMemo(
    () => (business ? { session, business, api: sessionApi(session.csrf_token, business.id) } : undefined),
    [session, business],
  );

  const role = business?.role ?? 'viewer';
  const nav: { to: string; label: string; show: boolean }[] = [
    { to: 'customers', label: 'Customers', show: true },
    { to: 'upload', label: 'Bulk upload', show: may(role, 'bulk') },
    { to: 'members', label: 'Members', show: true },
    { to: 'tokens', label: 'API tokens', show: true },
    { to: 'webhooks', label: 'Webhooks', show: may(role, 'manage') },
    { to: 'events', label: 'Events', show: true },
  ];
  const here = route[0] ?? 'customers';

  return (
    <>
      <button type="button" className="skip" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <header className="top">
        <span className="brand">Customers console</span>
        <div className="who">
          {list.length > 0 ? (
            <label className="switcher">
              <span>Business</span>
              <select
                value={business?.id ?? ''}
                onChange={(e) => {
                  setChosen(e.target.value);
                  window.location.hash = href('customers');
                }}
              >
                {list.map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.name} ({b.role})
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <span className="user" data-testid="who">
            Signed in as <strong>{session.user.email}</strong>
          </span>
          <button type="button" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
            Sign out
          </button>
        </div>
      </header>
      {business ? (
        <nav aria-label="Sections" className="sections">
          <ul>
            {nav
              .filter((n) => n.show)
              .map((n) => (
                <li key={n.to}>
                  <a href={href(n.to)} aria-current={here === n.to ? 'page' : undefined}>
                    {n.label}
                  </a>
                </li>
              ))}
            <li>
              <a href="/docs/">API reference</a>
            </li>
          </ul>
        </nav>
      ) : null}
      <main id="main" tabIndex={-1}>
        {businesses.isPending ? <Loading what="Loading your businesses…" /> : null}
        {businesses.isError ? <ErrorNote error={businesses.error} /> : null}
        {businesses.isSuccess && !value ? (
          <>
            <h1>No business yet</h1>
            <p>Your account is not a member of any business. Ask an owner or admin for an invitation.</p>
          </>
        ) : null}
        {value ? (
          <ConsoleContext.Provider value={value}>
            <Screen key={`${value.business.id}/${route.join('/')}`} route={route} />
          </ConsoleContext.Provider>
        ) : null}
      </main>
    </>
  );
}

function Screen({ route }: { route: string[] }) {
  switch (route[0]) {
    case undefined:
    case 'customers':
      return route[1] ? <CustomerScreen id={route[1]} /> : <CustomersScreen />;
    case 'upload':
      return <UploadScreen />;
    case 'members':
      return <MembersScreen />;
    case 'tokens':
      return <TokensScreen />;
    case 'webhooks':
      return <WebhooksScreen />;
    case 'events':
      return <EventsScreen />;
    default:
      return (
        <>
          <h1>Not found</h1>
          <p>
            There is no such page. <a href={href('customers')}>Go to the customers</a>.
          </p>
        </>
      );
  }
}
