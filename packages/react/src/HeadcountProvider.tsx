import type { HeadcountClient } from '@headcount/browser';
import type { ReactNode } from 'react';
import { HeadcountContext } from './HeadcountContext';

export interface HeadcountProviderProps {
  /** A client from `createHeadcount(...)`; the app owns it (the provider never destroys it). */
  client: HeadcountClient;
  children?: ReactNode;
}

/** Makes the SDK client available to `useHeadcount()` below it. */
export function HeadcountProvider({ client, children }: HeadcountProviderProps) {
  return <HeadcountContext.Provider value={client}>{children}</HeadcountContext.Provider>;
}
