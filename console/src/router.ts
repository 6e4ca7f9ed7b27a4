import { useEffect, useState } from 'react';

/** The console's place, from the URL's fragment: `#/customers/ID` → ['customers', 'ID']. */
export function useRoute(): string[] {
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter((s) => s !== '')
    .map((s) => decodeURIComponent(s));
}

export const href = (...parts: string[]) => `#/${parts.map(encodeURIComponent).join('/')}`;

export function go(...parts: string[]): void {
  window.location.hash = href(...parts);
}

/** Forget a secret that was in the fragment (a sign-in link or an invitation): no history entry keeps it. */
export function clearFragment(to = '#/'): void {
  window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}${to}`);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}
