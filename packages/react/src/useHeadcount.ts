import type { HeadcountClient } from '@headcount/browser';
import { useContext } from 'react';
import { HeadcountContext } from './HeadcountContext';

/** The SDK client given to the nearest `<HeadcountProvider>`. */
export function useHeadcount(): HeadcountClient {
  const client = useContext(HeadcountContext);
  if (!client) {
    throw new Error('useHeadcount() must be used inside <HeadcountProvider client={createHeadcount({...})}>.');
  }
  return client;
}
