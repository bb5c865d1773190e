import type { HeadcountClient } from '@headcount/browser';
import { createContext } from 'react';

/** `null` outside a provider, so `useHeadcount` can say what is missing. */
export const HeadcountContext = createContext<HeadcountClient | null>(null);
HeadcountContext.displayName = 'HeadcountContext';
