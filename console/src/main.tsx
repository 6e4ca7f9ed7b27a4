import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AuthenticationError } from './api.js';
import { App } from './app.js';
import './styles.css';

// A 401 anywhere means the session has ended: forget it, and the sign-in page shows.
const signedOutBy = (error: unknown) => {
  if (error instanceof AuthenticationError) client.setQueryData(['session'], null);
};
const client: QueryClient = new QueryClient({
  queryCache: new QueryCache({ onError: signedOutBy }),
  mutationCache: new MutationCache({ onError: signedOutBy }),
  defaultOptions: {
    queries: { retry: false, refetchOnWindowFocus: false, staleTime: 5_000 },
  },
});

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={client}>
        <App />
      </QueryClientProvider>
    </StrictMode>,
  );
}
