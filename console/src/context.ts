import { createContext, useContext } from 'react';
import type { BusinessResponse, CurrentSessionResponse, CustomersApi } from './api.js';

export interface Console {
  session: CurrentSessionResponse;
  /** Acting in the chosen business (`x-business-id`). */
  api: CustomersApi;
  business: BusinessResponse;
}

export const ConsoleContext = createContext<Console | null>(null);

export function useConsole(): Console {
  const value = useContext(ConsoleContext);
  if (!value) throw new Error('useConsole outside the signed-in console');
  return value;
}
